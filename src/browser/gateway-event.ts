/**
 * What {@link gatewayEvents} emits: the connection's state as it changes,
 * and every message of the stream with its data parsed.
 *
 * - `state`: `connecting` at subscription, `open` when the stream is open,
 *   `reconnecting` while the browser retries after a lost connection,
 *   `closed` once the browser has given up (the Observable then completes).
 * - `message`: `event` is the daemon event's name (or a control event's:
 *   `heartbeat`, `bridge_state`, `bridge_stopped`, `stream_reset`); `id` is
 *   its SSE id (`undefined` for control events, which carry none); `data` is
 *   the parsed JSON (`undefined` when the text is not JSON); `raw` is the text.
 *
 * @example
 * ```ts
 * import type { GatewayEvent } from 'daemon-event-bridge/browser';
 *
 * function describe(event: GatewayEvent): string {
 *   return event.type === 'state' ? `connection ${event.state}` : `${event.event} #${event.id ?? '-'}`;
 * }
 * ```
 */
export type GatewayEvent =
  | { readonly type: 'state'; readonly state: GatewayConnectionState }
  | {
      readonly type: 'message';
      readonly event: string;
      readonly id: string | undefined;
      readonly data: unknown;
      readonly raw: string;
    };

/**
 * The states of a {@link GatewayEvent} of type `state`.
 *
 * @example
 * ```ts
 * import type { GatewayConnectionState } from 'daemon-event-bridge/browser';
 *
 * const label: Record<GatewayConnectionState, string> = {
 *   connecting: 'Connecting…', open: 'Live', reconnecting: 'Reconnecting…', closed: 'Offline',
 * };
 * ```
 */
export type GatewayConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The events the gateway sends by name even on an `unnamed=1` stream, so
 * {@link gatewayEvents} always listens for them.
 *
 * @example
 * ```ts
 * import { CONTROL_EVENTS } from 'daemon-event-bridge/browser';
 *
 * const isControl = (name: string) => (CONTROL_EVENTS as readonly string[]).includes(name);
 * ```
 */
export const CONTROL_EVENTS = ['heartbeat', 'bridge_state', 'bridge_stopped', 'stream_reset'] as const;

const DAEMON_EVENT = 'daemon_event';

/**
 * The message event of one SSE message the browser dispatched as `type`.
 * On an unnamed stream a `message` is a daemon event whose name is read from
 * its data (`event`, else `event_type`, else `daemon_event`), as the bridge
 * names it. Never throws: text that is not JSON gives `data: undefined`.
 */
export function toGatewayMessage(
  type: string,
  message: { readonly data: unknown; readonly lastEventId: string },
  unnamed: boolean,
): GatewayEvent {
  const raw = typeof message.data === 'string' ? message.data : String(message.data);
  const data = parseJson(raw);
  const control = (CONTROL_EVENTS as readonly string[]).includes(type);
  const event = unnamed && type === 'message' ? daemonEventName(data) : type;
  // EventSource repeats the previous id on a message without one: control messages carry none.
  const id = control || message.lastEventId === '' ? undefined : message.lastEventId;
  return { type: 'message', event, id, data, raw };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function daemonEventName(data: unknown): string {
  if (typeof data !== 'object' || data === null) return DAEMON_EVENT;
  const { event, event_type: eventType } = data as { event?: unknown; event_type?: unknown };
  if (typeof event === 'string' && event !== '') return event;
  if (typeof eventType === 'string' && eventType !== '') return eventType;
  return DAEMON_EVENT;
}
