import type { IncomingMessage, ServerResponse } from 'node:http';
import { defer, Subscription, type Observable } from 'rxjs';
import { z } from 'zod';
import { DaemonEventBridgeError } from '../errors.js';
import {
  callbackOption as callback,
  integerOption as integer,
  MAX_TIMER_MS,
  parseOptions,
} from '../options.js';
import { sendJson } from './send-json.js';
import { encodeSse } from '../sse/encode.js';
import { encodeSseFrame } from '../sse/frame-cache.js';
import { readLastEventId } from './last-event-id.js';
import type { SseMessage } from '../sse/message.js';

/**
 * The headers of every SSE response: UTF-8 event stream, no caching, no proxy buffering.
 *
 * @example
 * ```ts
 * res.writeHead(200, SSE_HEADERS); // for a HEAD answer without a stream
 * ```
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
});

/**
 * What {@link ServeSseOptions.onSlowClient} learns about a client it dropped.
 *
 * @example
 * ```ts
 * serveSse(req, res, source, { onSlowClient: ({ bufferedBytes }) => log.warn('slow client', { bufferedBytes }) });
 * ```
 */
export interface SlowClientInfo {
  /** Bytes held for the client when it was dropped (the response's `writableLength`). */
  readonly bufferedBytes: number;
  /** The size of the frame that did not fit. */
  readonly frameBytes: number;
  /** The bound it would have exceeded. */
  readonly maxBufferedBytes: number;
}

/**
 * Options of {@link serveSse}.
 *
 * @example
 * ```ts
 * serveSse(req, res, source, { retryMs: 5_000, maxBufferedBytes: 256 * 1024, onSlowClient: () => dropped++ });
 * ```
 */
export interface ServeSseOptions {
  /** The reconnection delay sent to the client first (`retry:`), in ms. Default 3,000. */
  retryMs?: number;
  /**
   * The most bytes held in memory for this client while it does not read.
   * A frame that would take it past this bound ends the response (the socket
   * is destroyed) and calls `onSlowClient`; the client reconnects with
   * `Last-Event-ID` and resumes from the replay ring. A frame is always
   * written when nothing is held, so one frame larger than the bound still
   * gets through. Default 1 MiB.
   */
  maxBufferedBytes?: number;
  /** Extra response headers (CORS, for example); they may override the defaults. */
  headers?: Record<string, string>;
  /** Called once when the client is dropped for being too slow. */
  onSlowClient?: (info: SlowClientInfo) => void;
  /** Called with the source's error, before the `event: error` frame is sent. */
  onError?: (error: unknown) => void;
  /**
   * Called after each write to the socket: how many message frames and bytes
   * it carried, and its oldest message (for delivery latency, see
   * `receivedAt`). On the hot path: keep it cheap. Used by gateway metrics.
   */
  onWrite?: (frames: number, bytes: number, oldest: SseMessage) => void;
}

/**
 * The zod schema that guards {@link ServeSseOptions}; defaults are applied here.
 *
 * @example
 * ```ts
 * serveSseOptionsSchema.parse({}); // { retryMs: 3000, maxBufferedBytes: 1048576 }
 * ```
 */
export const serveSseOptionsSchema = z.strictObject({
  retryMs: integer(0, MAX_TIMER_MS).default(3_000),
  maxBufferedBytes: integer(1, Number.MAX_SAFE_INTEGER).default(1024 * 1024),
  headers: z.record(z.string(), z.string({ error: 'expected string header values' })).optional(),
  onSlowClient: callback<(info: SlowClientInfo) => void>(),
  onError: callback<(error: unknown) => void>(),
  onWrite: callback<(frames: number, bytes: number, oldest: SseMessage) => void>(),
});

/**
 * Streams `source(lastEventId)` to one client as `text/event-stream`.
 *
 * - Sends the SSE headers at once (`flushHeaders`, `setNoDelay`), then a
 *   `retry:` line, then one frame per message, each written as it comes.
 * - `lastEventId` is the `Last-Event-ID` header, else the `lastEventId` query
 *   parameter; over 256 characters the request gets a JSON 400 and `source`
 *   is not called.
 * - The client leaves → the source is unsubscribed at once. The source
 *   completes → the response ends. The source errors → one `event: error`
 *   frame (data `{"error": ...}`), then the response ends.
 * - Backpressure: at most `maxBufferedBytes` are held for a client that does
 *   not read; past that it is dropped (see {@link ServeSseOptions}). Other
 *   clients are never delayed: nothing waits for a slow socket.
 * - Frames are encoded once per message object and shared between clients.
 *
 * Works with any `node:http` request and response, Express's included (its
 * middleware headers are kept).
 *
 * @returns The subscription to the source; unsubscribing it ends the response.
 * @example
 * ```ts
 * http.createServer((req, res) =>
 *   serveSse(req, res, (lastEventId) => bridge.allEvents(50, { lastEventId })),
 * );
 * ```
 */
export function serveSse(
  req: IncomingMessage,
  res: ServerResponse,
  source: (lastEventId: string | undefined) => Observable<SseMessage>,
  options: ServeSseOptions = {},
): Subscription {
  const { retryMs, maxBufferedBytes, headers, onSlowClient, onError, onWrite } = parseOptions(
    serveSseOptionsSchema,
    options,
    'serveSse',
  );
  const subscription = new Subscription();
  const resume = readLastEventId(req);
  if (!resume.ok) {
    sendJson(res, 400, { error: resume.error }, headers);
    subscription.unsubscribe();
    return subscription;
  }
  if (res.writableEnded || res.destroyed || req.destroyed) {
    subscription.unsubscribe();
    return subscription;
  }

  res.statusCode = 200;
  for (const [name, value] of Object.entries({ ...SSE_HEADERS, ...headers })) res.setHeader(name, value);
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  res.write(`retry: ${retryMs}\n\n`);

  const onClose = () => subscription.unsubscribe();
  res.once('close', onClose);
  res.once('error', onClose);
  subscription.add(() => {
    res.off('close', onClose);
    res.off('error', onClose);
    if (!res.writableEnded && !res.destroyed) res.end();
  });

  const write = (frame: Buffer | string, message?: SseMessage): void => {
    if (subscription.closed) return;
    const held = res.writableLength;
    const frameBytes = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    if (held > 0 && held + frameBytes > maxBufferedBytes) {
      res.destroy();
      subscription.unsubscribe();
      notify(onSlowClient, { bufferedBytes: held, frameBytes, maxBufferedBytes });
      return;
    }
    res.write(frame);
    if (onWrite !== undefined && message !== undefined) notify(onWrite, 1, frameBytes, message);
  };

  subscription.add(
    defer(() => source(resume.lastEventId)).subscribe({
      next: (message) => write(encodeSseFrame(message), message),
      error: (error: unknown) => {
        write(encodeSse({ event: 'error', data: JSON.stringify(errorReason(error)) }));
        subscription.unsubscribe();
        notify(onError, error);
      },
      complete: () => subscription.unsubscribe(),
    }),
  );
  return subscription;
}

/** Calls a user hook after the response is settled; a hook that throws cannot break the stream. */
function notify<A extends unknown[]>(hook: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    hook?.(...args);
  } catch {
    // The response is already settled; nothing sensible is left to do with the hook's error.
  }
}

/**
 * What a client learns about a failed source: a library error's message and
 * code; for anything else only that the stream failed (its message may carry
 * internals).
 */
function errorReason(error: unknown): { error: string; code?: string | number } {
  if (error instanceof DaemonEventBridgeError) return { error: error.message, code: error.code };
  return { error: 'event stream failed' };
}
