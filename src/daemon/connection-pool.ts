import { performance } from 'node:perf_hooks';
import type { JsonRpcConnection } from './json-rpc-connection.js';
import { isNotification } from './json-rpc.js';
import type { SkipCounters } from './skip-counters.js';

/** A pooled connection handed to a call; `reused` when it served an earlier call. */
export interface Lease {
  readonly connection: JsonRpcConnection;
  readonly reused: boolean;
}

/** Limits of a {@link ConnectionPool}. */
export interface ConnectionPoolLimits {
  /** The most connections open or opening at once. */
  readonly size: number;
  /** An idle connection older than this is closed instead of reused. */
  readonly idleTimeoutMs: number;
}

interface IdleConnection {
  readonly connection: JsonRpcConnection;
  readonly since: number;
}

const ignore = (): void => {};

/**
 * Up to `size` connections shared by calls, one call at a time each. A call
 * asks with {@link acquire} and gets the newest idle connection that is
 * still fresh, else a new one while there is room, else waits its turn (first
 * come, first served). It gives the connection back with {@link release}
 * after a proper answer, or {@link discard} when the connection can no longer
 * be trusted. Idle connections close themselves after `idleTimeoutMs`; what
 * the daemon sends on them is counted as skipped.
 */
export class ConnectionPool {
  private readonly members = new Set<JsonRpcConnection>();
  private readonly idle: IdleConnection[] = [];
  private readonly queue: Array<(lease: Lease) => void> = [];
  private closed = false;

  constructor(
    private readonly limits: ConnectionPoolLimits,
    /** Opens a new connection (its handler is replaced by the call that gets it). */
    private readonly open: () => JsonRpcConnection,
    private readonly skips: SkipCounters,
  ) {}

  /** Connections open or opening, idle ones, and calls waiting for one. */
  get stats(): { readonly open: number; readonly idle: number; readonly waiting: number } {
    return { open: this.members.size, idle: this.idle.length, waiting: this.queue.length };
  }

  /**
   * Calls `onLease` with a connection now, or queues it until one is free.
   * Returns what takes a queued request out of the queue (a no-op once served).
   */
  acquire(onLease: (lease: Lease) => void): () => void {
    const connection = this.takeIdle();
    if (connection !== undefined) {
      onLease({ connection, reused: true });
      return ignore;
    }
    if (!this.closed && this.members.size < this.limits.size) {
      onLease({ connection: this.add(), reused: false });
      return ignore;
    }
    this.queue.push(onLease);
    return () => {
      const index = this.queue.indexOf(onLease);
      if (index !== -1) this.queue.splice(index, 1);
    };
  }

  /**
   * Gives a connection that answered properly to the next waiting call, or
   * parks it. One holding part of an unfinished line is discarded: the next
   * call's answer would be glued onto it.
   */
  release(connection: JsonRpcConnection): void {
    if (!connection.isOpen || connection.bufferedBytes > 0 || this.closed) return this.discard(connection);
    const next = this.queue.shift();
    if (next !== undefined) return next({ connection, reused: true });
    this.park(connection);
  }

  /** Closes a connection and gives its room to the next waiting call. */
  discard(connection: JsonRpcConnection): void {
    if (!this.members.delete(connection)) return;
    connection.destroy();
    if (this.closed) return;
    const next = this.queue.shift();
    if (next !== undefined) next({ connection: this.add(), reused: false });
  }

  /** Closes every idle connection (after one of them turned out closed by the daemon). */
  discardIdle(): void {
    for (const { connection } of this.idle.splice(0)) this.discard(connection);
  }

  /**
   * Closes every connection and serves no one any more (queued calls stay
   * queued: their owner fails them). Resolves once every socket is closed.
   */
  close(): Promise<void> {
    this.closed = true;
    const sockets = [...this.members].map((connection) => connection.closed);
    for (const connection of this.members) connection.destroy();
    this.members.clear();
    this.idle.length = 0;
    return Promise.all(sockets).then(ignore);
  }

  private add(): JsonRpcConnection {
    const connection = this.open();
    this.members.add(connection);
    return connection;
  }

  /** The newest idle connection still fresh; older or closed ones met on the way are discarded. */
  private takeIdle(): JsonRpcConnection | undefined {
    for (let entry = this.idle.pop(); entry !== undefined; entry = this.idle.pop()) {
      const { connection, since } = entry;
      if (connection.isOpen && performance.now() - since <= this.limits.idleTimeoutMs) {
        connection.setIdle(undefined);
        return connection;
      }
      this.discard(connection);
    }
    return undefined;
  }

  private park(connection: JsonRpcConnection): void {
    const entry: IdleConnection = { connection, since: performance.now() };
    connection.handler = {
      connect: ignore,
      message: (message) => {
        if (!isNotification(message)) this.skips.unknownResponse(message, undefined);
      },
      skip: (line) => this.skips.line(line, undefined),
      close: () => {
        const index = this.idle.indexOf(entry);
        if (index !== -1) this.idle.splice(index, 1);
        this.discard(connection);
      },
    };
    connection.setIdle(this.limits.idleTimeoutMs);
    this.idle.push(entry);
  }
}
