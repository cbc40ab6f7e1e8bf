import type { ServerResponse } from 'node:http';

/**
 * Answers with a JSON body (`application/json; charset=utf-8`, no caching)
 * and ends the response. Does nothing when the response has already ended or
 * its headers are gone.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-cache',
    'Content-Length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}
