/**
 * The base class of every error this library throws or emits. Each subclass
 * has a stable `name` and a stable `code`, so callers can branch on them
 * without `instanceof` across package copies.
 *
 * @example
 * ```ts
 * import { DaemonEventBridge, DaemonEventBridgeError } from 'daemon-event-bridge';
 *
 * try { new DaemonEventBridge(client, { heartbeatMs: 0 }); }
 * catch (error) {
 *   if (error instanceof DaemonEventBridgeError) console.error(error.code, error.message);
 * }
 * ```
 */
export abstract class DaemonEventBridgeError extends Error {
  /** A stable code: `ERR_*` strings, or the JSON-RPC error code for {@link DaemonRpcError}. */
  abstract readonly code: string | number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Thrown by the {@link DaemonEventBridge} constructor when an option is out of
 * range or unknown. The message names the option and what it accepts.
 *
 * @example
 * ```ts
 * import { DaemonEventBridge } from 'daemon-event-bridge';
 *
 * new DaemonEventBridge(client, { heartbeatMs: 0 });
 * // InvalidOptionsError: Invalid bridge option "heartbeatMs": expected an integer from 1 to 2147483647, got 0
 * ```
 */
export class InvalidOptionsError extends DaemonEventBridgeError {
  override readonly name = 'InvalidOptionsError';
  readonly code = 'ERR_INVALID_OPTIONS';

  constructor(
    message: string,
    /** The dotted path of the offending option, e.g. `reconnect.maxDelayMs`. */
    readonly option: string,
  ) {
    super(message);
  }
}

/**
 * Thrown synchronously by a bridge method called with a bad argument, such as
 * an empty job id or a negative `limit`.
 *
 * @example
 * ```ts
 * bridge.allEvents(-1); // throws InvalidArgumentError (code ERR_INVALID_ARGUMENT)
 * ```
 */
export class InvalidArgumentError extends DaemonEventBridgeError {
  override readonly name = 'InvalidArgumentError';
  readonly code = 'ERR_INVALID_ARGUMENT';
}

/** The message of any thrown value, for a person (no error name). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A one-line description of any thrown value, for logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
