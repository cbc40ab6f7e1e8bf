import type { SseMessage } from './message.js';

const LINE_BREAK = /\r\n|\r|\n/;
const FORBIDDEN_IN_FIELD = /[\r\n\0]/g;

/**
 * Removes the characters that would break or truncate a one-line SSE field
 * (CR, LF and NUL). Event names and ids come from the daemon and are
 * untrusted; they are cleaned, never rejected.
 */
export function sanitizeSseField(value: string): string {
  return value.replace(FORBIDDEN_IN_FIELD, '');
}

/** True when `retry` can be sent as an SSE `retry:` field: a non-negative integer. */
export function isValidRetry(retry: number | undefined): retry is number {
  return retry !== undefined && Number.isSafeInteger(retry) && retry >= 0;
}

/**
 * Encodes one message as a WHATWG-compliant `text/event-stream` frame, ending
 * with the blank line that dispatches it. Data is split on CR, LF and CRLF into
 * `data:` lines; a leading space in any line survives the parser; empty data is
 * still one event. `event` and `id` are sanitised with {@link sanitizeSseField};
 * `retry` is written only when it is a non-negative integer.
 *
 * @example
 * ```ts
 * import { encodeSse } from 'daemon-event-bridge';
 *
 * encodeSse({ event: 'heartbeat', data: '{"timestamp":1}' });
 * // 'event: heartbeat\ndata: {"timestamp":1}\n\n'
 * ```
 */
export function encodeSse(message: SseMessage): string {
  let frame = '';
  const event = sanitizeSseField(message.event);
  if (event !== '') frame += `event: ${event}\n`;
  if (message.id !== undefined) frame += `id: ${sanitizeSseField(message.id)}\n`;
  if (isValidRetry(message.retry)) frame += `retry: ${message.retry}\n`;
  const { data } = message;
  if (LINE_BREAK.test(data)) {
    for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  } else {
    frame += `data: ${data}\n`;
  }
  return frame + '\n';
}
