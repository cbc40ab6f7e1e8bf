import fc from 'fast-check';
import { InvalidArgumentError } from '../../src/errors';
import {
  decodeJobToken,
  DAEMON_WIDE_TOKEN,
  encodeJobToken,
  eventFilter,
  eventSubject,
  observerSubject,
  parseEventSubject,
} from '../../src/nats/subjects';

describe('subjects', () => {
  it('escapes any job id into one safe token and back', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), (jobId) => {
        const token = encodeJobToken(jobId);
        expect(token).toMatch(/^[A-Za-z0-9_%-]+$/);
        expect(token).not.toBe(DAEMON_WIDE_TOKEN);
        expect(decodeJobToken(token)).toBe(jobId);
      }),
    );
  });

  it('keeps plain ids readable and escapes separators and wildcards', () => {
    expect(encodeJobToken('nightly-refactor_2')).toBe('nightly-refactor_2');
    expect(encodeJobToken('a.b *>%')).toBe('a%2Eb%20%2A%3E%25');
  });

  it('gives daemon-wide events (no or empty job id) a token of their own', () => {
    expect(encodeJobToken(undefined)).toBe(DAEMON_WIDE_TOKEN);
    expect(encodeJobToken('')).toBe(DAEMON_WIDE_TOKEN);
    expect(decodeJobToken(DAEMON_WIDE_TOKEN)).toBeUndefined();
  });

  it('rejects tokens it could not have produced', () => {
    for (const token of ['a.b', 'a b', '%2', '%zz', '%C3', '']) {
      expect(() => decodeJobToken(token)).toThrow(InvalidArgumentError);
    }
  });

  it('builds and reads back subjects', () => {
    expect(eventSubject('deb', 'host-a', 'v1.2')).toBe('deb.host-a.events.v1%2E2');
    expect(eventFilter('deb')).toBe('deb.*.events.*');
    expect(eventFilter('deb', 'host-a', 'x.y')).toBe('deb.host-a.events.x%2Ey');
    expect(observerSubject('deb.prod', 'host-a')).toBe('deb.prod.host-a.rpc.observer_events');
    expect(parseEventSubject('deb.prod', 'deb.prod.host-a.events.%')).toEqual({
      conductor: 'host-a',
      jobId: undefined,
    });
    expect(parseEventSubject('deb', 'deb.host-a.rpc.observer_events')).toBeUndefined();
    expect(parseEventSubject('deb', 'other.host-a.events.x')).toBeUndefined();
    expect(parseEventSubject('deb', 'deb.host-a.events.a.b')).toBeUndefined();
  });
});
