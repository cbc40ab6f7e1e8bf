interface Waiter<C> {
  readonly predicate: (counters: C) => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** The pending `waitFor` promises of a fake daemon, each waiting for a condition on its counters. */
export class CounterWaiters<C> {
  private readonly waiters = new Set<Waiter<C>>();

  /** Resolves once a {@link check} finds `predicate` true; rejects after `timeoutMs`. */
  wait(predicate: (counters: C) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter<C> = {
        predicate,
        resolve: () => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          resolve();
        },
        reject: (error) => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          reject(error);
        },
        timer: setTimeout(() => {
          waiter.reject(new Error(`fake daemon: condition not met within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves every waiter whose condition holds for `counters`. */
  check(counters: C): void {
    for (const waiter of this.waiters) if (waiter.predicate(counters)) waiter.resolve();
  }

  /** Rejects every waiter with `error`. */
  rejectAll(error: Error): void {
    for (const waiter of this.waiters) waiter.reject(error);
  }
}
