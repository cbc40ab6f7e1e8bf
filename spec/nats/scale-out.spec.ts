import { get } from 'node:http';
import type { EventSourceMessage } from 'eventsource-parser';
import { JetStreamEventLog } from '../../src/nats/jetstream-log';
import { describeNats, startNatsServer, type NatsServer } from '../support/nats-server';
import { openSse, type SseResponse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';
import { startConductor, startReplica, type Conductor, type Replica } from './support/scale-out';

/** Daemon events only (no heartbeats or state events), as `sheet_num`s. */
const sheets = (events: readonly EventSourceMessage[]) =>
  events
    .filter((e) => e.id !== undefined)
    .map((e) => (JSON.parse(e.data) as { sheet_num: number }).sheet_num);
const ids = (events: readonly EventSourceMessage[]) =>
  events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
/** The events of a global stream that a test tagged (the stream also replays other tests' events). */
const tagged = (events: readonly EventSourceMessage[], tag: string) =>
  events.filter((e) => e.id !== undefined && (JSON.parse(e.data) as { tag?: string }).tag === tag);

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

/**
 * Scale-out over a real nats-server: relays publish into JetStream, gateway
 * replicas read it; a client resumes on any replica, after any restart.
 */
describeNats('scale-out through JetStream', () => {
  let nats: NatsServer;
  let conductor: Conductor;
  const replicas: Replica[] = [];
  const clients: SseResponse[] = [];
  const replica = async (options: { replaySize?: number } = {}) => {
    const r = await startReplica(nats.url, options);
    replicas.push(r);
    return r;
  };
  const open = async (url: string, headers: Record<string, string> = {}) => {
    const c = await openSse(url, { headers });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    conductor = await startConductor(nats.url, 'host-a');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(replicas.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await conductor.stop();
    await nats.dispose();
  });

  it.each([
    ['from the ring', 1_000],
    ['from the log (ring of 2)', 2],
  ])(
    'a client cut from replica 1 resumes on replica 2 with Last-Event-ID: exactly the missed events (%s)',
    async (_, replaySize) => {
      const [one, two] = [await replica(), await replica({ replaySize })];
      const first = await open(`${one.server.url}/api/jobs/job-r${replaySize}/events`);
      const before = Array.from({ length: 5 }, () => conductor.publish(`job-r${replaySize}`));
      await waitUntil(() => sheets(first.events).length === 5, 'five events on replica 1');
      first.close();
      const lastEventId = first.events.filter((e) => e.id !== undefined).at(-1)!.id!;
      const missed = Array.from({ length: 6 }, () => conductor.publish(`job-r${replaySize}`));
      conductor.publish('other-job');
      await waitUntil(() => two.bridge.stats().counters.eventsIn >= 12, 'replica 2 caught up', 15_000);
      const second = await open(`${two.server.url}/api/jobs/job-r${replaySize}/events`, {
        'Last-Event-ID': lastEventId,
      });
      const after = conductor.publish(`job-r${replaySize}`);
      await waitUntil(() => sheets(second.events).length === 7, 'missed and live events on replica 2');
      expect(sheets(first.events)).toEqual(before.map((e) => e['sheet_num']));
      expect(sheets(second.events)).toEqual([...missed, after].map((e) => e['sheet_num']));
      expect(second.events.some((e) => e.event === 'stream_reset')).toBe(false);
      const allIds = [...ids(first.events), ...ids(second.events)];
      expect(allIds).toEqual([...allIds].sort((a, b) => a - b));
      expect(new Set(allIds).size).toBe(allIds.length);
      expect(JSON.parse(second.events.find((e) => e.id !== undefined)!.data)).toMatchObject({
        conductor: 'host-a',
      });
    },
  );

  it('resume works across a gateway restart; an id past the log end gives stream_reset unknown_id', async () => {
    let gateway = await replica();
    const first = await open(`${gateway.server.url}/api/events/stream?limit=1`);
    conductor.publish('restart-job', { tag: 'restart' });
    await waitUntil(() => tagged(first.events, 'restart').length === 1, 'one event');
    const lastEventId = tagged(first.events, 'restart')[0]!.id!;
    await gateway.stop();
    replicas.splice(replicas.indexOf(gateway), 1);
    const missed = [
      conductor.publish('restart-job', { tag: 'restart' }),
      conductor.publish(undefined, { tag: 'restart' }),
    ];
    gateway = await replica();
    const second = await open(`${gateway.server.url}/api/events/stream`, { 'Last-Event-ID': lastEventId });
    await waitUntil(() => sheets(second.events).length === 2, 'the missed events after the restart');
    expect(sheets(second.events)).toEqual(missed.map((e) => e['sheet_num']));
    expect(ids(second.events)[0]).toBe(Number(lastEventId) + 1);

    const bogus = await open(`${gateway.server.url}/api/jobs/restart-job/events`, {
      'Last-Event-ID': '999999',
    });
    await waitUntil(() => bogus.events.some((e) => e.event === 'stream_reset'), 'stream_reset');
    expect(JSON.parse(bogus.events.find((e) => e.event === 'stream_reset')!.data)).toMatchObject({
      reason: 'unknown_id',
    });
  });

  it('two conductors in one stream: stream order, each event names its conductor, history goes to the right one', async () => {
    const other = await startConductor(nats.url, 'host-b');
    try {
      const gateway = await replica();
      const all = await open(`${gateway.server.url}/api/events/stream?limit=1`);
      const onlyB = await open(`${gateway.server.url}/api/conductors/host-b/jobs/shared/events`);
      const mine = () => tagged(all.events, 'two');
      conductor.publish('shared', { tag: 'two' });
      await waitUntil(() => mine().length === 1, 'the first event');
      other.publish('shared', { tag: 'two' });
      await waitUntil(() => mine().length === 2, 'the second event');
      conductor.publish('shared', { tag: 'two' });
      await waitUntil(() => mine().length === 3, 'the third event');
      const conductors = mine().map((e) => (JSON.parse(e.data) as { conductor: string }).conductor);
      expect(conductors).toEqual(['host-a', 'host-b', 'host-a']);
      expect(ids(mine())).toEqual([...ids(mine())].sort((a, b) => a - b));
      await waitUntil(() => ids(onlyB.events).length === 1, 'host-b event on its route');
      expect(JSON.parse(onlyB.events.find((e) => e.id !== undefined)!.data)).toMatchObject({
        conductor: 'host-b',
      });

      conductor.daemon.setObserverEvents('shared', [{ from: 'a' }]);
      other.daemon.setObserverEvents('shared', [{ from: 'b' }]);
      const base = gateway.server.url;
      expect(await getJson(`${base}/api/conductors/host-a/jobs/shared/observer`)).toEqual([{ from: 'a' }]);
      expect(await getJson(`${base}/api/conductors/host-b/jobs/shared/observer`)).toEqual([{ from: 'b' }]);
      expect(await getJson(`${base}/api/jobs/shared/observer`)).toEqual([{ from: 'a' }]);

      const health = (await getJson(`${base}/healthz`)) as { conductors: Record<string, { events: number }> };
      expect(Object.keys(health.conductors).sort()).toEqual(['host-a', 'host-b']);

      await other.relay.stop(100);
      expect(await getJson(`${base}/api/conductors/host-b/jobs/shared/observer`)).toEqual([]);
      // "at once": NATS answers "no responders" rather than letting the request time out
      const failure: unknown = await new JetStreamEventLog(gateway.nc)
        .observerEvents('shared', 5, 'host-b')
        .catch((error: unknown) => error);
      expect((failure as Error & { isNoResponders(): boolean }).isNoResponders()).toBe(true);
    } finally {
      await other.stop();
    }
  });
});
