import { z } from 'zod';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../daemon/protocol.js';
import type { JsonObject } from '../json.js';
import { integerOption } from '../options.js';

/**
 * Options of {@link startFakeDaemon}.
 *
 * @example
 * ```ts
 * import { startFakeDaemon } from 'daemon-event-bridge/testing';
 *
 * const daemon = await startFakeDaemon({ historyLimit: 100 });
 * ```
 */
export interface FakeDaemonOptions {
  /** Where to listen. Default: `daemon.sock` in a fresh temp dir (removed by `stop()`). */
  socketPath?: string;
  /** How many published events are kept per job for `daemon.observer_events`. 1,000. */
  historyLimit?: number;
  /**
   * Like the conductor's 100-event queue per stream: how many events may wait
   * for a stream client that does not read (once its socket buffers are full)
   * before new ones are dropped and counted. 100.
   */
  streamQueueSize?: number;
  /** The longest request line accepted. 16 MiB. */
  maxMessageBytes?: number;
}

/**
 * How a custom method handler answers one request (see {@link FakeDaemon.handle}).
 * A handler that never answers simulates a daemon that hangs.
 */
export interface FakeReply {
  /** The request's id (`undefined` for a notification). */
  readonly id: number | string | undefined;
  /** Which connection the request came on: 1 for the first accepted, 2 for the next... */
  readonly connectionId: number;
  /** Sends a success response (nothing for a notification). */
  result(value: unknown): void;
  /** Sends an error response (nothing for a notification). */
  error(code: number, message: string, data?: unknown): void;
  /** Writes text to the connection verbatim: garbage, half a line, a response with another id... */
  raw(text: string): void;
  /** Closes the connection (after what was written). */
  close(): void;
}

/**
 * A custom answer to one method; `params` as the client sent them.
 *
 * @example
 * ```ts
 * import type { FakeMethodHandler } from 'daemon-event-bridge/testing';
 *
 * const slow: FakeMethodHandler = (_params, reply) => setTimeout(() => reply.result({ ok: true }), 50);
 * ```
 */
export type FakeMethodHandler = (params: JsonObject | unknown[] | null | undefined, reply: FakeReply) => void;

/**
 * The counters of a {@link FakeDaemon}, kept across restarts.
 *
 * @example
 * ```ts
 * expect(daemon.counters.peakConnections).toBeLessThanOrEqual(8);
 * ```
 */
export interface FakeDaemonCounters {
  /** Connections accepted. */
  readonly connections: number;
  /** Connections open now. */
  readonly openConnections: number;
  /** The most connections ever open at once. */
  readonly peakConnections: number;
  /** `daemon.monitor.stream` subscriptions open now. */
  readonly openStreams: number;
  /** Well-formed requests received (notifications included). */
  readonly requests: number;
  /** Lines that were not JSON (answered with -32700). */
  readonly parseErrors: number;
  /** Events given to `publish()`. */
  readonly published: number;
  /** Stream writes dropped because a client did not read. */
  readonly droppedEvents: number;
}

/** The zod schema that guards {@link FakeDaemonOptions}; defaults are applied here. */
export const fakeDaemonOptionsSchema = z.strictObject({
  socketPath: z.string().min(1).optional(),
  historyLimit: integerOption(1, 10_000_000).default(1_000),
  streamQueueSize: integerOption(1, 10_000_000).default(100),
  maxMessageBytes: integerOption(1, 2 ** 30).default(DEFAULT_MAX_MESSAGE_BYTES),
});
