// The public surface of `daemon-event-bridge`. Every name is chosen here; a
// change shows up in review as a diff of `api/daemon-event-bridge.api.md`.
export {
  DaemonEventBridge,
  type BridgeState,
  type BridgeStats,
  type ConductorStats,
  type ResumeOptions,
} from './bridge/bridge.js';
export type { BridgeSource, ReplayFilter, SourceEvent } from './bridge/event-source.js';
export type { BridgeOptions } from './bridge/bridge-options.js';
export { toSseMessage } from './bridge/to-sse-message.js';
export type { JobStreamOptions, StreamOptions } from './bridge/stream-options.js';
export type { DaemonClient, StreamHooks } from './daemon/daemon-client.js';
export type { DaemonEvent } from './daemon/daemon-event.js';
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
export type { SkippedLineCounts } from './daemon/skip-counters.js';
export {
  UnixSocketDaemonClient,
  type DaemonClientStats,
  type UnixSocketDaemonClientOptions,
} from './daemon/unix-socket-client.js';
export { DaemonEventBridgeError, InvalidArgumentError, InvalidOptionsError } from './errors.js';
export type {
  BridgeControl,
  BridgeStoppedControl,
  ConductorEvent,
  ConductorEventDataMap,
  DaemonEventObject,
  EventOfType,
  EventSelector,
  HeartbeatControl,
  JobCostUpdateData,
  JobEndedData,
  KnownEventName,
  MonitorAnomalyData,
  ObserverEventData,
  OpenFields,
  RateLimitActiveData,
  SheetResultData,
  SheetRetryingData,
  SheetSkippedData,
  SheetStartedData,
  StreamResetControl,
  TypedEvent,
  TypedMessage,
} from './events/catalog.js';
export { TERMINAL_EVENTS } from './events/event-selection.js';
export {
  jobState,
  reduceJobState,
  type JobState,
  type JobStatus,
  type SheetState,
  type SheetStatus,
} from './events/job-state.js';
export { toConductorEvent } from './events/to-conductor-event.js';
export type { JsonObject } from './json.js';
export type { BridgeLogger } from './logger.js';
export { SourceEndedError } from './operators/reconnect.js';
export { ofEventType } from './operators/of-event-type.js';
export { encodeSse } from './sse/encode.js';
export type { SseMessage } from './sse/message.js';
