export type { DaemonClient, StreamHooks } from './daemon-client.js';
export { daemonEventSchema, type DaemonEvent } from './daemon-event.js';
export {
  DaemonClientClosedError,
  DaemonConnectionError,
  DaemonNotRunningError,
  DaemonProtocolError,
  DaemonRpcError,
  DaemonTimeoutError,
} from './errors.js';
export {
  isNotification,
  JsonRpcErrorCode,
  jsonRpcErrorObjectSchema,
  jsonRpcErrorResponseSchema,
  jsonRpcIncomingSchema,
  jsonRpcNotificationSchema,
  jsonRpcRequestSchema,
  jsonRpcResponseSchema,
  jsonRpcSuccessResponseSchema,
  parseIncoming,
  type JsonRpcErrorObject,
  type JsonRpcErrorResponse,
  type JsonRpcIncoming,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type JsonRpcSuccessResponse,
  type ParsedIncoming,
} from './json-rpc.js';
export { NdjsonSplitter, type NdjsonItem } from './ndjson.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_SOCKET_PATH,
  UnixSocketDaemonClient,
  unixSocketDaemonClientOptionsSchema,
  type DaemonClientStats,
  type UnixSocketDaemonClientOptions,
} from './unix-socket-client.js';
