import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { queryParameter } from './query-parameter.js';

/**
 * The longest `Last-Event-ID` (header or query parameter) accepted, in
 * characters; a longer one gets a 400 from {@link serveSse}.
 */
export const MAX_LAST_EVENT_ID_LENGTH = 256;

/** The zod schema of a `Last-Event-ID` value: at most {@link MAX_LAST_EVENT_ID_LENGTH} characters. */
const lastEventIdSchema = z.string().max(MAX_LAST_EVENT_ID_LENGTH, {
  error: `Last-Event-ID is longer than ${MAX_LAST_EVENT_ID_LENGTH} characters`,
});

/** What {@link readLastEventId} found: an id (or none), or why the request is bad. */
export type LastEventIdResult =
  | { readonly ok: true; readonly lastEventId: string | undefined }
  | { readonly ok: false; readonly error: string };

/**
 * Reads the id a client resumes after: the `Last-Event-ID` header (what a
 * browser's `EventSource` sends when it reconnects), else the `lastEventId`
 * query parameter (for a page that opens a new `EventSource` itself). An
 * empty value counts as none; a value over 256 characters is an error, never
 * truncated (it cannot be an id we issued).
 */
export function readLastEventId(req: IncomingMessage): LastEventIdResult {
  const header = req.headers['last-event-id'];
  let value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') value = queryParameter(req.url, 'lastEventId');
  if (value === undefined || value === '') return { ok: true, lastEventId: undefined };
  const result = lastEventIdSchema.safeParse(value);
  return result.success
    ? { ok: true, lastEventId: result.data }
    : { ok: false, error: result.error.issues[0]?.message ?? 'invalid Last-Event-ID' };
}
