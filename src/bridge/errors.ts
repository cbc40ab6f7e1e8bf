import { DaemonEventBridgeError } from '../errors.js';

/**
 * Thrown by the {@link DaemonEventBridge} constructor when an option is out of
 * range or unknown. The message names the option and what it accepts.
 *
 * @example
 * ```ts
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
