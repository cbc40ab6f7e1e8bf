import { z } from 'zod';
import type { BridgeStats } from '../bridge/bridge.js';
import type { SseMessage } from '../sse/message.js';
import type { GatewayStats } from './gateway-stats.js';

/**
 * What a gateway hands its {@link GatewayMetrics} once: snapshots to read at
 * scrape time. Reading them costs nothing until something scrapes.
 */
export interface GatewayMetricsSources {
  /** The bridge's snapshot: state, counters, replay ring. */
  readonly bridge: () => BridgeStats;
  /** The gateway's snapshot: open, rejected and dropped SSE clients. */
  readonly gateway: () => GatewayStats;
}

/**
 * The hook through which a gateway reports metrics: `createGateway(bridge,
 * { metrics })` attaches it, calls `onWrite` after each SSE write and serves
 * `metrics()` at `GET /metrics`. `daemon-event-bridge/metrics` implements it
 * with prom-client ({@link prometheusMetrics}); any other system can too.
 *
 * @example
 * ```ts
 * import { createGateway } from 'daemon-event-bridge/http';
 * import { prometheusMetrics } from 'daemon-event-bridge/metrics';
 *
 * const gateway = createGateway(bridge, { metrics: prometheusMetrics({ registry }) });
 * ```
 */
export interface GatewayMetrics {
  /** The `Content-Type` of `metrics()`. */
  readonly contentType: string;
  /** Called once, by the gateway that owns the hook. */
  attach(sources: GatewayMetricsSources): void;
  /**
   * After each write to an SSE client: message frames and bytes written, the
   * oldest message written (its daemon receipt time is `receivedAt(oldest)`),
   * and when that client connected (`performance.now()`): a message received
   * before is backlog (replay, resume), not a live delivery. On the hot
   * path: keep it cheap.
   */
  onWrite(frames: number, bytes: number, oldest: SseMessage, connectedAt: number): void;
  /** The exposition served at `GET /metrics`. */
  metrics(): Promise<string>;
}

/** The zod schema of the gateway's `metrics` option. */
export const gatewayMetricsSchema = z.custom<GatewayMetrics>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as GatewayMetrics).contentType === 'string' &&
    ['attach', 'onWrite', 'metrics'].every(
      (key) => typeof (value as unknown as Record<string, unknown>)[key] === 'function',
    ),
  { error: 'expected a GatewayMetrics (contentType, attach, onWrite, metrics), e.g. prometheusMetrics()' },
);
