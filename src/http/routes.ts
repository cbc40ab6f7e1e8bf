/**
 * A gateway route, with its raw (still percent-encoded) `:jobId` segment,
 * and `:conductor` segment for `/api/conductors/:conductor/jobs/:jobId/...`.
 */
export type GatewayRoute =
  | { readonly kind: 'stream' }
  | { readonly kind: 'jobEvents'; readonly jobIdSegment: string; readonly conductorSegment?: string }
  | { readonly kind: 'observer'; readonly jobIdSegment: string; readonly conductorSegment?: string }
  | { readonly kind: 'jobState'; readonly jobIdSegment: string; readonly conductorSegment?: string }
  | { readonly kind: 'healthz' }
  | { readonly kind: 'readyz' }
  | { readonly kind: 'metrics' };

const JOB_ROUTE = /^\/api\/(?:conductors\/([^/]+)\/)?jobs\/([^/]+)\/(events|observer|state)$/;

const JOB_ROUTE_KINDS = { events: 'jobEvents', observer: 'observer', state: 'jobState' } as const;

/**
 * Matches a request path against the gateway's routes under `basePath`
 * (`''` or a path like `/bridge`, without a trailing slash).
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
  const kind = JOB_ROUTE_KINDS[job[3] as keyof typeof JOB_ROUTE_KINDS];
  return job[1] === undefined
    ? { kind, jobIdSegment: job[2]! }
    : { kind, jobIdSegment: job[2]!, conductorSegment: job[1] };
}
