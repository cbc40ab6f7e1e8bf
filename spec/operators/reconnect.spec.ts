import { createTestScheduler } from '../support/marbles';
import type { TestScheduler } from 'rxjs/testing';
import { reconnect, SourceEndedError } from '../../src/operators/reconnect';

describe('reconnect', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('resubscribes after errors and completions with one doubling, capped backoff', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a|');
      const retries: [string, number, number][] = [];
      const result = source.pipe(
        reconnect({
          initialDelayMs: 2,
          maxDelayMs: 4,
          scheduler: testScheduler,
          onRetry: (error, delayMs, attempt) => retries.push([(error as Error).name, delayMs, attempt]),
        }),
      );
      // Every attempt emits a value, so the backoff resets each time: always 2.
      expectObservable(result, '^--------!').toBe('a--a--a--');
      expectSubscriptions(source.subscriptions).toBe(['^!', '---^!', '------^!']);
      testScheduler.flush();
      expect(retries[0]).toEqual(['SourceEndedError', 2, 1]);
    });
  });

  it('doubles the delay while attempts fail without a value, up to the cap', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#');
      const result = source.pipe(reconnect({ initialDelayMs: 1, maxDelayMs: 4, scheduler: testScheduler }));
      expectObservable(result, '^ 20ms !').toBe('');
      // Errors at 0, then waits 1, 2, 4, 4, 4 (capped).
      expectSubscriptions(source.subscriptions).toBe([
        '(^!)',
        '1ms (^!)',
        '3ms (^!)',
        '7ms (^!)',
        '11ms (^!)',
        '15ms (^!)',
        '19ms (^!)',
      ]);
    });
  });

  it('names the end of a stream with a typed error', () => {
    const error = new SourceEndedError();
    expect(error).toMatchObject({ name: 'SourceEndedError', code: 'ERR_SOURCE_ENDED' });
  });
});
