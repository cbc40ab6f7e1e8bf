export * from './bridge/index.js';
export type { DaemonClient, StreamHooks } from './daemon/daemon-client.js';
export { daemonEventSchema, type DaemonEvent } from './daemon/daemon-event.js';
export { DaemonEventBridgeError, InvalidArgumentError, InvalidOptionsError } from './errors.js';
export { silentLogger, type BridgeLogger } from './logger.js';
export { isJsonObject, type JsonObject } from './json.js';
export { encodeSse, sanitizeSseField } from './sse/encode.js';
export { DAEMON_EVENT, toSseMessage, type SseMessage } from './sse/sse-message.js';
export {
  DaemonClientClosedError,
  DaemonConnectionError,
  DaemonNotRunningError,
  DaemonProtocolError,
  DaemonRpcError,
  DaemonTimeoutError,
} from './daemon/errors.js';
export { JsonRpcErrorCode } from './daemon/json-rpc.js';
export {
  DEFAULT_SOCKET_PATH,
  UnixSocketDaemonClient,
  type DaemonClientStats,
  type UnixSocketDaemonClientOptions,
} from './daemon/unix-socket-client.js';
