/** One event waiting to be published: its subject, payload and dedup id. */
export interface PendingPublish {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly msgId: string;
}

/**
 * A FIFO of events bounded by count and by bytes. A push that would exceed
 * either bound is refused (the caller counts it as dropped), so memory stays
 * bounded however long NATS is away. An event being published leaves the
 * queue with `shift()` but counts against the bounds until it is `settled()`
 * (acknowledged) or put back at the head with `requeue()` (failed).
 */
export class PublishBuffer {
  private queue: PendingPublish[] = [];
  private head = 0;
  private count = 0;
  private byteCount = 0;

  constructor(
    readonly maxEvents: number,
    readonly maxBytes: number,
  ) {}

  /** Events held: queued, and taken out but not settled. */
  get size(): number {
    return this.count;
  }

  /** Payload bytes held. */
  get bytes(): number {
    return this.byteCount;
  }

  /** Appends `item`; false (and nothing kept) when a bound would be exceeded. */
  push(item: PendingPublish): boolean {
    if (this.count >= this.maxEvents || this.byteCount + item.payload.byteLength > this.maxBytes)
      return false;
    this.queue.push(item);
    this.count++;
    this.byteCount += item.payload.byteLength;
    return true;
  }

  /** Takes the oldest queued event out (it still counts), or `undefined` when none is queued. */
  shift(): PendingPublish | undefined {
    if (this.head === this.queue.length) return undefined;
    const item = this.queue[this.head++]!;
    if (this.head === this.queue.length || (this.head >= 1_024 && this.head * 2 >= this.queue.length)) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** An event taken out by `shift()` is published: it no longer counts. */
  settled(item: PendingPublish): void {
    this.count--;
    this.byteCount -= item.payload.byteLength;
  }

  /** Puts events taken out by `shift()` and not settled back at the head, in the order given. */
  requeue(items: readonly PendingPublish[]): void {
    if (items.length === 0) return;
    this.queue = [...items, ...this.queue.slice(this.head)];
    this.head = 0;
  }
}
