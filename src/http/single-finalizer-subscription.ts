import { Subscription, type TeardownLogic, type Unsubscribable } from 'rxjs';

/**
 * A {@link Subscription} that keeps its first finalizer in a field when that
 * finalizer is not itself a Subscription (those need rxjs's parent
 * bookkeeping, so they go to rxjs as usual). rxjs keeps finalizers in an
 * array that grows to 17 slots on its first `add` (~180 B); an SSE stream on
 * the bridge gets exactly one finalizer, its consumer, so each idle client
 * would carry that array for one entry. The field's finalizer runs after
 * rxjs's ones.
 */
export class SingleFinalizerSubscription extends Subscription {
  private finalizer: Unsubscribable | (() => void) | undefined = undefined;

  override add(teardown: TeardownLogic): void {
    if (this.finalizer === undefined && !this.closed && isPlainFinalizer(teardown)) {
      this.finalizer = teardown;
    } else {
      super.add(teardown);
    }
  }

  override remove(teardown: Exclude<TeardownLogic, void>): void {
    if (teardown === this.finalizer) this.finalizer = undefined;
    else super.remove(teardown);
  }

  override unsubscribe(): void {
    if (this.closed) return;
    const { finalizer } = this;
    this.finalizer = undefined;
    try {
      super.unsubscribe();
    } finally {
      if (typeof finalizer === 'function') finalizer();
      else finalizer?.unsubscribe();
    }
  }
}

function isPlainFinalizer(teardown: TeardownLogic): teardown is Unsubscribable | (() => void) {
  return (
    (typeof teardown === 'function' || (typeof teardown === 'object' && teardown !== null)) &&
    !(teardown instanceof Subscription)
  );
}
