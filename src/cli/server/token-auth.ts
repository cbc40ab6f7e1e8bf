import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { queryParameter } from '../../http/query-parameter.js';

/**
 * An `authorize(req)` hook that accepts a request carrying the secret as
 * `Authorization: Bearer <secret>` or, since a browser's `EventSource`
 * cannot set headers, as a `token` query parameter. The comparison runs in
 * constant time: both sides are hashed to SHA-256 digests of equal length
 * and compared with `crypto.timingSafeEqual`, so neither the secret's
 * content nor its length leaks through timing.
 */
export function bearerTokenAuthorizer(secret: string): (req: IncomingMessage) => boolean {
  const expected = digest(secret);
  return (req) => {
    const presented = presentedToken(req);
    // Hash and compare even when nothing was presented, so every rejection costs the same.
    const match = timingSafeEqual(digest(presented ?? ''), expected);
    return presented !== undefined && match;
  };
}

/** The token a request presents: the Bearer credentials, else the `token` query parameter. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const bearer = /^Bearer +(\S+) *$/i.exec(header);
    if (bearer) return bearer[1];
  }
  return queryParameter(req.url, 'token');
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
