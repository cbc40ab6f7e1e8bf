import type { ServerResponse } from 'node:http';
import type { SseMessage } from '../sse/message.js';
import type { BudgetedClient, SseBudget } from './sse-budget.js';

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

/** Who a writer reports to. */
export interface SseWriterOwner {
  /** The client was dropped (its own bound, or the budget); the response is destroyed. */
  dropped(info: SlowClientInfo): void;
  /** One chunk of `frames` frames is being written; `oldest` is the first message among them. */
  wrote(frames: number, bytes: number, oldest: SseMessage | undefined): void;
}

let queued: SseWriter[] = [];

function flushQueued(): void {
  const writers = queued;
  queued = [];
  for (const writer of writers) writer.flush();
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
 */
export class SseWriter implements BudgetedClient {
  private pending: Buffer[] | undefined;
  private pendingBytes = 0;
  private oldest: SseMessage | undefined;
  private inFlight = 0;
  private counted = 0;
  private closed = false;
  private afterWrite: ((error?: Error | null) => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly maxBufferedBytes: number,
    private readonly budget: SseBudget | undefined,
    private readonly owner: SseWriterOwner,
  ) {}

  /** Bytes held for this client: queued here, plus the write the kernel has not taken. */
  get heldBytes(): number {
    return this.pendingBytes + this.inFlight;
  }

  /** Queues one frame (of `message`, if it has one); it is written when the turn ends. */
  write(frame: Buffer, message?: SseMessage): void {
    if (this.closed) return;
    const held = this.pendingBytes + this.inFlight;
    if (held > 0 && held + frame.length > this.maxBufferedBytes) {
      const { maxBufferedBytes } = this;
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

  /** Writes what is queued and ends the response (if still open). */
  end(): void {
    if (this.closed) return;
    const open = !this.res.writableEnded && !this.res.destroyed;
    const chunk = open && this.pending !== undefined ? this.take() : undefined;
    this.close();
    if (!open) return;
    if (chunk !== undefined) this.res.write(chunk);
    this.res.end();
  }

  /** Forgets what is queued; the response is left as it is. */
  close(): void {
    this.closed = true;
    this.pending = undefined;
    this.pendingBytes = 0;
    this.oldest = undefined;
    this.count(0);
  }

  dropForBudget(): void {
    const bufferedBytes = this.heldBytes;
    const maxBufferedBytes = this.budget?.limitBytes ?? 0;
    this.drop({ cause: 'budget', bufferedBytes, frameBytes: 0, maxBufferedBytes });
  }

  private take(): Buffer {
    const pending = this.pending!;
    const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, this.pendingBytes);
    const oldest = this.oldest;
    this.pending = undefined;
    this.pendingBytes = 0;
    this.oldest = undefined;
    this.owner.wrote(pending.length, chunk.length, oldest);
    return chunk;
  }

  private written(error: Error | null | undefined): void {
    this.inFlight = 0;
    if (this.closed || error) return;
    this.count(0);
    if (this.pending !== undefined) this.flush();
  }

  private count(bytes: number): void {
    if (this.budget === undefined || bytes === this.counted) return;
    this.counted = bytes;
    this.budget.count(this, bytes);
  }

  private drop(info: SlowClientInfo): void {
    this.close();
    this.res.destroy();
    this.owner.dropped(info);
  }
}
