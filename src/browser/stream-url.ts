import { UNNAMED } from '../sse/vocabulary.js';

/**
 * The URL with the unnamed mode (`unnamed=1`) set in its query (kept relative when it is a
 * relative string: EventSource resolves it against the page).
 */
export function withUnnamed(url: string | URL): string {
  if (typeof url !== 'string') {
    const copy = new URL(url.href);
    copy.searchParams.set(UNNAMED.parameter, UNNAMED.on);
    return copy.href;
  }
  const hashAt = url.indexOf('#');
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : beforeHash.slice(queryAt + 1));
  query.set(UNNAMED.parameter, UNNAMED.on);
  return `${path}?${query.toString()}${hash}`;
}
