import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { DaemonRpcError } from './errors.js';

/**
 * The JSON-RPC 2.0 error codes the conductor uses: the standard ones, and
 * -32000 to -32005 of its own.
 *
 * @example
 * ```ts
 * import { DaemonRpcError, JsonRpcErrorCode } from 'daemon-event-bridge';
 *
 * if (error instanceof DaemonRpcError && error.code === JsonRpcErrorCode.JobNotFound) showMissingJob();
 * ```
 */
export const JsonRpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  JobNotFound: -32000,
  ResourceExhausted: -32001,
  JobAlreadyRunning: -32002,
  ShuttingDown: -32003,
  JobNotResumable: -32004,
  WorkspaceNotFound: -32005,
} as const;

const jsonrpc = z.literal('2.0');
const requestId = z.union([z.number(), z.string()]);

/** The zod schema of a JSON-RPC error object (`{code, message, data?}`). */
const jsonRpcErrorObjectSchema = z.looseObject({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});

/** The zod schema of a success response: `result` present (it may be `null`), no `error`. */
const jsonRpcSuccessResponseSchema = z.looseObject({
  jsonrpc,
  result: z.unknown(),
  error: z.undefined().optional(),
  id: requestId,
});

/** The zod schema of an error response: `error` present, no `result`; `id` may be `null`. */
const jsonRpcErrorResponseSchema = z.looseObject({
  jsonrpc,
  error: jsonRpcErrorObjectSchema,
  result: z.undefined().optional(),
  id: requestId.nullable(),
});

/** The zod schema of any JSON-RPC 2.0 response. */
const jsonRpcResponseSchema = z.union([jsonRpcSuccessResponseSchema, jsonRpcErrorResponseSchema]);

/** The zod schema of a notification: a `method`, optional `params`, and no `id`. */
const jsonRpcNotificationSchema = z.looseObject({
  jsonrpc,
  method: z.string(),
  params: z.unknown().optional(),
  id: z.undefined().optional(),
});

/**
 * The zod schema of a request as a daemon receives it: params an object, an
 * array or `null`; without `id` it is a notification and gets no response.
 */
export const jsonRpcRequestSchema = z.looseObject({
  jsonrpc,
  method: z.string(),
  params: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()), z.null()]).optional(),
  id: requestId.optional(),
});

/** The zod schema of what a client reads from the daemon: a response or a notification. */
export const jsonRpcIncomingSchema = z.union([jsonRpcResponseSchema, jsonRpcNotificationSchema]);

/** Any JSON-RPC response. */
export type JsonRpcResponse = z.infer<typeof jsonRpcResponseSchema>;

/** A JSON-RPC notification, e.g. one `monitor.event` of a stream. */
export type JsonRpcNotification = z.infer<typeof jsonRpcNotificationSchema>;

/** A message a client reads from the daemon. */
export type JsonRpcIncoming = z.infer<typeof jsonRpcIncomingSchema>;

/**
 * The outcome of {@link parseIncoming}: a valid message, or why the line was
 * rejected (`value` is the parsed JSON when the line was JSON).
 */
export type ParsedIncoming =
  | { readonly ok: true; readonly message: JsonRpcIncoming }
  | { readonly ok: false; readonly reason: 'not_json' }
  | { readonly ok: false; readonly reason: 'not_json_rpc'; readonly value: unknown };

/** Parses and validates one line read from the daemon. */
export function parseIncoming(line: string): ParsedIncoming {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  if (isPlainNotification(value)) return { ok: true, message: value };
  const result = jsonRpcIncomingSchema.safeParse(value);
  return result.success ? { ok: true, message: result.data } : { ok: false, reason: 'not_json_rpc', value };
}

/**
 * True for what {@link jsonRpcIncomingSchema} accepts as a notification: a
 * stream's lines nearly all are. Checked by hand because the union tries
 * both response schemas first, and each failed branch builds and localises
 * its issues (a fifth of the relay's CPU per event). Without an `id` no
 * response schema can match, so this accepts exactly what the union's
 * notification branch does (`spec/daemon/json-rpc.spec.ts` checks both agree).
 */
function isPlainNotification(value: unknown): value is JsonRpcNotification {
  return (
    isJsonObject(value) &&
    value['jsonrpc'] === '2.0' &&
    typeof value['method'] === 'string' &&
    value['id'] === undefined
  );
}

/** True for a notification (a message with a `method` and no `id`), false for a response. */
export function isNotification(message: JsonRpcIncoming): message is JsonRpcNotification {
  return message.id === undefined;
}

/**
 * The line (without its newline) of a request with an id. Throws
 * {@link InvalidArgumentError} for an empty method, params that are not a
 * JSON object, or params JSON cannot encode.
 */
export function encodeRequest(method: string, params: JsonObject, id: number): string {
  if (typeof method !== 'string' || method === '') {
    throw new InvalidArgumentError('daemon method must be a non-empty string');
  }
  if (!isJsonObject(params)) throw new InvalidArgumentError(`params of ${method} must be a JSON object`);
  try {
    return JSON.stringify({ jsonrpc: '2.0', method, params, id });
  } catch (error) {
    throw new InvalidArgumentError(`params of ${method} cannot be serialised as JSON`, { cause: error });
  }
}

/**
 * True when `response` answers request `id`. An error response with a null id
 * counts too: on a connection with one request in flight it can only be about that one.
 */
export function answers(response: JsonRpcResponse, id: number): boolean {
  return response.id === id || (response.id === null && 'error' in response);
}

/** The {@link DaemonRpcError} of an error response, or `undefined` for a success. */
export function rpcError(response: JsonRpcResponse, method: string): DaemonRpcError | undefined {
  if (!('error' in response) || response.error === undefined) return undefined;
  const { code, message, data } = response.error;
  return new DaemonRpcError(code, message, data, method);
}
