import { Observable, type MonoTypeOperatorFunction, type ObservableInput, from } from 'rxjs';

/**
 * Mirrors the source until `notifier` emits, then emits `last` and completes.
 * `takeUntil(notifier)` followed by `endWith(last)`, in one step: the final
 * value is sent only when the notifier fires, never when the source ends by
 * itself, and values pass straight through (no extra subscriber layers).
 *
 * @example
 * ```ts
 * events$.pipe(endOn(stop$, { event: 'bridge_stopped', data: '{}' }));
 * ```
 */
export function endOn<T>(notifier: ObservableInput<unknown>, last: T): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      subscriber.add(
        from(notifier).subscribe(() => {
          subscriber.next(last);
          subscriber.complete();
        }),
      );
      if (!subscriber.closed) source.subscribe(subscriber);
    });
}
