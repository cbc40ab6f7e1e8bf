/**
 * One Server-Sent Events message, before it is encoded as a frame.
 *
 * @example
 * ```ts
 * import type { SseMessage } from 'daemon-event-bridge';
 *
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
