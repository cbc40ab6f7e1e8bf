import { isControlEvent, receivedEventName } from '../sse/vocabulary.js';

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

/** The states of a {@link GatewayEvent} of type `state`. */
export type GatewayConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The message event of one SSE message the browser dispatched as `type`.
 * On an unnamed stream a `message` is a daemon event whose name is read from
 * its data, as the bridge names it (see `receivedEventName`). Never throws:
 * text that is not JSON gives `data: undefined`.
 */
export function toGatewayMessage(
  type: string,
  message: { readonly data: unknown; readonly lastEventId: string },
  unnamed: boolean,
): GatewayEvent {
  const raw = typeof message.data === 'string' ? message.data : String(message.data);
  const data = parseJson(raw);
  const event = receivedEventName(type, data, unnamed);
  // EventSource repeats the previous id on a message without one: control messages carry none.
  const id = isControlEvent(type) || message.lastEventId === '' ? undefined : message.lastEventId;
  return { type: 'message', event, id, data, raw };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
