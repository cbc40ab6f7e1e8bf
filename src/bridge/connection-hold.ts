import type { Observable, Subscription } from 'rxjs';

/**
 * The consumers' reference on the bridge's shared connection, counted here:
 * the connection has one subscriber for all consumers, so a consumer costs a
 * counter, not a subscriber, and leaves in O(1).
 */
export class ConnectionHold {
  private subscription: Subscription | undefined;
  private holders = 0;

  constructor(private readonly connection$: Observable<never>) {}

  /** One more consumer; the first (or the first since the connection ended) subscribes. */
  hold(): void {
    if (this.holders++ === 0 || this.subscription?.closed !== false) {
      this.subscription = this.connection$.subscribe();
    }
  }

  /** One consumer fewer; the last unsubscribes. */
  release(): void {
    if (--this.holders > 0) return;
    const subscription = this.subscription;
    this.subscription = undefined;
    subscription?.unsubscribe();
  }
}
