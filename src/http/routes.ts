/** A gateway route, with its raw (still percent-encoded) `:jobId` segment. */
export type GatewayRoute =
  | { readonly kind: 'stream' }
  | { readonly kind: 'jobEvents'; readonly jobIdSegment: string }
  | { readonly kind: 'observer'; readonly jobIdSegment: string }
  | { readonly kind: 'healthz' }
  | { readonly kind: 'readyz' }
  | { readonly kind: 'metrics' };

const JOB_ROUTE = /^\/api\/jobs\/([^/]+)\/(events|observer)$/;

/**
 * Matches a request path against the gateway's routes under `basePath`
 * (`''` or a path like `/bridge`, without a trailing slash).
 *
 * @example
 * ```ts
 * matchRoute('/bridge/api/jobs/nightly/events', '/bridge'); // { kind: 'jobEvents', jobIdSegment: 'nightly' }
 * ```
 */
export function matchRoute(pathname: string, basePath: string): GatewayRoute | undefined {
  if (basePath !== '') {
    if (!pathname.startsWith(`${basePath}/`)) return undefined;
    pathname = pathname.slice(basePath.length);
  }
  if (pathname === '/api/events/stream') return { kind: 'stream' };
  if (pathname === '/healthz') return { kind: 'healthz' };
  if (pathname === '/readyz') return { kind: 'readyz' };
  if (pathname === '/metrics') return { kind: 'metrics' };
  const job = JOB_ROUTE.exec(pathname);
  if (job === null) return undefined;
  return { kind: job[2] === 'events' ? 'jobEvents' : 'observer', jobIdSegment: job[1]! };
}
