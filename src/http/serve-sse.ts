import type { IncomingMessage, ServerResponse } from 'node:http';
import { Subscription, throwError, type Observable, type Observer } from 'rxjs';
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
import { ERROR_EVENT } from '../sse/vocabulary.js';
import { SseBudget } from './sse-budget.js';
import { SseWriter, type SlowClientInfo, type SseWriterSettings } from './sse-writer.js';

export type { SlowClientInfo } from './sse-writer.js';

/** The headers of every SSE response: UTF-8 event stream, no caching, no proxy buffering. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
});

/**
 * Options of {@link serveSse}.
 *
 * @example
 * ```ts
 * import { serveSse } from 'daemon-event-bridge/http';
 *
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
  /**
   * A bound on the bytes held across many clients, shared by the `serveSse`
   * calls given the same {@link SseBudget}: past it, the clients holding the
   * most are dropped first (`onSlowClient` with cause `budget`). Default: none.
   */
  budget?: SseBudget;
  /** Extra response headers (CORS, for example); they may override the defaults. */
  headers?: Record<string, string>;
  /** Called once when the client is dropped for being too slow (its own bound or the budget). */
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

/** The zod schema that guards {@link ServeSseOptions}; defaults are applied here. */
export const serveSseOptionsSchema = z.strictObject({
  retryMs: integer(0, MAX_TIMER_MS).default(3_000),
  maxBufferedBytes: integer(1, Number.MAX_SAFE_INTEGER).default(1024 * 1024),
  headers: z.record(z.string(), z.string({ error: 'expected string header values' })).optional(),
  budget: z.instanceof(SseBudget, { error: 'expected an SseBudget' }).optional(),
  onSlowClient: callback<(info: SlowClientInfo) => void>(),
  onError: callback<(error: unknown) => void>(),
  onWrite: callback<(frames: number, bytes: number, oldest: SseMessage) => void>(),
});

/**
 * Streams `source(lastEventId)` to one client as `text/event-stream`.
 *
 * - Sends the SSE headers at once (`flushHeaders`, `setNoDelay`), then a
 *   `retry:` line, then one frame per message. The frames of one
 *   event-loop turn go out in one write when the turn ends (see
 *   {@link SseWriter}): no delay beyond the turn. No chunked framing: the
 *   body runs to the close of the connection (`Connection: close`).
 * - `lastEventId` is the `Last-Event-ID` header, else the `lastEventId` query
 *   parameter; over 256 characters the request gets a JSON 400 and `source`
 *   is not called.
 * - The client leaves → the source is unsubscribed at once. The source
 *   completes → the response ends. The source errors → one `event: error`
 *   frame (data `{"error": ...}`), then the response ends.
 * - Backpressure: at most `maxBufferedBytes` are held for a client that does
 *   not read; past that it is dropped (see {@link ServeSseOptions}); with a
 *   `budget`, also when the clients together hold too much. Other clients are
 *   never delayed: nothing waits for a slow socket.
 * - Frames are encoded once per message object and shared between clients.
 *
 * Works with any `node:http` request and response, Express's included (its
 * middleware headers are kept).
 *
 * @returns The subscription to the source; unsubscribing it ends the response.
 * @example
 * ```ts
 * import http from 'node:http';
 * import { serveSse } from 'daemon-event-bridge/http';
 *
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
  const { headers, ...settings } = parseOptions(serveSseOptionsSchema, options, 'serveSse');
  return startSseStream(req, res, source, settings, headers);
}

/**
 * What every stream of one `serveSse` call, or of one gateway, shares: the
 * options, and `ended` (the gateway's registry hears a stream end). One
 * object for all clients, not a field per client.
 */
export interface SseStreamSettings extends SseWriterSettings {
  readonly retryMs: number;
  readonly onSlowClient?: ServeSseOptions['onSlowClient'];
  readonly onError?: ServeSseOptions['onError'];
  readonly onWrite?: ServeSseOptions['onWrite'];
  /** Called once when the stream ends (after the response has ended). */
  readonly ended?: (stream: Subscription) => void;
}

/**
 * {@link serveSse} with options already checked: the stream subscribed, or a
 * closed subscription when the request was answered otherwise (400, or
 * already ended).
 */
export function startSseStream(
  req: IncomingMessage,
  res: ServerResponse,
  source: (lastEventId: string | undefined) => Observable<SseMessage>,
  settings: SseStreamSettings,
  headers: Record<string, string> | undefined,
): Subscription {
  const resume = readLastEventId(req);
  if (!resume.ok) {
    sendJson(res, 400, { error: resume.error }, headers);
    return Subscription.EMPTY;
  }
  if (res.writableEnded || res.destroyed || req.destroyed) return Subscription.EMPTY;

  // An event stream has no end to announce: without chunked framing the body runs to the close of the
  // connection (HTTP/1.1 allows it; EventSource reconnects either way), and each write is one buffer
  // instead of four (size line, CRLF, frame, CRLF), a cost paid once per write per client.
  res.useChunkedEncodingByDefault = false;
  // writeHead with an object keeps headers set earlier (Express middleware) and, when there are none,
  // builds the head from the object alone: no `[name, value]` arrays kept on the response per client.
  res.writeHead(200, headers === undefined ? SSE_HEADERS : { ...SSE_HEADERS, ...headers });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  res.write(`retry: ${settings.retryMs}\n\n`);

  const stream = new SseStream(res, settings);
  streams.set(res, stream);
  res.on('close', endStream);
  res.on('error', endStream);
  subscribeSource(source, resume.lastEventId, stream);
  return stream;
}

/** `source(lastEventId)` subscribed, a synchronous throw turned into an error (what `defer` does). */
function subscribeSource(
  source: (lastEventId: string | undefined) => Observable<SseMessage>,
  lastEventId: string | undefined,
  stream: SseStream,
): void {
  let messages: Observable<SseMessage>;
  try {
    messages = source(lastEventId);
  } catch (error) {
    messages = throwError(() => error);
  }
  messages.subscribe(stream);
}

const streams = new WeakMap<ServerResponse, SseStream>();

/** The response's 'close' and 'error' listener (one function for all clients). */
function endStream(this: ServerResponse): void {
  streams.get(this)?.unsubscribe();
}

/**
 * One client's stream: the source's subscriber, the response's writer, and
 * the subscription that ends it, in one object. Being both an Observer and a
 * Subscription, rxjs subscribes it as it is, without the SafeSubscriber and
 * ConsumerObserver it wraps around a plain observer; the source's teardown is
 * its finalizer. So an idle client holds this object, the source's own
 * state and Node's, nothing more.
 */
class SseStream extends SseWriter<SseStreamSettings> implements Observer<SseMessage> {
  next(message: SseMessage): void {
    // Nothing may throw into the source (it delivers to other clients too): a frame that cannot be
    // encoded fails this stream alone.
    let frame: Buffer;
    try {
      frame = encodeSseFrame(message);
    } catch (error) {
      return this.error(error);
    }
    this.write(frame, message);
  }

  error(error: unknown): void {
    if (this.closed) return;
    this.write(Buffer.from(encodeSse({ event: ERROR_EVENT, data: JSON.stringify(errorReason(error)) })));
    this.unsubscribe();
    notify(this.settings.onError, error);
  }

  complete(): void {
    this.unsubscribe();
  }

  /** Ends the response (after what is queued), once the source's teardown has run. */
  override unsubscribe(): void {
    if (this.closed) return;
    try {
      super.unsubscribe();
    } finally {
      this.res.off('close', endStream);
      this.res.off('error', endStream);
      streams.delete(this.res);
      this.endResponse();
      this.settings.ended?.(this);
    }
  }

  protected wrote(frames: number, bytes: number, oldest: SseMessage | undefined): void {
    const { onWrite } = this.settings;
    if (onWrite !== undefined && oldest !== undefined) notify(onWrite, frames, bytes, oldest);
  }

  protected dropped(info: SlowClientInfo): void {
    notify(this.settings.onSlowClient, info);
  }
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
