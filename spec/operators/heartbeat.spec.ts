import { createTestScheduler } from '../support/marbles';
import type { TestScheduler } from 'rxjs/testing';
import { heartbeat } from '../../src/operators/heartbeat';

describe('heartbeat', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('emits a beat after each period of silence', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-----------|');
      expectObservable(source.pipe(heartbeat(3, () => 'h', testScheduler))).toBe('---h--h--h-|');
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('counts the period from the last emission, value or beat', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a----b-------|');
      // a at 1 -> beat at 5; b at 6 -> beat at 10; the source completes at 14, before the next beat.
      expectObservable(source.pipe(heartbeat(4, () => 'h', testScheduler))).toBe('-a---hb---h---|');
    });
  });

  it('passes errors through and stops beating', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a--#').pipe(heartbeat(2, () => 'h', testScheduler))).toBe('-a-h#');
    });
  });

  it('stops its timer when the subscriber unsubscribes', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(heartbeat(2, () => 'h', testScheduler)), '^----!').toBe('--h-h');
    });
    expect(testScheduler.actions).toHaveLength(0);
  });

  it('calls beat() lazily, once per beat', () => {
    let beats = 0;
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<number>('-----|').pipe(heartbeat(2, () => ++beats, testScheduler))).toBe(
        '--x-y|',
        {
          x: 1,
          y: 2,
        },
      );
    });
    expect(beats).toBe(2);
  });

  it('re-arms its timer only when it fires, not on every value', () => {
    testScheduler.run(({ cold }) => {
      let scheduled = 0;
      const counting = {
        now: () => testScheduler.now(),
        schedule: (...args: Parameters<TestScheduler['schedule']>) => {
          scheduled++;
          return testScheduler.schedule(...args);
        },
      };
      // 20 values, one per frame, with a period of 10: one initial schedule only,
      // re-armed by the action itself (which does not go through scheduler.schedule).
      cold('a'.repeat(20) + '|')
        .pipe(heartbeat(10, () => 'h', counting))
        .subscribe();
      testScheduler.flush();
      expect(scheduled).toBe(1);
    });
  });
});
