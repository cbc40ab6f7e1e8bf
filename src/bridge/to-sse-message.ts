import type { JsonObject } from '../json.js';
import type { SseMessage } from '../sse/message.js';

/** The SSE event name of a daemon event that has neither `event` nor `event_type`. */
const FALLBACK_EVENT_NAME = 'daemon_event';

/**
 * Maps a raw daemon event to its SSE message: `event` is the event's `event`,
 * else its `event_type`, else `"daemon_event"`; `data` is the JSON of the
 * whole raw object (unknown fields kept).
 *
 * @example
 * ```ts
 * import { toSseMessage } from 'daemon-event-bridge';
 *
 * toSseMessage({ job_id: 'nightly', event_type: 'sheet.failed' }, 'k3x9-7');
 * // { event: 'sheet.failed', data: '{"job_id":"nightly","event_type":"sheet.failed"}', id: 'k3x9-7' }
 * ```
 */
export function toSseMessage(raw: JsonObject, id?: string): SseMessage {
  const event = nonEmptyString(raw['event']) ?? nonEmptyString(raw['event_type']) ?? FALLBACK_EVENT_NAME;
  const data = JSON.stringify(raw);
  return id === undefined ? { event, data } : { event, data, id };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
