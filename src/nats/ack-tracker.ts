import type { SchedulerLike, Subscription } from 'rxjs';
import { JetStreamPublishError } from './errors.js';

/** Hears how each tracked publish ended. `id` grows in publish order. */
export interface AckListener<T> {
  acked(item: T, duplicate: boolean): void;
  failed(item: T, error: Error, id: number): void;
}

interface Awaiting<T> {
  readonly item: T;
  readonly listener: AckListener<T>;
  readonly deadline: number;
}

/**
 * Publishes awaiting their ack, by id, each failing with a `timeout`
 * {@link JetStreamPublishError} when no ack came within `timeoutMs`.
 *
 * One timer serves every publish, instead of one timer (and one error built
 * ahead of time for its stack) per request as `js.publish()` has: ids are
 * issued in order and share one timeout, so the oldest awaiting publish
 * always has the earliest deadline, and the timer only ever waits for it.
 * Ack-to-ack, tracking is a `Map` set and delete.
 */
export class AckTracker<T> {
  private readonly awaiting = new Map<number, Awaiting<T>>();
  private lastId = 0;
  private timer: Subscription | undefined;
  private expiring = false;

  constructor(
    readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Publishes awaiting their ack. */
  get size(): number {
    return this.awaiting.size;
  }

  /** Awaits the ack of `item`; returns its id. */
  track(item: T, listener: AckListener<T>): number {
    const id = ++this.lastId;
    this.awaiting.set(id, { item, listener, deadline: this.scheduler.now() + this.timeoutMs });
    if (this.timer === undefined && !this.expiring) this.arm(this.timeoutMs);
    return id;
  }

  /**
   * Ends the wait of `id` with its ack (`error` undefined) or a failure. An id
   * not awaited (its ack came after its timeout, or was forgotten) is ignored.
   */
  settle(id: number, error: Error | undefined, duplicate: boolean): void {
    const awaiting = this.awaiting.get(id);
    if (awaiting === undefined) return;
    this.awaiting.delete(id);
    // an idle tracker holds no timer, so it keeps no process alive
    if (this.awaiting.size === 0) this.disarm();
    if (error === undefined) awaiting.listener.acked(awaiting.item, duplicate);
    else awaiting.listener.failed(awaiting.item, error, id);
  }

  /** Stops awaiting `id` without telling its listener (its publish was never sent). */
  forget(id: number): void {
    this.awaiting.delete(id);
    if (this.awaiting.size === 0) this.disarm();
  }

  /** Fails everything awaiting with `error`, oldest first (not what a listener tracks meanwhile). */
  failAll(error: Error): void {
    for (const id of [...this.awaiting.keys()]) this.settle(id, error, false);
  }

  private arm(delayMs: number): void {
    this.timer = this.scheduler.schedule(() => this.expire(), delayMs);
  }

  private disarm(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  /** Fails what is past its deadline, oldest first, then waits for the next deadline. */
  private expire(): void {
    this.timer = undefined;
    this.expiring = true;
    const now = this.scheduler.now();
    let next: number | undefined;
    for (const [id, awaiting] of this.awaiting) {
      if (awaiting.deadline > now) {
        next = awaiting.deadline - now;
        break;
      }
      this.settle(
        id,
        new JetStreamPublishError('timeout', `no ack from JetStream within ${this.timeoutMs} ms`),
        false,
      );
    }
    this.expiring = false;
    if (next !== undefined && this.timer === undefined) this.arm(next);
  }
}
