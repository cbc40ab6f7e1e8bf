import type { IncomingMessage } from 'node:http';
import { MAX_LAST_EVENT_ID_LENGTH, readLastEventId } from '../../src/http/last-event-id';

/** The two fields readLastEventId reads, as node:http gives them. */
function request(url: string, lastEventId?: string | string[]): IncomingMessage {
  const headers = lastEventId === undefined ? {} : { 'last-event-id': lastEventId };
  return { url, headers } as unknown as IncomingMessage;
}

describe('readLastEventId', () => {
  it('reads the Last-Event-ID header first', () => {
    expect(readLastEventId(request('/s?lastEventId=q-1', 'h-2'))).toEqual({ ok: true, lastEventId: 'h-2' });
  });

  it('falls back to the lastEventId query parameter when the header is absent or empty', () => {
    expect(readLastEventId(request('/s?lastEventId=q-1'))).toEqual({ ok: true, lastEventId: 'q-1' });
    expect(readLastEventId(request('/s?lastEventId=q-1', ''))).toEqual({ ok: true, lastEventId: 'q-1' });
  });

  it('takes the first of repeated headers', () => {
    expect(readLastEventId(request('/s', ['a-1', 'b-2']))).toEqual({ ok: true, lastEventId: 'a-1' });
  });

  it('counts an empty value as none', () => {
    expect(readLastEventId(request('/s?lastEventId='))).toEqual({ ok: true, lastEventId: undefined });
    expect(readLastEventId(request('/s'))).toEqual({ ok: true, lastEventId: undefined });
  });

  it('accepts exactly the maximum length and rejects one character more', () => {
    const longest = 'x'.repeat(MAX_LAST_EVENT_ID_LENGTH);
    expect(readLastEventId(request('/s', longest))).toEqual({ ok: true, lastEventId: longest });
    const result = readLastEventId(request('/s', `${longest}x`));
    expect(result).toEqual({
      ok: false,
      error: `Last-Event-ID is longer than ${MAX_LAST_EVENT_ID_LENGTH} characters`,
    });
  });
});
