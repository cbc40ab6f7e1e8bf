import type { ServerResponse } from 'node:http';
import type { SseMessage } from '../sse/message.js';
import type { BudgetedClient, SseBudget } from './sse-budget.js';
import { SingleFinalizerSubscription } from './single-finalizer-subscription.js';

/** Why a client was dropped, and what it held (see `ServeSseOptions.onSlowClient`). */
export interface SlowClientInfo {
  /** `maxBufferedBytes`: this client's own bound; `budget`: the gateway's bound across all clients. */
  readonly cause: 'maxBufferedBytes' | 'budget';
  /** Bytes held for the client when it was dropped (queued and not yet taken by the kernel). */
  readonly bufferedBytes: number;
  /** The size of the frame that did not fit (0 for a budget drop). */
  readonly frameBytes: number;
  /** The bound it would have exceeded. */
  readonly maxBufferedBytes: number;
}

/** The bounds of a writer: one object shared by the writers of a `serveSse` call or of a gateway. */
export interface SseWriterSettings {
  /** The most bytes held for one client (see `ServeSseOptions.maxBufferedBytes`). */
  readonly maxBufferedBytes: number;
  readonly budget?: SseBudget | undefined;
}

let queued: SseWriter[] = [];

function flushQueued(): void {
  const writers = queued;
  queued = [];
  for (const writer of writers) writer.flush();
  lastFrames = lastChunk = undefined;
}

/** The frames {@link joinFrames} joined last, and their chunk (kept through one flush pass). */
let lastFrames: readonly Buffer[] | undefined;
let lastChunk: Buffer | undefined;

/**
 * `frames` as one Buffer. Clients of one stream get the same frames in a
 * turn (every all-events client, every client of one job), and the router
 * hands them out one after the other, so consecutive writers of a flush pass
 * usually hold the same frames: the second and later get the first one's
 * chunk (frames are never mutated, so the same frames make the same bytes)
 * after a comparison of references, instead of copying them again.
 */
function joinFrames(frames: readonly Buffer[], bytes: number): Buffer {
  if (frames.length === 1) return frames[0]!;
  if (lastFrames !== undefined && sameFrames(frames, lastFrames)) return lastChunk!;
  lastFrames = frames;
  return (lastChunk = Buffer.concat(frames, bytes));
}

function sameFrames(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The write side of one SSE response: frames given within one event-loop
 * turn go out in **one** `res.write` (one Buffer) when the turn ends
 * (`process.nextTick`, so no delay is added beyond the turn), and never more
 * than one write is in flight: while the kernel has not taken the previous
 * one, frames wait here, so a stalled socket holds a few Node write requests
 * at most and dropping it is cheap.
 *
 * Holds at most `maxBufferedBytes` (a frame that would pass it drops the
 * client, unless nothing is held); with a {@link SseBudget}, counts what it
 * holds while behind, and the budget may drop it.
 *
 * It is also the response's subscription (closed: nothing more is
 * written), and the stream that extends it is the source's subscriber: an
 * idle client is one object (plus Node's own), with its bounds in a shared
 * settings object rather than in fields of its own.
 */
export abstract class SseWriter<S extends SseWriterSettings = SseWriterSettings>
  extends SingleFinalizerSubscription
  implements BudgetedClient
{
  private pending: Buffer[] | undefined = undefined;
  private pendingBytes = 0;
  private oldest: SseMessage | undefined = undefined;
  private inFlight = 0;
  private counted = 0;
  private afterWrite: ((error?: Error | null) => void) | undefined = undefined;

  constructor(
    protected readonly res: ServerResponse,
    protected readonly settings: S,
  ) {
    super();
  }

  /** The client was dropped (its own bound, or the budget): the response is destroyed and this closed. */
  protected abstract dropped(info: SlowClientInfo): void;

  /** One chunk of `frames` frames is being written; `oldest` is the first message among them. */
  protected abstract wrote(frames: number, bytes: number, oldest: SseMessage | undefined): void;

  /** Bytes held for this client: queued here, plus the write the kernel has not taken. */
  get heldBytes(): number {
    return this.pendingBytes + this.inFlight;
  }

  /** Queues one frame (of `message`, if it has one); it is written when the turn ends. */
  write(frame: Buffer, message?: SseMessage): void {
    if (this.closed) return;
    const held = this.pendingBytes + this.inFlight;
    const { maxBufferedBytes } = this.settings;
    if (held > 0 && held + frame.length > maxBufferedBytes) {
      this.drop({
        cause: 'maxBufferedBytes',
        bufferedBytes: held,
        frameBytes: frame.length,
        maxBufferedBytes,
      });
      return;
    }
    if (this.pending === undefined) this.oldest = message;
    (this.pending ??= []).push(frame);
    this.pendingBytes += frame.length;
    if (this.inFlight > 0) this.count(held + frame.length);
    else if (this.pending.length === 1 && queued.push(this) === 1) process.nextTick(flushQueued);
  }

  /** Writes what is queued as one chunk, unless a write is still in flight. */
  flush(): void {
    if (this.closed || this.inFlight > 0 || this.pending === undefined) return;
    this.inFlight = this.pendingBytes;
    const chunk = this.take();
    this.res.write(chunk, (this.afterWrite ??= (error) => this.written(error)));
  }

  dropForBudget(): void {
    const bufferedBytes = this.heldBytes;
    const maxBufferedBytes = this.settings.budget?.limitBytes ?? 0;
    this.drop({ cause: 'budget', bufferedBytes, frameBytes: 0, maxBufferedBytes });
  }

  /** Once closed: writes what is queued and ends the response (if still open). */
  protected endResponse(): void {
    const open = !this.res.writableEnded && !this.res.destroyed;
    const chunk = open && this.pending !== undefined ? this.take() : undefined;
    this.forget();
    if (!open) return;
    if (chunk !== undefined) this.res.write(chunk);
    this.res.end();
  }

  /** Forgets what is queued (and its count in the budget). */
  private forget(): void {
    this.pending = undefined;
    this.pendingBytes = 0;
    this.oldest = undefined;
    this.count(0);
  }

  private take(): Buffer {
    const pending = this.pending!;
    const chunk = joinFrames(pending, this.pendingBytes);
    const oldest = this.oldest;
    this.pending = undefined;
    this.pendingBytes = 0;
    this.oldest = undefined;
    this.wrote(pending.length, chunk.length, oldest);
    return chunk;
  }

  private written(error: Error | null | undefined): void {
    this.inFlight = 0;
    if (this.closed || error) return;
    this.count(0);
    if (this.pending !== undefined) this.flush();
  }

  private count(bytes: number): void {
    const { budget } = this.settings;
    if (budget === undefined || bytes === this.counted) return;
    this.counted = bytes;
    budget.count(this, bytes);
  }

  private drop(info: SlowClientInfo): void {
    this.forget();
    this.res.destroy();
    this.unsubscribe();
    this.dropped(info);
  }
}
