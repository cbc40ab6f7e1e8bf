import { createTestScheduler } from '../support/marbles';
import type { TestScheduler } from 'rxjs/testing';
import type { TypedMessage } from '../../src/events/catalog';
import { InvalidArgumentError } from '../../src/errors';
import { ofEventType } from '../../src/operators/of-event-type';
import { typedEvent } from '../support/typed-events';

const started = typedEvent({ job_id: 'j', sheet_num: 1, event: 'sheet.started', data: { attempt: 1 } }, 1);
const failed = typedEvent({ job_id: 'j', sheet_num: 1, event: 'sheet.failed', data: { attempt: 1 } }, 2);
const partial = typedEvent({ job_id: 'j', sheet_num: 1, event: 'sheet.partial' }, 3);
const cost = typedEvent({ job_id: 'j', event: 'job.cost_update', data: { total_cost_usd: 1 } }, 4);
const file = typedEvent({ job_id: 'j', event_type: 'observer.file_created', data: { path: 'a' } }, 5);
const paused = typedEvent({ job_id: 'j', event: 'baton.job.paused' }, 6);
const sheetLike = typedEvent({ job_id: 'j', event: 'sheets.started' }, 7);
const beat: TypedMessage = { type: 'heartbeat', timestamp: 1 };
const values = { s: started, f: failed, p: partial, c: cost, o: file, b: paused, x: sheetLike, h: beat };
const source = 'sfpcobxh|';

describe('ofEventType', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('keeps the events of one exact name', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold(source, values).pipe(ofEventType('sheet.failed'))).toBe('-f------|', values);
    });
  });

  it('keeps the events of several names and patterns, in order, without controls', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold(source, values).pipe(ofEventType('sheet.*', 'job.cost_update'))).toBe(
        'sfpc----|',
        values,
      );
      expectObservable(cold(source, values).pipe(ofEventType('observer.*', 'baton.*'))).toBe(
        '----ob--|',
        values,
      );
      expectObservable(cold(source, values).pipe(ofEventType('baton.job.*'))).toBe('-----b--|', values);
    });
  });

  it('matches a pattern on a whole segment: sheet.* is not sheets.*', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold(source, values).pipe(ofEventType('sheets.*'))).toBe('------x-|', values);
    });
  });

  it('throws InvalidArgumentError for a malformed selector', () => {
    expect(() => ofEventType('sheet*')).toThrow(InvalidArgumentError);
    expect(() => ofEventType('*')).toThrow(/ofEventType: bad event selector "\*"/);
  });
});
