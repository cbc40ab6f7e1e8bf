/**
 * The base class of every error this library throws or emits. Each subclass
 * has a stable `name` and a stable `code`, so callers can branch on them
 * without `instanceof` across package copies.
 *
 * @example
 * ```ts
 * try { new DaemonEventBridge(client, { heartbeatMs: 0 }); }
 * catch (error) {
 *   if (error instanceof DaemonEventBridgeError) console.error(error.code, error.message);
 * }
 * ```
 */
export abstract class DaemonEventBridgeError extends Error {
  /** A stable, machine-readable code such as `ERR_INVALID_OPTIONS`. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
