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
  /** A stable code: `ERR_*` strings, or the JSON-RPC error code for {@link DaemonRpcError}. */
  abstract readonly code: string | number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
