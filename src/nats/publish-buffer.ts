/**
 * One event waiting to be published: its subject, payload and dedup id.
 *
 * @example
 * ```ts
 * import type { PendingPublish } from './publish-buffer.js';
 *
 * const item: PendingPublish = { subject: 'deb.a.events.nightly', payload: bytes, msgId: 'a-1f2e-1' };
 * ```
 */
export interface PendingPublish {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly msgId: string;
}

/**
 * A FIFO of events bounded by count and by bytes. A push that would exceed
 * either bound is refused (the caller counts it as dropped), so memory stays
 * bounded however long NATS is away.
 *
 * @example
 * ```ts
 * import { buffer } from 'rxjs';
 * import { PublishBuffer } from './publish-buffer.js';
 *
 * const buffer = new PublishBuffer(100_000, 64 * 1024 * 1024);
 * if (!buffer.push(item)) dropped++;
 * ```
 */
export class PublishBuffer {
  private items: PendingPublish[] = [];
  private head = 0;
  private byteCount = 0;

  constructor(
    readonly maxEvents: number,
    readonly maxBytes: number,
  ) {}

  /** Events waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Payload bytes waiting. */
  get bytes(): number {
    return this.byteCount;
  }

  /** Appends `item`; false (and nothing kept) when a bound would be exceeded. */
  push(item: PendingPublish): boolean {
    if (this.size >= this.maxEvents || this.byteCount + item.payload.byteLength > this.maxBytes) return false;
    this.items.push(item);
    this.byteCount += item.payload.byteLength;
    return true;
  }

  /** The `n` oldest events, left in place. */
  peek(n: number): PendingPublish[] {
    return this.items.slice(this.head, this.head + n);
  }

  /** Removes the given events (published) wherever they are; the rest keep their order. */
  remove(done: ReadonlySet<PendingPublish>): void {
    if (done.size === 0) return;
    const kept: PendingPublish[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i]!;
      if (done.has(item)) this.byteCount -= item.payload.byteLength;
      else kept.push(item);
    }
    this.items = kept;
    this.head = 0;
  }
}
