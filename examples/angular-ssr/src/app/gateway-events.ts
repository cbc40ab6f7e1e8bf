// TEMPORARY local copy of `daemon-event-bridge/browser` (same API), used until
// the package's browser entry lands; replaced by the package import then.
import { Observable } from 'rxjs';

export type GatewayConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';
export type GatewayEvent =
  | { readonly type: 'state'; readonly state: GatewayConnectionState }
  | {
      readonly type: 'message';
      readonly event: string;
      readonly id: string | undefined;
      readonly data: unknown;
      readonly raw: string;
    };

const CONTROL = ['heartbeat', 'bridge_state', 'bridge_stopped', 'stream_reset'];

export function gatewayEvents(
  url: string | URL,
  options: { unnamed?: boolean; events?: readonly string[] } = {},
): Observable<GatewayEvent> {
  const unnamed = options.unnamed ?? true;
  return new Observable<GatewayEvent>((subscriber) => {
    const target = new URL(String(url), globalThis.location?.href);
    if (unnamed) target.searchParams.set('unnamed', '1');
    subscriber.next({ type: 'state', state: 'connecting' });
    const source = new EventSource(target.toString());
    source.onopen = () => subscriber.next({ type: 'state', state: 'open' });
    source.onerror = () => {
      if (source.readyState === EventSource.CONNECTING)
        return subscriber.next({ type: 'state', state: 'reconnecting' });
      subscriber.next({ type: 'state', state: 'closed' });
      subscriber.complete();
    };
    for (const name of new Set(['message', ...CONTROL, ...(options.events ?? [])])) {
      source.addEventListener(name, (message) => {
        const { data, lastEventId } = message as MessageEvent<string>;
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch {
          parsed = undefined;
        }
        const named = (parsed as { event?: unknown } | undefined)?.event;
        const event = name === 'message' && typeof named === 'string' ? named : name;
        const id = CONTROL.includes(name) || lastEventId === '' ? undefined : lastEventId;
        subscriber.next({ type: 'message', event, id, data: parsed, raw: data });
      });
    }
    return () => source.close();
  });
}
