import { map, type MonoTypeOperatorFunction } from 'rxjs';
import type { SseMessage } from '../sse/message.js';
import { carryReceivedAt } from '../sse/received-at.js';
import { UNNAMED } from '../sse/vocabulary.js';

const unnamed = new WeakMap<SseMessage, SseMessage>();

/**
 * Sends daemon events (the messages with an id) without an event name, so a
 * browser dispatches every one of them as `message` and a page needs no
 * listener per event name (`EventSource` has no wildcard). The name stays in
 * the data (`event` or `event_type` of the raw event). Control messages
 * (`heartbeat`, `bridge_state`, `bridge_stopped`, `stream_reset`) keep their
 * names. Each unnamed message is made once and shared, so its frame is still
 * encoded once for every client.
 */
export function unnamedEvents(): MonoTypeOperatorFunction<SseMessage> {
  return map(unnamedEvent);
}

function unnamedEvent(message: SseMessage): SseMessage {
  if (message.id === undefined) return message;
  let copy = unnamed.get(message);
  if (copy === undefined) {
    const { data, id, retry } = message;
    copy = Object.freeze(
      retry === undefined ? { event: UNNAMED.sent, data, id } : { event: UNNAMED.sent, data, id, retry },
    );
    unnamed.set(message, copy);
    carryReceivedAt(message, copy);
  }
  return copy;
}
