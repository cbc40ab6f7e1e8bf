import type { SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { MONITOR_STREAM_METHOD, OBSERVER_EVENTS_METHOD } from '../daemon/protocol.js';
import { loggerSchema, type BridgeLogger } from '../logger.js';
import { backoffOptionSchema } from '../operators/backoff.js';
import { integerOption as integer, MAX_TIMER_MS, parseOptions, schedulerOption } from '../options.js';

export type { BridgeLogger } from '../logger.js';

const methodName = z
  .string({ error: 'expected a non-empty string' })
  .min(1, { error: 'expected a non-empty string' });

/** The zod schema that guards {@link BridgeOptions}: each default is stated here, once (the CLI derives its flags from it). */
export const bridgeOptionsSchema = z
  .strictObject({
    heartbeatMs: integer(1, MAX_TIMER_MS).default(30_000),
    reconnect: backoffOptionSchema,
    replaySize: integer(0, 1_000_000).default(1_000),
    scheduler: schedulerOption(),
    streamMethod: methodName.default(MONITOR_STREAM_METHOD),
    observerMethod: methodName.default(OBSERVER_EVENTS_METHOD),
    logger: loggerSchema.optional(),
    connectOnDemand: z.boolean({ error: 'expected a boolean' }).default(false),
    disconnectGraceMs: integer(0, MAX_TIMER_MS).default(5_000),
    instanceId: z
      .string({ error: 'expected 1 to 32 characters of [A-Za-z0-9_]' })
      .regex(/^[A-Za-z0-9_]{1,32}$/, { error: 'expected 1 to 32 characters of [A-Za-z0-9_]' })
      .optional(),
  })
  .prefault({});

/**
 * Options of {@link DaemonEventBridge}. Every field is optional; the defaults
 * are the reference bridge's.
 *
 * @example
 * ```ts
 * import { DaemonEventBridge } from 'daemon-event-bridge';
 *
 * new DaemonEventBridge(client, { heartbeatMs: 15_000, reconnect: { maxDelayMs: 10_000 }, replaySize: 5_000 });
 * ```
 */
export interface BridgeOptions {
  /** Idle time after which a consumer gets a `heartbeat` message. 30,000; an integer 1 .. 2**31-1. */
  heartbeatMs?: number;
  /** Resubscribe backoff after the daemon stream errors or ends: 1,000 doubling up to 30,000 ms. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** How many recent events are kept for `allEvents(limit)` and `lastEventId` resume. 1,000; 0 .. 1,000,000. */
  replaySize?: number;
  /** The scheduler of every timer (heartbeats, backoff, grace). Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** The daemon's streaming method. Default `daemon.monitor.stream`. */
  streamMethod?: string;
  /** The daemon's history method. Default `daemon.observer_events`. */
  observerMethod?: string;
  /** Where to log. Default: silent. */
  logger?: BridgeLogger;
  /**
   * `false` (default): `start()` holds the daemon subscription while the bridge
   * runs, so the replay ring fills even when nobody listens. `true`: connect
   * with the first consumer and disconnect `disconnectGraceMs` after the last.
   */
  connectOnDemand?: boolean;
  /** With `connectOnDemand`, how long to stay connected after the last consumer leaves. 5,000 ms. */
  disconnectGraceMs?: number;
  /** The prefix of event ids (`<instanceId>-<sequence>`). Default: 8 random hex characters. */
  instanceId?: string;
}

/**
 * {@link BridgeOptions} with defaults applied.
 */
export type ResolvedBridgeOptions = z.output<typeof bridgeOptionsSchema>;

/**
 * Validates options and applies defaults; throws {@link InvalidOptionsError}
 * naming the first bad option.
 */
export function resolveBridgeOptions(options: BridgeOptions | undefined): ResolvedBridgeOptions {
  return parseOptions(bridgeOptionsSchema, options, 'bridge');
}
