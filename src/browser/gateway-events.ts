/// <reference lib="dom" preserve="true" />
import { Observable } from 'rxjs';
import { EventSourceUnavailableError } from './errors.js';
import { CONTROL_EVENTS, UNNAMED } from '../sse/vocabulary.js';
import { toGatewayMessage, type GatewayConnectionState, type GatewayEvent } from './gateway-event.js';
import { withUnnamed } from './stream-url.js';

/**
 * Options of {@link gatewayEvents}.
 *
 * @example
 * ```ts
 * import { gatewayEvents, type GatewayEventsOptions } from 'daemon-event-bridge/browser';
 *
 * const named: GatewayEventsOptions = { unnamed: false, events: ['sheet.failed'] };
 * gatewayEvents('/api/events/stream', named).subscribe(console.log);
 * ```
 */
export interface GatewayEventsOptions {
  /**
   * Default true: adds `unnamed=1` to the URL, so the gateway sends every
   * daemon event as `message` and none is missed whatever its name; the name
   * is read from the data (`event`, else `event_type`, else `daemon_event`).
   */
  unnamed?: boolean;
  /** With `unnamed: false`, the named events to listen for (control events are always listened for). */
  events?: readonly string[];
  /** Sends cookies (and HTTP auth) on a cross-origin stream: `new EventSource(url, { withCredentials })`. */
  withCredentials?: boolean;
  /** The EventSource class; default `globalThis.EventSource` (missing: {@link EventSourceUnavailableError}). */
  EventSource?: new (url: string, init?: { withCredentials?: boolean }) => EventSource;
}

/** EventSource.readyState values (a stand-in class need not define the static constants). */
const CONNECTING = 0;
const CLOSED = 2;

const STATES: Readonly<Record<GatewayConnectionState, GatewayEvent>> = {
  connecting: Object.freeze({ type: 'state', state: 'connecting' }),
  open: Object.freeze({ type: 'state', state: 'open' }),
  reconnecting: Object.freeze({ type: 'state', state: 'reconnecting' }),
  closed: Object.freeze({ type: 'state', state: 'closed' }),
};

/**
 * The events of a daemon-event-bridge gateway stream (`/api/events/stream`,
 * `/api/jobs/:jobId/events`) as a cold Observable: each subscription opens
 * one `EventSource`, and unsubscribing closes it.
 *
 * It emits `{ type: 'state' }` when the connection changes (`connecting` at
 * once, `open`, `reconnecting` while the browser retries) and
 * `{ type: 'message' }` for every message, daemon and control events alike
 * (`heartbeat`, `bridge_state`, `bridge_stopped`, `stream_reset`), with
 * `data` parsed from JSON (`undefined`, with the text in `raw`, when it is not
 * JSON: it never throws for bad data).
 *
 * Resuming is the browser's: after a lost connection `EventSource` reconnects
 * by itself and sends the last id as `Last-Event-ID`, so the gateway replays
 * the events missed, or sends `stream_reset` when it cannot. A
 * `bridge_stopped` message does not complete the Observable: the gateway
 * ends the response, the browser reconnects (state `reconnecting`), and the
 * events continue when a gateway answers again.
 *
 * When the browser gives up (an HTTP error status such as 401 or 503, or a
 * response that is not `text/event-stream`: `readyState` becomes CLOSED) it
 * emits state `closed` and completes; `repeat({ delay })` tries again. An
 * invalid URL errors with the browser's `SyntaxError`; no EventSource at all
 * errors with {@link EventSourceUnavailableError}.
 *
 * @example
 * ```ts
 * import { filter, repeat } from 'rxjs';
 * import { gatewayEvents } from 'daemon-event-bridge/browser';
 *
 * gatewayEvents('/api/events/stream?limit=20')
 *   .pipe(
 *     repeat({ delay: 5_000 }), // retry after the browser gave up (state 'closed')
 *     filter((e) => e.type === 'message' && e.event.startsWith('sheet.')),
 *   )
 *   .subscribe((e) => console.log(e));
 * ```
 */
export function gatewayEvents(
  url: string | URL,
  options: GatewayEventsOptions = {},
): Observable<GatewayEvent> {
  const unnamed = options.unnamed ?? true;
  const names = new Set([UNNAMED.dispatched, ...CONTROL_EVENTS, ...(options.events ?? [])]);
  return new Observable<GatewayEvent>((subscriber) => {
    const EventSourceClass =
      options.EventSource ??
      (globalThis as { EventSource?: GatewayEventsOptions['EventSource'] }).EventSource;
    if (typeof EventSourceClass !== 'function') {
      subscriber.error(new EventSourceUnavailableError());
      return undefined;
    }
    let state: GatewayConnectionState | undefined;
    const setState = (next: GatewayConnectionState): void => {
      if (next === state) return;
      state = next;
      subscriber.next(STATES[next]);
    };
    setState('connecting');
    const init =
      options.withCredentials === undefined ? undefined : { withCredentials: options.withCredentials };
    const source = new EventSourceClass(unnamed ? withUnnamed(url) : String(url), init);
    source.addEventListener('open', () => setState('open'));
    source.addEventListener('error', () => {
      if (source.readyState === CONNECTING) return setState('reconnecting');
      if (source.readyState !== CLOSED) return undefined;
      setState('closed');
      subscriber.complete();
    });
    for (const name of names) {
      source.addEventListener(name, (message) =>
        subscriber.next(toGatewayMessage(name, message as MessageEvent<unknown>, unnamed)),
      );
    }
    return () => source.close();
  });
}
