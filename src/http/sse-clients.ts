import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable, Subscription } from 'rxjs';
import { unnamedEvents } from '../operators/unnamed-events.js';
import type { SseMessage } from '../sse/message.js';
import { performance } from 'node:perf_hooks';
import type { SseStreamKind } from './gateway-stats.js';
import type { GatewayMetrics } from './metrics.js';
import { serveSse, type ServeSseOptions } from './serve-sse.js';

/** A stream source of one SSE route: the messages after the client's `Last-Event-ID`. */
export type SseSource = (lastEventId: string | undefined) => Observable<SseMessage>;

/**
 * The open SSE responses of one gateway: admits up to `maxClients`, counts
 * the ones rejected, and ends them all on `close()`.
 */
export class SseClients {
  private readonly open = new Set<Subscription>();
  private readonly kinds: Record<SseStreamKind, number> = { all: 0, job: 0 };
  private rejected = 0;

  constructor(
    readonly maxClients: number,
    private readonly sseOptions: ServeSseOptions,
    private readonly metrics?: GatewayMetrics,
  ) {}

  /** SSE responses open now. */
  get size(): number {
    return this.open.size;
  }

  /** SSE requests refused because `maxClients` were open. */
  get clientsRejected(): number {
    return this.rejected;
  }

  /** SSE responses open now, by stream kind (a copy). */
  byStream(): Record<SseStreamKind, number> {
    return { ...this.kinds };
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
    kind: SseStreamKind,
  ): void {
    const messages: SseSource = unnamed ? (id) => source(id).pipe(unnamedEvents()) : source;
    const onWrite = this.metrics && writeHook(this.metrics);
    const subscription = serveSse(req, res, messages, {
      ...this.sseOptions,
      headers,
      ...(onWrite && { onWrite }),
    });
    if (subscription.closed) return;
    this.open.add(subscription);
    this.kinds[kind]++;
    subscription.add(new OpenClient(this.open, this.kinds, subscription, kind));
  }

  /** Ends every open response. */
  closeAll(): void {
    for (const client of [...this.open]) client.unsubscribe();
  }
}

/** The teardown of one open client (an object: smaller than a closure and its context). */
class OpenClient {
  constructor(
    private readonly open: Set<Subscription>,
    private readonly kinds: Record<SseStreamKind, number>,
    private readonly subscription: Subscription,
    private readonly kind: SseStreamKind,
  ) {}

  unsubscribe(): void {
    if (!this.open.delete(this.subscription)) return;
    this.kinds[this.kind]--;
  }
}

/** One client's write hook: the metrics learn when it connected, to tell its backlog from live events. */
function writeHook(metrics: GatewayMetrics): NonNullable<ServeSseOptions['onWrite']> {
  const connectedAt = performance.now();
  return (frames, bytes, oldest) => metrics.onWrite(frames, bytes, oldest, connectedAt);
}
