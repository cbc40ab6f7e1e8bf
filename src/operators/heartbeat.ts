import {
  asyncScheduler,
  Observable,
  type MonoTypeOperatorFunction,
  type Observer,
  type SchedulerAction,
  type SchedulerLike,
  type Subscriber,
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
      const beating = new Beating(subscriber, scheduler);
      const subscription = source.subscribe(beating);
      subscription.add(
        scheduler.schedule(function (this: SchedulerAction<void>) {
          const idle = scheduler.now() - beating.lastEmission;
          if (idle >= periodMs) {
            beating.lastEmission = scheduler.now();
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

/** The observer of the source: passes everything on and notes when it last emitted (one object, no closures). */
class Beating<T> implements Observer<T> {
  lastEmission: number;

  constructor(
    private readonly subscriber: Subscriber<T>,
    private readonly scheduler: SchedulerLike,
  ) {
    this.lastEmission = scheduler.now();
  }

  next(value: T): void {
    this.lastEmission = this.scheduler.now();
    this.subscriber.next(value);
  }

  error(error: unknown): void {
    this.subscriber.error(error);
  }

  complete(): void {
    this.subscriber.complete();
  }
}
