import {
  finalize,
  ignoreElements,
  of,
  pipe,
  share,
  tap,
  timer,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';

/** What {@link sharedConnection} needs of the bridge. */
export interface SharedConnectionConfig<E> {
  /** Records and routes one event (the connection's only work per event). */
  readonly ingest: (event: E) => void;
  readonly isRunning: () => boolean;
  /** The connection ended while the bridge runs (on demand: the last consumer left). */
  readonly onIdle: () => void;
  /** Keep the connection `disconnectGraceMs` after the last consumer leaves, then drop it. */
  readonly connectOnDemand: boolean;
  readonly disconnectGraceMs: number;
  readonly scheduler: SchedulerLike;
}

/**
 * The daemon subscription as the bridge holds it: each event ingested once,
 * nothing emitted, one subscription shared and refcounted (kept for a grace
 * period after the last consumer when connecting on demand, reset after an
 * error or an end so the next subscriber connects afresh).
 */
export function sharedConnection<E>(config: SharedConnectionConfig<E>): OperatorFunction<E, never> {
  const { ingest, isRunning, onIdle, connectOnDemand, disconnectGraceMs, scheduler } = config;
  return pipe(
    tap(ingest),
    ignoreElements(),
    finalize(() => {
      if (isRunning()) onIdle();
    }),
    share({
      resetOnError: true,
      resetOnComplete: true,
      resetOnRefCountZero: connectOnDemand
        ? () => (isRunning() ? timer(disconnectGraceMs, scheduler) : of(true))
        : true,
    }),
  );
}
