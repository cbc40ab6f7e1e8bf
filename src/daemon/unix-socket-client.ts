import { performance } from 'node:perf_hooks';
import { Observable } from 'rxjs';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import { loggerSchema, silentLogger, type BridgeLogger } from '../logger.js';
import { integerOption as integer, MAX_TIMER_MS, parseOptions } from '../options.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { DaemonClient, StreamHooks } from './daemon-client.js';
import {
  DaemonClientClosedError,
  DaemonConnectionError,
  DaemonProtocolError,
  DaemonRpcError,
  DaemonTimeoutError,
} from './errors.js';
import { JsonRpcConnection, type JsonRpcConnectionHandler, type SkippedLine } from './json-rpc-connection.js';
import { isNotification, type JsonRpcResponse } from './json-rpc.js';

/**
 * The conductor's default socket path.
 *
 * @example
 * ```ts
 * new UnixSocketDaemonClient(process.env.MARIANNE_SOCKET ?? DEFAULT_SOCKET_PATH);
 * ```
 */
export const DEFAULT_SOCKET_PATH = '/tmp/marianne.sock';

/**
 * The conductor's maximum message size: 16 MiB.
 *
 * @example
 * ```ts
 * new UnixSocketDaemonClient(undefined, { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES / 4 });
 * ```
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * The zod schema that guards {@link UnixSocketDaemonClientOptions}; defaults are applied here.
 *
 * @example
 * ```ts
 * unixSocketDaemonClientOptionsSchema.parse({}).poolSize; // 8
 * ```
 */
export const unixSocketDaemonClientOptionsSchema = z.strictObject({
  timeoutMs: integer(1, MAX_TIMER_MS).default(30_000),
  connectTimeoutMs: integer(1, MAX_TIMER_MS).default(5_000),
  maxMessageBytes: integer(1, 2 ** 30).default(DEFAULT_MAX_MESSAGE_BYTES),
  poolSize: integer(1, 500).default(8),
  idleTimeoutMs: integer(1, MAX_TIMER_MS).default(60_000),
  logger: loggerSchema.optional(),
});

/**
 * Options of {@link UnixSocketDaemonClient}. Every field is optional.
 *
 * @example
 * ```ts
 * new UnixSocketDaemonClient('/run/marianne.sock', { timeoutMs: 5_000, poolSize: 4, logger: console });
 * ```
 */
export interface UnixSocketDaemonClientOptions {
  /** How long a `call()` may take in all (waiting for a connection included). 30,000 ms. */
  timeoutMs?: number;
  /** How long connecting may take before {@link DaemonNotRunningError}. 5,000 ms. */
  connectTimeoutMs?: number;
  /** The longest line accepted from the daemon; longer ones are skipped. 16 MiB (16,777,216). */
  maxMessageBytes?: number;
  /** How many connections `call()` keeps; further calls wait their turn. 8; 1 .. 500. */
  poolSize?: number;
  /** Pooled connections idle for longer than this are closed. 60,000 ms. */
  idleTimeoutMs?: number;
  /** Where to log skipped lines and connection trouble. Default: silent. */
  logger?: BridgeLogger;
}

/**
 * A snapshot of a {@link UnixSocketDaemonClient}'s connections and counters.
 *
 * @example
 * ```ts
 * const { counters } = client.stats();
 * if (counters.notJsonLines + counters.invalidMessages > 0) console.warn('the daemon sent garbage');
 * ```
 */
export interface DaemonClientStats {
  readonly pool: {
    /** Pooled connections open or opening (idle + busy). */
    readonly open: number;
    /** Pooled connections waiting for a call. */
    readonly idle: number;
    /** Calls waiting for a connection. */
    readonly waiting: number;
  };
  /** Open stream subscriptions (one connection each). */
  readonly streams: number;
  readonly counters: {
    /** Connections opened, pooled and streaming. */
    readonly connectionsOpened: number;
    /** Lines skipped because they were not JSON. */
    readonly notJsonLines: number;
    /** Lines skipped because they were JSON but not a valid JSON-RPC message (or a notification without object params). */
    readonly invalidMessages: number;
    /** Lines skipped because they were longer than `maxMessageBytes`. */
    readonly oversizeLines: number;
    /** Responses ignored because their id matched no request on that connection. */
    readonly unknownResponses: number;
    /** Calls retried once because their pooled connection turned out to be closed. */
    readonly staleRetries: number;
  };
}

type Counters = { -readonly [K in keyof DaemonClientStats['counters']]: number };

/** A pooled connection handed to a call; `reused` when it served an earlier call. */
interface Lease {
  readonly connection: JsonRpcConnection;
  readonly reused: boolean;
}

/** Hands a lease to a call. */
type Grant = (lease: Lease) => void;

interface IdleConnection {
  readonly connection: JsonRpcConnection;
  readonly since: number;
}

/** One `call()` in flight, as `close()` sees it. */
interface PendingCall {
  fail(error: Error): void;
}

const ignore = (): void => {};

/**
 * The {@link DaemonClient} of the conductor's Unix socket: JSON-RPC 2.0 over
 * NDJSON.
 *
 * - `call()` uses a pool of up to `poolSize` connections, reused newest
 *   first; idle ones older than `idleTimeoutMs` are closed; calls beyond the
 *   pool wait their turn; each call times out after `timeoutMs`; a call whose
 *   pooled connection turns out to be closed by the daemon is retried once on
 *   a new connection. (The daemon may have run the request before it closed;
 *   the daemon's read methods are safe to repeat, but do not rely on this
 *   retry for a method that must not run twice.)
 * - `stream()` is cold: each subscription opens its own connection, sends
 *   one request, emits each notification's `params`, completes on the final
 *   result or when the daemon closes the socket, errors on an error response
 *   or a broken socket; unsubscribing destroys the connection at once.
 * - Bad lines from the daemon (not JSON, not JSON-RPC, longer than
 *   `maxMessageBytes`) are skipped, counted and logged; memory stays bounded
 *   by `maxMessageBytes` per connection. A response with an unknown id is
 *   ignored. On a call's connection, an oversize line or an invalid response
 *   carrying the call's id rejects the call with {@link DaemonProtocolError}
 *   at once (it can only be that call's answer) instead of waiting for the timeout.
 *
 * @example
 * ```ts
 * const client = new UnixSocketDaemonClient('/tmp/marianne.sock');
 * const health = await client.call('daemon.health');
 * const subscription = client.stream('daemon.monitor.stream').subscribe((event) => console.log(event));
 * // later
 * subscription.unsubscribe();
 * await client.close();
 * ```
 */
export class UnixSocketDaemonClient implements DaemonClient {
  private readonly options: z.output<typeof unixSocketDaemonClientOptionsSchema>;
  private readonly logger: BridgeLogger;
  private readonly idle: IdleConnection[] = [];
  private readonly waiters: Grant[] = [];
  private readonly pending = new Set<PendingCall>();
  private readonly connections = new Set<JsonRpcConnection>();
  private readonly streams = new Set<JsonRpcConnection>();
  private readonly counters: Counters = {
    connectionsOpened: 0,
    notJsonLines: 0,
    invalidMessages: 0,
    oversizeLines: 0,
    unknownResponses: 0,
    staleRetries: 0,
  };
  private pooled = 0;
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | undefined;

  /**
   * @param socketPath The daemon's socket. Default `/tmp/marianne.sock`.
   * @param options See {@link UnixSocketDaemonClientOptions}; a bad option throws `InvalidOptionsError`.
   */
  constructor(
    readonly socketPath: string = DEFAULT_SOCKET_PATH,
    options?: UnixSocketDaemonClientOptions,
  ) {
    if (typeof socketPath !== 'string' || socketPath === '') {
      throw new InvalidArgumentError('UnixSocketDaemonClient(socketPath): expected a non-empty string');
    }
    this.options = parseOptions(unixSocketDaemonClientOptionsSchema, options ?? {}, 'daemon client');
    this.logger = this.options.logger ?? silentLogger;
  }

  /**
   * Sends one request and resolves with its result. Rejects with
   * {@link DaemonRpcError} on an error response, {@link DaemonNotRunningError}
   * when the daemon cannot be reached, {@link DaemonTimeoutError},
   * {@link DaemonConnectionError}, {@link DaemonProtocolError} or
   * {@link DaemonClientClosedError}.
   *
   * @example
   * ```ts
   * const result = await client.call('daemon.observer_events', { job_id: 'nightly', limit: 20 });
   * ```
   */
  call(method: string, params: JsonObject = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new DaemonClientClosedError());
      const id = this.nextId++;
      const request = serialise(method, params, id);
      const { timeoutMs } = this.options;
      let leased: JsonRpcConnection | undefined;
      let waiting: Grant | undefined;
      let retried = false;

      /** Settles once; the connection goes back to the pool only after a proper answer. */
      const finish = (error: Error | undefined, result?: unknown): void => {
        if (!this.pending.delete(call)) return;
        clearTimeout(timer);
        if (waiting !== undefined) remove(this.waiters, waiting);
        if (leased !== undefined) {
          if (error === undefined || error instanceof DaemonRpcError) this.release(leased);
          else this.discard(leased);
          leased = undefined;
        }
        if (error === undefined) resolve(result);
        else reject(error);
      };
      const call: PendingCall = { fail: finish };
      const timer = setTimeout(() => finish(new DaemonTimeoutError(method, timeoutMs)), timeoutMs);
      timer.unref();

      const run: Grant = (lease) => {
        waiting = undefined;
        const { connection } = lease;
        if (!this.pending.has(call)) return this.release(connection);
        leased = connection;
        connection.handler = {
          connect: () => connection.send(request),
          message: (message) => {
            if (isNotification(message)) {
              this.logger.debug('daemon notification on a call connection ignored', {
                method: message.method,
              });
            } else if (answers(message, id)) {
              finish(rpcError(message, method), 'result' in message ? message.result : undefined);
            } else {
              this.unknownResponse(message, method);
            }
          },
          skip: (line) => {
            this.skipped(line, method);
            if (line.reason === 'oversize' || (isJsonObject(line.value) && line.value['id'] === id)) {
              const what = line.reason === 'oversize' ? 'longer than maxMessageBytes' : 'not valid JSON-RPC';
              finish(new DaemonProtocolError(`daemon response to ${method} is ${what}`));
            }
          },
          close: (error) => {
            leased = undefined;
            this.discard(connection);
            if (!this.pending.has(call)) return;
            if (lease.reused && connection.receivedSinceSend === 0 && !retried && !this.closed) {
              retried = true;
              this.counters.staleRetries++;
              this.logger.debug('pooled connection was closed by the daemon; retrying once', { method });
              this.discardIdle();
              waiting = this.acquire(run);
              return;
            }
            finish(error ?? new DaemonConnectionError(this.socketPath, `closed before answering ${method}`));
          },
        };
        if (connection.isOpen) connection.send(request);
      };
      this.pending.add(call);
      waiting = this.acquire(run);
    });
  }

  /**
   * Opens a dedicated connection per subscription, sends one streaming
   * request and emits the `params` of each notification. `hooks.onOpen` is
   * called once the request is written on the connected socket.
   *
   * @example
   * ```ts
   * client.stream('daemon.monitor.stream', {}, { onOpen: () => console.log('connected') })
   *   .subscribe({ next: (event) => console.log(event.event), error: (error) => console.error(error) });
   * ```
   */
  stream(method: string, params: JsonObject = {}, hooks: StreamHooks = {}): Observable<JsonObject> {
    return new Observable<JsonObject>((subscriber) => {
      if (this.closed) {
        subscriber.error(new DaemonClientClosedError());
        return;
      }
      const id = this.nextId++;
      const request = serialise(method, params, id);
      const connection = this.connect({
        connect: () => {
          connection.send(request);
          this.logger.debug('daemon stream open', { method });
          try {
            hooks.onOpen?.();
          } catch (error) {
            // A throwing hook must not become an uncaught exception in a socket event.
            end();
            subscriber.error(error);
          }
        },
        message: (message) => {
          if (isNotification(message)) {
            if (isJsonObject(message.params)) subscriber.next(message.params);
            else
              this.skipped(
                { reason: 'not_json_rpc', sample: 'notification params is not an object' },
                method,
              );
          } else if (answers(message, id)) {
            end();
            const error = rpcError(message, method);
            if (error === undefined) subscriber.complete();
            else subscriber.error(error);
          } else {
            this.unknownResponse(message, method);
          }
        },
        skip: (line) => this.skipped(line, method),
        close: (error) => {
          end();
          if (error === undefined) subscriber.complete();
          else subscriber.error(error);
        },
      });
      this.streams.add(connection);
      const end = (): void => {
        this.streams.delete(connection);
        this.forget(connection);
        connection.destroy();
      };
      connection.closed.then(() => this.logger.debug('daemon stream closed', { method }), ignore);
      return end;
    });
  }

  /**
   * Closes every connection: pending calls reject with
   * {@link DaemonClientClosedError}, open streams error with it, and later
   * calls and subscriptions fail with it. Resolves once every socket is
   * closed. Idempotent.
   *
   * @example
   * ```ts
   * bridge.stop();
   * await client.close();
   * ```
   */
  close(): Promise<void> {
    return (this.closing ??= this.closeAll());
  }

  private async closeAll(): Promise<void> {
    const sockets = [...this.connections].map((connection) => connection.closed);
    this.closed = true;
    const error = new DaemonClientClosedError();
    for (const call of [...this.pending]) call.fail(error);
    for (const connection of [...this.connections]) {
      const { handler } = connection;
      connection.destroy();
      if (this.streams.has(connection)) handler.close(error);
    }
    this.connections.clear();
    this.idle.length = 0;
    this.pooled = 0;
    await Promise.all(sockets);
  }

  /**
   * A snapshot of the pool, the open streams and the counters of skipped
   * lines, unknown responses and stale retries.
   *
   * @example
   * ```ts
   * console.log(client.stats().counters.oversizeLines);
   * ```
   */
  stats(): DaemonClientStats {
    return {
      pool: { open: this.pooled, idle: this.idle.length, waiting: this.waiters.length },
      streams: this.streams.size,
      counters: { ...this.counters },
    };
  }

  /**
   * Hands `grant` a pooled connection: the newest idle one that is still
   * fresh, else a new one if the pool has room; otherwise queues it and
   * returns it (so a settled call can leave the queue).
   */
  private acquire(grant: Grant): Grant | undefined {
    for (let entry = this.idle.pop(); entry !== undefined; entry = this.idle.pop()) {
      const { connection, since } = entry;
      if (connection.isOpen && performance.now() - since <= this.options.idleTimeoutMs) {
        connection.setIdle(undefined);
        grant({ connection, reused: true });
        return undefined;
      }
      this.discard(connection);
    }
    if (this.pooled < this.options.poolSize) {
      this.pooled++;
      grant({ connection: this.connect(undefined), reused: false });
      return undefined;
    }
    this.waiters.push(grant);
    return grant;
  }

  /**
   * Returns a healthy connection to the next waiting call, or to the idle
   * stack. One holding part of an unfinished line is discarded: the next
   * call's answer would be glued onto it.
   */
  private release(connection: JsonRpcConnection): void {
    if (!connection.isOpen || connection.bufferedBytes > 0 || this.closed) return this.discard(connection);
    const next = this.waiters.shift();
    if (next !== undefined) return next({ connection, reused: true });
    const entry: IdleConnection = { connection, since: performance.now() };
    connection.handler = {
      connect: ignore,
      message: (message) => {
        if (!isNotification(message)) this.unknownResponse(message, undefined);
      },
      skip: (line) => this.skipped(line, undefined),
      close: () => {
        remove(this.idle, entry);
        this.discard(connection);
      },
    };
    connection.setIdle(this.options.idleTimeoutMs);
    this.idle.push(entry);
  }

  /** Closes a pooled connection and gives its slot to the next waiting call. */
  private discard(connection: JsonRpcConnection): void {
    if (!this.connections.has(connection)) return;
    this.forget(connection);
    connection.destroy();
    this.pooled--;
    if (this.closed || this.pooled >= this.options.poolSize) return;
    const next = this.waiters.shift();
    if (next !== undefined) {
      this.pooled++;
      next({ connection: this.connect(undefined), reused: false });
    }
  }

  /** Closes every idle pooled connection (after one of them was found stale). */
  private discardIdle(): void {
    for (const { connection } of this.idle.splice(0)) this.discard(connection);
  }

  private connect(handler: JsonRpcConnectionHandler | undefined): JsonRpcConnection {
    const { connectTimeoutMs, maxMessageBytes } = this.options;
    const connection = new JsonRpcConnection(
      this.socketPath,
      { connectTimeoutMs, maxMessageBytes },
      handler ?? { connect: ignore, message: ignore, skip: ignore, close: ignore },
    );
    this.connections.add(connection);
    this.counters.connectionsOpened++;
    return connection;
  }

  private forget(connection: JsonRpcConnection): void {
    this.connections.delete(connection);
  }

  private skipped(line: SkippedLine, method: string | undefined): void {
    const counter =
      line.reason === 'oversize'
        ? 'oversizeLines'
        : line.reason === 'not_json'
          ? 'notJsonLines'
          : 'invalidMessages';
    this.counters[counter]++;
    this.logger.warn(`daemon line skipped (${line.reason.replaceAll('_', ' ')})`, {
      method,
      sample: line.sample,
      [counter]: this.counters[counter],
    });
  }

  private unknownResponse(message: JsonRpcResponse, method: string | undefined): void {
    this.counters.unknownResponses++;
    this.logger.warn('daemon response with an unknown id ignored', {
      method,
      id: message.id,
      unknownResponses: this.counters.unknownResponses,
    });
  }
}

function serialise(method: string, params: JsonObject, id: number): string {
  if (typeof method !== 'string' || method === '') {
    throw new InvalidArgumentError('daemon method must be a non-empty string');
  }
  if (!isJsonObject(params)) throw new InvalidArgumentError(`params of ${method} must be a JSON object`);
  try {
    return JSON.stringify({ jsonrpc: '2.0', method, params, id });
  } catch (error) {
    throw new InvalidArgumentError(`params of ${method} cannot be serialised as JSON`, { cause: error });
  }
}

/** True when `message` answers request `id` (an error with a null id can only be about the one request sent). */
function answers(message: JsonRpcResponse, id: number): boolean {
  return message.id === id || (message.id === null && 'error' in message);
}

/** The {@link DaemonRpcError} of an error response, or undefined for a success. */
function rpcError(message: JsonRpcResponse, method: string): DaemonRpcError | undefined {
  if (!('error' in message) || message.error === undefined) return undefined;
  const { code, message: text, data } = message.error;
  return new DaemonRpcError(code, text, data, method);
}

function remove<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index !== -1) list.splice(index, 1);
}
