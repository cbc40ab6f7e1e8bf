import { filter, share, Subject, type Observable } from 'rxjs';
import { DaemonEventBridge } from '../src/bridge/bridge';
import type { DaemonClient } from '../src/daemon/daemon-client';
import type { JsonObject } from '../src/json';
import { toSseMessage } from '../src/bridge/to-sse-message';
import type { Result } from './result';

const JOBS = 1_000;
const JOB_CONSUMERS = 10_000;
const GLOBAL_CONSUMERS = 10;

function events(count: number): JsonObject[] {
  return Array.from({ length: count }, (_, i) => ({
    job_id: `job-${i % JOBS}`,
    sheet_num: i % 7,
    event: 'sheet.completed',
    data: { success: true, cost_usd: 0.04, duration_seconds: 12.5 },
    timestamp: 1764000000 + i,
  }));
}

function feedClient(feed: Subject<JsonObject>): DaemonClient {
  return { stream: () => feed, call: () => Promise.resolve([]) };
}

/** Events per second through the bridge's keyed router, 10,000 job consumers + 10 global. */
export function routingThroughput(): Result[] {
  const feed = new Subject<JsonObject>();
  const bridge = new DaemonEventBridge(feedClient(feed), { replaySize: 1_000 });
  bridge.start();
  let delivered = 0;
  const subscriptions = [];
  for (let i = 0; i < JOB_CONSUMERS; i++) {
    subscriptions.push(bridge.jobEvents(`job-${i % JOBS}`).subscribe(() => delivered++));
  }
  for (let i = 0; i < GLOBAL_CONSUMERS; i++)
    subscriptions.push(bridge.allEvents(0).subscribe(() => delivered++));

  const batch = events(200_000);
  for (const event of batch.slice(0, 20_000)) feed.next(event); // warm up
  delivered = 0;
  const start = process.hrtime.bigint();
  for (const event of batch) feed.next(event);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perEvent = JOB_CONSUMERS / JOBS + GLOBAL_CONSUMERS;
  const deliveredInRun = delivered;
  bridge.stop();
  subscriptions.forEach((s) => s.unsubscribe());
  if (deliveredInRun !== batch.length * perEvent)
    throw new Error(`delivered ${deliveredInRun}, expected ${batch.length * perEvent}`);
  return [
    {
      name: 'bridge routing, 10,000 job consumers + 10 global (events/s)',
      value: Math.round(batch.length / seconds),
      unit: 'events/s',
      target: 50_000,
      better: 'higher',
      note: `${perEvent} deliveries per event; Python original ≈ 10,000 events/s`,
    },
  ];
}

/** The design the issue warns against, for comparison: one filter per consumer on the shared stream. */
export function naiveFilterThroughput(): Result[] {
  const feed = new Subject<JsonObject>();
  const shared$: Observable<JsonObject> = feed.pipe(share());
  let delivered = 0;
  const subscriptions = [];
  for (let i = 0; i < JOB_CONSUMERS; i++) {
    const jobId = `job-${i % JOBS}`;
    subscriptions.push(
      shared$.pipe(filter((e) => e['job_id'] === jobId)).subscribe((e) => {
        toSseMessage(e);
        delivered++;
      }),
    );
  }
  const batch = events(5_000);
  const start = process.hrtime.bigint();
  for (const event of batch) feed.next(event);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  subscriptions.forEach((s) => s.unsubscribe());
  if (delivered !== batch.length * (JOB_CONSUMERS / JOBS)) throw new Error('naive baseline lost events');
  return [
    {
      name: 'naive shared$.pipe(filter) per consumer, same load (events/s)',
      value: Math.round(batch.length / seconds),
      unit: 'events/s',
      better: 'higher',
      note: 'baseline the bridge must beat; not a target',
    },
  ];
}

/** Heap held per idle consumer (route, heartbeat timer, subscriptions). */
export function memoryPerConsumer(): Result[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  const feed = new Subject<JsonObject>();
  const bridge = new DaemonEventBridge(feedClient(feed));
  bridge.start();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const subscriptions = [];
  for (let i = 0; i < JOB_CONSUMERS; i++) subscriptions.push(bridge.jobEvents(`job-${i % JOBS}`).subscribe());
  gc?.();
  const after = process.memoryUsage().heapUsed;
  bridge.stop();
  subscriptions.forEach((s) => s.unsubscribe());
  return [
    {
      name: 'heap per idle job consumer',
      value: Math.round((after - before) / JOB_CONSUMERS),
      unit: 'bytes',
      target: 8_192,
      better: 'lower',
      note: gc ? 'measured after gc()' : 'run with --expose-gc for a precise figure',
    },
  ];
}

/** Replay ring resume cost: a consumer resuming from the oldest id of a full 1,000-event ring. */
export function resumeCost(): Result[] {
  const feed = new Subject<JsonObject>();
  const bridge = new DaemonEventBridge(feedClient(feed), { instanceId: 'bench' });
  bridge.start();
  for (const event of events(1_000)) feed.next(event);
  const rounds = 2_000;
  let replayed = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    const sub = bridge.jobEvents('job-1', { lastEventId: 'bench-1' }).subscribe(() => replayed++);
    sub.unsubscribe();
  }
  const micros = Number(process.hrtime.bigint() - start) / 1e3 / rounds;
  bridge.stop();
  if (replayed === 0) throw new Error('nothing replayed');
  return [
    {
      name: 'resume from Last-Event-ID over a full 1,000-event ring',
      value: Math.round(micros * 10) / 10,
      unit: 'µs/resume',
      target: 1_000,
      better: 'lower',
    },
  ];
}
