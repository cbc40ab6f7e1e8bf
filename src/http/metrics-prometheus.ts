// The `daemon-event-bridge/metrics` entry: the only module that imports
// prom-client, so the rest of the package works without it installed.
import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BridgeState, BridgeStats } from '../bridge/bridge.js';
import { InvalidArgumentError } from '../errors.js';
import { receivedAt } from '../sse/received-at.js';
import type { SseMessage } from '../sse/message.js';
import type { GatewayMetrics, GatewayMetricsSources } from './metrics.js';

/** The prefix of every metric name. */
const METRIC_PREFIX = 'daemon_event_bridge_';

/** The delivery-latency buckets, in seconds: 50 µs to 5 s. */
const DEFAULT_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
]);

const STATES: readonly BridgeState[] = ['idle', 'connecting', 'connected', 'reconnecting', 'stopped'];

/**
 * prom-client's default gauges that `promtool check metrics` rejects ("non-counter
 * metrics should not have _total suffix"). Each is the sum of its labelled sibling
 * (`nodejs_active_handles{type}` …), so dropping them loses nothing:
 * `sum(nodejs_active_handles)` is the same number. Renaming would invent names
 * no dashboard knows; every other default keeps prom-client's standard name.
 */
const UNLINTED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * Options of {@link prometheusMetrics}.
 *
 * @example
 * ```ts
 * import { register } from 'prom-client';
 *
 * prometheusMetrics({ registry: register });
 * ```
 */
export interface PrometheusMetricsOptions {
  /**
   * Where the metrics are registered, and what `/metrics` serves: pass your
   * app's registry (prom-client's global `register`, say) to serve yours
   * beside the bridge's. Default: a new `Registry`.
   */
  registry?: Registry;
  /** Delivery-latency histogram buckets, in seconds. Default {@link DEFAULT_LATENCY_BUCKETS}. */
  latencyBuckets?: readonly number[];
  /**
   * Also registers prom-client's default process and Node.js metrics
   * (`collectDefaultMetrics`) on the registry, less the three gauges
   * `promtool check metrics` rejects (`nodejs_active_handles_total`,
   * `nodejs_active_requests_total`, `nodejs_active_resources_total`: use
   * `sum(nodejs_active_handles)` …), so `/metrics` lints clean. Do not also
   * call `collectDefaultMetrics` on that registry. Default false.
   */
  defaultMetrics?: boolean;
}

/** {@link GatewayMetrics} on a prom-client `Registry`. */
export interface PrometheusGatewayMetrics extends GatewayMetrics {
  /** The registry `/metrics` serves (the one given, or the one made). */
  readonly registry: Registry;
}

/**
 * Gateway metrics through prom-client, for `createGateway(bridge, { metrics })`:
 * `/metrics` then serves the registry. Counters and gauges are read from the
 * bridge's and the gateway's `stats()` when something scrapes, so the event
 * path does not change; only the writes to SSE clients count frames and
 * bytes and observe the delivery latency (daemon receipt → socket write).
 *
 * | metric | type | labels |
 * | --- | --- | --- |
 * | `daemon_event_bridge_state` | gauge (1 for the current state) | `state` |
 * | `daemon_event_bridge_events_received_total` | counter | |
 * | `daemon_event_bridge_events_skipped_total` | counter | `cause` (`invalid_event`, and the daemon client's skipped lines when it counts them) |
 * | `daemon_event_bridge_reconnects_total` | counter | |
 * | `daemon_event_bridge_replay_hits_total` | counter | |
 * | `daemon_event_bridge_stream_resets_total` | counter | `reason` |
 * | `daemon_event_bridge_replay_buffer_events` | gauge | |
 * | `daemon_event_bridge_sse_clients` | gauge | `stream` (`all`, `job`) |
 * | `daemon_event_bridge_sse_clients_rejected_total` | counter | |
 * | `daemon_event_bridge_sse_clients_dropped_total` | counter | |
 * | `daemon_event_bridge_sse_frames_written_total` | counter | |
 * | `daemon_event_bridge_sse_written_bytes_total` | counter | |
 * | `daemon_event_bridge_delivery_latency_seconds` | histogram (live events; not backlog) | |
 *
 * @throws InvalidArgumentError from `attach` when a second gateway attaches it.
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { createGateway } from 'daemon-event-bridge/http';
 * import { prometheusMetrics } from 'daemon-event-bridge/metrics';
 *
 * const registry = new Registry(); // yours, to serve your metrics beside the bridge's
 * const gateway = createGateway(bridge, { metrics: prometheusMetrics({ registry, defaultMetrics: true }) });
 * ```
 */
export function prometheusMetrics(options: PrometheusMetricsOptions = {}): PrometheusGatewayMetrics {
  const registry = options.registry ?? new Registry();
  let sources: GatewayMetricsSources | undefined;
  const written = { frames: 0, bytes: 0 };
  const latency = new Histogram({
    name: `${METRIC_PREFIX}delivery_latency_seconds`,
    help: 'Time from the daemon event reaching the bridge to its frame being written to an SSE client.',
    buckets: [...(options.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS)],
    registers: [registry],
  });
  registerCollected(registry, () => sources, written);
  if (options.defaultMetrics === true) registerDefaultMetrics(registry);
  return {
    registry,
    get contentType() {
      return registry.contentType;
    },
    attach(given) {
      if (sources !== undefined) {
        throw new InvalidArgumentError(
          'these metrics are attached to a gateway already; make one per gateway',
        );
      }
      sources = given;
    },
    onWrite(frames: number, bytes: number, oldest: SseMessage, connectedAt: number) {
      written.frames += frames;
      written.bytes += bytes;
      const at = receivedAt(oldest);
      // Backlog (received before the client connected) would measure the client's arrival, not delivery.
      if (at !== undefined && at >= connectedAt) latency.observe((performance.now() - at) / 1000);
    },
    metrics: () => registry.metrics(),
  };
}

type Sources = () => GatewayMetricsSources | undefined;

/** prom-client's default metrics, less {@link UNLINTED_DEFAULT_METRICS}. */
function registerDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of UNLINTED_DEFAULT_METRICS) registry.removeSingleMetric(name);
}

/** The metrics read at scrape time. */
function registerCollected(
  registry: Registry,
  sources: Sources,
  written: { readonly frames: number; readonly bytes: number },
): void {
  const bridge = () => sources()?.bridge();
  const gateway = () => sources()?.gateway();
  const registers = [registry];
  new Gauge({
    name: `${METRIC_PREFIX}state`,
    help: "The bridge's state: 1 for the current one.",
    labelNames: ['state'],
    registers,
    collect() {
      const state = bridge()?.state;
      for (const each of STATES) this.set({ state: each }, each === state ? 1 : 0);
    },
  });
  counter(
    registry,
    'events_received_total',
    'Valid daemon events received.',
    () => bridge()?.counters.eventsIn,
  );
  labeledCounter(registry, 'events_skipped_total', 'Daemon input skipped, by cause.', 'cause', () =>
    skippedByCause(bridge()),
  );
  counter(
    registry,
    'reconnects_total',
    'Daemon stream interruptions followed by a resubscription.',
    () => bridge()?.counters.reconnects,
  );
  counter(
    registry,
    'replay_hits_total',
    'Resumes (Last-Event-ID) answered from the replay ring.',
    () => bridge()?.counters.replayHits,
  );
  labeledCounter(
    registry,
    'stream_resets_total',
    'Resumes answered with stream_reset, by reason.',
    'reason',
    () => {
      const counters = bridge()?.counters;
      return { expired: counters?.resetsExpired ?? 0, unknown_id: counters?.resetsUnknownId ?? 0 };
    },
  );
  new Gauge({
    name: `${METRIC_PREFIX}replay_buffer_events`,
    help: 'Events held in the replay ring.',
    registers,
    collect() {
      this.set(bridge()?.replay.size ?? 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}sse_buffered_bytes`,
    help: 'Bytes held now for SSE clients that are behind (bounded by maxTotalBufferedBytes).',
    registers,
    collect() {
      this.set(gateway()?.bufferedBytes ?? 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}sse_clients`,
    help: 'Open SSE responses, by stream (all events or one job).',
    labelNames: ['stream'],
    registers,
    collect() {
      const byStream = gateway()?.clientsByStream ?? { all: 0, job: 0 };
      for (const [stream, open] of Object.entries(byStream)) this.set({ stream }, open);
    },
  });
  counter(
    registry,
    'sse_clients_rejected_total',
    'SSE requests refused because maxClients were open.',
    () => gateway()?.clientsRejected,
  );
  counter(
    registry,
    'sse_clients_dropped_total',
    'SSE clients dropped for not reading (past maxBufferedBytes, or the largest holders past maxTotalBufferedBytes).',
    () => gateway()?.slowClientsDropped,
  );
  counter(
    registry,
    'sse_clients_dropped_by_budget_total',
    'Of the SSE clients dropped, those dropped because all clients together held more than maxTotalBufferedBytes.',
    () => gateway()?.clientsDroppedByBudget,
  );
  counter(
    registry,
    'sse_frames_written_total',
    'SSE message frames written to clients.',
    () => written.frames,
  );
  counter(
    registry,
    'sse_written_bytes_total',
    'Bytes of SSE message frames written to clients.',
    () => written.bytes,
  );
}

/** A counter whose value is read from `read()` at scrape time. */
function counter(registry: Registry, name: string, help: string, read: () => number | undefined): void {
  new Counter({
    name: `${METRIC_PREFIX}${name}`,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read() ?? 0);
    },
  });
}

/** A counter with one label, every value read from `read()` at scrape time. */
function labeledCounter(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  read: () => Readonly<Record<string, number>>,
): void {
  new Counter({
    name: `${METRIC_PREFIX}${name}`,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, count] of Object.entries(read())) this.inc({ [label]: value }, count);
    },
  });
}

/** The bridge's invalid events, and the daemon client's skipped lines by cause (snake case) when it counts them. */
function skippedByCause(stats: BridgeStats | undefined): Record<string, number> {
  const causes: Record<string, number> = { invalid_event: stats?.counters.invalidEvents ?? 0 };
  const skipped = stats?.daemon?.skipped;
  if (skipped === undefined) return causes;
  for (const cause of Object.keys(skipped) as (keyof typeof skipped)[]) {
    causes[cause.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)] = skipped[cause];
  }
  return causes;
}
