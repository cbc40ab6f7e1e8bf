import {
  catchError,
  defaultIfEmpty,
  defer,
  exhaustMap,
  ignoreElements,
  interval,
  map,
  Observable,
  of,
  scan,
  take,
  tap,
  timeout,
  type MonoTypeOperatorFunction,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';

/** How {@link failWhenUnresponsive} probes. */
export interface LivenessConfig {
  /** One probe: its first value (or completion) is an answer; an error or no answer in time is a miss. */
  readonly probe: () => ObservableInput<unknown>;
  /** Time between probes; a probe still running when the next is due delays it. */
  readonly intervalMs: number;
  /** How long one probe may wait for its answer. */
  readonly timeoutMs: number;
  /** How many misses in a row mean the peer is gone. */
  readonly maxMisses: number;
  readonly scheduler: SchedulerLike;
  /** The error the stream fails with; `cause` is the last miss's error. */
  readonly unresponsive: (misses: number, cause: unknown) => Error;
  /** Called on each miss, with the count so far. */
  readonly onMiss?: (misses: number, cause: unknown) => void;
}

interface Tally {
  readonly misses: number;
  readonly cause?: unknown;
}

/**
 * Mirrors the source while probing its peer every `intervalMs`: after
 * `maxMisses` probes in a row that failed or got no answer within
 * `timeoutMs`, the stream errors with `unresponsive(misses, cause)` (and the
 * source is unsubscribed). An answer resets the count. Probing starts with
 * the subscription and ends with the source.
 */
export function failWhenUnresponsive<T>(config: LivenessConfig): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      subscriber.add(unanswered(config).subscribe({ error: (error: unknown) => subscriber.error(error) }));
      subscriber.add(source.subscribe(subscriber));
    });
}

/** Never emits; errors once `maxMisses` probes in a row went unanswered. */
function unanswered(config: LivenessConfig): Observable<never> {
  const { intervalMs, maxMisses, scheduler, unresponsive, onMiss } = config;
  return interval(intervalMs, scheduler).pipe(
    exhaustMap(() => probeOnce(config)),
    scan(
      (tally: Tally, outcome: Tally) =>
        outcome.misses === 0 ? outcome : { ...outcome, misses: tally.misses + 1 },
      {
        misses: 0,
      },
    ),
    tap(({ misses, cause }) => {
      if (misses === 0) return;
      onMiss?.(misses, cause);
      if (misses >= maxMisses) throw unresponsive(misses, cause);
    }),
    ignoreElements(),
  );
}

/** One probe's outcome: `{ misses: 0 }` for an answer, `{ misses: 1, cause }` for a miss. */
function probeOnce({ probe, timeoutMs, scheduler }: LivenessConfig): Observable<Tally> {
  return defer(probe).pipe(
    take(1),
    defaultIfEmpty(undefined),
    timeout({ first: timeoutMs, scheduler }),
    map((): Tally => ({ misses: 0 })),
    catchError((cause: unknown) => of<Tally>({ misses: 1, cause })),
  );
}
