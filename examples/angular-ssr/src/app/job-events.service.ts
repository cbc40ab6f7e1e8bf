import { isPlatformBrowser } from '@angular/common';
import {
  DestroyRef,
  Injectable,
  PLATFORM_ID,
  REQUEST_CONTEXT,
  TransferState,
  inject,
  makeStateKey,
  signal,
} from '@angular/core';
import { gatewayEvents, type GatewayConnectionState } from 'daemon-event-bridge/browser';
import { GATEWAY_PATH, toJobEvent, type JobEvent, type JobEventsRequestContext } from './job-event';

/** How many events the page keeps. */
const MAX_SHOWN = 100;
const RECENT_EVENTS = makeStateKey<readonly JobEvent[]>('daemon-event-bridge.recentEvents');

/**
 * The job events the page shows: during server rendering, the recent events
 * `server.ts` read from the bridge (passed on to the browser with
 * `TransferState`, so hydration sees the same list); in the browser, those
 * plus every live event of the gateway stream, resumed after the last
 * server-rendered one so none is missed or shown twice.
 */
@Injectable({ providedIn: 'root' })
export class JobEventsService {
  private readonly transferState = inject(TransferState);
  private readonly events = signal<readonly JobEvent[]>(this.initialEvents());
  private readonly connection = signal<GatewayConnectionState | 'server-rendered'>(
    'server-rendered',
  );

  /** Newest last. */
  readonly all = this.events.asReadonly();
  /** The gateway connection's state (`server-rendered` until the browser connects). */
  readonly state = this.connection.asReadonly();

  constructor() {
    if (isPlatformBrowser(inject(PLATFORM_ID))) this.connect(inject(DestroyRef));
  }

  private initialEvents(): readonly JobEvent[] {
    const context = inject(REQUEST_CONTEXT, { optional: true }) as JobEventsRequestContext | null;
    if (context?.recentEvents) {
      this.transferState.set(RECENT_EVENTS, context.recentEvents);
      return context.recentEvents;
    }
    return this.transferState.get(RECENT_EVENTS, []);
  }

  private connect(destroyRef: DestroyRef): void {
    const last = this.events().at(-1);
    // After server-rendered events, resume exactly after the last one;
    // otherwise replay the gateway's recent events.
    const query = last ? `lastEventId=${encodeURIComponent(last.id)}` : 'limit=50';
    const subscription = gatewayEvents(`${GATEWAY_PATH}/api/events/stream?${query}`).subscribe(
      (event) => {
        if (event.type === 'state') return this.connection.set(event.state);
        if (event.id === undefined) return; // control messages: heartbeat, bridge_state ...
        const jobEvent = toJobEvent(event.id, event.event, event.data);
        this.events.update((events) => [...events, jobEvent].slice(-MAX_SHOWN));
      },
    );
    destroyRef.onDestroy(() => subscription.unsubscribe());
  }
}
