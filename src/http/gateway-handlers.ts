import { firstValueFrom } from 'rxjs';
import type { DaemonEventBridge } from '../bridge/bridge.js';
import { withBridgeState } from '../operators/with-bridge-state.js';
import type { GatewayStats, SseStreamKind } from './gateway-stats.js';
import { sendError, type GatewayRequest } from './gateway-request.js';
import {
  jobEventsQuerySchema,
  noQuerySchema,
  observerQuerySchema,
  parseJobRoute,
  parseQuery,
  streamQuerySchema,
} from './params.js';
import type { GatewayRoute } from './routes.js';
import { SSE_HEADERS } from './serve-sse.js';
import { sendJson } from './send-json.js';
import type { SseClients, SseSource } from './sse-clients.js';
import type { GatewayMetrics } from './metrics.js';
import { ready } from './readiness.js';

/** What every route handler may use. */
export interface GatewayContext {
  readonly bridge: DaemonEventBridge;
  readonly clients: SseClients;
  readonly stats: () => GatewayStats;
  readonly metrics: GatewayMetrics | undefined;
}

/** Handles one matched route. */
export type RouteHandler<K extends GatewayRoute['kind']> = (
  request: GatewayRequest,
  route: Extract<GatewayRoute, { kind: K }>,
  context: GatewayContext,
) => void | Promise<void>;

/** The gateway's routes, by kind. */
export const ROUTE_HANDLERS: { readonly [K in GatewayRoute['kind']]: RouteHandler<K> } = {
  healthz: (request, _route, { bridge, stats }) =>
    sendJson(request.res, 200, health(bridge, stats()), request.cors),

  readyz: (request, _route, { bridge }) => {
    const readiness = ready(bridge.stats());
    sendJson(request.res, readiness.ready ? 200 : 503, readiness, request.cors);
  },

  metrics: async (request, _route, { metrics }) => {
    if (metrics === undefined) return sendError(request, 404, 'not found');
    sendText(request, 200, await metrics.metrics(), metrics.contentType);
  },

  stream: (request, _route, context) => {
    const query = parseQuery(streamQuerySchema, request.url.searchParams);
    if (!query.success) return sendError(request, 400, query.error);
    const { bridge } = context;
    const source: SseSource = (lastEventId) =>
      bridge
        .allEvents(query.data.limit, { lastEventId, events: query.data.events })
        .pipe(withBridgeState(bridge.state$));
    openStream(request, context, source, query.data.unnamed, 'all');
  },

  jobEvents: (request, route, context) => {
    const parsed = parseJobRoute(route, jobEventsQuerySchema, request.url.searchParams);
    if (!parsed.success) return sendError(request, 400, parsed.error);
    const { jobId, conductor, query } = parsed.data;
    const { events, until } = query;
    const source: SseSource = (lastEventId) =>
      context.bridge.jobEvents(jobId, { lastEventId, conductor, events, until });
    openStream(request, context, source, query.unnamed, 'job');
  },

  observer: async (request, route, { bridge }) => {
    const parsed = parseJobRoute(route, observerQuerySchema, request.url.searchParams);
    if (!parsed.success) return sendError(request, 400, parsed.error);
    const { jobId, conductor, query } = parsed.data;
    const events = await firstValueFrom(bridge.observerEvents(jobId, query.limit, conductor));
    sendJson(request.res, 200, events, request.cors);
  },

  /** The job's state (`bridge.jobSnapshot`: from the replay ring, else the observer history); 404 when neither has the job. */
  jobState: async (request, route, { bridge }) => {
    const parsed = parseJobRoute(route, noQuerySchema, request.url.searchParams);
    if (!parsed.success) return sendError(request, 400, parsed.error);
    const { jobId, conductor } = parsed.data;
    const state = await firstValueFrom(bridge.jobSnapshot(jobId, { conductor }));
    if (state === undefined) {
      return sendError(
        request,
        404,
        `no events of job ${jobId} in the replay buffer or the observer history`,
      );
    }
    sendJson(request.res, 200, state, request.cors);
  },
};

/** Opens an SSE response, or answers HEAD with the headers only, or 503 past `maxClients`. */
function openStream(
  request: GatewayRequest,
  { clients }: GatewayContext,
  source: SseSource,
  unnamed: boolean,
  kind: SseStreamKind,
): void {
  const { req, res, cors } = request;
  if (request.head) {
    res.writeHead(200, { ...SSE_HEADERS, ...cors });
    res.end();
    return;
  }
  if (clients.reject()) {
    return sendError(request, 503, `too many clients (maxClients ${clients.maxClients})`, {
      'Retry-After': '5',
    });
  }
  clients.serve(req, res, source, unnamed, cors, kind);
}

/** A text body (the metrics exposition), never cached. */
function sendText(request: GatewayRequest, status: number, body: string, contentType: string): void {
  const { res } = request;
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  res.writeHead(status, {
    ...request.cors,
    'Content-Type': contentType,
    'Cache-Control': 'no-cache',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** The `/healthz` body: the bridge's stats with the gateway's counters folded in. */
function health(bridge: DaemonEventBridge, gateway: GatewayStats) {
  const { state, running, consumers, counters, replay, lastEventId, daemon, conductors } = bridge.stats();
  return {
    state,
    running,
    consumers,
    counters: {
      ...counters,
      slowClientsDropped: gateway.slowClientsDropped,
      clientsDroppedByBudget: gateway.clientsDroppedByBudget,
      clientsRejected: gateway.clientsRejected,
    },
    clients: { open: gateway.clients, max: gateway.maxClients, behind: gateway.clientsBehind },
    buffered: { bytes: gateway.bufferedBytes, max: gateway.maxTotalBufferedBytes },
    replay,
    lastEventId: lastEventId ?? null,
    ...(daemon === undefined ? {} : { daemon }),
    ...(conductors === undefined ? {} : { conductors }),
  };
}
