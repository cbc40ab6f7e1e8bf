import { toSseMessage } from '../../src/bridge/to-sse-message';

describe('toSseMessage', () => {
  it('names the message after event, then event_type, then daemon_event', () => {
    expect(toSseMessage({ event: 'sheet.started', event_type: 'x' }).event).toBe('sheet.started');
    expect(toSseMessage({ event_type: 'sheet.failed' }).event).toBe('sheet.failed');
    expect(toSseMessage({ job_id: 'j' }).event).toBe('daemon_event');
    expect(toSseMessage({ event: '', event_type: 'fallback' }).event).toBe('fallback');
  });

  it('carries the JSON of the whole raw event, unknown fields included, and the id', () => {
    const raw = { job_id: 'j', event: 'e', extra: { nested: [1, 2] }, timestamp: 1.5 };
    const message = toSseMessage(raw, 'abc-1');
    expect(JSON.parse(message.data)).toEqual(raw);
    expect(message.id).toBe('abc-1');
    expect('id' in toSseMessage(raw)).toBe(false);
  });

  it('makes plain objects, equal to literals for toStrictEqual, JSON and spreads', () => {
    const numbered = toSseMessage({ job_id: 'j', event: 'e' }, 'abc-2');
    expect(Object.getPrototypeOf(numbered)).toBe(Object.prototype);
    expect(numbered).toStrictEqual({ event: 'e', data: '{"job_id":"j","event":"e"}', id: 'abc-2' });
    expect(Object.keys(numbered)).toEqual(['event', 'data', 'id']);
    expect({ ...numbered }).toStrictEqual(numbered);
    expect(JSON.stringify(numbered)).toBe(JSON.stringify({ event: 'e', data: numbered.data, id: 'abc-2' }));
    expect(Object.getPrototypeOf(toSseMessage({ event: 'e' }))).toBe(Object.prototype);
  });
});
