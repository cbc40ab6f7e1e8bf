import { NEVER, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { DaemonUnresponsiveError } from '../../src/daemon/errors';
import { failWhenUnresponsive, type LivenessConfig } from '../../src/daemon/liveness';
import { createTestScheduler } from '../support/marbles';

describe('failWhenUnresponsive', () => {
  let testScheduler: TestScheduler;
  let misses: number[];

  beforeEach(() => {
    testScheduler = createTestScheduler();
    misses = [];
  });

  /** Probes every 10 ms, 3 ms each, 3 misses allowed; probe n answers as `probes[n]` (the last one repeats). */
  const config = (probes: Array<Observable<unknown>>, maxMisses = 3): LivenessConfig => {
    let n = 0;
    return {
      probe: () => probes[Math.min(n++, probes.length - 1)]!,
      intervalMs: 10,
      timeoutMs: 3,
      maxMisses,
      scheduler: testScheduler,
      unresponsive: (count, cause) => new DaemonUnresponsiveError('/tmp/d.sock', count, 3, { cause }),
      onMiss: (count) => misses.push(count),
    };
  };

  it('mirrors the source while every probe is answered in time', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-x 40ms y');
      const probe = cold('-a|');
      expectObservable(source.pipe(failWhenUnresponsive(config([probe]))), '^ 50ms !').toBe('-x 40ms y');
      expectSubscriptions(probe.subscriptions).toBe(['10ms ^!', '20ms ^!', '30ms ^!', '40ms ^!', '50ms ^!']);
      testScheduler.flush();
      expect(misses).toEqual([]);
    });
  });

  it('errors with the unresponsive error after maxMisses probes in a row got no answer, and unsubscribes the source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-x');
      const silent = cold('-');
      const result = source.pipe(failWhenUnresponsive(config([silent])));
      // Probes at 10, 20 and 30 ms; each times out 3 ms later.
      expectObservable(result).toBe(
        '-x 31ms #',
        { x: 'x' },
        new DaemonUnresponsiveError('/tmp/d.sock', 3, 3, { cause: expect.anything() as unknown }),
      );
      expectSubscriptions(source.subscriptions).toBe('^ 32ms !');
      expectSubscriptions(silent.subscriptions).toBe(['10ms ^ 2ms !', '20ms ^ 2ms !', '30ms ^ 2ms !']);
      testScheduler.flush();
      expect(misses).toEqual([1, 2, 3]);
    });
  });

  it('counts a failed probe as a miss and gives the last failure as the cause', () => {
    testScheduler.run(({ cold }) => {
      const failure = new Error('connection refused');
      let error: unknown;
      cold('-x')
        .pipe(failWhenUnresponsive(config([cold('#', {}, failure)], 2)))
        .subscribe({ error: (e: unknown) => (error = e) });
      testScheduler.flush();
      expect(error).toBeInstanceOf(DaemonUnresponsiveError);
      expect(error).toMatchObject({ code: 'ERR_DAEMON_UNRESPONSIVE', misses: 2, cause: failure });
      expect(testScheduler.now()).toBe(20);
    });
  });

  it('starts counting again after an answer', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const silent = cold('-');
      const answered = cold('-a');
      const result = cold('-x').pipe(
        failWhenUnresponsive(config([silent, silent, answered, silent, silent, silent])),
      );
      // Misses at 13 and 23, an answer at 31, then misses at 43, 53 and 63.
      expectObservable(result).toBe('-x 61ms #', { x: 'x' }, expect.any(DaemonUnresponsiveError));
      testScheduler.flush();
      expect(misses).toEqual([1, 2, 1, 2, 3]);
    });
  });

  it('counts a probe that completes without a value as an answer', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-x').pipe(failWhenUnresponsive(config([cold('-|')], 1))), '^ 100ms !').toBe(
        '-x',
      );
    });
  });

  it('lets a slow probe delay the next one instead of overlapping it', () => {
    testScheduler.run(({ cold, expectSubscriptions }) => {
      const slow = cold('12ms a');
      const slowConfig = { ...config([slow]), timeoutMs: 20 };
      const subscription = NEVER.pipe(failWhenUnresponsive(slowConfig)).subscribe();
      testScheduler.schedule(() => subscription.unsubscribe(), 60);
      // Probe at 10 answers at 22, so the tick at 20 is skipped; the next probe goes at 30.
      expectSubscriptions(slow.subscriptions).toBe(['10ms ^ 11ms !', '30ms ^ 11ms !', '50ms ^ 9ms !']);
    });
  });

  it('ends the probing with the source, and passes its completion and error through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const probe = cold('-a|');
      expectObservable(cold('-x 20ms |').pipe(failWhenUnresponsive(config([probe])))).toBe('-x 20ms |');
      expectObservable(cold('-x 20ms #').pipe(failWhenUnresponsive(config([probe])))).toBe('-x 20ms #');
      // Each stream probed at 10 and 20 ms, then stopped with its source at 22 ms.
      expectSubscriptions(probe.subscriptions).toBe(['10ms ^!', '10ms ^!', '20ms ^!', '20ms ^!']);
    });
  });
});
