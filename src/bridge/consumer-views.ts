import type { BridgeControl, ConductorEvent, StreamResetControl, TypedMessage } from '../events/catalog.js';
import { TERMINAL_EVENTS } from '../events/event-selection.js';
import { toConductorEvent } from '../events/to-conductor-event.js';
import { isJsonObject } from '../json.js';
import type { SseMessage } from '../sse/message.js';
import type { BridgeEvent, ConsumerView } from './bridge-consumer.js';
import { BRIDGE_STOPPED, heartbeatMessage } from './control-messages.js';

/** The view of `jobEvents`/`allEvents`: the bridge's messages as they are. */
export const SSE_VIEW: ConsumerView<SseMessage> = {
  event: (event) => event.message,
  message: (message) => message,
  heartbeat: heartbeatMessage,
  stopped: BRIDGE_STOPPED,
  endsJob: (message) => message.id !== undefined && TERMINAL_EVENTS.includes(message.event),
};

const TYPED_STOPPED: BridgeControl = Object.freeze({ type: 'bridge_stopped' });

/**
 * The view of the typed streams: each event's typed form, made once per
 * event (by the first typed consumer) and shared by all.
 */
export const TYPED_VIEW: ConsumerView<TypedMessage> = {
  event: typedEventOf,
  message: typedMessageOf,
  heartbeat: (scheduler) => ({ type: 'heartbeat', timestamp: scheduler.now() / 1000 }),
  stopped: TYPED_STOPPED,
  endsJob: (item) => item.type === 'event' && TERMINAL_EVENTS.includes(item.name),
};

/** The typed form of a bridge event, cached on it. */
export function typedEventOf(event: BridgeEvent): ConductorEvent {
  return (event.typed ??= toConductorEvent(event.message.event, event.raw, event.message.id));
}

/**
 * A message made outside the ring as a typed item: `stream_reset` notices
 * (once per resume), and the events of a log replay, which each resuming
 * consumer reads from the log for itself (so parses for itself).
 */
function typedMessageOf(message: SseMessage): TypedMessage {
  const data: unknown = JSON.parse(message.data);
  if (message.event === 'stream_reset' && message.id === undefined) {
    return Object.freeze({ type: 'stream_reset', ...(data as Omit<StreamResetControl, 'type'>) });
  }
  return toConductorEvent(message.event, isJsonObject(data) ? data : {}, message.id);
}
