/** The methods and request headers a preflight may ask for. */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Access-Control-Allow-Methods': 'GET, HEAD',
  'Access-Control-Allow-Headers': 'Authorization, Cache-Control, Last-Event-ID',
  'Access-Control-Max-Age': '600',
});

/**
 * The CORS headers of a response to a request from `origin`: the origin
 * echoed when it is on the allow-list (`'*'` allows any origin), and
 * `Vary: Origin` whenever an allow-list is set. No allow-list: no headers.
 */
export function corsHeaders(
  origin: string | undefined,
  allowList: readonly string[],
): Record<string, string> {
  if (allowList.length === 0) return {};
  if (origin === undefined || !(allowList.includes(origin) || allowList.includes('*'))) {
    return { Vary: 'Origin' };
  }
  return { Vary: 'Origin', 'Access-Control-Allow-Origin': origin };
}
