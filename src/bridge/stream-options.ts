import { takeWhile, type MonoTypeOperatorFunction } from 'rxjs';
import type { EventSelector } from '../events/catalog.js';
import { parseEventSelection, TERMINAL_EVENTS, type EventSelection } from '../events/event-selection.js';
import { InvalidArgumentError } from '../errors.js';

/**
 * Options of `allEvents` and `typedAllEvents` (and, with `until`, of the job streams).
 *
 * @example
 * ```ts
 * bridge.allEvents(50, { lastEventId: req.headers['last-event-id'], events: ['sheet.*', 'job.cost_update'] });
 * ```
 */
export interface StreamOptions {
  /** Resume after this event id (a browser's `Last-Event-ID`): exactly the events after it, or one `stream_reset`. */
  readonly lastEventId?: string | undefined;
  /** Only the events of this conductor (log sources carrying several conductors). */
  readonly conductor?: string | undefined;
  /**
   * Only these daemon events: names and `prefix.*` patterns (control messages
   * always come). Replay and resume by `lastEventId` are exact within the
   * selection. A malformed list throws `InvalidArgumentError`.
   */
  readonly events?: readonly EventSelector[] | undefined;
}

/**
 * Options of `jobEvents` and `typedJobEvents`.
 *
 * @example
 * ```ts
 * bridge.jobEvents('nightly', { until: 'terminal' }); // completes right after job.completed / job.failed / baton.job.cancelled
 * ```
 */
export interface JobStreamOptions extends StreamOptions {
  /**
   * `'terminal'`: complete right after the job's terminal event
   * (`job.completed`, `job.failed` or `baton.job.cancelled`), replayed or
   * live; with `events`, the terminal events are sent too.
   */
  readonly until?: 'terminal' | undefined;
}

/**
 * The selection of `options.events` (with the terminal names when
 * `until: 'terminal'`), or undefined for every event; throws
 * `InvalidArgumentError` for a bad list or `until`.
 */
export function streamSelection(method: string, options: JobStreamOptions): EventSelection | undefined {
  const { events, until } = options;
  if (until !== undefined && until !== 'terminal') {
    throw new InvalidArgumentError(
      `${method}(options.until): until must be 'terminal', got ${String(until)}`,
    );
  }
  if (events === undefined) return undefined;
  const list: unknown = events;
  const selection = parseEventSelection(
    until === 'terminal' && Array.isArray(list) ? [...events, ...TERMINAL_EVENTS] : events,
  );
  if (typeof selection === 'string')
    throw new InvalidArgumentError(`${method}(options.events): ${selection}`);
  return selection;
}

/**
 * `until: 'terminal'`: the stream up to and including the first item that
 * `isTerminal` says ends the job; otherwise the stream as it is.
 */
export function endAtTerminal<O>(
  until: JobStreamOptions['until'],
  isTerminal: (item: O) => boolean,
): MonoTypeOperatorFunction<O> {
  return until === 'terminal' ? takeWhile((item: O) => !isTerminal(item), true) : (source) => source;
}

/** Throws {@link InvalidArgumentError} unless `jobId` is a non-empty string. */
export function requireJobId(method: string, jobId: unknown): void {
  if (typeof jobId !== 'string' || jobId === '') {
    throw new InvalidArgumentError(`${method}(jobId): jobId must be a non-empty string`);
  }
}

/** Throws {@link InvalidArgumentError} unless `limit` is an integer of at least `min`. */
export function requireLimit(method: string, limit: unknown, min: 0 | 1): void {
  if (!Number.isSafeInteger(limit) || (limit as number) < min) {
    const what = min === 0 ? 'a non-negative' : 'a positive';
    throw new InvalidArgumentError(`${method}(limit): limit must be ${what} integer, got ${String(limit)}`);
  }
}
