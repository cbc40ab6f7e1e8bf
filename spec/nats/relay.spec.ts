import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { UnixSocketDaemonClient } from '../../src/daemon/unix-socket-client';
import type { JsonObject } from '../../src/json';
import { NatsRelay } from '../../src/nats/relay';
import { parseEventSubject } from '../../src/nats/subjects';
import { startFakeDaemon, type FakeDaemon } from '../../src/testing/fake-daemon';
import { describeNats, startNatsServer, type NatsServer } from '../support/nats-server';
import { waitUntil } from '../support/wait-until';

interface Stored {
  readonly seq: number;
  readonly subject: string;
  readonly raw: JsonObject;
}

/** Every message of the stream, in stream order. */
async function readStream(jsm: JetStreamManager, stream: string): Promise<Stored[]> {
  const info = await jsm.streams.info(stream);
  const out: Stored[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (m !== null) out.push({ seq: m.seq, subject: m.subject, raw: m.json<JsonObject>() });
  }
  return out;
}

/** The relay against a real nats-server and the fake daemon on a Unix socket. */
describeNats('NatsRelay', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let daemon: FakeDaemon;
  let client: UnixSocketDaemonClient;
  let relay: NatsRelay;
  let n = 0;
  const stream = () => `RELAY_${n}`;
  const event = (jobId: string | undefined, num: number): JsonObject => ({
    ...(jobId === undefined ? {} : { job_id: jobId }),
    sheet_num: num,
    event: 'sheet.started',
    data: null,
    timestamp: 1_764_000_000 + num,
  });

  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  beforeEach(async () => {
    n++;
    if (!server.running) await server.start();
    nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    jsm = await jetstreamManager(nc);
    daemon = await startFakeDaemon();
    client = new UnixSocketDaemonClient(daemon.socketPath, { timeoutMs: 5_000 });
    relay = new NatsRelay(client, nc, {
      conductor: 'host-a',
      stream: stream(),
      prefix: `t${n}`,
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    await relay.start();
    await daemon.waitFor((counters) => counters.openStreams === 1);
  });

  afterEach(async () => {
    await relay.stop(1_000);
    await client.close();
    await daemon.stop();
    await nc.close();
  });

  it('creates the stream with file storage, discard old and the event subjects, and never recreates it', async () => {
    const info = await jsm.streams.info(stream());
    expect(info.config).toMatchObject({
      subjects: [`t${n}.*.events.*`],
      storage: 'file',
      discard: 'old',
      max_age: 24 * 3600 * 1e9,
    });
    daemon.publish(event('a', 1));
    await waitUntil(async () => (await readStream(jsm, stream())).length === 1, 'one stored event');
    const again = new NatsRelay(client, nc, { conductor: 'host-b', stream: stream(), prefix: `t${n}` });
    await again.start();
    await again.stop();
    expect((await jsm.streams.info(stream())).state.messages).toBe(1);
  });

  it('publishes each event to its job subject, in order, job ids with dots and wildcards kept', async () => {
    const jobs = ['nightly', 'v1.2 *>', undefined, 'é'];
    jobs.forEach((job, i) => daemon.publish(event(job, i + 1)));
    await waitUntil(async () => (await readStream(jsm, stream())).length === 4, 'four stored events');
    const stored = await readStream(jsm, stream());
    expect(stored.map((s) => s.raw['sheet_num'])).toEqual([1, 2, 3, 4]);
    expect(stored.map((s) => parseEventSubject(`t${n}`, s.subject))).toEqual(
      jobs.map((jobId) => ({ conductor: 'host-a', jobId })),
    );
    expect(stored[1]!.subject).toBe(`t${n}.host-a.events.v1%2E2%20%2A%3E`);
    expect(relay.stats().counters).toMatchObject({ eventsIn: 4, published: 4, dropped: 0 });
  });

  it('answers history requests with the daemon result', async () => {
    daemon.setObserverEvents('v1.2', [{ event: 'x', n: 1 }]);
    const reply = await nc.request(
      `t${n}.host-a.rpc.observer_events`,
      JSON.stringify({ job_id: 'v1.2', limit: 5 }),
    );
    const body = reply.json<unknown>();
    expect(JSON.stringify(body)).toContain('"n":1');
  });

  it('buffers while NATS is stopped and publishes everything, once and in order, when it is back', async () => {
    daemon.publish(event('a', 0));
    await waitUntil(() => relay.stats().counters.published === 1, 'first publish');
    await server.stop();
    for (let i = 1; i <= 50; i++) daemon.publish(event('a', i));
    await waitUntil(() => relay.stats().counters.eventsIn === 51, 'events read while NATS is down');
    expect(relay.stats().buffered.events).toBeGreaterThan(0);
    await server.start();
    await waitUntil(() => relay.stats().buffered.events === 0, 'buffer drained', 30_000);
    const stored = await readStream(jsm, stream());
    expect(stored.map((s) => s.raw['sheet_num'])).toEqual(Array.from({ length: 51 }, (_, i) => i));
    expect(relay.stats().counters.dropped).toBe(0);
  });

  it('keeps what awaits an ack at stop() buffered, and stores it once when started again', async () => {
    await server.stop();
    for (let i = 1; i <= 3; i++) daemon.publish(event('a', i));
    await waitUntil(() => relay.stats().counters.eventsIn === 3, 'events read while NATS is down');
    await relay.stop(100);
    expect(relay.stats()).toMatchObject({ buffered: { events: 3 }, counters: { published: 0 } });
    await server.start();
    await relay.start();
    await waitUntil(() => relay.stats().buffered.events === 0, 'buffer drained', 30_000);
    const stored = await readStream(jsm, stream());
    expect(stored.map((s) => s.raw['sheet_num'])).toEqual([1, 2, 3]);
    expect(relay.stats().counters.published).toBe(3);
  });

  it('drops and counts what does not fit the buffer instead of growing', async () => {
    const small = new NatsRelay(client, nc, {
      conductor: 'host-s',
      stream: stream(),
      prefix: `t${n}`,
      bufferMaxEvents: 5,
      reconnect: { initialDelayMs: 50, maxDelayMs: 100 },
    });
    await small.start();
    await daemon.waitFor((counters) => counters.openStreams === 2);
    await server.stop();
    for (let i = 1; i <= 20; i++) daemon.publish(event('a', i));
    await waitUntil(() => small.stats().counters.eventsIn === 20, 'events read');
    expect(small.stats().buffered.events).toBeLessThanOrEqual(5);
    expect(small.stats().counters.dropped).toBeGreaterThanOrEqual(15);
    await server.start();
    await waitUntil(() => small.stats().buffered.events === 0, 'small buffer drained', 30_000);
    await small.stop();
  });

  it('survives a daemon restart and goes on relaying', async () => {
    daemon.publish(event('a', 1));
    await waitUntil(() => relay.stats().counters.published === 1, 'first publish');
    await daemon.restart();
    await daemon.waitFor((counters) => counters.openStreams === 1);
    daemon.publish(event('a', 2));
    await waitUntil(() => relay.stats().counters.published === 2, 'publish after the restart');
    expect(relay.stats().counters.daemonReconnects).toBeGreaterThanOrEqual(1);
    expect((await readStream(jsm, stream())).map((s) => s.raw['sheet_num'])).toEqual([1, 2]);
  });
});
