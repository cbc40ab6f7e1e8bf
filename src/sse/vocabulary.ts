// The SSE vocabulary of the bridge and its gateway, written once: how a daemon event is named,
// the names of the control events, and the unnamed mode. No I/O and no Node module: the
// bridge, the gateway, the browser client and the dashboard (served as lib/sse/vocabulary.js)
// all import it.

/** The SSE name of a daemon event that has neither `event` nor `event_type`. */
const FALLBACK_EVENT_NAME = 'daemon_event';

/** The control event sent when a stream has been idle (data `{"timestamp": seconds}`). */
export const HEARTBEAT_EVENT = 'heartbeat';
/** The control event that tells the bridge's connection state (data `{"state": …}`). */
export const BRIDGE_STATE_EVENT = 'bridge_state';
/** The control event sent when the bridge stops, before the stream ends. */
export const BRIDGE_STOPPED_EVENT = 'bridge_stopped';
/** The control event sent instead of a replay that cannot be exact (data `{"reason", "lastEventId", "message"}`). */
export const STREAM_RESET_EVENT = 'stream_reset';
/** The event `serveSse` sends when its source fails, before it ends the response. */
export const ERROR_EVENT = 'error';

/**
 * The events the gateway sends by name even on an `unnamed=1` stream, so
 * `gatewayEvents` always listens for them. They carry no id.
 *
 * @example
 * ```ts
 * import { CONTROL_EVENTS } from 'daemon-event-bridge/browser';
 *
 * const isControl = (name: string) => (CONTROL_EVENTS as readonly string[]).includes(name);
 * ```
 */
export const CONTROL_EVENTS = [
  HEARTBEAT_EVENT,
  BRIDGE_STATE_EVENT,
  BRIDGE_STOPPED_EVENT,
  STREAM_RESET_EVENT,
] as const;

/** True when `name` is one of the {@link CONTROL_EVENTS}, false for a daemon event's name. */
export function isControlEvent(name: string): boolean {
  return (CONTROL_EVENTS as readonly string[]).includes(name);
}

/**
 * The SSE name of a raw daemon event: its `event`, else its `event_type`
 * (each only when a non-empty string), else {@link FALLBACK_EVENT_NAME}.
 * Anything that is not an object is named {@link FALLBACK_EVENT_NAME}.
 */
export function daemonEventName(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return FALLBACK_EVENT_NAME;
  const named = raw as { readonly event?: unknown; readonly event_type?: unknown };
  const event = named.event;
  if (typeof event === 'string' && event !== '') return event;
  const eventType = named.event_type; // read only when needed: most events have `event`
  return typeof eventType === 'string' && eventType !== '' ? eventType : FALLBACK_EVENT_NAME;
}

/**
 * The unnamed mode: the query parameter of the gateway's SSE routes
 * (`?unnamed=1`) that asks for daemon events without an `event:` name, so a
 * browser dispatches every one as {@link UNNAMED.dispatched} and a page needs
 * no listener per name. Control events keep their names.
 */
export const UNNAMED = {
  /** The query parameter. */
  parameter: 'unnamed',
  /** Its value for the unnamed mode. */
  on: '1',
  /** Its value for named events (the default). */
  off: '0',
  /** The event name a daemon event is sent with (none). */
  sent: '',
  /** The type a browser dispatches a message without a name as. */
  dispatched: 'message',
} as const;

/**
 * The name of a message a browser dispatched as `type`: on an unnamed stream
 * a {@link UNNAMED.dispatched} message is a daemon event, named from its
 * parsed `data` by {@link daemonEventName}; any other is named `type`.
 */
export function receivedEventName(type: string, data: unknown, unnamed: boolean): string {
  return unnamed && type === UNNAMED.dispatched ? daemonEventName(data) : type;
}
