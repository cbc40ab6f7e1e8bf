import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable, Subscription } from 'rxjs';
import { unnamedEvents } from '../operators/unnamed-events.js';
import type { SseMessage } from '../sse/message.js';
import { serveSse, type ServeSseOptions } from './serve-sse.js';

/** A stream source of one SSE route: the messages after the client's `Last-Event-ID`. */
export type SseSource = (lastEventId: string | undefined) => Observable<SseMessage>;

/**
 * The open SSE responses of one gateway: admits up to `maxClients`, counts
 * the ones rejected, and ends them all on `close()`.
 */
export class SseClients {
  private readonly open = new Set<Subscription>();
  private rejected = 0;

  constructor(
    readonly maxClients: number,
    private readonly sseOptions: ServeSseOptions,
  ) {}

  /** SSE responses open now. */
  get size(): number {
    return this.open.size;
  }

  /** SSE requests refused because `maxClients` were open. */
  get clientsRejected(): number {
    return this.rejected;
  }

  /** True when one more client would exceed `maxClients`; counts the refusal. */
  reject(): boolean {
    if (this.open.size < this.maxClients) return false;
    this.rejected++;
    return true;
  }

  /** Streams `source` to the client (daemon events unnamed when asked). */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    source: SseSource,
    unnamed: boolean,
    headers: Record<string, string>,
  ): void {
    const messages: SseSource = unnamed ? (id) => source(id).pipe(unnamedEvents()) : source;
    const subscription = serveSse(req, res, messages, { ...this.sseOptions, headers });
    if (subscription.closed) return;
    this.open.add(subscription);
    subscription.add(() => this.open.delete(subscription));
  }

  /** Ends every open response. */
  closeAll(): void {
    for (const client of [...this.open]) client.unsubscribe();
  }
}
