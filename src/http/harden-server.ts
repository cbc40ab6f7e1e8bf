import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { z } from 'zod';
import { DaemonEventBridgeError } from '../errors.js';
import { integerOption as integer, MAX_TIMER_MS, parseOptions } from '../options.js';

/**
 * {@link hardenServer} was called on a server that already listens: Node reads
 * the timeout check interval when listening starts, so the header timeout
 * would be checked only every 30 s.
 *
 * @example
 * ```ts
 * import { hardenServer } from 'daemon-event-bridge/http';
 *
 * server.listen(8787);
 * hardenServer(server); // ServerListeningError (code ERR_SERVER_LISTENING)
 * ```
 */
export class ServerListeningError extends DaemonEventBridgeError {
  override readonly name = 'ServerListeningError';
  readonly code = 'ERR_SERVER_LISTENING';
}

/**
 * Options of {@link hardenServer}: the limits an HTTP server in front of the
 * gateway needs against slow or greedy clients. Every field is optional.
 *
 * None of them cuts an SSE stream: a GET request is complete once its headers
 * are in, which stops the header and request clocks; the keep-alive clock runs
 * only between requests; and the socket inactivity timeout stays off, since a
 * stream is silent between heartbeats.
 *
 * @example
 * ```ts
 * import { hardenServer } from 'daemon-event-bridge/http';
 *
 * hardenServer(server, { headersTimeoutMs: 5_000, maxConnections: 5_000 });
 * ```
 */
export interface HardenServerOptions {
  /**
   * The time a client has to send a request's complete headers, from its
   * first byte (or from the connection, for the first request); then 408 and
   * the socket is closed. Default 10,000 ms (Node: 60,000).
   */
  headersTimeoutMs?: number;
  /** The time a client has to send a whole request, body included. At least `headersTimeoutMs`. Default 30,000 ms (Node: 300,000). */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection waits for its next request. Default 5,000 ms. */
  keepAliveTimeoutMs?: number;
  /** How often the header and request timeouts are checked (Node: every 30,000 ms). Default 1,000 ms. */
  checkIntervalMs?: number;
  /**
   * Open sockets allowed at once, SSE streams included; beyond, a new
   * connection is closed at once and counted. Default 1,100: the gateway's
   * 1,000 SSE clients plus 100 for other requests. Raise both together.
   */
  maxConnections?: number;
  /** The largest request head (request line and headers) accepted; beyond, 431. Default 8 KiB (Node: 16 KiB). */
  maxHeaderBytes?: number;
  /** Headers read per request; the rest are ignored. Default 100 (Node: 2,000). */
  maxHeadersCount?: number;
}

/**
 * The zod schema that guards {@link HardenServerOptions}; defaults are applied
 * here, and only here.
 */
export const hardenServerOptionsSchema = z
  .strictObject({
    headersTimeoutMs: integer(1, MAX_TIMER_MS).default(10_000),
    requestTimeoutMs: integer(1, MAX_TIMER_MS).default(30_000),
    keepAliveTimeoutMs: integer(1, MAX_TIMER_MS).default(5_000),
    checkIntervalMs: integer(1, MAX_TIMER_MS).default(1_000),
    maxConnections: integer(1, 1_000_000).default(1_100),
    maxHeaderBytes: integer(1_024, 1024 * 1024).default(8 * 1024),
    maxHeadersCount: integer(1, 10_000).default(100),
  })
  .refine((options) => options.requestTimeoutMs >= options.headersTimeoutMs, {
    error: 'expected requestTimeoutMs to be at least headersTimeoutMs',
    path: ['requestTimeoutMs'],
  });

/** {@link HardenServerOptions} with defaults applied. */
type ResolvedHardenServerOptions = Readonly<Required<HardenServerOptions>>;

/** What {@link hardenServer} has turned away so far. */
interface HardenedServerStats {
  /** Connections closed (408) because headers or the request did not arrive in time. */
  readonly requestTimeouts: number;
  /** Requests refused (431) because their head exceeded `maxHeaderBytes`. */
  readonly headerOverflows: number;
  /** Other malformed requests (400), e.g. not HTTP at all. */
  readonly badRequests: number;
  /** Connections closed at once because `maxConnections` were open. */
  readonly connectionsDropped: number;
}

/** The result of {@link hardenServer}. */
export interface HardenedServer {
  /** The limits applied. */
  readonly options: ResolvedHardenServerOptions;
  stats(): HardenedServerStats;
}

const ANSWERS: Readonly<Record<string, string>> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

/**
 * Applies header, request and keep-alive timeouts, a cap on sockets and on
 * request heads to a `node:http` server you create yourself, so a slowloris
 * cannot hold sockets for a minute and no one can open sockets without end.
 * Call it before `listen()`. The CLI `serve` applies it with the defaults.
 *
 * It answers client errors itself (a `clientError` listener), as Node would
 * (408, 431 or 400, then the socket is closed), and counts them.
 *
 * @throws {@link InvalidOptionsError} for a bad option;
 *   {@link ServerListeningError} when the server already listens.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createGateway, hardenServer } from 'daemon-event-bridge/http';
 *
 * const server = createServer(createGateway(bridge));
 * const hardened = hardenServer(server, { maxConnections: 5_000 });
 * server.listen(8787, '127.0.0.1');
 * // later: hardened.stats().requestTimeouts
 * ```
 */
export function hardenServer(server: Server, options: HardenServerOptions = {}): HardenedServer {
  const resolved = parseOptions(hardenServerOptionsSchema, options, 'hardenServer');
  if (server.listening) {
    throw new ServerListeningError('hardenServer() must be called before the server listens');
  }
  server.headersTimeout = resolved.headersTimeoutMs;
  server.requestTimeout = resolved.requestTimeoutMs;
  server.keepAliveTimeout = resolved.keepAliveTimeoutMs;
  server.timeout = 0;
  server.maxConnections = resolved.maxConnections;
  server.maxHeadersCount = resolved.maxHeadersCount;
  // Read by Node when listening starts and on each new connection (the createServer options of the same names).
  Object.assign(server, {
    connectionsCheckingInterval: resolved.checkIntervalMs,
    maxHeaderSize: resolved.maxHeaderBytes,
  });

  const counters = { requestTimeouts: 0, headerOverflows: 0, badRequests: 0, connectionsDropped: 0 };
  server.on('drop', () => counters.connectionsDropped++);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET') return void socket.destroy();
    const answer = ANSWERS[error.code ?? ''] ?? '400 Bad Request';
    if (answer.startsWith('408')) counters.requestTimeouts++;
    else if (answer.startsWith('431')) counters.headerOverflows++;
    else counters.badRequests++;
    if (socket.writable && !responseStarted(socket)) {
      socket.end(`HTTP/1.1 ${answer}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
  });
  return { options: resolved, stats: () => ({ ...counters }) };
}

/** True when a response on this socket already sent bytes: another status line would corrupt it. */
function responseStarted(socket: Socket): boolean {
  return (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
}
