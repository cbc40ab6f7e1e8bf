import { Observable, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { loggerSchema, silentLogger, type BridgeLogger } from '../logger.js';
import { integerOption as integer, MAX_TIMER_MS, parseOptions, schedulerOption } from '../options.js';
import { ConnectionPool } from './connection-pool.js';
import type { DaemonClient, StreamHooks } from './daemon-client.js';
import { DaemonClientClosedError, DaemonRpcError, DaemonUnresponsiveError } from './errors.js';
import { JsonRpcConnection, type JsonRpcConnectionHandler } from './json-rpc-connection.js';
import { encodeRequest } from './json-rpc.js';
import { failWhenUnresponsive } from './liveness.js';
import { PooledCall, type PooledCallContext, type Settle } from './pooled-call.js';
import { StreamCall } from './stream-call.js';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_SOCKET_PATH, HEALTH_METHOD } from './protocol.js';
import { SkipCounters, type SkippedLineCounts } from './skip-counters.js';

export { DEFAULT_SOCKET_PATH } from './protocol.js';

/** Guards {@link UnixSocketDaemonClientOptions}; each default is stated here, once. */
export const unixSocketDaemonClientOptionsSchema = z.strictObject({
  timeoutMs: integer(1, MAX_TIMER_MS).default(30_000),
  acquireTimeoutMs: integer(1, MAX_TIMER_MS).default(30_000),
  connectTimeoutMs: integer(1, MAX_TIMER_MS).default(5_000),
  maxMessageBytes: integer(1, 2 ** 30).default(DEFAULT_MAX_MESSAGE_BYTES),
  poolSize: integer(1, 500).default(8),
  idleTimeoutMs: integer(1, MAX_TIMER_MS).default(60_000),
  healthIntervalMs: integer(0, MAX_TIMER_MS).default(10_000),
  healthTimeoutMs: integer(1, MAX_TIMER_MS).default(5_000),
  healthMaxMisses: integer(1, 1_000).default(3),
  scheduler: schedulerOption(),
  logger: loggerSchema.optional(),
});

/**
 * Options of {@link UnixSocketDaemonClient}. Every field is optional.
 *
 * @example
 * ```ts
 * import { UnixSocketDaemonClient } from 'daemon-event-bridge';
 *
 * new UnixSocketDaemonClient('/run/marianne.sock', { timeoutMs: 5_000, poolSize: 4, logger: console });
 * ```
 */
export interface UnixSocketDaemonClientOptions {
  /** How long a `call()` waits for its answer, counted from the moment its request is written. 30,000 ms. */
  timeoutMs?: number;
  /** How long a `call()` may wait for a pooled connection before {@link DaemonPoolTimeoutError}. 30,000 ms. */
  acquireTimeoutMs?: number;
  /** How long connecting may take before {@link DaemonNotRunningError}. 5,000 ms. */
  connectTimeoutMs?: number;
  /** The longest line accepted from the daemon; longer ones are skipped. 16 MiB (16,777,216). */
  maxMessageBytes?: number;
  /** How many connections `call()` keeps; further calls wait their turn. 8; 1 .. 500. */
  poolSize?: number;
  /** Pooled connections idle for longer than this are closed. 60,000 ms. */
  idleTimeoutMs?: number;
  /**
   * While a stream is open, a `daemon.health` call on the pool every this
   * many ms checks that the daemon still answers; 0 turns probing off. 10,000 ms.
   */
  healthIntervalMs?: number;
  /** How long one health probe waits for its answer. 5,000 ms. */
  healthTimeoutMs?: number;
  /**
   * After this many unanswered probes in a row the stream errors with
   * {@link DaemonUnresponsiveError}. 3: with the defaults, a daemon that
   * stops answering is detected within 35 s (3 × 10 s + 5 s).
   */
  healthMaxMisses?: number;
  /** The scheduler of the call and probe timers. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** Where to log skipped lines and connection trouble. Default: silent. */
  logger?: BridgeLogger;
}

/** A snapshot of a {@link UnixSocketDaemonClient}'s connections and counters. */
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
  /** What was skipped, per cause. */
  readonly skipped: SkippedLineCounts;
  readonly counters: {
    /** Connections opened, pooled and streaming. */
    readonly connectionsOpened: number;
    /** Lines that were not JSON text: `skipped.notJson + skipped.nul + skipped.invalidUtf8`. */
    readonly notJsonLines: number;
    /** `skipped.notJsonRpc`. */
    readonly invalidMessages: number;
    /** `skipped.oversize`. */
    readonly oversizeLines: number;
    /** `skipped.unknownId`. */
    readonly unknownResponses: number;
    /** Calls retried once because their pooled connection turned out to be closed. */
    readonly staleRetries: number;
    /** Health probes that failed or got no answer in time. */
    readonly healthMisses: number;
    /** Streams that errored with {@link DaemonUnresponsiveError}. */
    readonly unresponsive: number;
  };
}

type ClientOptions = z.output<typeof unixSocketDaemonClientOptionsSchema>;

const ignore = (): void => {};

/**
 * The {@link DaemonClient} of the conductor's Unix socket: JSON-RPC 2.0 over
 * NDJSON, one message per line.
 *
 * - `call()` runs on a pool of up to `poolSize` connections (see
 *   {@link ConnectionPool}): it waits at most `acquireTimeoutMs` for a
 *   connection, then at most `timeoutMs` for the answer once its request is
 *   written. A call whose pooled connection turns out closed by the daemon is
 *   retried once on a new connection (the daemon may have run the request
 *   before it closed; its read methods are safe to repeat, but do not rely
 *   on this retry for a method that must not run twice).
 * - `stream()` is cold: each subscription opens its own connection, sends
 *   one request, emits each notification's `params`, completes on the final
 *   result or when the daemon closes the socket, errors on an error response
 *   or a broken socket; unsubscribing destroys the connection at once. While
 *   it is open, `daemon.health` probes on the pool check that the daemon
 *   still answers (`healthIntervalMs`); after `healthMaxMisses` unanswered
 *   probes in a row the stream errors with {@link DaemonUnresponsiveError}.
 *   A daemon that answers the probe with an error response is alive.
 * - Bad lines from the daemon are skipped, counted per cause (see
 *   {@link stats}) and logged; memory stays bounded by `maxMessageBytes` per
 *   connection. On a call's connection, an oversize line or an invalid
 *   response carrying the call's id rejects the call with
 *   {@link DaemonProtocolError} at once (it can only be that call's answer).
 *
 * @example
 * ```ts
 * import { UnixSocketDaemonClient } from 'daemon-event-bridge';
 *
 * const client = new UnixSocketDaemonClient('/tmp/marianne.sock');
 * const health = await client.call('daemon.health');
 * const subscription = client.stream('daemon.monitor.stream').subscribe((event) => console.log(event));
 * // later
 * subscription.unsubscribe();
 * await client.close();
 * ```
 */
export class UnixSocketDaemonClient implements DaemonClient {
  private readonly options: ClientOptions;
  private readonly logger: BridgeLogger;
  private readonly skips: SkipCounters;
  private readonly pool: ConnectionPool;
  private readonly callContext: PooledCallContext;
  private readonly calls = new Set<PooledCall>();
  private readonly streams = new Set<StreamCall>();
  private readonly counters = {
    connectionsOpened: 0,
    staleRetries: 0,
    healthMisses: 0,
    unresponsive: 0,
  };
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
    this.skips = new SkipCounters(this.logger);
    const { poolSize: size, idleTimeoutMs, timeoutMs, acquireTimeoutMs, scheduler } = this.options;
    this.pool = new ConnectionPool({ size, idleTimeoutMs }, () => this.connect(undefined), this.skips);
    this.callContext = {
      pool: this.pool,
      skips: this.skips,
      logger: this.logger,
      scheduler,
      socketPath,
      timeoutMs,
      acquireTimeoutMs,
      mayRetry: () => !this.closed,
      onStaleRetry: () => this.counters.staleRetries++,
    };
  }

  /**
   * Sends one request and resolves with its result. Rejects with
   * {@link DaemonRpcError} on an error response, {@link DaemonNotRunningError}
   * when the daemon cannot be reached, {@link DaemonTimeoutError} (or its
   * subclass {@link DaemonPoolTimeoutError}), {@link DaemonConnectionError},
   * {@link DaemonProtocolError} or {@link DaemonClientClosedError}.
   *
   * @example
   * ```ts
   * const result = await client.call('daemon.observer_events', { job_id: 'nightly', limit: 20 });
   * ```
   */
  call(method: string, params: JsonObject = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.startCall(method, params, (error, result) =>
        error === undefined ? resolve(result) : reject(error),
      );
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
    const stream$ = this.openStream(method, params, hooks);
    const { healthIntervalMs, healthTimeoutMs, healthMaxMisses, scheduler } = this.options;
    if (healthIntervalMs === 0) return stream$;
    return stream$.pipe(
      failWhenUnresponsive({
        probe: () => this.probe(),
        intervalMs: healthIntervalMs,
        timeoutMs: healthTimeoutMs,
        maxMisses: healthMaxMisses,
        scheduler,
        onMiss: (misses, cause) => {
          this.counters.healthMisses++;
          this.logger.warn('daemon health probe unanswered', { method, misses, cause: String(cause) });
        },
        unresponsive: (misses, cause) => {
          this.counters.unresponsive++;
          return new DaemonUnresponsiveError(this.socketPath, misses, healthTimeoutMs, { cause });
        },
      }),
    );
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

  /**
   * A snapshot of the pool, the open streams, what was skipped per cause,
   * and the other counters.
   *
   * @example
   * ```ts
   * console.log(client.stats().skipped.oversize);
   * ```
   */
  stats(): DaemonClientStats {
    const skipped = this.skips.snapshot();
    return {
      pool: this.pool.stats,
      streams: this.streams.size,
      skipped,
      counters: {
        ...this.counters,
        notJsonLines: skipped.notJson + skipped.nul + skipped.invalidUtf8,
        invalidMessages: skipped.notJsonRpc,
        oversizeLines: skipped.oversize,
        unknownResponses: skipped.unknownId,
      },
    };
  }

  private startCall(method: string, params: JsonObject, settle: Settle): PooledCall | undefined {
    if (this.closed) {
      settle(new DaemonClientClosedError());
      return undefined;
    }
    const id = this.nextId++;
    const call = new PooledCall(
      this.callContext,
      method,
      id,
      encodeRequest(method, params, id),
      (error, result) => {
        this.calls.delete(call);
        settle(error, result);
      },
    );
    this.calls.add(call);
    call.start();
    return call;
  }

  /** One `daemon.health` call: emits once the daemon answers (an error response too); unsubscribing abandons it. */
  private probe(): Observable<unknown> {
    return new Observable<unknown>((subscriber) => {
      const call = this.startCall(HEALTH_METHOD, {}, (error, result) => {
        if (error === undefined || error instanceof DaemonRpcError) subscriber.next(result ?? error);
        else subscriber.error(error);
      });
      return () => call?.abandon();
    });
  }

  private openStream(method: string, params: JsonObject, hooks: StreamHooks): Observable<JsonObject> {
    return new Observable<JsonObject>((subscriber) => {
      if (this.closed) return subscriber.error(new DaemonClientClosedError());
      const id = this.nextId++;
      const request = { method, id, line: encodeRequest(method, params, id), hooks };
      const stream = new StreamCall(
        request,
        subscriber,
        (handler) => this.connect(handler),
        this.skips,
        this.logger,
      );
      this.streams.add(stream);
      return () => {
        this.streams.delete(stream);
        stream.end();
      };
    });
  }

  private async closeAll(): Promise<void> {
    this.closed = true;
    const pooled = this.pool.close();
    const streams = [...this.streams].map((stream) => stream.closed);
    const error = new DaemonClientClosedError();
    for (const call of [...this.calls]) call.fail(error);
    for (const stream of [...this.streams]) stream.fail(error);
    await Promise.all([pooled, ...streams]);
  }

  private connect(handler: JsonRpcConnectionHandler | undefined): JsonRpcConnection {
    const { connectTimeoutMs, maxMessageBytes } = this.options;
    this.counters.connectionsOpened++;
    return new JsonRpcConnection(
      this.socketPath,
      { connectTimeoutMs, maxMessageBytes },
      handler ?? { connect: ignore, message: ignore, skip: ignore, close: ignore },
    );
  }
}
