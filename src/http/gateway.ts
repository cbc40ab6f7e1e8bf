import type { IncomingMessage, ServerResponse } from 'node:http';
import { firstValueFrom, type Observable, type Subscription } from 'rxjs';
import type { DaemonEventBridge } from '../bridge/bridge.js';
import { describeError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { parseOptions } from '../options.js';
import { serveSse, SSE_HEADERS, type ServeSseOptions } from '../sse/serve-sse.js';
import type { SseMessage } from '../sse/sse-message.js';
import { withBridgeState } from './bridge-state.js';
import { corsHeaders, PREFLIGHT_HEADERS } from './cors.js';
import { gatewayOptionsSchema, type GatewayOptions } from './gateway-options.js';
import {
  jobEventsQuerySchema,
  jobIdParamSchema,
  observerQuerySchema,
  parseParam,
  parseQuery,
  streamQuerySchema,
} from './params.js';
import { matchRoute } from './routes.js';
import { sendJson } from './send-json.js';
import { unnamedEvents } from './unnamed-events.js';

/**
 * The gateway's own counters, beside the bridge's.
 *
 * @example
 * ```ts
 * const { clients, slowClientsDropped } = gateway.stats();
 * ```
 */
export interface GatewayStats {
  /** SSE responses open now. */
  readonly clients: number;
  /** The `maxClients` bound. */
  readonly maxClients: number;
  /** SSE clients dropped because they did not read (see `maxBufferedBytes`). */
  readonly slowClientsDropped: number;
  /** SSE requests answered 503 because `maxClients` were open. */
  readonly clientsRejected: number;
}

/**
 * A `node:http` request listener serving the bridge (see {@link createGateway}),
 * with its counters and a way to end every open stream.
 *
 * @example
 * ```ts
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
 *
 * Both SSE routes take `unnamed=1`: daemon events are then sent without an
 * event name, so a page handles them all with `onmessage` (see {@link unnamedEvents}).
 * | `/api/jobs/:jobId/observer?limit=1..200` (20) | JSON array of `observerEvents` |
 * | `/healthz` | JSON: bridge state, consumers, counters, clients |
 *
 * Errors are JSON `{"error": "..."}`: 400 bad parameter, 401 not authorised,
 * 404 unknown path, 405 other method, 503 `maxClients` reached or closed.
 * Mount it on `node:http`, or on Express with `app.use('/prefix', gateway)`.
 *
 * @throws InvalidOptionsError when an option is bad.
 * @example
 * ```ts
 * const bridge = new DaemonEventBridge(new UnixSocketDaemonClient());
 * bridge.start();
 * http.createServer(createGateway(bridge, { corsOrigins: ['https://ops.example'] })).listen(8787, '127.0.0.1');
 * ```
 */
export function createGateway(bridge: DaemonEventBridge, options?: GatewayOptions): Gateway {
  const { basePath, authorize, maxClients, corsOrigins, retryMs, maxBufferedBytes, logger } = parseOptions(
    gatewayOptionsSchema,
    options ?? {},
    'gateway',
  );
  const log = logger ?? silentLogger;
  const clients = new Set<Subscription>();
  let slowClientsDropped = 0;
  let clientsRejected = 0;
  let closed = false;

  const sseOptions: ServeSseOptions = {
    retryMs,
    maxBufferedBytes,
    onSlowClient: (info) => {
      slowClientsDropped++;
      log.warn('slow SSE client dropped', { ...info, slowClientsDropped });
    },
    onError: (error) => log.warn('SSE source failed', { error: describeError(error) }),
  };

  const stats = (): GatewayStats => ({
    clients: clients.size,
    maxClients,
    slowClientsDropped,
    clientsRejected,
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cors = corsHeaders(req.headers.origin, corsOrigins);
    const fail = (status: number, error: string, headers: Record<string, string> = {}) =>
      sendJson(res, status, { error }, { ...cors, ...headers });

    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway.invalid');
    } catch {
      return fail(400, 'malformed request URL');
    }
    const route = matchRoute(url.pathname, basePath);
    if (route === undefined) return fail(404, 'not found');

    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      const allowed = 'Access-Control-Allow-Origin' in cors;
      res.writeHead(204, { ...cors, ...(allowed ? PREFLIGHT_HEADERS : {}), Allow: ALLOW });
      res.end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      return fail(405, `method ${method} not allowed`, { Allow: ALLOW });
    }
    if (authorize !== undefined && (await authorize(req)) !== true) return fail(401, 'unauthorized');
    if (closed) return fail(503, 'gateway closed');

    const stream = (
      source: (lastEventId: string | undefined) => Observable<SseMessage>,
      unnamed: boolean,
    ): void => {
      if (method === 'HEAD') {
        res.writeHead(200, { ...SSE_HEADERS, ...cors });
        res.end();
        return;
      }
      if (clients.size >= maxClients) {
        clientsRejected++;
        return fail(503, `too many clients (maxClients ${maxClients})`, { 'Retry-After': '5' });
      }
      const messages = unnamed ? (id: string | undefined) => source(id).pipe(unnamedEvents()) : source;
      const subscription = serveSse(req, res, messages, { ...sseOptions, headers: cors });
      if (subscription.closed) return;
      clients.add(subscription);
      subscription.add(() => clients.delete(subscription));
    };

    switch (route.kind) {
      case 'healthz':
        return sendJson(res, 200, health(bridge, stats()), cors);
      case 'stream': {
        const query = parseQuery(streamQuerySchema, url.searchParams);
        if (!query.success) return fail(400, query.error);
        return stream(
          (lastEventId) =>
            bridge.allEvents(query.data.limit, { lastEventId }).pipe(withBridgeState(bridge.state$)),
          query.data.unnamed,
        );
      }
      case 'jobEvents': {
        const jobId = parseParam(jobIdParamSchema, route.jobIdSegment);
        if (!jobId.success) return fail(400, jobId.error);
        const query = parseQuery(jobEventsQuerySchema, url.searchParams);
        if (!query.success) return fail(400, query.error);
        return stream((lastEventId) => bridge.jobEvents(jobId.data, { lastEventId }), query.data.unnamed);
      }
      case 'observer': {
        const jobId = parseParam(jobIdParamSchema, route.jobIdSegment);
        if (!jobId.success) return fail(400, jobId.error);
        const query = parseQuery(observerQuerySchema, url.searchParams);
        if (!query.success) return fail(400, query.error);
        const events = await firstValueFrom(bridge.observerEvents(jobId.data, query.data.limit));
        return sendJson(res, 200, events, cors);
      }
    }
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
      for (const client of [...clients]) client.unsubscribe();
    },
  });
}

/** The `/healthz` body: the bridge's stats with the gateway's counters folded in. */
function health(bridge: DaemonEventBridge, gateway: GatewayStats) {
  const { state, running, consumers, counters, replay, lastEventId } = bridge.stats();
  return {
    state,
    running,
    consumers,
    counters: {
      ...counters,
      slowClientsDropped: gateway.slowClientsDropped,
      clientsRejected: gateway.clientsRejected,
    },
    clients: { open: gateway.clients, max: gateway.maxClients },
    replay,
    lastEventId: lastEventId ?? null,
  };
}
