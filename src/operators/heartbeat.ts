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
 * import { heartbeat } from 'daemon-event-bridge';
 *
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
      const beating = new Beating(subscriber, periodMs, beat, scheduler);
      const subscription = source.subscribe(beating);
      subscription.add(scheduler.schedule(beatWhenIdle<T>, periodMs, beating));
      return subscription;
    });
}

/** The timer's work (one function for all subscribers): beat when idle, then re-arm for the rest of the period. */
function beatWhenIdle<T>(this: SchedulerAction<Beating<T>>, beating?: Beating<T>): void {
  const { scheduler, periodMs } = beating!;
  const idle = scheduler.now() - beating!.lastEmission;
  if (idle >= periodMs) {
    beating!.lastEmission = scheduler.now();
    beating!.emitBeat();
    this.schedule(beating, periodMs);
  } else {
    this.schedule(beating, periodMs - idle);
  }
}

/** The observer of the source and the timer's state: passes everything on and notes when it last emitted (one object, no closures). */
class Beating<T> implements Observer<T> {
  lastEmission: number;

  constructor(
    private readonly subscriber: Subscriber<T>,
    readonly periodMs: number,
    private readonly beat: () => T,
    readonly scheduler: SchedulerLike,
  ) {
    this.lastEmission = scheduler.now();
  }

  emitBeat(): void {
    this.subscriber.next(this.beat());
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
