import fc from 'fast-check';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { encodeSse, sanitizeSseField } from '../../src/sse/encode';
import type { SseMessage } from '../../src/sse/message';

/** Feeds frames to a spec-compliant parser and returns what a browser would dispatch. */
function parse(...frames: string[]): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  for (const frame of frames) parser.feed(frame);
  return events;
}

describe('encodeSse', () => {
  it('writes event, id and data lines, then a blank line', () => {
    expect(encodeSse({ event: 'sheet.started', data: '{"a":1}', id: 'x-1' })).toBe(
      'event: sheet.started\nid: x-1\ndata: {"a":1}\n\n',
    );
  });

  it('splits data on LF, CR and CRLF into data lines', () => {
    const frame = encodeSse({ event: 'e', data: 'one\ntwo\rthree\r\nfour' });
    expect(frame).toBe('event: e\ndata: one\ndata: two\ndata: three\ndata: four\n\n');
    expect(parse(frame)).toEqual([expect.objectContaining({ event: 'e', data: 'one\ntwo\nthree\nfour' })]);
  });

  it('keeps a leading space in data', () => {
    const [event] = parse(encodeSse({ event: 'e', data: '  indented\n x' }));
    expect(event?.data).toBe('  indented\n x');
  });

  it('still dispatches one event for empty data', () => {
    const frame = encodeSse({ event: 'bridge_stopped', data: '' });
    expect(frame).toBe('event: bridge_stopped\ndata: \n\n');
    expect(parse(frame)).toEqual([expect.objectContaining({ event: 'bridge_stopped', data: '' })]);
  });

  it('strips CR, LF and NUL from event names and ids instead of throwing', () => {
    const frame = encodeSse({ event: 'evil\r\nid: 666\n\ndata: injected', data: 'ok', id: 'a\0b\nc' });
    const events = parse(frame);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual(
      expect.objectContaining({ event: 'evilid: 666data: injected', data: 'ok', id: 'abc' }),
    );
  });

  it('writes retry only when it is a non-negative integer', () => {
    expect(encodeSse({ event: 'e', data: 'd', retry: 3000 })).toContain('retry: 3000\n');
    expect(encodeSse({ event: 'e', data: 'd', retry: -1 })).not.toContain('retry');
    expect(encodeSse({ event: 'e', data: 'd', retry: 1.5 })).not.toContain('retry');
  });

  it('omits an event name that is empty after sanitising, so the browser sees "message"', () => {
    expect(encodeSse({ event: '\n', data: 'd' })).toBe('data: d\n\n');
  });

  it('round-trips any event name, data and id through a WHATWG parser', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-composite' }),
        fc.string({ unit: 'grapheme-composite' }),
        fc.option(fc.string({ unit: 'grapheme-composite' }), { nil: undefined }),
        fc.constantFrom('', '\n', '\r', '\r\n', '\0', ' '),
        (name, data, id, noise) => {
          const message: SseMessage = {
            event: `${noise}${name}${noise}`,
            data: `${data}${noise}${data}`,
            ...(id === undefined ? {} : { id: `${id}${noise}` }),
          };
          const events = parse(encodeSse(message));
          expect(events).toHaveLength(1);
          const [event] = events;
          const expectedName = sanitizeSseField(message.event);
          expect(event?.event).toBe(expectedName === '' ? undefined : expectedName);
          expect(event?.data).toBe(message.data.replace(/\r\n|\r/g, '\n'));
          if (message.id !== undefined) expect(event?.id).toBe(sanitizeSseField(message.id));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps frames apart: many frames in one chunk dispatch as many events', () => {
    const frames = ['a', 'b\nc', ''].map((data, i) => encodeSse({ event: `e${i}`, data, id: String(i) }));
    expect(parse(frames.join('')).map((e) => [e.event, e.data, e.id])).toEqual([
      ['e0', 'a', '0'],
      ['e1', 'b\nc', '1'],
      ['e2', '', '2'],
    ]);
  });
});
