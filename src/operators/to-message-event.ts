import { defer, map, type OperatorFunction } from 'rxjs';
import { isValidRetry, sanitizeSseField } from '../sse/encode.js';
import type { SseMessage } from '../sse/message.js';

/**
 * The shape NestJS's `@Sse()` handlers return (its `MessageEvent`): `type`
 * becomes the frame's `event:` line.
 *
 * @example
 * ```ts
 * import type { SseMessageEvent } from 'daemon-event-bridge/http';
 *
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
 * Messages without an id (heartbeats, `bridge_state`, `stream_reset`,
 * `bridge_stopped`) carry the last id this subscription sent (before any, the
 * `lastEventId` the client resumed from, else `''`). NestJS numbers id-less
 * events itself (`1`, `2`, …), which would replace the browser's
 * `Last-Event-ID` with a number the bridge never issued and break resume.
 *
 * @param lastEventId The id the client resumes from (its `Last-Event-ID`).
 * @example
 * ```ts
 * import { toMessageEvent } from 'daemon-event-bridge/http';
 *
 * @Sse('jobs/:jobId/events')
 * events(@Param('jobId') jobId: string, @Headers('last-event-id') lastEventId?: string) {
 *   return this.bridge.jobEvents(jobId, { lastEventId }).pipe(toMessageEvent(lastEventId));
 * }
 * ```
 */
export function toMessageEvent(lastEventId?: string): OperatorFunction<SseMessage, SseMessageEvent> {
  return (source) =>
    defer(() => {
      let lastId = sanitizeSseField(lastEventId ?? '');
      return source.pipe(
        map((message) => {
          const event: SseMessageEvent = { type: sanitizeSseField(message.event), data: message.data };
          if (message.id !== undefined) lastId = sanitizeSseField(message.id);
          event.id = lastId;
          if (isValidRetry(message.retry)) event.retry = message.retry;
          return event;
        }),
      );
    });
}
