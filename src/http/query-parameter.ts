/**
 * The first value of a query parameter of a request URL (`req.url`), or
 * `undefined` when the URL has no such parameter.
 */
export function queryParameter(url: string | undefined, name: string): string | undefined {
  const query = url?.indexOf('?') ?? -1;
  if (url === undefined || query === -1) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get(name) ?? undefined;
}
