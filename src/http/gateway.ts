import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DaemonEventBridge } from '../bridge/bridge.js';
import { describeError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { parseOptions } from '../options.js';
import { corsHeaders, PREFLIGHT_HEADERS } from './cors.js';
import { ROUTE_HANDLERS, type GatewayContext, type RouteHandler } from './gateway-handlers.js';
import { gatewayOptionsSchema, type GatewayOptions } from './gateway-options.js';
import { sendError, type GatewayRequest } from './gateway-request.js';
import { matchRoute } from './routes.js';
import { sendJson } from './send-json.js';
import { SseBudget } from './sse-budget.js';
import { SseClients } from './sse-clients.js';
import type { GatewayStats } from './gateway-stats.js';

/**
 * A `node:http` request listener serving the bridge (see {@link createGateway}),
 * with its counters and a way to end every open stream.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createGateway } from 'daemon-event-bridge/http';
 *
 * const gateway = createGateway(bridge);
 * const server = http.createServer(gateway).listen(8787);
 * // shutdown
 * gateway.close();
 * server.close();
 * ```
 */
export interface Gateway {
  (req: IncomingMessage, res: ServerResponse): void;
  /** The gateway's counters. */
  stats(): GatewayStats;
  /** Ends every open SSE response; later requests get 503. Idempotent. */
  close(): void;
}

const ALLOW = 'GET, HEAD, OPTIONS';

/**
 * A request listener for the routes of the bridge's HTTP API (GET; HEAD
 * answers headers only; OPTIONS answers CORS preflights):
 *
 * | route | answer |
 * | --- | --- |
 * | `/api/events/stream?limit=1..200` (50) | SSE of `allEvents(limit)`, resumable, with `bridge_state` events |
 * | `/api/jobs/:jobId/events` | SSE of `jobEvents(jobId)`, resumable |
 * | `/api/jobs/:jobId/observer?limit=1..200` (20) | JSON array of `observerEvents` |
 * | `/healthz` | JSON: bridge state, consumers, counters, clients (200 while the process works) |
 * | `/readyz` | 200 when the bridge is connected (or idle, connecting on demand); else 503 with the reason |
 * | `/metrics` | the `metrics` option's exposition (404 without one) |
 *
 * Both SSE routes take `unnamed=1`: daemon events are then sent without an
 * event name, so a page handles them all with `onmessage` (see {@link unnamedEvents}).
 *
 * Errors are JSON `{"error": "..."}`: 400 bad parameter, 401 not authorised,
 * 404 unknown path, 405 other method, 503 `maxClients` reached or closed.
 * Mount it on `node:http`, or on Express with `app.use('/prefix', gateway)`.
 *
 * @throws InvalidOptionsError when an option is bad.
 * @example
 * ```ts
 * import http from 'node:http';
 * import { DaemonEventBridge, UnixSocketDaemonClient } from 'daemon-event-bridge';
 * import { createGateway } from 'daemon-event-bridge/http';
 *
 * const bridge = new DaemonEventBridge(new UnixSocketDaemonClient());
 * bridge.start();
 * http.createServer(createGateway(bridge, { corsOrigins: ['https://ops.example'] })).listen(8787, '127.0.0.1');
 * ```
 */
export function createGateway(bridge: DaemonEventBridge, options?: GatewayOptions): Gateway {
  const {
    basePath,
    authorize,
    maxClients,
    corsOrigins,
    retryMs,
    maxBufferedBytes,
    maxTotalBufferedBytes,
    logger,
    metrics,
  } = parseOptions(gatewayOptionsSchema, options ?? {}, 'gateway');
  const log = logger ?? silentLogger;
  let slowClientsDropped = 0;
  let closed = false;
  const budget = new SseBudget(maxTotalBufferedBytes);
  const clients = new SseClients(
    maxClients,
    {
      retryMs,
      maxBufferedBytes,
      budget,
      onSlowClient: (info) => {
        slowClientsDropped++;
        log.warn('slow SSE client dropped', { ...info, slowClientsDropped });
      },
      onError: (error) => log.warn('SSE source failed', { error: describeError(error) }),
    },
    metrics,
  );
  const stats = (): GatewayStats => ({
    clients: clients.size,
    maxClients,
    slowClientsDropped,
    clientsRejected: clients.clientsRejected,
    bufferedBytes: budget.heldBytes,
    maxTotalBufferedBytes,
    clientsBehind: budget.clientsBehind,
    clientsDroppedByBudget: budget.clientsDropped,
    clientsByStream: clients.byStream(),
  });
  metrics?.attach({ bridge: () => bridge.stats(), gateway: stats });
  const context: GatewayContext = { bridge, clients, stats, metrics };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = readRequest(req, res, corsOrigins);
    if (request === undefined) return;
    const route = matchRoute(request.url.pathname, basePath);
    if (route === undefined) return sendError(request, 404, 'not found');
    if (!acceptMethod(request)) return;
    if (authorize !== undefined && (await authorize(req)) !== true)
      return sendError(request, 401, 'unauthorized');
    if (closed) return sendError(request, 503, 'gateway closed');
    const handler = ROUTE_HANDLERS[route.kind] as RouteHandler<typeof route.kind>;
    await handler(request, route, context);
  }

  const gateway = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      log.error('gateway request failed', { url: req.url ?? '', error: describeError(error) });
      sendJson(res, 500, { error: 'internal error' }, corsHeaders(req.headers.origin, corsOrigins));
    });
  };
  return Object.assign(gateway, {
    stats,
    close(): void {
      closed = true;
      clients.closeAll();
    },
  });
}

/** The request with its parsed URL and CORS headers; answers 400 (and returns undefined) for a malformed URL. */
function readRequest(
  req: IncomingMessage,
  res: ServerResponse,
  corsOrigins: readonly string[],
): GatewayRequest | undefined {
  const cors = corsHeaders(req.headers.origin, corsOrigins);
  const head = req.method === 'HEAD';
  try {
    return { req, res, url: new URL(req.url ?? '/', 'http://gateway.invalid'), head, cors };
  } catch {
    sendJson(res, 400, { error: 'malformed request URL' }, cors);
    return undefined;
  }
}

/** GET and HEAD go on; OPTIONS gets the CORS preflight answer, anything else 405. */
function acceptMethod(request: GatewayRequest): boolean {
  const method = request.req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return true;
  if (method === 'OPTIONS') {
    const allowed = 'Access-Control-Allow-Origin' in request.cors;
    request.res.writeHead(204, { ...request.cors, ...(allowed ? PREFLIGHT_HEADERS : {}), Allow: ALLOW });
    request.res.end();
  } else {
    sendError(request, 405, `method ${method} not allowed`, { Allow: ALLOW });
  }
  return false;
}
