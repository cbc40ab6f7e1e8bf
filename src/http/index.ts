// The public surface of `daemon-event-bridge/http`. Every name is chosen here;
// a change shows up in review as a diff of `api/http.api.md`.
export { toMessageEvent, type SseMessageEvent } from '../operators/to-message-event.js';
export { createGateway, type Gateway } from './gateway.js';
export type { GatewayOptions } from './gateway-options.js';
export {
  hardenServer,
  ServerListeningError,
  type HardenedServer,
  type HardenServerOptions,
} from './harden-server.js';
export type { GatewayMetrics } from './metrics.js';
export { serveSse, type ServeSseOptions } from './serve-sse.js';
export { SseBudget } from './sse-budget.js';
