import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable, Subscription } from 'rxjs';
import { unnamedEvents } from '../operators/unnamed-events.js';
import type { SseMessage } from '../sse/message.js';
import { performance } from 'node:perf_hooks';
import type { SseStreamKind } from './gateway-stats.js';
import type { GatewayMetrics } from './metrics.js';
import { startSseStream, type SseStreamSettings } from './serve-sse.js';

/** A stream source of one SSE route: the messages after the client's `Last-Event-ID`. */
export type SseSource = (lastEventId: string | undefined) => Observable<SseMessage>;

/** The gateway's stream settings, but `ended`: the registry adds its own. */
export type SseClientSettings = Omit<SseStreamSettings, 'ended' | 'onWrite'>;

/**
 * The open SSE responses of one gateway: admits up to `maxClients`, counts
 * the ones rejected, and ends them all on `close()`.
 *
 * The streams of one kind share one settings object, whose `ended` takes a
 * stream out of the registry: an open client costs its entry in `open` and
 * nothing else here (no teardown object, no kind field).
 */
export class SseClients {
  private readonly open = new Set<Subscription>();
  private readonly kinds: Record<SseStreamKind, number> = { all: 0, job: 0 };
  private readonly settings: Readonly<Record<SseStreamKind, SseStreamSettings>>;
  private rejected = 0;

  constructor(
    readonly maxClients: number,
    settings: SseClientSettings,
    private readonly metrics?: GatewayMetrics,
  ) {
    const ended = (kind: SseStreamKind) => (stream: Subscription) => {
      if (this.open.delete(stream)) this.kinds[kind]--;
    };
    this.settings = {
      all: { ...settings, ended: ended('all') },
      job: { ...settings, ended: ended('job') },
    };
  }

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
    const shared = this.settings[kind];
    const settings = this.metrics ? { ...shared, onWrite: writeHook(this.metrics) } : shared;
    const stream = startSseStream(req, res, messages, settings, headers);
    if (stream.closed) return;
    this.open.add(stream);
    this.kinds[kind]++;
  }

  /** Ends every open response. */
  closeAll(): void {
    for (const client of [...this.open]) client.unsubscribe();
  }
}

/** One client's write hook: the metrics learn when it connected, to tell its backlog from live events. */
function writeHook(metrics: GatewayMetrics): NonNullable<SseStreamSettings['onWrite']> {
  const connectedAt = performance.now();
  return (frames, bytes, oldest) => metrics.onWrite(frames, bytes, oldest, connectedAt);
}
