import { get, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** An SSE response read with `eventsource-parser`, a spec-compliant parser. */
export interface SseResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Events dispatched so far, in order (empty when `onEvent` was given). */
  readonly events: EventSourceMessage[];
  /** `retry:` values seen. */
  readonly retries: number[];
  /** The raw body received so far (empty when `onEvent` was given). */
  body(): string;
  /** Resolves when the server ends or drops the response. */
  readonly ended: Promise<void>;
  /** Closes the connection from the client side. */
  close(): void;
}

/** Options of {@link openSse}. */
export interface OpenSseOptions {
  headers?: Record<string, string>;
  /** Streaming mode: events go here and nothing is kept (for large volumes). */
  onEvent?: (event: EventSourceMessage) => void;
}

/** GETs `url` and parses the body as it arrives. Resolves once the headers are in. */
export function openSse(url: string, options: OpenSseOptions = {}): Promise<SseResponse> {
  const { headers = {}, onEvent } = options;
  return new Promise((resolve, reject) => {
    const request: ClientRequest = get(
      url,
      { headers: { Accept: 'text/event-stream', ...headers } },
      (res) => {
        const events: EventSourceMessage[] = [];
        const retries: number[] = [];
        const chunks: string[] = [];
        const parser = createParser({
          onEvent: onEvent ?? ((event) => events.push(event)),
          onRetry: (retry) => retries.push(retry),
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (onEvent === undefined) chunks.push(chunk);
          parser.feed(chunk);
        });
        const ended = new Promise<void>((done) => {
          res.once('end', done);
          res.once('close', done);
          res.on('error', () => done());
        });
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          events,
          retries,
          body: () => chunks.join(''),
          ended,
          close: () => request.destroy(),
        });
      },
    );
    request.on('error', reject);
  });
}
