import { isPlatformBrowser } from '@angular/common';
import { Injectable, PLATFORM_ID, computed, inject } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { EMPTY, distinctUntilChanged, filter, map, switchMap, type Observable } from 'rxjs';
import {
  gatewayEvents,
  jobState,
  type JobState,
  toConductorEvent,
  type GatewayEvent,
  type TypedMessage,
} from 'daemon-event-bridge/browser';
import { GATEWAY_PATH } from './job-event';
import { JobEventsService } from './job-events.service';

type GatewayMessage = Extract<GatewayEvent, { type: 'message' }>;

/**
 * The state of the job the page shows first (the job of its oldest event),
 * folded in the browser by the package's `jobState()` from the job's own
 * gateway stream, which ends at the job's terminal event (`until=terminal`),
 * and read by the template through `toSignal`. `undefined` until the job's
 * first live event, and during server rendering (no stream on the server).
 */
@Injectable({ providedIn: 'root' })
export class JobStateService {
  private readonly jobEvents = inject(JobEventsService);
  private readonly browser = isPlatformBrowser(inject(PLATFORM_ID));

  /** The job followed: the job of the oldest event shown. */
  readonly jobId = computed(() => this.jobEvents.all().find((event) => event.jobId)?.jobId);

  /** Its state, as a signal. */
  readonly state = toSignal(
    toObservable(this.jobId).pipe(
      distinctUntilChanged(),
      switchMap((jobId): Observable<JobState> =>
        this.browser && jobId ? this.events(jobId).pipe(jobState()) : EMPTY,
      ),
    ),
    { initialValue: undefined },
  );

  /** The job's daemon events as the typed events `jobState()` folds. */
  private events(jobId: string): Observable<TypedMessage> {
    const url = `${GATEWAY_PATH}/api/jobs/${encodeURIComponent(jobId)}/events?until=terminal`;
    return gatewayEvents(url).pipe(
      filter(
        (event): event is GatewayMessage => event.type === 'message' && event.id !== undefined,
      ),
      map((event) => toConductorEvent(event.event, (event.data ?? {}) as object, event.id)),
    );
  }
}
