// The public surface of `daemon-event-bridge`. Every name is chosen here; a
// change shows up in review as a diff of `api/daemon-event-bridge.api.md`.
export { DaemonEventBridge, type BridgeState, type BridgeStats } from './bridge/bridge.js';
export type { BridgeSource } from './bridge/event-source.js';
export type { BridgeOptions } from './bridge/bridge-options.js';
export { toSseMessage } from './bridge/to-sse-message.js';
export type { JobStreamOptions, StreamOptions } from './bridge/stream-options.js';
export type { DaemonClient } from './daemon/daemon-client.js';
export {
  DaemonClientClosedError,
  DaemonConnectionError,
  DaemonNotRunningError,
  DaemonPoolTimeoutError,
  DaemonProtocolError,
  DaemonRpcError,
  DaemonTimeoutError,
  DaemonUnresponsiveError,
} from './daemon/errors.js';
export { JsonRpcErrorCode } from './daemon/json-rpc.js';
export { UnixSocketDaemonClient, type UnixSocketDaemonClientOptions } from './daemon/unix-socket-client.js';
export { DaemonEventBridgeError, InvalidArgumentError, InvalidOptionsError } from './errors.js';
export type {
  ConductorEvent,
  ConductorEventDataMap,
  DaemonEvent,
  EventOfType,
  TypedMessage,
} from './events/catalog.js';
export { jobState, reduceJobState, type JobState } from './events/job-state.js';
export type { JsonObject } from './json.js';
export type { BridgeLogger } from './logger.js';
export { SourceEndedError } from './operators/reconnect.js';
export { ofEventType } from './operators/of-event-type.js';
export { encodeSse } from './sse/encode.js';
export type { SseMessage } from './sse/message.js';
