import { filter, scan, type OperatorFunction } from 'rxjs';
import type { ConductorEvent, EventOfType, KnownEventName, TypedMessage } from './catalog.js';

/**
 * Where a job stands: `pending` before any lifecycle or sheet event,
 * `running`, `rate-limited` (after `rate_limit.active`, until its next
 * sheet or lifecycle event), `paused` (`baton.job.paused`), and the ends
 * `completed`, `failed`, `cancelled` (`job.completed`, `job.failed`,
 * `baton.job.cancelled`; `job.resuming` runs it again).
 */
type JobStatus = 'pending' | 'running' | 'rate-limited' | 'paused' | 'completed' | 'failed' | 'cancelled';

/** Where a sheet stands, after its latest `sheet.*` event. */
type SheetStatus = 'running' | 'retrying' | 'completed' | 'failed' | 'skipped';

/** One sheet of a {@link JobState}. */
interface SheetState {
  readonly sheetNum: number;
  readonly status: SheetStatus;
  /** Attempts started (the highest `attempt` seen, or the count of `sheet.started`). */
  readonly attempts: number;
  /** `sheet.retrying` events. */
  readonly retries: number;
  /** The cost of its last finished attempt, when the conductor said. */
  readonly costUsd: number | undefined;
  readonly durationSeconds: number | undefined;
  readonly lastEvent: string;
}

/**
 * A job's state folded from its events by {@link jobState} / {@link reduceJobState}.
 * Times are the daemon's (`timestamp`, Unix seconds).
 *
 * @example
 * ```ts
 * import type { JobState } from 'daemon-event-bridge';
 *
 * const summary = (s: JobState) => `${s.jobId}: ${s.status}, ${s.sheetCounts.completed} sheets done, $${s.costUsd ?? 0}`;
 * ```
 */
export interface JobState {
  readonly jobId: string | undefined;
  readonly status: JobStatus;
  /** The sheets seen, by sheet number. */
  readonly sheets: Readonly<Record<number, SheetState>>;
  /** How many sheets are in each status. */
  readonly sheetCounts: Readonly<Record<SheetStatus, number>>;
  /** The latest `job.cost_update`'s `total_cost_usd`. */
  readonly costUsd: number | undefined;
  /** The timestamp of `job.started` (else of the first event). */
  readonly startedAt: number | undefined;
  /** The timestamp of the terminal event, while the job is ended. */
  readonly endedAt: number | undefined;
  /** From `startedAt` to `endedAt`, else to `updatedAt`. */
  readonly durationSeconds: number | undefined;
  /** While `rate-limited`: when the limit should lift (from `seconds_remaining`). */
  readonly rateLimitedUntil: number | undefined;
  /** The newest event folded in. */
  readonly lastEvent:
    | { readonly name: string; readonly id: string | undefined; readonly timestamp: number | undefined }
    | undefined;
  /** The timestamp of the newest event that had one. */
  readonly updatedAt: number | undefined;
  /** Events folded in. */
  readonly events: number;
}

const NO_SHEETS: Readonly<Record<SheetStatus, number>> = Object.freeze({
  running: 0,
  retrying: 0,
  completed: 0,
  failed: 0,
  skipped: 0,
});

function emptyJobState(jobId: string | undefined): JobState {
  return {
    jobId,
    status: 'pending',
    sheets: {},
    sheetCounts: NO_SHEETS,
    costUsd: undefined,
    startedAt: undefined,
    endedAt: undefined,
    durationSeconds: undefined,
    rateLimitedUntil: undefined,
    lastEvent: undefined,
    updatedAt: undefined,
    events: 0,
  };
}

/**
 * Folds one event into a job's state (`undefined`: no state yet), without
 * changing `state`: the reducer of {@link jobState}, for a `scan`, a signal
 * or an array's `reduce`. Events of another job (or of none) leave the state
 * as it is.
 *
 * @example
 * ```ts
 * import { reduceJobState, type ConductorEvent } from 'daemon-event-bridge';
 *
 * const state = history.reduce(reduceJobState, undefined);
 * ```
 */
export function reduceJobState(state: JobState | undefined, event: ConductorEvent): JobState {
  const current = state ?? emptyJobState(event.jobId);
  if (event.jobId === undefined || (current.jobId !== undefined && event.jobId !== current.jobId))
    return current;
  const timestamp = typeof event.event.timestamp === 'number' ? event.event.timestamp : undefined;
  const next = applyEvent({ ...current, jobId: event.jobId }, event, timestamp);
  const startedAt = next.startedAt ?? timestamp;
  const updatedAt = timestamp ?? next.updatedAt;
  const until = next.endedAt ?? updatedAt;
  return {
    ...next,
    startedAt,
    updatedAt,
    durationSeconds:
      startedAt === undefined || until === undefined ? undefined : Math.max(0, until - startedAt),
    lastEvent: { name: event.name, id: event.id, timestamp },
    events: current.events + 1,
  };
}

/**
 * The state of one job's events, after each event: a `scan` with
 * {@link reduceJobState}, skipping control items. Pipe a job's typed stream
 * (or any stream of one job's {@link ConductorEvent}s) into it.
 *
 * @example
 * ```ts
 * import { jobState } from 'daemon-event-bridge';
 *
 * bridge.typedJobEvents('nightly').pipe(jobState()).subscribe((s) => console.log(s.status, s.costUsd));
 * ```
 */
export function jobState(): OperatorFunction<TypedMessage, JobState> {
  return (source) =>
    source.pipe(
      filter((item): item is ConductorEvent => item.type === 'event'),
      scan<ConductorEvent, JobState | undefined, undefined>(reduceJobState, undefined),
      filter((state): state is JobState => state !== undefined),
    );
}

type Fold = (state: JobState, event: ConductorEvent, timestamp: number | undefined) => JobState;

function is<N extends KnownEventName>(event: ConductorEvent, name: N): event is EventOfType<N> {
  return event.name === name;
}

function applyEvent(state: JobState, event: ConductorEvent, timestamp: number | undefined): JobState {
  const fold = Object.hasOwn(FOLDS, event.name) ? FOLDS[event.name] : undefined;
  return fold === undefined ? state : fold(state, event, timestamp);
}

const running = (state: JobState): JobState => ({ ...state, status: 'running', rateLimitedUntil: undefined });
const ended =
  (status: JobStatus): Fold =>
  (state, _event, timestamp) => ({
    ...state,
    status,
    endedAt: timestamp ?? state.updatedAt,
    rateLimitedUntil: undefined,
  });

/** How each known name changes a job; other names only count as its last event. */
const FOLDS: Readonly<Record<string, Fold>> = {
  'job.started': (state, _event, timestamp) => ({
    ...running(state),
    startedAt: state.startedAt ?? timestamp,
    endedAt: undefined,
  }),
  'job.resuming': (state) => ({ ...running(state), endedAt: undefined }),
  'job.iteration': running,
  'job.completed': ended('completed'),
  'job.failed': ended('failed'),
  'baton.job.cancelled': ended('cancelled'),
  'baton.job.paused': (state) => ({ ...state, status: 'paused' }),
  'baton.job.resumed': running,
  'job.cost_update': (state, event) => {
    const cost = is(event, 'job.cost_update') ? event.event.data?.total_cost_usd : undefined;
    return typeof cost === 'number' ? { ...state, costUsd: cost } : state;
  },
  'rate_limit.active': (state, event, timestamp) => {
    const seconds = is(event, 'rate_limit.active') ? event.event.data?.seconds_remaining : undefined;
    const until = typeof seconds === 'number' && timestamp !== undefined ? timestamp + seconds : undefined;
    return { ...state, status: 'rate-limited', rateLimitedUntil: until };
  },
  'sheet.started': sheetFold('running'),
  'sheet.completed': sheetFold('completed'),
  'sheet.failed': sheetFold('failed'),
  'sheet.retrying': sheetFold('retrying'),
  'sheet.skipped': sheetFold('skipped'),
};

/** A `sheet.*` fold: the sheet's new status, attempts, retries and cost; the job runs (unless paused or ended). */
function sheetFold(status: SheetStatus): Fold {
  return (state, event) => {
    const sheetNum = event.event.sheet_num;
    const job = state.status === 'pending' || state.status === 'rate-limited' ? running(state) : state;
    if (typeof sheetNum !== 'number') return job;
    const before = state.sheets[sheetNum];
    const sheet = nextSheet(before, sheetNum, status, event);
    const counts = { ...state.sheetCounts, [sheet.status]: state.sheetCounts[sheet.status] + 1 };
    if (before !== undefined) counts[before.status]--;
    return { ...job, sheets: { ...state.sheets, [sheetNum]: sheet }, sheetCounts: counts };
  };
}

function nextSheet(
  before: SheetState | undefined,
  sheetNum: number,
  status: SheetStatus,
  event: ConductorEvent,
): SheetState {
  const data = (event.event.data ?? {}) as {
    attempt?: unknown;
    cost_usd?: unknown;
    duration_seconds?: unknown;
  };
  const attempt = typeof data.attempt === 'number' ? data.attempt : undefined;
  const attempts = before?.attempts ?? 0;
  const finished = status === 'completed' || status === 'failed';
  return {
    sheetNum,
    status,
    attempts:
      status === 'running'
        ? Math.max(attempt ?? attempts + 1, attempts)
        : finished
          ? Math.max(attempt ?? 0, attempts)
          : attempts,
    retries: (before?.retries ?? 0) + (status === 'retrying' ? 1 : 0),
    costUsd: finished && typeof data.cost_usd === 'number' ? data.cost_usd : before?.costUsd,
    durationSeconds:
      finished && typeof data.duration_seconds === 'number' ? data.duration_seconds : before?.durationSeconds,
    lastEvent: event.name,
  };
}
