import type { IncomingMessage } from 'node:http';
import { bearerTokenAuthorizer, presentedToken } from '../../../src/cli/server/token-auth';

/** The parts of a request the authorizer reads. */
function req(url: string, authorization?: string): IncomingMessage {
  return { url, headers: authorization === undefined ? {} : { authorization } } as IncomingMessage;
}

describe('presentedToken', () => {
  it.each([
    [req('/healthz', 'Bearer abc'), 'abc'],
    [req('/healthz', 'bearer abc'), 'abc'],
    [req('/healthz', 'Bearer   abc  '), 'abc'],
    [req('/api/events/stream?limit=5&token=xyz'), 'xyz'],
    [req('/?token=a%20b'), 'a b'],
    [req('/?token=q', 'Bearer h'), 'h'],
    [req('/?token=q', 'Basic aDpw'), 'q'],
    [req('/healthz'), undefined],
    [req('/healthz', 'Bearer'), undefined],
    [req('/healthz', 'Bearer a b'), undefined],
    [req('/?tokens=x'), undefined],
  ])('reads the token of request %#', (request, token) => {
    expect(presentedToken(request)).toBe(token);
  });
});

describe('bearerTokenAuthorizer', () => {
  const authorize = bearerTokenAuthorizer('s3cret-token');

  it('accepts the secret as a Bearer header or as ?token=', () => {
    expect(authorize(req('/healthz', 'Bearer s3cret-token'))).toBe(true);
    expect(authorize(req('/api/events/stream?token=s3cret-token'))).toBe(true);
  });

  it.each([
    ['no credentials', req('/healthz')],
    ['a wrong token', req('/healthz', 'Bearer s3cret-tokeN')],
    ['a prefix of the token', req('/healthz', 'Bearer s3cret')],
    ['the token with a suffix', req('/?token=s3cret-token-and-more')],
    ['an empty token', req('/?token=')],
    ['another scheme', req('/healthz', 'Basic s3cret-token')],
    ['a wrong Bearer even with a right ?token=', req('/?token=s3cret-token', 'Bearer nope')],
  ])('rejects %s', (_what, request) => {
    expect(authorize(request)).toBe(false);
  });

  it('compares secrets of any length, including non-ASCII, without throwing', () => {
    const unicode = bearerTokenAuthorizer('clé-🔑');
    expect(unicode(req(`/?token=${encodeURIComponent('clé-🔑')}`))).toBe(true);
    expect(unicode(req(`/?token=${'x'.repeat(10_000)}`))).toBe(false);
  });
});
