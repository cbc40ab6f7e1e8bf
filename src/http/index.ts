export {
  serveSse,
  SSE_HEADERS,
  serveSseOptionsSchema,
  type ServeSseOptions,
  type SlowClientInfo,
} from '../sse/serve-sse.js';
export { toMessageEvent, type SseMessageEvent } from '../sse/to-message-event.js';
export { encodeSseFrame } from '../sse/frame-cache.js';
export { readLastEventId, MAX_LAST_EVENT_ID_LENGTH, type LastEventIdResult } from '../sse/last-event-id.js';
export { createGateway, type Gateway, type GatewayStats } from './gateway.js';
export { gatewayOptionsSchema, type GatewayOptions } from './gateway-options.js';
export { bridgeStateMessage, withBridgeState } from './bridge-state.js';
export { jobIdSchema, limitParamSchema, unnamedParamSchema } from './params.js';
export { unnamedEvents } from './unnamed-events.js';
