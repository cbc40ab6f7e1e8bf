/**
 * A fixed-capacity ring of the most recent items, oldest first, each with a
 * strictly increasing `seq`. Pushing past capacity evicts the oldest item.
 */
export class ReplayRing<T extends { readonly seq: number }> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The `seq` of the oldest item kept, or `undefined` when empty. */
  get firstSeq(): number | undefined {
    return this.count === 0 ? undefined : this.items[this.start]!.seq;
  }

  push(item: T): void {
    if (this.capacity === 0) return;
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The newest `n` items, oldest first, that satisfy `predicate`. */
  latest(n: number, predicate: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (let i = this.count - 1; i >= 0 && out.length < n; i--) {
      const item = this.items[(this.start + i) % this.capacity]!;
      if (predicate(item)) out.push(item);
    }
    return out.reverse();
  }

  /** The items with `seq` greater than `seq`, oldest first, that satisfy `predicate`. */
  after(seq: number, predicate: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(this.start + i) % this.capacity]!;
      if (item.seq > seq && predicate(item)) out.push(item);
    }
    return out;
  }
}
