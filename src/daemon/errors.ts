import { DaemonEventBridgeError } from '../errors.js';

/**
 * The daemon cannot be reached: its socket is missing, the connection was
 * refused, or connecting took longer than `connectTimeoutMs`.
 *
 * @example
 * ```ts
 * try { await client.call('daemon.health'); }
 * catch (error) {
 *   if (error instanceof DaemonNotRunningError) console.error(`is the conductor running? (${error.socketPath})`);
 * }
 * ```
 */
export class DaemonNotRunningError extends DaemonEventBridgeError {
  override readonly name = 'DaemonNotRunningError';
  readonly code = 'ERR_DAEMON_NOT_RUNNING';

  constructor(
    /** The Unix socket path that could not be reached. */
    readonly socketPath: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`daemon not running at ${socketPath}: ${reason}`, options);
  }
}

/**
 * The daemon answered with a JSON-RPC error response. `code` is the JSON-RPC
 * error code (e.g. -32601 method not found, -32000 job not found), `message`
 * the daemon's message and `data` its optional payload.
 *
 * @example
 * ```ts
 * try { await client.call('job.status', { job_id: 'nope' }); }
 * catch (error) {
 *   if (error instanceof DaemonRpcError && error.code === -32000) console.error('no such job', error.data);
 * }
 * ```
 */
export class DaemonRpcError extends DaemonEventBridgeError {
  override readonly name = 'DaemonRpcError';

  constructor(
    /** The JSON-RPC error code. */
    readonly code: number,
    message: string,
    /** The error's `data` member, if the daemon sent one. */
    readonly data?: unknown,
    /** The method of the request that failed. */
    readonly method?: string,
  ) {
    super(message);
  }
}

/**
 * The daemon sent something this client cannot use where an answer was
 * expected: a response to our request that is not valid JSON-RPC, or a
 * message longer than `maxMessageBytes`.
 *
 * @example
 * ```ts
 * client.call('daemon.health').catch((error) => {
 *   if (error instanceof DaemonProtocolError) console.error('daemon spoke nonsense:', error.message);
 * });
 * ```
 */
export class DaemonProtocolError extends DaemonEventBridgeError {
  override readonly name = 'DaemonProtocolError';
  readonly code = 'ERR_DAEMON_PROTOCOL';
}

/**
 * A call got no response within `timeoutMs` (default 30 s).
 *
 * @example
 * ```ts
 * client.call('daemon.health').catch((error) => {
 *   if (error instanceof DaemonTimeoutError) console.error(`${error.method} timed out after ${error.timeoutMs} ms`);
 * });
 * ```
 */
export class DaemonTimeoutError extends DaemonEventBridgeError {
  override readonly name = 'DaemonTimeoutError';
  readonly code = 'ERR_DAEMON_TIMEOUT';

  constructor(
    /** The method of the request that timed out. */
    readonly method: string,
    /** The timeout that elapsed. */
    readonly timeoutMs: number,
  ) {
    super(`daemon call ${method} timed out after ${timeoutMs} ms`);
  }
}

/**
 * The client was closed: pending calls and calls made afterwards reject with
 * this error, and open streams error with it.
 *
 * @example
 * ```ts
 * await client.close();
 * await client.call('daemon.health'); // rejects with DaemonClientClosedError
 * ```
 */
export class DaemonClientClosedError extends DaemonEventBridgeError {
  override readonly name = 'DaemonClientClosedError';
  readonly code = 'ERR_DAEMON_CLIENT_CLOSED';

  constructor() {
    super('the daemon client is closed');
  }
}

/**
 * An established connection to the daemon broke (reset, or closed before a
 * pending call was answered).
 *
 * @example
 * ```ts
 * client.stream('daemon.monitor.stream').subscribe({
 *   error: (error) => {
 *     if (error instanceof DaemonConnectionError) console.warn('lost the daemon:', error.message);
 *   },
 * });
 * ```
 */
export class DaemonConnectionError extends DaemonEventBridgeError {
  override readonly name = 'DaemonConnectionError';
  readonly code = 'ERR_DAEMON_CONNECTION';

  constructor(
    /** The Unix socket path of the broken connection. */
    readonly socketPath: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`connection to daemon at ${socketPath} broke: ${reason}`, options);
  }
}
