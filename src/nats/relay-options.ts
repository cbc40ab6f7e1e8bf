import { z } from 'zod';
import { MONITOR_STREAM_METHOD, OBSERVER_EVENTS_METHOD } from '../daemon/protocol.js';
import { loggerSchema, type BridgeLogger } from '../logger.js';
import { backoffOptionSchema } from '../operators/backoff.js';
import { integerOption, parseOptions } from '../options.js';
import type { SchedulerLike } from 'rxjs';
import { prefixSchema, tokenSchema } from '../tokens.js';

/** The default subject prefix of events and history requests. */
const DEFAULT_PREFIX = 'deb';

/** The default name of the JetStream stream of events. */
const DEFAULT_STREAM = 'DEB_EVENTS';

/** The zod schema of the options shared by the relay and the gateway's log source. */
export const natsLogOptionsSchema = z.strictObject({
  prefix: prefixSchema.default(DEFAULT_PREFIX),
  stream: tokenSchema.default(DEFAULT_STREAM),
  logger: loggerSchema.optional(),
  scheduler: z
    .custom<SchedulerLike>((v) => typeof v === 'object' && v !== null && 'schedule' in v)
    .optional(),
});

/** The zod schema that guards {@link NatsRelayOptions}; defaults are applied here. */
export const natsRelayOptionsSchema = natsLogOptionsSchema.extend({
  conductor: tokenSchema,
  bufferMaxEvents: integerOption(1, 10_000_000).default(100_000),
  bufferMaxBytes: integerOption(1024, 2 ** 40).default(64 * 1024 * 1024),
  maxInFlight: integerOption(1, 10_000).default(1_000),
  maxMsgs: integerOption(-1, Number.MAX_SAFE_INTEGER).default(-1),
  maxAgeMs: integerOption(0, Number.MAX_SAFE_INTEGER).default(24 * 3600 * 1000),
  maxBytes: integerOption(-1, Number.MAX_SAFE_INTEGER).default(1024 ** 3),
  replicas: integerOption(1, 5).default(1),
  streamMethod: z.string().min(1).default(MONITOR_STREAM_METHOD),
  observerMethod: z.string().min(1).default(OBSERVER_EVENTS_METHOD),
  reconnect: backoffOptionSchema,
});

/**
 * Options of {@link NatsRelay}. Only `conductor` is required.
 *
 * @example
 * ```ts
 * import type { NatsRelayOptions } from 'daemon-event-bridge/nats';
 *
 * const options: NatsRelayOptions = { conductor: 'host-a', bufferMaxEvents: 50_000, maxAgeMs: 3_600_000 };
 * ```
 */
export interface NatsRelayOptions {
  /** This conductor's name, one subject token (letters, digits, `_`, `-`). */
  conductor: string;
  /** Subject prefix. `deb`. */
  prefix?: string;
  /** Stream name, created when missing. `DEB_EVENTS`. */
  stream?: string;
  /** Events held, awaiting their ack included; beyond (NATS away or slow), new events are dropped and counted. 100,000. */
  bufferMaxEvents?: number;
  /** Payload bytes held, awaiting their ack included. 64 MiB. */
  bufferMaxBytes?: number;
  /** Publishes awaiting their ack at once: a sliding window, each ack lets the next event go. 1,000. */
  maxInFlight?: number;
  /** Stream creation: most messages (-1 unlimited). -1. */
  maxMsgs?: number;
  /** Stream creation: oldest age kept in ms (0 unlimited). 24 h. */
  maxAgeMs?: number;
  /** Stream creation: most bytes (-1 unlimited). 1 GiB. */
  maxBytes?: number;
  /** Stream creation: replicas. 1. */
  replicas?: number;
  /** The daemon's streaming method. `daemon.monitor.stream`. */
  streamMethod?: string;
  /** The daemon's history method. `daemon.observer_events`. */
  observerMethod?: string;
  /** Backoff of the daemon stream and of failed publishes. 1 s doubling to 30 s. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  logger?: BridgeLogger;
  scheduler?: SchedulerLike;
}

/** {@link NatsRelayOptions} with defaults applied. */
export type ResolvedNatsRelayOptions = z.output<typeof natsRelayOptionsSchema>;

/** Validates relay options; a bad one throws `InvalidOptionsError`. */
export function resolveNatsRelayOptions(options: NatsRelayOptions): ResolvedNatsRelayOptions {
  return parseOptions(natsRelayOptionsSchema, options, 'relay');
}
