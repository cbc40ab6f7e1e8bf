import type { JsonObject } from '../json.js';
import type { SseMessage } from '../sse/message.js';
import { daemonEventName } from '../sse/vocabulary.js';

/**
 * Maps a raw daemon event to its SSE message: `event` is its
 * {@link daemonEventName} (`event`, else `event_type`, else `"daemon_event"`);
 * `data` is the JSON of the whole raw object (unknown fields kept).
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
  const event = daemonEventName(raw);
  const data = JSON.stringify(raw);
  return id === undefined ? { event, data } : new NumberedMessage(event, data, id);
}

/**
 * A numbered message as a plain object (prototype `Object.prototype`, as a
 * literal's: equal to one for `toStrictEqual`, JSON and spreads) built with
 * `new`. V8 moves a literal's allocation site to the old generation once most
 * of its objects survive a scavenge, as the replay ring's do while it fills;
 * from then on every event costs major-collection work (BENCHMARKS.md,
 * round 3). V8 tracks allocation sites for literals and arrays, not for `new`.
 */
const NumberedMessage = function (
  this: { event: string; data: string; id: string },
  event: string,
  data: string,
  id: string,
) {
  this.event = event;
  this.data = data;
  this.id = id;
} as unknown as new (event: string, data: string, id: string) => SseMessage;
NumberedMessage.prototype = Object.prototype;
