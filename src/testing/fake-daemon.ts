import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describeError } from '../errors.js';
import { parseOptions } from '../options.js';
import {
  EVENT_NOTIFICATION_METHOD,
  HEALTH_METHOD,
  MONITOR_STREAM_METHOD,
  OBSERVER_EVENTS_METHOD,
} from '../daemon/protocol.js';
import { JsonRpcErrorCode, jsonRpcRequestSchema } from '../daemon/json-rpc.js';
import { NdjsonSplitter } from '../daemon/ndjson.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { CounterWaiters } from './counter-waiters.js';
import { replyOn, sendError, type FakeConnection } from './fake-connection.js';
import {
  fakeDaemonOptionsSchema,
  type FakeDaemonCounters,
  type FakeDaemonOptions,
  type FakeMethodHandler,
  type FakeReply,
} from './fake-daemon-types.js';
import { listenUnix } from './unix-listener.js';

export type {
  FakeDaemonCounters,
  FakeDaemonOptions,
  FakeMethodHandler,
  FakeReply,
} from './fake-daemon-types.js';

type Counters = { -readonly [K in keyof FakeDaemonCounters]: number };

const observerParamsSchema = z.looseObject({
  job_id: z.string().min(1),
  limit: z.number().int().min(1).optional(),
});

/**
 * A real daemon on a Unix socket that speaks the conductor's protocol
 * (JSON-RPC 2.0 over NDJSON): `daemon.monitor.stream`, `daemon.observer_events`
 * (answered from the events published per job, newest last), `daemon.health`;
 * unknown methods get -32601, lines that are not JSON -32700. Made for tests:
 * publish events, inject malformed lines, drop connections, restart, and read
 * counters. Start one with {@link startFakeDaemon}.
 *
 * @example
 * ```ts
 * import { UnixSocketDaemonClient } from 'daemon-event-bridge';
 * import { startFakeDaemon } from 'daemon-event-bridge/testing';
 *
 * const daemon = await startFakeDaemon();
 * const client = new UnixSocketDaemonClient(daemon.socketPath);
 * client.stream('daemon.monitor.stream').subscribe(console.log);
 * await daemon.waitFor((counters) => counters.openStreams === 1);
 * daemon.publish({ job_id: 'nightly', event: 'sheet.started', timestamp: Date.now() / 1000 });
 * ```
 */
export class FakeDaemon {
  private currentServer: Server;
  private readonly connections = new Set<FakeConnection>();
  private readonly streams = new Set<FakeConnection>();
  private readonly history = new Map<string, JsonObject[]>();
  private readonly handlers = new Map<string, FakeMethodHandler>();
  private readonly waiters = new CounterWaiters<FakeDaemonCounters>();
  private readonly started = Date.now();
  private readonly counts: Counters = {
    connections: 0,
    openConnections: 0,
    peakConnections: 0,
    openStreams: 0,
    requests: 0,
    parseErrors: 0,
    published: 0,
    droppedEvents: 0,
  };
  private state: 'up' | 'restarting' | 'stopped' = 'up';
  private isFrozen = false;
  /** Stream writes held while frozen, sent by `thaw()`. */
  private readonly held: Array<string | Buffer> = [];

  private constructor(
    /** The socket path clients connect to (the same across restarts). */
    readonly socketPath: string,
    private readonly ownDir: string | undefined,
    private readonly options: Required<Omit<FakeDaemonOptions, 'socketPath'>>,
  ) {
    this.currentServer = this.createServer();
  }

  /** @internal Use {@link startFakeDaemon}. */
  static async start(options: FakeDaemonOptions = {}): Promise<FakeDaemon> {
    const { socketPath: given, ...limits } = parseOptions(fakeDaemonOptionsSchema, options, 'fake daemon');
    const ownDir = given === undefined ? mkdtempSync(join(tmpdir(), 'fake-daemon-')) : undefined;
    const socketPath = given ?? join(ownDir!, 'daemon.sock');
    const daemon = new FakeDaemon(socketPath, ownDir, limits);
    try {
      await daemon.listen();
    } catch (error) {
      if (ownDir !== undefined) rmSync(ownDir, { recursive: true, force: true });
      throw error;
    }
    return daemon;
  }

  /** The `net.Server` listening now (a new one after each restart). */
  get server(): Server {
    return this.currentServer;
  }

  /** A snapshot of the counters. */
  get counters(): FakeDaemonCounters {
    return { ...this.counts };
  }

  /**
   * Sends one event to every open stream as a `monitor.event` notification,
   * and records it in its job's history for `daemon.observer_events`.
   */
  publish(event: JsonObject): void {
    this.counts.published++;
    const jobId = event['job_id'];
    if (typeof jobId === 'string') {
      const events = this.history.get(jobId) ?? [];
      events.push(event);
      if (events.length > this.options.historyLimit)
        events.splice(0, events.length - this.options.historyLimit);
      this.history.set(jobId, events);
    }
    this.broadcast(
      JSON.stringify({ jsonrpc: '2.0', method: EVENT_NOTIFICATION_METHOD, params: event }) + '\n',
    );
  }

  /**
   * Writes one line verbatim to every open stream (a `\n` is added unless
   * `newline: false`): malformed JSON, invalid JSON-RPC, oversize lines,
   * half a line before `dropConnections()`, bytes that are not UTF-8...
   */
  publishRaw(line: string | Uint8Array, options: { newline?: boolean } = {}): void {
    const newline = options.newline === false ? '' : '\n';
    this.broadcast(typeof line === 'string' ? line + newline : Buffer.concat([line, Buffer.from(newline)]));
  }

  /** Replaces the history `daemon.observer_events` answers for one job (newest last). */
  setObserverEvents(jobId: string, events: readonly JsonObject[]): void {
    this.history.set(jobId, [...events]);
  }

  /**
   * Answers `method` with your handler instead of the built-in one (or
   * instead of -32601); `undefined` restores the default.
   */
  handle(method: string, handler: FakeMethodHandler | undefined): void {
    if (handler === undefined) this.handlers.delete(method);
    else this.handlers.set(method, handler);
  }

  /**
   * Stops reading and answering, like a daemon stopped with SIGSTOP or
   * deadlocked: its sockets stay open, connections are still accepted (as
   * the kernel would) but nothing sent to it is read, and events published
   * meanwhile are held. Answers a custom handler has already scheduled still
   * go out. {@link thaw} resumes.
   */
  freeze(): void {
    this.isFrozen = true;
    for (const { socket } of this.connections) socket.pause();
  }

  /** Resumes after {@link freeze}: reads what waited, answers it, and sends the held events. */
  thaw(): void {
    if (!this.isFrozen) return;
    this.isFrozen = false;
    for (const { socket } of this.connections) socket.resume();
    for (const text of this.held.splice(0)) this.broadcast(text);
  }

  /** True between {@link freeze} and {@link thaw}. */
  get frozen(): boolean {
    return this.isFrozen;
  }

  /** Closes every client connection at once; the daemon keeps listening. */
  dropConnections(): void {
    for (const { socket } of this.connections) socket.destroy();
  }

  /**
   * Simulates a daemon restart: closes every connection and the socket
   * (the path disappears), waits `downMs` (50), and listens again at the same path.
   */
  async restart(options: { downMs?: number } = {}): Promise<void> {
    if (this.state !== 'up') throw new Error(`cannot restart a fake daemon that is ${this.state}`);
    this.state = 'restarting';
    await this.closeServer();
    await new Promise((resolve) => setTimeout(resolve, options.downMs ?? 50));
    if (this.state !== 'restarting') return;
    this.currentServer = this.createServer();
    await this.listen();
    // stop() may have run while the socket was coming back: it wins.
    if (this.state !== 'restarting') return this.closeServer();
    this.state = 'up';
  }

  /** Closes every connection and the socket, and removes the temp dir it made. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.waiters.rejectAll(new Error('the fake daemon stopped'));
    await this.closeServer();
    if (this.ownDir !== undefined) rmSync(this.ownDir, { recursive: true, force: true });
  }

  /**
   * Resolves once `predicate(counters)` holds (checked now and after each
   * change); rejects after `timeoutMs` (5,000).
   */
  waitFor(predicate: (counters: FakeDaemonCounters) => boolean, timeoutMs = 5_000): Promise<void> {
    if (predicate(this.counters)) return Promise.resolve();
    if (this.state === 'stopped') return Promise.reject(new Error('the fake daemon stopped'));
    return this.waiters.wait(predicate, timeoutMs);
  }

  private createServer(): Server {
    return createServer((socket) => this.accept(socket));
  }

  private listen(): Promise<void> {
    return listenUnix(this.currentServer, this.socketPath);
  }

  private async closeServer(): Promise<void> {
    const server = this.currentServer;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.dropConnections();
    if (server.listening) await closed;
  }

  private accept(socket: Socket): void {
    this.counts.connections++;
    const connection: FakeConnection = { id: this.counts.connections, socket, backlog: 0 };
    this.connections.add(connection);
    this.counts.openConnections++;
    this.counts.peakConnections = Math.max(this.counts.peakConnections, this.counts.openConnections);
    const splitter = new NdjsonSplitter(this.options.maxMessageBytes);
    socket.on('data', (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) {
        if (socket.destroyed) return;
        if (item.type === 'line') this.receive(connection, item.line);
        else
          sendError(connection, null, {
            code: JsonRpcErrorCode.InvalidRequest,
            message: 'Message too large',
          });
      }
    });
    if (this.isFrozen) socket.pause();
    socket.on('error', () => {});
    socket.on('close', () => {
      this.connections.delete(connection);
      this.counts.openConnections--;
      if (this.streams.delete(connection)) this.counts.openStreams--;
      this.changed();
    });
    this.changed();
  }

  private receive(connection: FakeConnection, line: string): void {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.counts.parseErrors++;
      sendError(connection, null, { code: JsonRpcErrorCode.ParseError, message: 'Parse error' });
      this.changed();
      return;
    }
    const parsed = jsonRpcRequestSchema.safeParse(value);
    if (!parsed.success) {
      const id =
        isJsonObject(value) && ['number', 'string'].includes(typeof value['id']) ? value['id'] : null;
      sendError(connection, id, { code: JsonRpcErrorCode.InvalidRequest, message: 'Invalid Request' });
      return;
    }
    const { method, params, id } = parsed.data;
    this.counts.requests++;
    const reply = replyOn(connection, id);
    const custom = this.handlers.get(method);
    if (custom !== undefined) {
      try {
        custom(params, reply);
      } catch (error) {
        reply.error(JsonRpcErrorCode.InternalError, `handler of ${method} threw: ${describeError(error)}`);
      }
    } else if (method === MONITOR_STREAM_METHOD) this.openStream(connection);
    else if (method === OBSERVER_EVENTS_METHOD) this.observerEvents(params, reply);
    else if (method === HEALTH_METHOD) reply.result(this.health());
    else reply.error(JsonRpcErrorCode.MethodNotFound, `Method not found: ${method}`);
    this.changed();
  }

  private openStream(connection: FakeConnection): void {
    if (this.streams.has(connection)) return;
    this.streams.add(connection);
    this.counts.openStreams++;
  }

  private observerEvents(params: unknown, reply: FakeReply): void {
    const parsed = observerParamsSchema.safeParse(params);
    if (!parsed.success) {
      reply.error(
        JsonRpcErrorCode.InvalidParams,
        'Invalid params: expected {job_id: string, limit?: int >= 1}',
      );
      return;
    }
    const { job_id: jobId, limit = 50 } = parsed.data;
    reply.result({ events: (this.history.get(jobId) ?? []).slice(-limit) });
  }

  private health(): JsonObject {
    return {
      status: 'ok',
      uptime_seconds: (Date.now() - this.started) / 1000,
      connections: this.counts.openConnections,
      streams: this.counts.openStreams,
    };
  }

  private broadcast(text: string | Buffer): void {
    if (this.isFrozen) {
      this.held.push(text);
      return;
    }
    for (const connection of this.streams) {
      const { socket } = connection;
      if (socket.destroyed || !socket.writable) continue;
      if (connection.backlog >= this.options.streamQueueSize) {
        this.counts.droppedEvents++;
        continue;
      }
      if (!socket.write(text) && connection.backlog++ === 0) {
        socket.once('drain', () => (connection.backlog = 0));
      }
    }
  }

  private changed(): void {
    this.waiters.check(this.counters);
  }
}

/**
 * Starts a {@link FakeDaemon}: a real daemon on a Unix socket (mode 0600, in
 * a fresh temp dir unless `socketPath` is given) that speaks the conductor's
 * protocol. Stop it with `stop()`.
 *
 * @example
 * ```ts
 * import { DaemonEventBridge, UnixSocketDaemonClient } from 'daemon-event-bridge';
 * import { startFakeDaemon } from 'daemon-event-bridge/testing';
 *
 * const daemon = await startFakeDaemon();
 * const bridge = new DaemonEventBridge(new UnixSocketDaemonClient(daemon.socketPath));
 * bridge.start();
 * await daemon.waitFor((counters) => counters.openStreams === 1);
 * daemon.publish({ job_id: 'nightly', event: 'sheet.started', timestamp: 1764000000 });
 * // ...
 * bridge.stop();
 * await daemon.stop();
 * ```
 */
export function startFakeDaemon(options?: FakeDaemonOptions): Promise<FakeDaemon> {
  return FakeDaemon.start(options);
}
