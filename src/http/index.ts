// The public surface of `daemon-event-bridge/http`. Every name is chosen here;
// a change shows up in review as a diff of `api/http.api.md`.
export { toMessageEvent, type SseMessageEvent } from '../operators/to-message-event.js';
export { unnamedEvents } from '../operators/unnamed-events.js';
export { withBridgeState } from '../operators/with-bridge-state.js';
export { createGateway, type Gateway } from './gateway.js';
export type { GatewayStats } from './gateway-stats.js';
export type { GatewayOptions } from './gateway-options.js';
export {
  hardenServer,
  hardenServerOptionsSchema,
  ServerListeningError,
  type HardenedServer,
  type HardenedServerStats,
  type HardenServerOptions,
  type ResolvedHardenServerOptions,
} from './harden-server.js';
export type { GatewayMetrics, GatewayMetricsSources } from './metrics.js';
export type { Readiness } from './readiness.js';
export { MAX_LAST_EVENT_ID_LENGTH, readLastEventId, type LastEventIdResult } from './last-event-id.js';
export { serveSse, SSE_HEADERS, type ServeSseOptions, type SlowClientInfo } from './serve-sse.js';
export { SseBudget } from './sse-budget.js';
export { receivedAt } from '../sse/received-at.js';
