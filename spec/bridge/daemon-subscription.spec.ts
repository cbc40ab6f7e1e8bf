import { Observable, throwError } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { daemonSubscription, type SubscriptionState } from '../../src/bridge/daemon-subscription';
import type { StreamHooks } from '../../src/daemon/daemon-client';
import type { BridgeLogger } from '../../src/logger';
import { createTestScheduler } from '../support/marbles';

describe('daemonSubscription', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  function recorder() {
    const states: SubscriptionState[] = [];
    const warnings: [string, Record<string, unknown> | undefined][] = [];
    const logger: BridgeLogger = {
      debug: () => {},
      info: () => {},
      warn: (message, context) => warnings.push([message, context]),
      error: () => {},
    };
    return { states, warnings, logger, interruptions: { count: 0 } };
  }

  it('validates, resubscribes with the backoff after an end or error, and reports each state', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<number>('-1-x-2|', { 1: 1, x: -1, 2: 2 });
      const { states, warnings, logger, interruptions } = recorder();
      const result = daemonSubscription({
        open: (hooks: StreamHooks) =>
          new Observable<number>((subscriber) => {
            hooks.onOpen?.();
            return source.subscribe(subscriber);
          }),
        validate: (value: number) => (value < 0 ? undefined : String(value)),
        backoff: { initialDelayMs: 3, maxDelayMs: 10 },
        scheduler: testScheduler,
        logger,
        setState: (state) => states.push(state),
        onInterrupted: () => interruptions.count++,
      });
      // Each attempt emits, so the backoff restarts at 3 ms after every end.
      expectObservable(result, '^------------!').toBe('-1---2----1--', { 1: '1', 2: '2' });
      expectSubscriptions(source.subscriptions).toBe(['^-----!', '---------^---!']);
      testScheduler.flush();
      expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'reconnecting', 'connected']);
      expect(interruptions.count).toBe(1);
      expect(warnings).toEqual([
        [
          'daemon stream interrupted; reconnecting',
          { error: expect.stringContaining('source ended') as unknown, delayMs: 3, attempt: 1 },
        ],
      ]);
    });
  });

  it('starts each new subscription as connecting', () => {
    testScheduler.run(() => {
      const { states, logger } = recorder();
      const result = daemonSubscription({
        open: () => throwError(() => new Error('refused')),
        validate: (value: number) => value,
        backoff: { initialDelayMs: 1, maxDelayMs: 1 },
        scheduler: testScheduler,
        logger,
        setState: (state) => states.push(state),
        onInterrupted: () => {},
      });
      result.subscribe().unsubscribe();
      result.subscribe().unsubscribe();
      expect(states).toEqual(['connecting', 'reconnecting', 'connecting', 'reconnecting']);
    });
  });
});
