import { DaemonEventBridgeError } from '../errors.js';

/**
 * The daemon cannot be reached: its socket is missing, the connection was
 * refused, or connecting took longer than `connectTimeoutMs`.
 *
 * @example
 * ```ts
 * import { DaemonNotRunningError } from 'daemon-event-bridge';
 *
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
 * import { DaemonRpcError } from 'daemon-event-bridge';
 *
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
 * import { DaemonProtocolError } from 'daemon-event-bridge';
 *
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
 * A call got no response within `timeoutMs` (default 30 s) of its request
 * being written. {@link DaemonPoolTimeoutError}, its subclass, is a call that
 * never got a connection to write it on.
 *
 * @example
 * ```ts
 * import { DaemonTimeoutError } from 'daemon-event-bridge';
 *
 * client.call('daemon.health').catch((error) => {
 *   if (error instanceof DaemonTimeoutError) console.error(`${error.method} timed out after ${error.timeoutMs} ms`);
 * });
 * ```
 */
export class DaemonTimeoutError extends DaemonEventBridgeError {
  override readonly name: string = 'DaemonTimeoutError';
  readonly code: string = 'ERR_DAEMON_TIMEOUT';

  constructor(
    /** The method of the request that timed out. */
    readonly method: string,
    /** The timeout that elapsed. */
    readonly timeoutMs: number,
    message = `daemon call ${method} timed out after ${timeoutMs} ms`,
  ) {
    super(message);
  }
}

/**
 * A call waited `acquireTimeoutMs` (default 30 s) for one of the `poolSize`
 * pooled connections and was never sent: every connection was busy with
 * other calls. The daemon never saw the request.
 *
 * @example
 * ```ts
 * import { DaemonPoolTimeoutError } from 'daemon-event-bridge';
 *
 * client.call('daemon.health').catch((error) => {
 *   if (error instanceof DaemonPoolTimeoutError) console.warn('too many calls at once; raise poolSize?');
 * });
 * ```
 */
export class DaemonPoolTimeoutError extends DaemonTimeoutError {
  override readonly name = 'DaemonPoolTimeoutError';
  override readonly code = 'ERR_DAEMON_POOL_TIMEOUT';

  constructor(method: string, timeoutMs: number) {
    super(method, timeoutMs, `daemon call ${method} waited ${timeoutMs} ms for a pooled connection`);
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
 * import { DaemonConnectionError } from 'daemon-event-bridge';
 *
 * client.stream('daemon.monitor.stream').subscribe({
 *   error: (error) => {
 *     if (error instanceof DaemonConnectionError) console.warn('lost the daemon:', error.message);
 *   },
 * });
 * ```
 */
export class DaemonConnectionError extends DaemonEventBridgeError {
  override readonly name: string = 'DaemonConnectionError';
  readonly code: string = 'ERR_DAEMON_CONNECTION';

  constructor(
    /** The Unix socket path of the broken connection. */
    readonly socketPath: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`connection to daemon at ${socketPath} broke: ${reason}`, options);
  }
}

/**
 * A stream's connection is open but the daemon stopped answering: that many
 * `daemon.health` probes in a row got no answer in time (a stopped or
 * deadlocked daemon). The stream errors with it, so a reconnecting consumer
 * such as the bridge drops the connection and reconnects with its backoff.
 *
 * @example
 * ```ts
 * import { DaemonUnresponsiveError } from 'daemon-event-bridge';
 *
 * client.stream('daemon.monitor.stream').subscribe({
 *   error: (error) => {
 *     if (error instanceof DaemonUnresponsiveError) console.warn(`daemon hung (${error.misses} probes unanswered)`);
 *   },
 * });
 * ```
 */
export class DaemonUnresponsiveError extends DaemonConnectionError {
  override readonly name = 'DaemonUnresponsiveError';
  override readonly code = 'ERR_DAEMON_UNRESPONSIVE';

  constructor(
    socketPath: string,
    /** How many probes in a row went unanswered. */
    readonly misses: number,
    /** How long each probe waited for its answer. */
    readonly probeTimeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      socketPath,
      `unresponsive: ${misses} health probes in a row got no answer within ${probeTimeoutMs} ms`,
      options,
    );
  }
}
