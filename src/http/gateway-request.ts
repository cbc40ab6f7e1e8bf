import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './send-json.js';

/** One request as the gateway's route handlers see it. */
export interface GatewayRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** True for HEAD: answer the headers only. */
  readonly head: boolean;
  /** The CORS headers every answer to this request carries. */
  readonly cors: Record<string, string>;
}

/** Answers a request with a JSON error `{"error": message}`, CORS headers included. */
export function sendError(
  request: GatewayRequest,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  sendJson(request.res, status, { error }, { ...request.cors, ...headers });
}
