import { createTestScheduler } from '../support/marbles';
import { unnamedEvents } from '../../src/operators/unnamed-events';
import type { SseMessage } from '../../src/sse/message';

describe('unnamedEvents', () => {
  const event: SseMessage = Object.freeze({
    event: 'sheet.started',
    data: '{"event":"sheet.started"}',
    id: 't-1',
  });
  const withRetry: SseMessage = Object.freeze({ event: 'x', data: '{}', id: 't-2', retry: 500 });
  const heartbeat: SseMessage = Object.freeze({ event: 'heartbeat', data: '{"timestamp":1}' });

  it('drops the name of daemon events (those with an id) and keeps control messages as they are', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('abc|', { a: event, b: heartbeat, c: withRetry }).pipe(unnamedEvents())).toBe(
        'abc|',
        {
          a: { event: '', data: event.data, id: 't-1' },
          b: heartbeat,
          c: { event: '', data: '{}', id: 't-2', retry: 500 },
        },
      );
    });
  });

  it('makes one frozen unnamed copy per message, shared by every subscriber', () => {
    const seen: SseMessage[] = [];
    createTestScheduler().run(({ cold }) => {
      const source = cold('a|', { a: event }).pipe(unnamedEvents());
      source.subscribe((message) => seen.push(message));
      source.subscribe((message) => seen.push(message));
    });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(seen[1]).not.toBe(heartbeat);
  });
});
