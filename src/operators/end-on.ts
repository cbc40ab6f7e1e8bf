import { Observable, type MonoTypeOperatorFunction, type ObservableInput, type Subscriber, from } from 'rxjs';

/**
 * Mirrors the source until `notifier` emits, then emits `last` and completes.
 * `takeUntil(notifier)` followed by `endWith(last)`, in one step: the final
 * value is sent only when the notifier fires, never when the source ends by
 * itself, and values pass straight through (no extra subscriber layers).
 *
 * @example
 * ```ts
 * import { endOn } from 'daemon-event-bridge';
 *
 * events$.pipe(endOn(stop$, { event: 'bridge_stopped', data: '{}' }));
 * ```
 */
export function endOn<T>(notifier: ObservableInput<unknown>, last: T): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      subscriber.add(from(notifier).subscribe(new Ending(subscriber, last)));
      if (!subscriber.closed) source.subscribe(subscriber);
    });
}

/** The notifier's observer: its first value ends the stream with `last` (one object, no closure). */
class Ending<T> {
  constructor(
    private readonly subscriber: Subscriber<T>,
    private readonly last: T,
  ) {}

  next(): void {
    this.subscriber.next(this.last);
    this.subscriber.complete();
  }
}
