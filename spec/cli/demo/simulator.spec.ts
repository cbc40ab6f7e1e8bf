import { createTestScheduler } from '../../support/marbles';
import { bufferTime, distinct, filter, map, take, takeUntil, timer, toArray } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import {
  conductorWorkload,
  DEMO_JOBS,
  startSimulator,
  type SimulatedJob,
} from '../../../src/cli/demo/simulator';
import { daemonEventSchema } from '../../../src/daemon/daemon-event';
import type { JsonObject } from '../../../src/json';
import { toSseMessage } from '../../../src/bridge/to-sse-message';

function createScheduler(): TestScheduler {
  return createTestScheduler();
}

/** Runs the workload for `ms` of virtual time; returns each event with the virtual time it was emitted at. */
function record(ms: number, options: { seed: number; backfillMs?: number; jobs?: readonly SimulatedJob[] }) {
  const scheduler = createScheduler();
  const events: { at: number; event: JsonObject }[] = [];
  scheduler.run(() => {
    conductorWorkload({ ...options, scheduler })
      .pipe(takeUntil(timer(ms, scheduler)))
      .subscribe((event) => events.push({ at: scheduler.now(), event }));
  });
  return events;
}

const nameOf = (event: JsonObject) => toSseMessage(event).event;
const data = (event: JsonObject) => event['data'] as Record<string, unknown>;

describe('conductorWorkload', () => {
  it('emits, minute after minute, a realistic number of events (marble)', () => {
    createScheduler().run(({ expectObservable }) => {
      const perMinute = conductorWorkload({ seed: 7 }).pipe(
        bufferTime(60_000),
        map((events) => (events.length >= 60 && events.length <= 400 ? 'k' : `${events.length}`)),
        take(5),
      );
      expectObservable(perMinute).toBe('60s k 59999ms k 59999ms k 59999ms k 59999ms (k|)');
    });
  });

  it('sends daemon-wide events without job_id, and only monitor.anomaly is daemon-wide (marble)', () => {
    createScheduler().run(({ expectObservable }) => {
      const daemonWide = conductorWorkload({ seed: 3 }).pipe(
        filter((event) => !('job_id' in event)),
        map(nameOf),
        distinct(),
        takeUntil(timer(300_000)),
        toArray(),
      );
      expectObservable(daemonWide).toBe('300s (a|)', { a: ['monitor.anomaly'] });
    });
  });

  it('produces every kind of conductor event within ten minutes, for any seed', () => {
    for (const seed of [1, 2, 3, 99, 123_456]) {
      const names = new Set(record(600_000, { seed }).map(({ event }) => nameOf(event)));
      expect([...names].sort()).toEqual([
        'job.cost_update',
        'job.iteration',
        'monitor.anomaly',
        'observer.file_created',
        'rate_limit.active',
        'sheet.completed',
        'sheet.failed',
        'sheet.partial',
        'sheet.retrying',
        'sheet.skipped',
        'sheet.started',
      ]);
    }
  });

  it('shows a rate-limit episode and an anomaly within 30 seconds of going live, for any seed', () => {
    for (let seed = 0; seed < 40; seed++) {
      for (const backfillMs of [0, 45_000]) {
        const live = record(30_000, { seed, backfillMs })
          .filter(({ at }) => at > 0)
          .map(({ event }) => nameOf(event));
        expect(live).toContain('rate_limit.active');
        expect(live).toContain('monitor.anomaly');
      }
    }
  });

  it('keeps rate-limit episodes coming, every five minutes (marble)', () => {
    createScheduler().run(({ expectObservable }) => {
      const episodesPerFiveMinutes = conductorWorkload({ seed: 31 }).pipe(
        filter((event) => event['event'] === 'rate_limit.active'),
        bufferTime(300_000),
        map((episodes) => (episodes.length >= 3 ? 'y' : 'n')),
        take(3),
      );
      expectObservable(episodesPerFiveMinutes).toBe('300s y 299999ms y 299999ms (y|)');
    });
  });

  it('runs every configured job, with the conductor field names', () => {
    const events = record(120_000, { seed: 11 });
    expect(new Set(events.map(({ event }) => event['job_id']).filter(Boolean))).toEqual(
      new Set(DEMO_JOBS.map((job) => job.id)),
    );
    for (const { event } of events) {
      expect(daemonEventSchema.safeParse(event).success).toBe(true);
      expect(typeof event['timestamp']).toBe('number');
      expect(typeof event['sheet_num']).toBe('number');
      if (event['event'] === undefined) expect(event['event_type']).toBe('observer.file_created');
    }
    const completed = events.find(({ event }) => event['event'] === 'sheet.completed')!.event;
    expect(Object.keys(data(completed)).sort()).toEqual(
      [
        'attempt',
        'cost_usd',
        'duration_seconds',
        'error_classification',
        'instrument',
        'model_used',
        'rate_limited',
        'success',
        'validation_pass_rate',
      ].sort(),
    );
  });

  it('stamps each live event with the scheduler clock, in Unix seconds', () => {
    const events = record(60_000, { seed: 4 });
    expect(events.length).toBeGreaterThan(50);
    for (const { at, event } of events) expect(event['timestamp']).toBe(at / 1000);
  });

  it('keeps each job coherent: outcomes follow starts, retries count attempts, skips follow failures, cost grows', () => {
    const events = record(900_000, { seed: 21 }).map(({ event }) => event);
    for (const job of DEMO_JOBS) {
      let started: { sheet: unknown; attempt: unknown } | undefined;
      let expectedAttempt = 1;
      let lastOutcome: string | undefined;
      let cost = 0;
      for (const event of events.filter((e) => e['job_id'] === job.id)) {
        const name = nameOf(event);
        const d = data(event);
        switch (name) {
          case 'sheet.started':
            expect(d['attempt']).toBe(expectedAttempt);
            started = { sheet: event['sheet_num'], attempt: d['attempt'] };
            break;
          case 'sheet.completed':
          case 'sheet.failed':
          case 'sheet.partial':
            expect({ sheet: event['sheet_num'], attempt: d['attempt'] }).toEqual(started);
            expect(d['success']).toBe(name === 'sheet.completed');
            lastOutcome = name === 'sheet.completed' ? 'ok' : `bad-${String(d['attempt'])}`;
            expectedAttempt = 1;
            break;
          case 'sheet.retrying':
            expect(event['sheet_num']).toBe(started!.sheet);
            expect(d['attempt']).toBe((started!.attempt as number) + 1);
            expectedAttempt = d['attempt'] as number;
            break;
          case 'sheet.skipped':
            expect(['bad-2', 'skipped']).toContain(lastOutcome);
            expect(d['reason']).toBe('dependency failed');
            lastOutcome = 'skipped';
            break;
          case 'job.cost_update':
            expect(d['total_cost_usd']).toBeGreaterThanOrEqual(cost);
            cost = d['total_cost_usd'] as number;
            break;
        }
      }
      expect(cost).toBeGreaterThan(0);
    }
  });

  it('is repeatable for a seed, and different for another', () => {
    const a = record(120_000, { seed: 8 });
    const b = record(120_000, { seed: 8 });
    const c = record(120_000, { seed: 9 });
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('backfills past events at once, in time order with past timestamps, then continues live', () => {
    const scheduler = createScheduler();
    const events: { at: number; event: JsonObject }[] = [];
    scheduler.run(({ flush }) => {
      scheduler.schedule(() => {
        conductorWorkload({ seed: 12, scheduler, backfillMs: 45_000 })
          .pipe(takeUntil(timer(30_000, scheduler)))
          .subscribe((event) => events.push({ at: scheduler.now(), event }));
      }, 100_000);
      flush();
    });
    const past = events.filter(({ at }) => at === 100_000);
    const live = events.filter(({ at }) => at > 100_000);
    expect(past.length).toBeGreaterThan(40);
    expect(live.length).toBeGreaterThan(20);
    const stamps = past.map(({ event }) => event['timestamp'] as number);
    expect(stamps).toEqual([...stamps].sort((x, y) => x - y));
    expect(stamps[0]).toBeGreaterThanOrEqual(55);
    expect(stamps.at(-1)).toBeLessThanOrEqual(100);
    // The live part picks up where the backfill stopped: no sheet restarts from 1 for every job.
    const firstLiveSheets = new Set(live.slice(0, 8).map(({ event }) => event['sheet_num']));
    expect([...firstLiveSheets].some((sheet) => typeof sheet === 'number' && sheet > 1)).toBe(true);
  });

  it('runs the jobs it is given', () => {
    const jobs = [{ id: 'only-job', sheets: 2, instruments: ['codex'] }];
    const events = record(60_000, { seed: 1, jobs });
    const jobIds = new Set(events.map(({ event }) => event['job_id']));
    expect(jobIds).toEqual(new Set(['only-job', undefined]));
    const sheets = events
      .filter(({ event }) => event['job_id'] === 'only-job')
      .map(({ event }) => event['sheet_num']);
    for (const sheet of sheets) expect([0, 1, 2]).toContain(sheet);
    expect(sheets).toContain(2);
  });
});

describe('startSimulator', () => {
  it('publishes every event until unsubscribed, then nothing more', () => {
    const scheduler = createScheduler();
    const published: JsonObject[] = [];
    let atStop = 0;
    scheduler.run(({ flush }) => {
      const simulator = startSimulator((event) => published.push(event), { scheduler, seed: 2 });
      scheduler.schedule(() => {
        simulator.unsubscribe();
        atStop = published.length;
      }, 30_000);
      scheduler.schedule(() => undefined, 120_000);
      flush();
    });
    expect(atStop).toBeGreaterThan(20);
    expect(published).toHaveLength(atStop);
    expect(published).toEqual(record(30_000, { seed: 2 }).map(({ event }) => event));
  });
});
