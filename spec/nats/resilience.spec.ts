import { jetstreamManager } from '@nats-io/jetstream';
import type { EventSourceMessage } from 'eventsource-parser';
import { describeNats, startNatsCluster, startNatsServer } from '../support/nats-server';
import { openSse, type SseResponse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';
import { startConductor, startReplica, type Conductor, type Replica } from './support/scale-out';

/** The daemon events of a stream, as `[id, sheet_num]`. */
function received(events: readonly EventSourceMessage[]): { ids: number[]; sheets: number[] } {
  const daemon = events.filter((e) => e.id !== undefined);
  return {
    ids: daemon.map((e) => Number(e.id)),
    sheets: daemon.map((e) => (JSON.parse(e.data) as { sheet_num: number }).sheet_num),
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One SSE client that records whether the server ever ended its response. */
async function watch(
  replica: Replica,
  jobId: string,
): Promise<SseResponse & { disconnected: () => boolean }> {
  const client = await openSse(`${replica.server.url}/api/jobs/${jobId}/events`);
  let ended = false;
  void client.ended.then(() => (ended = true));
  return Object.assign(client, { disconnected: () => ended });
}

function expectExactlyInOrder(client: SseResponse, sheets: number[]): void {
  const got = received(client.events);
  expect(got.sheets).toEqual(sheets);
  for (let i = 1; i < got.ids.length; i++) expect(got.ids[i]!).toBeGreaterThan(got.ids[i - 1]!);
}

/** Real outages: a NATS server stopped for 5 s, and a cluster's stream leader killed. */
describeNats('resilience through JetStream', () => {
  jest.setTimeout(90_000);

  it('NATS stopped for 5 s while the daemon publishes: every client gets every event, in order, and stays connected', async () => {
    const nats = await startNatsServer();
    const conductor = await startConductor(nats.url, 'host-a');
    const replicas = [await startReplica(nats.url), await startReplica(nats.url)];
    const clients = await Promise.all(replicas.map((r) => watch(r, 'outage')));
    try {
      const sheets: number[] = [];
      const publish = () => sheets.push(conductor.publish('outage')['sheet_num'] as number);
      for (let i = 0; i < 5; i++) publish();
      await waitUntil(() => conductor.relay.stats().counters.published === 5, 'published before the outage');
      await nats.stop();
      for (let i = 0; i < 10; i++) {
        publish();
        await pause(500);
      }
      expect(conductor.relay.stats().buffered.events).toBeGreaterThan(0);
      await nats.start();
      for (let i = 0; i < 5; i++) publish();
      await everyClientHas(clients, sheets);
      for (const client of clients) {
        expectExactlyInOrder(client, sheets);
        expect(client.disconnected()).toBe(false);
      }
      expect(conductor.relay.stats().counters.dropped).toBe(0);
    } finally {
      for (const client of clients) client.close();
      await Promise.all(replicas.map((r) => r.stop()));
      await conductor.stop();
      await nats.dispose();
    }
  });

  it('a 3-node cluster loses its stream leader mid-stream: nothing lost, duplicated or reordered', async () => {
    const cluster = await startNatsCluster(3);
    let conductor: Conductor | undefined;
    const replicas: Replica[] = [];
    try {
      conductor = await startConductor(cluster.urls, 'host-a', { replicas: 3 });
      replicas.push(await startReplica(cluster.urls), await startReplica(cluster.urls));
      const clients = await Promise.all(replicas.map((r) => watch(r, 'failover')));
      const sheets: number[] = [];
      const publish = () => sheets.push(conductor!.publish('failover')['sheet_num'] as number);
      for (let i = 0; i < 10; i++) publish();
      await waitUntil(
        () => conductor!.relay.stats().counters.published === 10,
        'published before the failover',
        30_000,
      );
      const jsm = await jetstreamManager(conductor.nc);
      const leader = (await jsm.streams.info('DEB_EVENTS')).cluster?.leader;
      const victim = cluster.servers.find((s) => s.name === leader);
      expect(victim).toBeDefined();
      await victim!.stop();
      for (let i = 0; i < 20; i++) {
        publish();
        await pause(100);
      }
      await everyClientHas(clients, sheets);
      for (const client of clients) {
        expectExactlyInOrder(client, sheets);
        client.close();
      }
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await conductor?.stop();
      await cluster.dispose();
    }
  });
});

/** Waits until every client has received at least `sheets.length` events (NATS recovery takes real seconds). */
async function everyClientHas(
  clients: readonly { events: Parameters<typeof received>[0] }[],
  sheets: readonly unknown[],
): Promise<void> {
  await waitUntil(
    () => clients.every((c) => received(c.events).sheets.length >= sheets.length),
    () =>
      `every client has ${sheets.length} events (${clients.map((c) => received(c.events).sheets.length).join(', ')})`,
    60_000,
  );
}
