import {
  asyncScheduler,
  EMPTY,
  merge,
  Observable,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { JsonObject } from '../../json.js';

/** One job the simulated conductor runs, over and over (`job.iteration`). */
export interface SimulatedJob {
  /** The `job_id`. */
  readonly id: string;
  /** Sheets per iteration. */
  readonly sheets: number;
  /** The backends its sheets run on (`data.instrument`). */
  readonly instruments: readonly string[];
}

/** The jobs of `daemon-event-bridge demo`. */
export const DEMO_JOBS: readonly SimulatedJob[] = [
  { id: 'nightly-refactor', sheets: 12, instruments: ['claude-code', 'codex'] },
  { id: 'docs-sweep', sheets: 8, instruments: ['claude-code', 'gemini-cli'] },
  { id: 'release-notes', sheets: 6, instruments: ['codex', 'gemini-cli'] },
  { id: 'test-backfill', sheets: 10, instruments: ['claude-code', 'gemini-cli', 'codex'] },
];

/** Options of {@link conductorWorkload} and {@link startSimulator}. */
export interface SimulatorOptions {
  /** Every delay runs on it; event timestamps are its `now()` in Unix seconds. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Same seed, same workload. Default: random. */
  readonly seed?: number;
  /** Default {@link DEMO_JOBS}. */
  readonly jobs?: readonly SimulatedJob[];
  /**
   * Emit, at once on subscription, the events of this much past workload
   * (timestamps in the past), so a dashboard opened at start already has
   * history. Default 0.
   */
  readonly backfillMs?: number;
}

/** One scripted event: emitted `afterMs` after the previous one of its track. */
interface Step {
  readonly afterMs: number;
  readonly event: JsonObject;
}

type Random = () => number;

/**
 * A realistic conductor workload as a cold Observable of daemon events
 * (field names as the conductor emits them): jobs whose sheets start,
 * complete, fail, come out partial, retry, get skipped after a failed
 * dependency, with `job.cost_update` after each sheet, occasional
 * `observer.file_created` (named by `event_type`), `rate_limit.active`
 * episodes that pause a job (one within seconds of the live part, then
 * every 75 s or so), `job.iteration` when a job starts over, and daemon-wide
 * `monitor.anomaly` events without `job_id` (the first within 15 s of the
 * live part). Never completes.
 */
export function conductorWorkload(options: SimulatorOptions = {}): Observable<JsonObject> {
  const { scheduler = asyncScheduler, jobs = DEMO_JOBS, backfillMs = 0 } = options;
  const seed = options.seed ?? Math.floor(Math.random() * 1e9);
  return new Observable<JsonObject>((subscriber) => {
    const tracks = [
      ...jobs.map((job, index) =>
        jobTrack(
          job,
          mulberry32(seed + 7919 * (index + 1)),
          // The second job is rate-limited a few seconds into the live part, then every 75 s.
          index === Math.min(1, jobs.length - 1)
            ? { firstMs: backfillMs + 5_000, everyMs: 75_000 }
            : undefined,
        ),
      ),
      anomalyTrack(mulberry32(seed), backfillMs),
    ];
    const start = scheduler.now();
    const stamp = (event: JsonObject, at: number): JsonObject => ({ ...event, timestamp: at / 1000 });
    const { past, pending } = backfill(tracks, backfillMs);
    for (const { at, event } of past) subscriber.next(stamp(event, start - backfillMs + at));
    return merge(...tracks.map((track, index) => play(track, pending[index], scheduler, stamp))).subscribe(
      subscriber,
    );
  });
}

/**
 * Runs {@link conductorWorkload} and hands each event to `publish` (for
 * example a fake daemon's `publish`). Unsubscribe to stop.
 */
export function startSimulator(
  publish: (event: JsonObject) => void,
  options?: SimulatorOptions,
): Subscription {
  return conductorWorkload(options).subscribe(publish);
}

/**
 * Plays one track from `first` on: each step's event is emitted `afterMs`
 * after the previous one, stamped with the scheduler's clock.
 */
function play(
  track: Iterator<Step>,
  first: Step | undefined,
  scheduler: SchedulerLike,
  stamp: (event: JsonObject, at: number) => JsonObject,
): Observable<JsonObject> {
  if (first === undefined) return EMPTY;
  return new Observable<JsonObject>((subscriber) =>
    scheduler.schedule(
      function (this: SchedulerAction<Step>, step) {
        subscriber.next(stamp(step.event, scheduler.now()));
        const next = track.next();
        if (next.done) subscriber.complete();
        else this.schedule(next.value, next.value.afterMs);
      },
      first.afterMs,
      first,
    ),
  );
}

/**
 * Runs every track `backfillMs` ahead without a scheduler: returns the
 * events of that span in time order, and each track's first step beyond it
 * with the delay that remains.
 */
function backfill(
  tracks: readonly Iterator<Step>[],
  backfillMs: number,
): { past: { at: number; event: JsonObject }[]; pending: (Step | undefined)[] } {
  const past: { at: number; event: JsonObject; order: number }[] = [];
  const pending = tracks.map((track) => {
    let at = 0;
    for (;;) {
      const next = track.next();
      if (next.done) return undefined;
      if (at + next.value.afterMs > backfillMs) {
        return { afterMs: at + next.value.afterMs - backfillMs, event: next.value.event };
      }
      at += next.value.afterMs;
      past.push({ at, event: next.value.event, order: past.length });
    }
  });
  past.sort((a, b) => a.at - b.at || a.order - b.order);
  return { past: past.map(({ at, event }) => ({ at, event })), pending };
}

const MODELS: Record<string, readonly string[]> = {
  'claude-code': ['sonnet', 'opus'],
  codex: ['gpt-5-codex'],
  'gemini-cli': ['gemini-2.5-pro', 'gemini-2.5-flash'],
};

const FILES = [
  'src/index.ts',
  'CHANGELOG.md',
  'docs/guide.md',
  'spec/api.spec.ts',
  'README.md',
  'src/db/pool.ts',
];

const FAILURES = ['validation_failed', 'validation_failed', 'timeout', 'process_crash'];

const MAX_ATTEMPTS = 2;

/** When one job is made to hit a rate limit, so that every demo shows episodes. */
interface EpisodePlan {
  /** The first forced episode starts with the first sheet after this much workload time. */
  readonly firstMs: number;
  /** Then again after this much more. */
  readonly everyMs: number;
}

/** The endless event script of one job; `episodes` forces rate-limit episodes on it. */
function* jobTrack(job: SimulatedJob, random: Random, episodes?: EpisodePlan): Generator<Step, never> {
  const between = (min: number, max: number) => Math.round(min + random() * (max - min));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let elapsed = 0;
  const step = (afterMs: number, event: JsonObject): Step => {
    elapsed += afterMs;
    return { afterMs, event };
  };
  let nextEpisodeAt = episodes?.firstMs ?? Infinity;
  let totalCost = 0;
  let firstStart = true;
  for (let iteration = 1; ; iteration++) {
    if (iteration > 1) {
      yield step(between(3_000, 6_000), {
        job_id: job.id,
        sheet_num: 0,
        event: 'job.iteration',
        data: { iteration },
      });
    }
    let dependencyFailed = false;
    for (let sheet = 1; sheet <= job.sheets; sheet++) {
      const base = { job_id: job.id, sheet_num: sheet };
      if (dependencyFailed && random() < 0.6) {
        yield step(between(300, 900), {
          ...base,
          event: 'sheet.skipped',
          data: { reason: 'dependency failed' },
        });
        continue;
      }
      dependencyFailed = false;
      const instrument = pick(job.instruments);
      let rateLimited = random() < 0.04;
      if (elapsed >= nextEpisodeAt) {
        rateLimited = true;
        nextEpisodeAt = elapsed + episodes!.everyMs;
      }
      if (rateLimited) {
        yield step(between(400, 1_200), {
          ...base,
          event: 'rate_limit.active',
          data: { instrument, seconds_remaining: between(60, 180) },
        });
      }
      for (let attempt = 1; ; attempt++) {
        const wait = firstStart
          ? between(200, 2_500)
          : rateLimited
            ? between(4_000, 9_000)
            : between(400, 2_000);
        yield step(wait, { ...base, event: 'sheet.started', data: { instrument, attempt } });
        firstStart = false;
        const cost = Math.round((0.01 + random() * 0.4) * 10_000) / 10_000;
        totalCost = Math.round((totalCost + cost) * 10_000) / 10_000;
        const roll = random();
        const outcome = roll < 0.74 ? 'completed' : roll < 0.9 ? 'failed' : 'partial';
        const passRate =
          outcome === 'completed' ? 100 : outcome === 'partial' ? between(55, 95) : between(0, 50);
        yield step(between(1_500, 5_000), {
          ...base,
          event: `sheet.${outcome}`,
          data: {
            instrument,
            attempt,
            success: outcome === 'completed',
            validation_pass_rate: passRate,
            cost_usd: cost,
            duration_seconds: between(400, 2_400) / 10,
            rate_limited: rateLimited,
            error_classification:
              outcome === 'completed' ? null : outcome === 'partial' ? 'partial_output' : pick(FAILURES),
            model_used: pick(MODELS[instrument] ?? ['default']),
          },
        });
        rateLimited = false;
        if (outcome === 'completed' && random() < 0.35) {
          yield step(between(100, 500), {
            job_id: job.id,
            sheet_num: sheet,
            event_type: 'observer.file_created',
            data: { path: pick(FILES) },
          });
        }
        yield step(between(200, 800), {
          job_id: job.id,
          sheet_num: sheet,
          event: 'job.cost_update',
          data: { total_cost_usd: totalCost },
        });
        if (outcome === 'completed') break;
        if (attempt === MAX_ATTEMPTS) {
          dependencyFailed = true;
          break;
        }
        yield step(between(300, 900), {
          ...base,
          event: 'sheet.retrying',
          data: { attempt: attempt + 1, delay_seconds: 30 * attempt },
        });
      }
    }
  }
}

const ANOMALIES = [
  {
    anomaly_type: 'memory_spike',
    severity: 'warning',
    description: 'RSS of a backend process grew 3x in 60 s',
    metric_value: 2_900_000_000,
    threshold: 1_000_000_000,
  },
  {
    anomaly_type: 'slow_sheet',
    severity: 'info',
    description: 'a sheet has run 4x longer than its median',
    metric_value: 812,
    threshold: 200,
  },
  {
    anomaly_type: 'fd_leak',
    severity: 'critical',
    description: 'open file descriptors of a backend keep growing',
    metric_value: 9_800,
    threshold: 4_096,
  },
] as const;

/**
 * The daemon-wide events: a `monitor.anomaly` (no `job_id`) every 30 to 70 s,
 * the first 8 to 15 s after `firstAfterMs`.
 */
function* anomalyTrack(random: Random, firstAfterMs: number): Generator<Step, never> {
  for (let n = 0; ; n++) {
    const anomaly = ANOMALIES[Math.floor(random() * ANOMALIES.length)]!;
    yield {
      afterMs:
        n === 0
          ? firstAfterMs + 8_000 + Math.round(random() * 7_000)
          : 30_000 + Math.round(random() * 40_000),
      event: {
        event: 'monitor.anomaly',
        sheet_num: 0,
        data: { ...anomaly, pid: 40_000 + Math.floor(random() * 20_000) },
      },
    };
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence. */
function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
