import { createTestScheduler } from '../support/marbles';
import { bridgeStateMessage, withBridgeState } from '../../src/operators/with-bridge-state';
import type { SseMessage } from '../../src/sse/message';

describe('withBridgeState', () => {
  const a: SseMessage = { event: 'sheet.started', data: '{}', id: 't-1' };
  const b: SseMessage = { event: 'sheet.completed', data: '{}', id: 't-2' };
  const s = {
    c: bridgeStateMessage('connected'),
    r: bridgeStateMessage('reconnecting'),
    a,
    b,
  };

  it('sends the current state first, then interleaves every change with the source', () => {
    createTestScheduler().run(({ cold, hot, expectObservable }) => {
      const state$ = hot('c----r--c', { c: 'connected', r: 'reconnecting' });
      const source = cold('-a-----b-|', { a, b });
      expectObservable(source.pipe(withBridgeState(state$))).toBe('ca---r-bc|', s);
    });
  });

  it('ends with the source, even while state$ goes on', () => {
    createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const state$ = hot('c-----r', { c: 'connected', r: 'reconnecting' });
      const source = cold('-a-|', { a });
      expectObservable(source.pipe(withBridgeState(state$))).toBe('ca-|', s);
      expectSubscriptions(state$.subscriptions).toBe('^--!');
    });
  });

  it('passes a source error on', () => {
    createTestScheduler().run(({ cold, hot, expectObservable }) => {
      const state$ = hot('c', { c: 'connected' });
      expectObservable(cold<SseMessage>('-#').pipe(withBridgeState(state$))).toBe('c#', s);
    });
  });

  it("passes state$'s error on, and ends the source with it", () => {
    createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const state$ = hot('c--#', { c: 'connected' });
      const source = cold('-a---b|', { a, b });
      expectObservable(source.pipe(withBridgeState(state$))).toBe('ca-#', s);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('goes on with the source after state$ completes', () => {
    createTestScheduler().run(({ cold, hot, expectObservable }) => {
      const state$ = hot('c-|', { c: 'connected' });
      expectObservable(cold('-a---b|', { a, b }).pipe(withBridgeState(state$))).toBe('ca---b|', s);
    });
  });

  it('unsubscribes the source and state$ when its subscriber leaves', () => {
    createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const state$ = hot('c-----r', { c: 'connected', r: 'reconnecting' });
      const source = cold('-a---b|', { a, b });
      expectObservable(source.pipe(withBridgeState(state$)), '^--!').toBe('ca-', s);
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(state$.subscriptions).toBe('^--!');
    });
  });

  it('shares one frozen message per state (encoded once for every client)', () => {
    const first = bridgeStateMessage('stopped');
    expect(bridgeStateMessage('stopped')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ event: 'bridge_state', data: '{"state":"stopped"}' });
    expect(first.id).toBeUndefined();
  });
});
