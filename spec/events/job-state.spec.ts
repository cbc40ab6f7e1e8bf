import { createTestScheduler } from '../support/marbles';
import type { TypedMessage } from '../../src/events/catalog';
import { jobState, reduceJobState, type JobState } from '../../src/events/job-state';
import type { JsonObject } from '../../src/json';
import { sampleEvents, typedEvent } from '../support/typed-events';

const fold = (raws: JsonObject[]): JobState | undefined =>
  raws.map((raw, i) => typedEvent(raw, i + 1)).reduce<JobState | undefined>(reduceJobState, undefined);

const ev = (event: string, sheet_num: number, timestamp: number, data?: JsonObject): JsonObject => ({
  job_id: 'j',
  sheet_num,
  event,
  data: data ?? {},
  timestamp,
});

describe('jobState', () => {
  it('emits the state after each event of the job, skipping control items (marbles)', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const values: Record<string, TypedMessage> = {
        s: typedEvent(ev('job.started', 0, 10), 1),
        h: { type: 'heartbeat', timestamp: 11 },
        a: typedEvent(ev('sheet.started', 1, 12, { attempt: 1 }), 2),
        c: typedEvent(ev('job.cost_update', 1, 13, { total_cost_usd: 0.25 }), 3),
        d: typedEvent(ev('job.completed', 0, 15, { all_success: true }), 4),
      };
      const states = cold('s-h-a-c-d|', values).pipe(jobState());
      expectObservable(states).toBe('x---y-z-w|', {
        x: expect.objectContaining({
          status: 'running',
          startedAt: 10,
          events: 1,
          sheetCounts: expect.objectContaining({ running: 0 }) as unknown,
        }) as JobState,
        y: expect.objectContaining({
          status: 'running',
          sheetCounts: expect.objectContaining({ running: 1 }) as unknown,
        }) as JobState,
        z: expect.objectContaining({ costUsd: 0.25, durationSeconds: 3 }) as JobState,
        w: expect.objectContaining({
          status: 'completed',
          endedAt: 15,
          durationSeconds: 5,
          lastEvent: { name: 'job.completed', id: 't-4', timestamp: 15 },
        }) as JobState,
      });
    });
  });

  it('folds the conductor sample into each job’s final state', () => {
    const sample = sampleEvents();
    const of = (jobId: string) => fold(sample.filter((raw) => raw['job_id'] === jobId))!;

    const nightly = of('nightly-refactor');
    expect(nightly).toMatchObject({
      status: 'completed',
      costUsd: 1.5317,
      startedAt: 1764000003.302,
      endedAt: 1764000064.627,
    });
    expect(nightly.sheetCounts).toEqual({ running: 0, retrying: 0, completed: 4, failed: 0, skipped: 0 });
    expect(nightly.sheets[2]).toEqual({
      sheetNum: 2,
      status: 'completed',
      attempts: 1,
      retries: 0,
      costUsd: 0.0805,
      durationSeconds: 182.8,
      lastEvent: 'sheet.completed',
    });

    const docs = of('docs-sweep');
    expect(docs).toMatchObject({ status: 'failed', costUsd: 0.9057 });
    expect(docs.sheetCounts).toEqual({ running: 0, retrying: 1, completed: 3, failed: 0, skipped: 1 });
    expect(docs.sheets[4]).toMatchObject({ status: 'retrying', attempts: 1, retries: 1, costUsd: 0.1842 });

    const release = of('release-notes');
    expect(release.status).toBe('running');
    expect(release.sheetCounts).toEqual({ running: 0, retrying: 2, completed: 2, failed: 0, skipped: 0 });
    expect(release.sheets[1]).toMatchObject({ status: 'retrying', retries: 1 });
  });

  it('is rate-limited from rate_limit.active until its next sheet event', () => {
    const limited = fold([
      ev('sheet.started', 1, 1),
      ev('rate_limit.active', 1, 2, { seconds_remaining: 120 }),
    ]);
    expect(limited).toMatchObject({ status: 'rate-limited', rateLimitedUntil: 122 });
    const after = reduceJobState(limited, typedEvent(ev('sheet.started', 2, 130, { attempt: 1 })));
    expect(after).toMatchObject({ status: 'running', rateLimitedUntil: undefined });
  });

  it('counts attempts and retries per sheet', () => {
    const state = fold([
      ev('sheet.started', 1, 1, { attempt: 1 }),
      ev('sheet.failed', 1, 2, { attempt: 1 }),
      ev('sheet.retrying', 1, 3, { attempt: 2 }),
      ev('sheet.started', 1, 4, { attempt: 2 }),
      ev('sheet.failed', 1, 5, { attempt: 2 }),
      ev('sheet.retrying', 1, 6, { attempt: 3 }),
      ev('sheet.started', 1, 7),
      ev('sheet.completed', 1, 8, { cost_usd: 0.5 }),
    ])!;
    expect(state.sheets[1]).toMatchObject({ status: 'completed', attempts: 3, retries: 2, costUsd: 0.5 });
    expect(state.sheetCounts).toEqual({ running: 0, retrying: 0, completed: 1, failed: 0, skipped: 0 });
  });

  it('follows pause, resume, cancel and a resumed job', () => {
    const steps = [
      ev('job.started', 0, 1),
      ev('baton.job.paused', 0, 2),
      ev('baton.job.resumed', 0, 3),
      ev('baton.job.cancelled', 0, 4),
      ev('job.resuming', 0, 5),
      ev('job.failed', 0, 9, { all_success: false }),
    ];
    const statuses: string[] = [];
    steps.reduce<JobState | undefined>((state, raw) => {
      const next = reduceJobState(state, typedEvent(raw));
      statuses.push(`${next.status}${next.endedAt === undefined ? '' : `@${next.endedAt}`}`);
      return next;
    }, undefined);
    expect(statuses).toEqual(['running', 'paused', 'running', 'cancelled@4', 'running', 'failed@9']);
  });

  it('ignores events of other jobs and daemon-wide ones, and never changes a state it was given', () => {
    const state = fold([ev('job.started', 0, 1)])!;
    const copy = structuredClone(state);
    expect(reduceJobState(state, typedEvent({ job_id: 'other', event: 'job.failed' }))).toBe(state);
    expect(reduceJobState(state, typedEvent({ event: 'monitor.anomaly' }))).toBe(state);
    const next = reduceJobState(state, typedEvent(ev('sheet.started', 1, 2)));
    expect(next).not.toBe(state);
    expect(state).toEqual(copy);
  });

  it('counts unknown names as the last event without changing the status', () => {
    const state = fold([ev('job.started', 0, 1), ev('observer.file_created', 0, 2)])!;
    expect(state).toMatchObject({
      status: 'running',
      events: 2,
      lastEvent: { name: 'observer.file_created' },
    });
  });
});
