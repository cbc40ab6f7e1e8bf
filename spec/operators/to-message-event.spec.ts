import { createTestScheduler } from '../support/marbles';
import type { TestScheduler } from 'rxjs/testing';
import { toMessageEvent } from '../../src/operators/to-message-event';
import type { SseMessage } from '../../src/sse/message';

describe('toMessageEvent', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  it('maps event to type and keeps data, id and retry; an id-less message repeats the last id', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<SseMessage>('a-b-|', {
        a: { event: 'sheet.started', data: '{"sheet_num":1}', id: 't-1' },
        b: { event: 'heartbeat', data: '{"timestamp":1}', retry: 5000 },
      });
      expectObservable(source.pipe(toMessageEvent())).toBe('a-b-|', {
        a: { type: 'sheet.started', data: '{"sheet_num":1}', id: 't-1' },
        b: { type: 'heartbeat', data: '{"timestamp":1}', id: 't-1', retry: 5000 },
      });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('sanitises type and id (no CR, LF, NUL) and leaves data to NestJS', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<SseMessage>('a|', {
        a: { event: 'evil\r\nid: 666\n\ndata: x', data: 'line one\nline two', id: 't-\u00002\n' },
      });
      expectObservable(source.pipe(toMessageEvent())).toBe('a|', {
        a: { type: 'evilid: 666data: x', data: 'line one\nline two', id: 't-2' },
      });
    });
  });

  it('drops a retry that is not a non-negative integer and adds no undefined keys', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<SseMessage>('ab|', {
        a: { event: 'e', data: 'd', retry: -1 },
        b: { event: 'e', data: 'd', retry: 2.5 },
      });
      const keys = source.pipe(toMessageEvent());
      expectObservable(keys).toBe('ab|', {
        a: { type: 'e', data: 'd', id: '' },
        b: { type: 'e', data: 'd', id: '' },
      });
    });
  });

  it('gives id-less messages the resume id until a new id arrives, per subscription', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<SseMessage>('hah|', {
        h: { event: 'heartbeat', data: '{}' },
        a: { event: 'sheet.started', data: '{}', id: 't-8' },
      });
      const events = source.pipe(toMessageEvent('t-7\n'));
      const expected = {
        h: { type: 'heartbeat', data: '{}', id: 't-7' },
        a: { type: 'sheet.started', data: '{}', id: 't-8' },
        i: { type: 'heartbeat', data: '{}', id: 't-8' },
      };
      expectObservable(events).toBe('hai|', expected);
      // A second subscription starts again from the resume id.
      expectObservable(events).toBe('hai|', expected);
    });
  });

  it('propagates errors', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<SseMessage>('a#', { a: { event: 'e', data: 'd' } }, new Error('boom'));
      expectObservable(source.pipe(toMessageEvent())).toBe(
        'a#',
        { a: { type: 'e', data: 'd', id: '' } },
        new Error('boom'),
      );
    });
  });
});
