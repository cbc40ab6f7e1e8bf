import {
  asyncScheduler,
  Observable,
  type MonoTypeOperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
} from 'rxjs';

/**
 * Mirrors the source and, whenever nothing has been emitted for `periodMs`,
 * emits `beat()`. The idle time is counted from the last emission, heartbeat
 * included. The timer is not re-armed on every value: the time of the last
 * emission is recorded, and the timer re-arms itself lazily when it fires, so
 * a busy stream costs one `scheduler.now()` per value.
 *
 * @example
 * ```ts
 * events$.pipe(heartbeat(30_000, () => ({ event: 'heartbeat', data: '{}' })));
 * ```
 */
export function heartbeat<T>(
  periodMs: number,
  beat: () => T,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let lastEmission = scheduler.now();
      const subscription = source.subscribe({
        next(value) {
          lastEmission = scheduler.now();
          subscriber.next(value);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      subscription.add(
        scheduler.schedule(function (this: SchedulerAction<void>) {
          const idle = scheduler.now() - lastEmission;
          if (idle >= periodMs) {
            lastEmission = scheduler.now();
            subscriber.next(beat());
            this.schedule(undefined, periodMs);
          } else {
            this.schedule(undefined, periodMs - idle);
          }
        }, periodMs),
      );
      return subscription;
    });
}
