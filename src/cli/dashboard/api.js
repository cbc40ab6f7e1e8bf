// Same-origin URLs of the gateway's routes, carrying the page's ?token= when it has one.

const token = new URLSearchParams(location.search).get('token');

/** A same-origin URL for an API path, with the page's ?token= when it has one. */
export function api(path, query) {
  const url = new URL(path, document.baseURI);
  for (const [key, value] of Object.entries(query || {})) url.searchParams.set(key, String(value));
  if (token) url.searchParams.set('token', token);
  return url.pathname + url.search;
}

/** Points the page's own links (to /healthz and the stream) at URLs with the token. */
export function addTokenToLinks(links) {
  if (!token) return;
  for (const link of links) link.href = api(link.getAttribute('href'));
}

/** The status and JSON body of a GET (body undefined when it is not JSON); rejects when unreachable. */
export async function getJson(path, query) {
  const response = await fetch(api(path, query), { cache: 'no-store' });
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return { status: response.status, ok: response.ok, body };
}
