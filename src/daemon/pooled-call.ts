import type { SchedulerLike, Subscription } from 'rxjs';
import type { BridgeLogger } from '../logger.js';
import { isJsonObject } from '../json.js';
import type { ConnectionPool, Lease } from './connection-pool.js';
import {
  DaemonConnectionError,
  DaemonPoolTimeoutError,
  DaemonProtocolError,
  DaemonRpcError,
  DaemonTimeoutError,
} from './errors.js';
import type { JsonRpcConnection, JsonRpcConnectionHandler, SkippedLine } from './json-rpc-connection.js';
import { answers, isNotification, rpcError, type JsonRpcIncoming } from './json-rpc.js';
import type { SkipCounters } from './skip-counters.js';

/** What every {@link PooledCall} of one client shares. */
export interface PooledCallContext {
  readonly pool: ConnectionPool;
  readonly skips: SkipCounters;
  readonly logger: BridgeLogger;
  readonly scheduler: SchedulerLike;
  readonly socketPath: string;
  /** How long the answer may take once the request is written. */
  readonly timeoutMs: number;
  /** How long the call may wait for a pooled connection. */
  readonly acquireTimeoutMs: number;
  /** False once the client is closing: a stale connection is then not retried. */
  mayRetry(): boolean;
  onStaleRetry(): void;
}

/** The outcome of a call, given once: an error, or the result. */
export type Settle = (error: Error | undefined, result?: unknown) => void;

/**
 * One request on a pooled connection, from the wait for a connection to its
 * answer. Two timers, one at a time: `acquireTimeoutMs` while it waits for a
 * connection ({@link DaemonPoolTimeoutError}), then `timeoutMs` from the moment
 * the request is written ({@link DaemonTimeoutError}); connecting is bounded
 * by the connection's own connect timeout. The connection goes back to the
 * pool only after a proper answer (a result or an error response); after
 * anything else it is closed, since a late answer could still arrive on it. A
 * reused connection that turns out closed by the daemon before answering a
 * byte is retried once on a fresh one (the daemon may have run the request).
 */
export class PooledCall {
  private connection: JsonRpcConnection | undefined;
  private leaveQueue: (() => void) | undefined;
  private timer: Subscription | undefined;
  private retried = false;
  private settled = false;

  constructor(
    private readonly context: PooledCallContext,
    readonly method: string,
    private readonly id: number,
    /** The serialised request. */
    private readonly request: string,
    private readonly settle: Settle,
  ) {}

  start(): void {
    const { acquireTimeoutMs, pool } = this.context;
    this.startTimer(acquireTimeoutMs, () => new DaemonPoolTimeoutError(this.method, acquireTimeoutMs));
    this.leaveQueue = pool.acquire((lease) => this.use(lease));
  }

  /** Settles the call with `error` now, unless it is settled already. */
  fail(error: Error): void {
    this.finish(error);
  }

  /**
   * Gives up on the answer (settling with a {@link DaemonConnectionError} if
   * still pending): the call leaves the queue, or its connection is closed,
   * since the answer could still arrive on it.
   */
  abandon(): void {
    this.finish(new DaemonConnectionError(this.context.socketPath, `${this.method} abandoned`));
  }

  private use(lease: Lease): void {
    this.leaveQueue = undefined;
    this.stopTimer();
    const { connection } = lease;
    if (this.settled) return this.context.pool.release(connection);
    this.connection = connection;
    connection.handler = this.handler(lease);
    if (connection.isOpen) this.send();
  }

  private send(): void {
    const { timeoutMs } = this.context;
    this.connection?.send(this.request);
    this.startTimer(timeoutMs, () => new DaemonTimeoutError(this.method, timeoutMs));
  }

  private handler(lease: Lease): JsonRpcConnectionHandler {
    return {
      connect: () => this.send(),
      message: (message) => this.receive(message),
      skip: (line) => this.skip(line),
      close: (error) => this.lost(lease, error),
    };
  }

  private receive(message: JsonRpcIncoming): void {
    const { logger, skips } = this.context;
    if (isNotification(message)) {
      logger.debug('daemon notification on a call connection ignored', { method: message.method });
    } else if (answers(message, this.id)) {
      this.finish(rpcError(message, this.method), 'result' in message ? message.result : undefined);
    } else {
      skips.unknownResponse(message, this.method);
    }
  }

  /** Counts a skipped line; one that can only be this call's answer fails the call at once. */
  private skip(line: SkippedLine): void {
    this.context.skips.line(line, this.method);
    if (line.reason === 'oversize') {
      this.finish(
        new DaemonProtocolError(`daemon response to ${this.method} is longer than maxMessageBytes`),
      );
    } else if (isJsonObject(line.value) && line.value['id'] === this.id) {
      this.finish(new DaemonProtocolError(`daemon response to ${this.method} is not valid JSON-RPC`));
    }
  }

  private lost(lease: Lease, error: Error | undefined): void {
    const { pool, socketPath } = this.context;
    this.connection = undefined;
    pool.discard(lease.connection);
    if (this.settled) return;
    if (this.isStale(lease)) return this.retry();
    this.finish(error ?? new DaemonConnectionError(socketPath, `closed before answering ${this.method}`));
  }

  /** A reused connection the daemon had closed before this call: it read nothing of our answer. */
  private isStale(lease: Lease): boolean {
    return (
      lease.reused && lease.connection.receivedSinceSend === 0 && !this.retried && this.context.mayRetry()
    );
  }

  private retry(): void {
    const { logger, pool } = this.context;
    this.retried = true;
    this.stopTimer();
    this.context.onStaleRetry();
    logger.debug('pooled connection was closed by the daemon; retrying once', { method: this.method });
    pool.discardIdle();
    this.start();
  }

  private finish(error: Error | undefined, result?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.stopTimer();
    this.leaveQueue?.();
    const { connection } = this;
    if (connection !== undefined) {
      this.connection = undefined;
      if (error === undefined || error instanceof DaemonRpcError) this.context.pool.release(connection);
      else this.context.pool.discard(connection);
    }
    this.settle(error, result);
  }

  private startTimer(ms: number, error: () => Error): void {
    this.stopTimer();
    this.timer = this.context.scheduler.schedule(() => this.finish(error()), ms);
  }

  private stopTimer(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
  }
}
