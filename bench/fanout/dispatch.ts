/**
 * In-process dispatch: events through the bridge to consumers that are plain
 * subscriptions (no HTTP), against the bare router with plain callbacks.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { filter, share, Subject, type Subscription } from 'rxjs';
import { DaemonEventBridge } from '../../src/bridge/bridge';
import { EventRouter } from '../../src/bridge/event-router';
import type { DaemonClient } from '../../src/daemon/daemon-client';
import type { JsonObject } from '../../src/json';
import { toSseMessage } from '../../src/bridge/to-sse-message';
import type { SseMessage } from '../../src/sse/message';
import { benchEvent } from './scenarios';

export interface DispatchSize {
  readonly events: number;
  /** Jobs, one consumer each. */
  readonly jobs: number;
  readonly globalConsumers: number;
}

export interface Dispatch {
  /** Events per second of CPU (user + system) of this process. */
  readonly eventsPerSecond: number;
  readonly expectedDeliveries: number;
  readonly deliveries: number;
}

const events = (size: DispatchSize, count = size.events) =>
  Array.from({ length: count }, (_, i) => benchEvent(i, size.jobs, 1764000000000.5));

/** Warm-up passes before the measured ones (see {@link measure}). */
const WARM_UP_PASSES = 3;
/** The measured passes run until they have used this much CPU, so that one figure spans many scheduler ticks. */
const MIN_MEASURED_CPU_SECONDS = 0.25;

/**
 * Publishes events `0 .. count - 1` (warm-up passes, then measured passes)
 * and returns the measured events per CPU-second; each event should reach
 * `deliveriesPerEvent` consumers.
 */
function measure(
  count: number,
  deliveriesPerEvent: number,
  publish: (i: number) => void,
  delivered: () => number,
): Dispatch {
  // Steady-state dispatch is the figure, not compile time: the optimising compiler runs on
  // threads of its own, and process.cpuUsage() counts them. Every pass runs the same loop
  // (`publishAll`), so the measured ones run code compiled during the warm-up; a loop
  // written twice would be compiled again (on stack) inside the measured time, which at
  // the router's speed (a few ms per pass) is most of it.
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) publishAll(count, publish);
  // collect the setup's garbage (10,000 subscriptions) now, not during the measured loop
  (globalThis as { gc?: () => void }).gc?.();
  const before = delivered();
  let published = 0;
  let seconds = 0;
  while (seconds < MIN_MEASURED_CPU_SECONDS) {
    const cpu = process.cpuUsage();
    publishAll(count, publish);
    const used = process.cpuUsage(cpu);
    seconds += (used.user + used.system) / 1e6;
    published += count;
  }
  return {
    eventsPerSecond: Math.round(published / seconds),
    expectedDeliveries: published * deliveriesPerEvent,
    deliveries: delivered() - before,
  };
}

function publishAll(count: number, publish: (i: number) => void): void {
  for (let i = 0; i < count; i++) publish(i);
}

/** The floor: the bridge's router with plain callbacks, messages made beforehand. */
export function routerFloor(size: DispatchSize): Dispatch {
  const router = new EventRouter<{ seq: number; jobId: string | undefined; message: SseMessage }>();
  let delivered = 0;
  const deliver = () => void delivered++;
  for (let job = 0; job < size.jobs; job++) router.add(`job-${job}`, deliver, 0);
  for (let i = 0; i < size.globalConsumers; i++) router.add(undefined, deliver, 0);
  const routed = events(size).map((raw, i) => ({
    seq: i + 1,
    jobId: raw['job_id'] as string,
    message: toSseMessage(raw, `b-${i + 1}`),
  }));
  return measure(
    size.events,
    1 + size.globalConsumers,
    (i) => router.dispatch(routed[i]!),
    () => delivered,
  );
}

/**
 * A bridge on an in-memory daemon stream with the consumers `subscribe`
 * opens, fed `raw` one event at a time and measured.
 */
function bridgeRun(
  raw: readonly JsonObject[],
  deliveriesPerEvent: number,
  subscribe: (bridge: DaemonEventBridge, deliver: () => void) => Subscription[],
): Dispatch {
  const feed = new Subject<JsonObject>();
  const client: DaemonClient = { stream: () => feed, call: () => Promise.resolve([]) };
  const bridge = new DaemonEventBridge(client, { replaySize: 1_000 });
  bridge.start();
  let delivered = 0;
  const subscriptions = subscribe(bridge, () => void delivered++);
  try {
    return measure(
      raw.length,
      deliveriesPerEvent,
      (i) => feed.next(raw[i]!),
      () => delivered,
    );
  } finally {
    subscriptions.forEach((s) => s.unsubscribe());
    bridge.stop();
  }
}

/** The bridge: validation, numbering, replay ring and routing to real consumer Observables. */
export function bridgeDispatch(size: DispatchSize): Dispatch {
  return bridgeRun(events(size), 1 + size.globalConsumers, (bridge, deliver) => [
    ...Array.from({ length: size.jobs }, (_, job) => bridge.jobEvents(`job-${job}`).subscribe(deliver)),
    ...Array.from({ length: size.globalConsumers }, () => bridge.allEvents(0).subscribe(deliver)),
  ]);
}

/** Consumers of the selective dispatch figures: each selects one event name of its own (or follows one job). */
export const SELECTIVE_CONSUMERS = 1_000;

/**
 * The events of the selective figures: names cycle through
 * {@link SELECTIVE_CONSUMERS} names and jobs through as many jobs, so each
 * event matches exactly one consumer of either figure.
 */
function oneMatchEvents(size: DispatchSize): JsonObject[] {
  return events(size).map((event, i) => ({
    ...event,
    job_id: `job-${i % SELECTIVE_CONSUMERS}`,
    event: selectedName(i % SELECTIVE_CONSUMERS),
  }));
}

const selectedName = (k: number) => `bench.e${k}`;

/**
 * Event selection: {@link SELECTIVE_CONSUMERS} global consumers, each with
 * `events: [one name]`; each event matches exactly one of them. The router
 * indexes selections by name: the cost per event must not grow with the
 * consumers that do not match. Compare with {@link unselectedDispatch}.
 */
export function selectiveDispatch(size: DispatchSize): Dispatch {
  return bridgeRun(oneMatchEvents(size), 1, (bridge, deliver) =>
    Array.from({ length: SELECTIVE_CONSUMERS }, (_, k) =>
      bridge.allEvents(0, { events: [selectedName(k)] }).subscribe(deliver),
    ),
  );
}

/**
 * The yardstick of {@link selectiveDispatch}: the same events and as many
 * consumers, without selection: one `jobEvents` consumer per job, so each
 * event again reaches exactly one consumer (the same deliveries per event).
 * Selective / this is the cost of selecting per matching delivery (1.0 = none).
 */
export function unselectedDispatch(size: DispatchSize): Dispatch {
  return bridgeRun(oneMatchEvents(size), 1, (bridge, deliver) =>
    Array.from({ length: SELECTIVE_CONSUMERS }, (_, k) => bridge.jobEvents(`job-${k}`).subscribe(deliver)),
  );
}

/** The naive pattern: a `filter` per consumer on one shared stream (on a tenth of the events: it is slow). */
export function naiveDispatch(size: DispatchSize): Dispatch {
  const feed = new Subject<JsonObject>();
  const shared$ = feed.pipe(share());
  let delivered = 0;
  const subscriptions = [];
  const consume = (jobId: string | undefined) =>
    shared$.pipe(filter((event) => jobId === undefined || event['job_id'] === jobId)).subscribe((event) => {
      toSseMessage(event);
      delivered++;
    });
  for (let job = 0; job < size.jobs; job++) subscriptions.push(consume(`job-${job}`));
  for (let i = 0; i < size.globalConsumers; i++) subscriptions.push(consume(undefined));
  const count = Math.max(1, Math.floor(size.events / 10));
  const raw = events(size, count);
  try {
    return measure(
      count,
      1 + size.globalConsumers,
      (i) => feed.next(raw[i]!),
      () => delivered,
    );
  } finally {
    subscriptions.forEach((s) => s.unsubscribe());
  }
}

/** The dispatch figures, by the name `dispatch-process.ts` takes. */
export type DispatchSystem = 'router' | 'bridge' | 'naive' | 'selective' | 'unselected';

/** `system`'s figure measured in a fresh process (bench/fanout/dispatch-process.ts). */
export async function dispatchInFreshProcess(system: DispatchSystem, size: DispatchSize): Promise<Dispatch> {
  const entry = join(__dirname, 'dispatch-process.ts');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '-r', 'ts-node/register', entry, system, JSON.stringify(size)],
    { env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json') } },
  );
  return JSON.parse(stdout) as Dispatch;
}
