import { createTestScheduler } from '../support/marbles';
import { of } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { endOn } from '../../src/operators/end-on';

describe('endOn', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('emits the last value and completes when the notifier fires', () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c-d');
      const stop = hot('----s');
      expectObservable(source.pipe(endOn(stop, 'z'))).toBe('-a-b(z|)');
      expectSubscriptions(source.subscriptions).toBe('^---!');
      expectSubscriptions(stop.subscriptions).toBe('^---!');
    });
  });

  it('does not add the last value when the source completes or errors by itself', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const stop = hot('------s');
      expectObservable(cold('-a|').pipe(endOn(stop, 'z'))).toBe('-a|');
      expectObservable(cold('-a#').pipe(endOn(stop, 'z'))).toBe('-a#');
    });
  });

  it('never subscribes the source when the notifier fires synchronously', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a');
      expectObservable(source.pipe(endOn(of('s'), 'z'))).toBe('(z|)');
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });
});
