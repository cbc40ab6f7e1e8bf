import type { Observable, SchedulerLike, Subscriber } from 'rxjs';
import type { ConductorEvent } from '../events/catalog.js';
import { selects, type EventSelection } from '../events/event-selection.js';
import type { JsonObject } from '../json.js';
import type { SseMessage } from '../sse/message.js';
import type { EventRouter } from './event-router.js';
import type { Route } from './route.js';
import type { Beater, HeartbeatClock } from './heartbeat-clock.js';

/**
 * One daemon event as the bridge keeps it: numbered, routed and serialised
 * once. A class, not an object literal: V8 may decide to allocate every
 * object of a literal's site in the old generation once many of them
 * survive (the replay ring keeps the newest), which then costs every event
 * a major collection's work; V8 tracks allocation sites for literals and
 * arrays, not for `new`, so instances of a class are not pretenured.
 */
export class BridgeEvent {
  constructor(
    readonly seq: number,
    readonly jobId: string | undefined,
    readonly conductor: string | undefined,
    readonly message: SseMessage,
    /** When the bridge received it (the scheduler's clock). */
    readonly at: number,
    /** The validated daemon object behind `message`, for typed consumers. */
    readonly raw: JsonObject,
  ) {}

  /** Its typed form, made by the first typed consumer (see `typedEventOf`), then shared. */
  typed: ConductorEvent | undefined = undefined;

  /** Its name (the message's `event`), for routing by event selection. */
  get name(): string {
    return this.message.event;
  }
}

/** Which consumers an event goes to: a job (or all), on a conductor (or any). */
export interface RouteKey {
  readonly jobId: string | undefined;
  readonly conductor: string | undefined;
  /** Only these daemon events (control messages always). */
  readonly selection?: EventSelection | undefined;
}

/** True when `event` belongs to the consumer `key` (its job, if any, its conductor, if any, and its selection, if any). */
export function matchesRoute(key: RouteKey, event: BridgeEvent): boolean {
  return (
    (key.jobId === undefined || event.jobId === key.jobId) &&
    (key.conductor === undefined || event.conductor === key.conductor) &&
    (key.selection === undefined || selects(key.selection, event.message.event))
  );
}

/**
 * What a consumer replays before it goes live: events at hand, or (a log
 * resume older than the ring) a replay still to read, during which live
 * events wait.
 */
export type Backlog =
  | { readonly events: readonly BridgeEvent[]; readonly notice?: SseMessage; readonly later?: undefined }
  | { readonly events: readonly []; readonly later: Observable<SseMessage>; readonly afterSeq: number };

/** What a consumer emits for each thing it sends: the `SseMessage` streams' view, or the typed streams'. */
export interface ConsumerView<O> {
  /** A daemon event the bridge routed or replays from its ring. */
  event(event: BridgeEvent): O;
  /** A message made elsewhere: a `stream_reset` notice, or an event of a log replay. */
  message(message: SseMessage): O;
  heartbeat(scheduler: SchedulerLike): O;
  readonly stopped: O;
  /** True for a job's terminal event (`until: 'terminal'`). */
  endsJob(this: void, item: O): boolean;
}

/** What a consumer uses of its bridge. */
export interface ConsumerHost {
  readonly router: EventRouter<BridgeEvent>;
  readonly clock: HeartbeatClock<BridgeConsumer<unknown>>;
  holdConnection(): void;
  releaseConnection(): void;
}

/**
 * One subscriber of `jobEvents`/`allEvents`, in one object: its route in the
 * router, its place on the bridge's heartbeat clock, its stop, and its
 * teardown (it is the subscriber's finalizer). A delivery goes router →
 * `deliver` → the subscriber, with no operator layers in between; an idle
 * consumer holds no timer and no closure.
 */
export class BridgeConsumer<O = SseMessage> implements Beater, Route<BridgeEvent> {
  lastEmission = 0;
  newer: Beater | undefined;
  older: Beater | undefined;
  afterSeq = 0;
  /** While a log replay runs: the live events that wait for it. */
  waiting: BridgeEvent[] | undefined;
  routed = false;
  held = false;
  private open = true;
  readonly selection: EventSelection | undefined;

  constructor(
    private readonly subscriber: Subscriber<O>,
    readonly key: RouteKey,
    private readonly host: ConsumerHost,
    /** What the consumer emits: SSE messages, or typed events. */
    readonly view: ConsumerView<O>,
  ) {
    this.selection = key.selection;
  }

  /**
   * Starts the consumer: its backlog, then its live route in the router, and
   * a reference on the shared connection. While a log replay (`later`) runs,
   * live events wait: the route is registered before the replay starts and
   * the replay ends at the newest event the bridge had then (`afterSeq`), so
   * no event is missed or sent twice. `newestSeq`: the bridge's newest event.
   */
  begin(plan: Backlog, newestSeq: number): void {
    const { view, subscriber, host } = this;
    if (plan.later === undefined) {
      if (plan.notice !== undefined) this.emit(view.message(plan.notice));
      for (const event of plan.events) this.emit(view.event(event));
      this.afterSeq = newestSeq;
    } else {
      this.waiting = [];
      this.afterSeq = plan.afterSeq;
    }
    if (subscriber.closed) return;
    host.router.addRoute(this.key.jobId, this);
    this.routed = true;
    if (plan.later !== undefined) {
      subscriber.add(
        plan.later.subscribe({
          next: (message) => this.emit(view.message(message)),
          complete: () => this.goLive(),
        }),
      );
    }
    host.holdConnection();
    this.held = true;
  }

  /** Emits `message`, noting the time for the heartbeat. */
  emit(message: O, now = this.host.clock.scheduler.now()): void {
    if (!this.open) return;
    this.host.clock.touch(this, now);
    this.subscriber.next(message);
  }

  /** A live event from the router. */
  deliver(event: BridgeEvent): void {
    if (this.waiting !== undefined) this.waiting.push(event);
    else if (this.wants(event)) this.emit(this.view.event(event), event.at);
  }

  /** The log replay is done: the live events that waited go out (now). */
  goLive(): void {
    const held = this.waiting ?? [];
    this.waiting = undefined;
    for (const event of held) if (this.wants(event)) this.emit(this.view.event(event));
  }

  private wants(event: BridgeEvent): boolean {
    return this.key.conductor === undefined || event.conductor === this.key.conductor;
  }

  beat(): void {
    this.subscriber.next(this.view.heartbeat(this.host.clock.scheduler));
  }

  /** The bridge stops: `bridge_stopped`, then complete. */
  stop(): void {
    this.subscriber.next(this.view.stopped);
    this.subscriber.complete();
  }

  /** The teardown: off the clock, out of the router, the connection released. */
  unsubscribe(): void {
    if (!this.open) return;
    this.open = false;
    this.host.clock.leave(this);
    if (this.routed) this.host.router.removeRoute(this.key.jobId, this);
    if (this.held) this.host.releaseConnection();
  }
}
