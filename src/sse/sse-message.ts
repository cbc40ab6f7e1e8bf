import type { JsonObject } from '../json.js';

/**
 * One Server-Sent Events message, before it is encoded as a frame.
 *
 * @example
 * ```ts
 * const message: SseMessage = { event: 'sheet.started', data: '{"job_id":"nightly"}', id: 'k3x9-42' };
 * ```
 */
export interface SseMessage {
  /** The event name (the browser's `EventSource` dispatches on it). */
  readonly event: string;
  /** The payload, usually JSON. May contain line breaks. */
  readonly data: string;
  /** The event id, sent back by browsers as `Last-Event-ID` when they reconnect. */
  readonly id?: string;
  /** The reconnection delay the browser should use, in milliseconds. */
  readonly retry?: number;
}

/**
 * The fallback event name for a daemon event that names none.
 *
 * @example
 * ```ts
 * toSseMessage({ job_id: 'j' }).event === DAEMON_EVENT; // true
 * ```
 */
export const DAEMON_EVENT = 'daemon_event';

/**
 * Maps a raw daemon event to its SSE message: `event` is the event's `event`,
 * else its `event_type`, else `"daemon_event"`; `data` is the JSON of the
 * whole raw object (unknown fields kept).
 *
 * @example
 * ```ts
 * toSseMessage({ job_id: 'nightly', event_type: 'sheet.failed' }, 'k3x9-7');
 * // { event: 'sheet.failed', data: '{"job_id":"nightly","event_type":"sheet.failed"}', id: 'k3x9-7' }
 * ```
 */
export function toSseMessage(raw: JsonObject, id?: string): SseMessage {
  const event = nonEmptyString(raw['event']) ?? nonEmptyString(raw['event_type']) ?? DAEMON_EVENT;
  const data = JSON.stringify(raw);
  return id === undefined ? { event, data } : { event, data, id };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
