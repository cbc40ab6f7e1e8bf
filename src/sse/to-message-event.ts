import { map, type OperatorFunction } from 'rxjs';
import { sanitizeSseField } from './encode.js';
import type { SseMessage } from './sse-message.js';

/**
 * The shape NestJS's `@Sse()` handlers return (its `MessageEvent`): `type`
 * becomes the frame's `event:` line.
 *
 * @example
 * ```ts
 * const event: SseMessageEvent = { type: 'sheet.started', data: '{"job_id":"nightly"}', id: 'k3x9-42' };
 * ```
 */
export interface SseMessageEvent {
  type: string;
  data: string;
  id?: string;
  retry?: number;
}

/**
 * Maps bridge messages to NestJS `MessageEvent`s for an `@Sse()` handler.
 * `type` and `id` are sanitised with {@link sanitizeSseField} (no CR, LF or
 * NUL); `data` is passed as the string it is (NestJS splits its lines);
 * `retry` is kept only when it is a non-negative integer.
 *
 * @example
 * ```ts
 * @Sse('jobs/:jobId/events')
 * events(@Param('jobId') jobId: string, @Headers('last-event-id') lastEventId?: string) {
 *   return this.bridge.jobEvents(jobId, { lastEventId }).pipe(toMessageEvent());
 * }
 * ```
 */
export function toMessageEvent(): OperatorFunction<SseMessage, SseMessageEvent> {
  return map(toEvent);
}

function toEvent(message: SseMessage): SseMessageEvent {
  const event: SseMessageEvent = { type: sanitizeSseField(message.event), data: message.data };
  if (message.id !== undefined) event.id = sanitizeSseField(message.id);
  const { retry } = message;
  if (retry !== undefined && Number.isSafeInteger(retry) && retry >= 0) event.retry = retry;
  return event;
}
