import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  BehaviorSubject,
  catchError,
  defer,
  distinctUntilChanged,
  EMPTY,
  filter,
  finalize,
  ignoreElements,
  map,
  Observable,
  of,
  share,
  switchMap,
  tap,
  timer,
  type Subscription,
} from 'rxjs';
import type { DaemonClient } from '../daemon/daemon-client.js';
import { daemonSource, isBridgeSource, type BridgeSource, type SourceEvent } from './event-source.js';
import { daemonEventSchema, isDaemonEvent } from '../daemon/daemon-event.js';
import type { SkippedLineCounts } from '../daemon/skip-counters.js';
import { describeError, InvalidArgumentError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { silentLogger, type BridgeLogger } from '../logger.js';
import type { SseMessage } from '../sse/message.js';
import { markReceived } from '../sse/received-at.js';
import { toSseMessage } from './to-sse-message.js';
import { streamResetMessage, type StreamResetReason } from './control-messages.js';
import { BridgeConsumer, BridgeEvent, type ConsumerHost, type RouteKey } from './bridge-consumer.js';
import { EventRouter } from './event-router.js';
import { HeartbeatClock } from './heartbeat-clock.js';
import { observerHistory } from './observer-history.js';
import { resolveBridgeOptions, type BridgeOptions, type ResolvedBridgeOptions } from './bridge-options.js';
import { reconnect } from '../operators/reconnect.js';
import { ReplayRing } from './replay-ring.js';
import type { TypedMessage } from '../events/catalog.js';
import { selects } from '../events/event-selection.js';
import type { JobState } from '../events/job-state.js';
import { SSE_VIEW, TYPED_VIEW, typedEventOf, type ConsumerView } from './consumer-views.js';
import { historyEvents, snapshotOf } from './job-snapshot.js';
import {
  endAtTerminal,
  streamSelection,
  type JobStreamOptions,
  type StreamOptions,
} from './stream-options.js';

/**
 * Where the bridge stands with the daemon:
 * - `idle`: not connected and not trying (never started, or `connectOnDemand` with no consumer);
 * - `connecting`: the first attempt after start (or after an on-demand connect);
 * - `connected`: the stream is open (the client said so, or an event arrived);
 * - `reconnecting`: the stream failed or ended; waiting for, or making, the next attempt;
 * - `stopped`: `stop()` was called.
 *
 * @example
 * ```ts
 * import type { BridgeState } from 'daemon-event-bridge';
 *
 * bridge.state$.subscribe((state: BridgeState) => badge.textContent = state);
 * ```
 */
export type BridgeState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/**
 * A snapshot of the bridge for health checks.
 *
 * @example
 * ```ts
 * const { state, consumers, counters } = bridge.stats();
 * ```
 */
export interface BridgeStats {
  readonly state: BridgeState;
  readonly running: boolean;
  readonly consumers: { readonly global: number; readonly job: number; readonly jobs: number };
  readonly counters: {
    /** Valid daemon events received. */
    readonly eventsIn: number;
    /** Daemon events (or history items) skipped as malformed. */
    readonly invalidEvents: number;
    /** Times the daemon stream failed or ended and a resubscription was scheduled. */
    readonly reconnects: number;
    /** Resumes (`lastEventId`) answered from the replay ring. */
    readonly replayHits: number;
    /** Resumes answered with `stream_reset` because the id had left the ring. */
    readonly resetsExpired: number;
    /** Resumes answered with `stream_reset` because the id was not this bridge's. */
    readonly resetsUnknownId: number;
  };
  readonly replay: { readonly size: number; readonly capacity: number };
  /** The id of the newest event, if any. */
  readonly lastEventId: string | undefined;
  /** What the daemon client skipped, per cause; present when the client offers `stats()`. */
  readonly daemon?: { readonly skipped: SkippedLineCounts };
  /** Log sources only: each conductor seen, with its event count and the time of its last event. */
  readonly conductors?: Readonly<Record<string, ConductorStats>>;
}

/**
 * One conductor as a log-fed bridge has seen it.
 *
 * @example
 * ```ts
 * const { events, lastEventAt } = bridge.stats().conductors?.['host-a'] ?? {};
 * ```
 */
export interface ConductorStats {
  readonly events: number;
  /** ISO 8601 time (the scheduler's clock) the last event arrived. */
  readonly lastEventAt: string;
}

/**
 * Options of {@link DaemonEventBridge.jobEvents} and {@link DaemonEventBridge.allEvents}.
 *
 * @example
 * ```ts
 * bridge.jobEvents('nightly', { lastEventId: req.headers['last-event-id'] });
 * ```
 */
export interface ResumeOptions {
  /** Resume after this event id (a browser's `Last-Event-ID`). */
  readonly lastEventId?: string | undefined;
  /** Only the events of this conductor (log sources carrying several conductors). */
  readonly conductor?: string | undefined;
}

/**
 * What a consumer replays before it goes live: events at hand, or (a log
 * resume older than the ring) a replay still to read, during which live
 * events wait.
 */
type Backlog =
  | { readonly events: readonly BridgeEvent[]; readonly notice?: SseMessage; readonly later?: undefined }
  | { readonly events: readonly []; readonly later: Observable<SseMessage>; readonly afterSeq: number };

/**
 * Turns one daemon event subscription into per-job and global streams of SSE
 * messages, with heartbeats, replay and resume by `Last-Event-ID`, and a clean
 * `bridge_stopped` on stop.
 *
 * The daemon subscription is one shared, refcounted hot Observable. By default
 * `start()` holds it while the bridge runs, so the replay ring fills even when
 * nobody listens; with `connectOnDemand: true` it connects with the first
 * consumer and disconnects `disconnectGraceMs` after the last one.
 *
 * @example
 * ```ts
 * import { DaemonEventBridge, UnixSocketDaemonClient } from 'daemon-event-bridge';
 *
 * const bridge = new DaemonEventBridge(new UnixSocketDaemonClient());
 * bridge.start();
 * bridge.jobEvents('nightly-refactor').subscribe((message) => console.log(message.event, message.data));
 * // later
 * bridge.stop();
 * ```
 */
export class DaemonEventBridge {
  private readonly options: ResolvedBridgeOptions;
  private readonly logger: BridgeLogger;
  private readonly instanceId: string;
  private readonly ring: ReplayRing<BridgeEvent>;
  private readonly router = new EventRouter<BridgeEvent>();
  private readonly clock: HeartbeatClock<BridgeConsumer<unknown>>;
  private readonly host: ConsumerHost;
  private readonly stateSubject = new BehaviorSubject<BridgeState>('idle');
  private readonly connection$: Observable<never>;
  private runningConnection: Subscription | undefined;
  private consumerHold: Subscription | undefined;
  private consumersHolding = 0;
  private isRunning = false;
  private seq = 0;
  private counters = {
    eventsIn: 0,
    invalidEvents: 0,
    reconnects: 0,
    replayHits: 0,
    resetsExpired: 0,
    resetsUnknownId: 0,
  };
  private readonly source: BridgeSource;
  /** The daemon client, when the input is one (for its skip counters). */
  private readonly client: DaemonClient | undefined;
  private readonly fromLog: boolean;
  private readonly conductors = new Map<string, { events: number; lastEventAt: number }>();

  /**
   * The bridge's state, replaying the current one to each subscriber and
   * then every change.
   */
  readonly state$: Observable<BridgeState> = this.stateSubject.pipe(distinctUntilChanged());

  /**
   * @param input The daemon connection, e.g. a {@link UnixSocketDaemonClient}, or
   *   any {@link BridgeSource} (e.g. a JetStream log, whose sequences become the ids).
   * @param options See {@link BridgeOptions}; a bad option throws {@link InvalidOptionsError}.
   */
  constructor(input: DaemonClient | BridgeSource, options?: BridgeOptions) {
    this.options = resolveBridgeOptions(options);
    this.client = isBridgeSource(input) ? undefined : input;
    this.source = isBridgeSource(input)
      ? input
      : daemonSource(input, this.options.streamMethod, this.options.observerMethod);
    this.fromLog = this.source.numbering === 'log';
    this.logger = this.options.logger ?? silentLogger;
    this.instanceId = this.options.instanceId ?? randomBytes(4).toString('hex');
    this.ring = new ReplayRing(this.options.replaySize);
    this.connection$ = this.createConnection();
    this.clock = new HeartbeatClock(this.options.heartbeatMs, this.options.scheduler);
    this.host = { router: this.router, clock: this.clock, releaseConnection: () => this.releaseConnection() };
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.isRunning;
  }

  /** Starts the bridge. Idempotent. */
  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.setState('idle');
    this.logger.info('event bridge started', { instanceId: this.instanceId });
    if (!this.options.connectOnDemand) this.runningConnection = this.connection$.subscribe();
  }

  /**
   * Stops the bridge: every consumer gets `bridge_stopped` and completes, and
   * the daemon subscription is released. Idempotent.
   */
  stop(): void {
    if (!this.isRunning) return;
    this.isRunning = false;
    for (const consumer of this.clock.members()) consumer.stop();
    this.runningConnection?.unsubscribe();
    this.runningConnection = undefined;
    this.setState('stopped');
    this.logger.info('event bridge stopped', { instanceId: this.instanceId });
  }

  /**
   * The live SSE messages of one job, with heartbeats. With `lastEventId`,
   * first replays exactly that job's events after the id (or one
   * `stream_reset` when the id is unknown or expired). Completes at once when
   * the bridge is not running.
   *
   * @example
   * ```ts
   * bridge.jobEvents('nightly-refactor', { lastEventId: req.headers['last-event-id'] }).subscribe(send);
   * ```
   */
  jobEvents(jobId: string, options: JobStreamOptions = {}): Observable<SseMessage> {
    return this.jobStream('jobEvents', jobId, options, SSE_VIEW);
  }

  /**
   * {@link jobEvents} as typed items: each daemon event as a frozen
   * {@link ConductorEvent} (made once per event, shared by every consumer),
   * and heartbeat, `bridge_stopped` and `stream_reset` as control items; the
   * same replay, resume, selection and `until`.
   *
   * @example
   * ```ts
   * import { jobState } from 'daemon-event-bridge';
   *
   * bridge.typedJobEvents('nightly', { until: 'terminal' }).pipe(jobState()).subscribe((s) => console.log(s.status));
   * ```
   */
  typedJobEvents(jobId: string, options: JobStreamOptions = {}): Observable<TypedMessage> {
    return this.jobStream('typedJobEvents', jobId, options, TYPED_VIEW);
  }

  private jobStream<O>(
    method: string,
    jobId: string,
    options: JobStreamOptions,
    view: ConsumerView<O>,
  ): Observable<O> {
    if (typeof jobId !== 'string' || jobId === '') {
      throw new InvalidArgumentError(`${method}(jobId): jobId must be a non-empty string`);
    }
    const { lastEventId, conductor } = options;
    const key: RouteKey = { jobId, conductor, selection: streamSelection(method, options) };
    return this.consume(
      key,
      () => (lastEventId === undefined ? { events: [] } : this.resume(lastEventId, key)),
      view,
    ).pipe(endAtTerminal(options.until, view.endsJob));
  }

  /**
   * Every live SSE message, with heartbeats, after replaying the `limit`
   * most recent events (default 50; 0 = live only). With `lastEventId`,
   * replays exactly the events after that id instead (or one `stream_reset`).
   * Completes at once when the bridge is not running.
   *
   * @example
   * ```ts
   * import { encodeSse } from 'daemon-event-bridge';
   *
   * bridge.allEvents(50).subscribe((message) => res.write(encodeSse(message)));
   * ```
   */
  allEvents(limit = 50, options: StreamOptions = {}): Observable<SseMessage> {
    return this.allStream('allEvents', limit, options, SSE_VIEW);
  }

  /**
   * {@link allEvents} as typed items (see {@link typedJobEvents}).
   *
   * @example
   * ```ts
   * import { ofEventType } from 'daemon-event-bridge';
   *
   * bridge.typedAllEvents(0).pipe(ofEventType('monitor.anomaly')).subscribe((e) => console.warn(e.event.data?.description));
   * ```
   */
  typedAllEvents(limit = 50, options: StreamOptions = {}): Observable<TypedMessage> {
    return this.allStream('typedAllEvents', limit, options, TYPED_VIEW);
  }

  private allStream<O>(
    method: string,
    limit: number,
    options: StreamOptions,
    view: ConsumerView<O>,
  ): Observable<O> {
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new InvalidArgumentError(
        `${method}(limit): limit must be a non-negative integer, got ${String(limit)}`,
      );
    }
    const { lastEventId, conductor } = options;
    const key: RouteKey = { jobId: undefined, conductor, selection: streamSelection(method, options) };
    return this.consume(
      key,
      () =>
        lastEventId === undefined
          ? { events: this.ring.latest(limit, (event) => matches(key, event)) }
          : this.resume(lastEventId, key),
      view,
    );
  }

  /**
   * A job's state now (one emission, then complete): folded with
   * {@link reduceJobState} from the job's events in the replay ring, or, when
   * the ring holds none, from its observer history (`limit` 200);
   * `undefined` when neither has any.
   *
   * @example
   * ```ts
   * import { firstValueFrom } from 'rxjs';
   *
   * const state = await firstValueFrom(bridge.jobSnapshot('nightly'));
   * console.log(state?.status, state?.costUsd);
   * ```
   */
  jobSnapshot(
    jobId: string,
    options: { readonly conductor?: string | undefined } = {},
  ): Observable<JobState | undefined> {
    if (typeof jobId !== 'string' || jobId === '') {
      throw new InvalidArgumentError('jobSnapshot(jobId): jobId must be a non-empty string');
    }
    const key: RouteKey = { jobId, conductor: options.conductor };
    return defer(() => {
      const recent = this.ring.latest(this.ring.capacity, (event) => matches(key, event));
      if (recent.length > 0) return of(snapshotOf(recent.map(typedEventOf)));
      return this.observerEvents(jobId, 200, options.conductor).pipe(
        map((history) => snapshotOf(historyEvents(history))),
      );
    });
  }

  /**
   * The recent observer events of one job: one `daemon.observer_events` call
   * per subscription (for a log source: one request to the job's conductor,
   * by default the conductor of the job's latest event), one emission, then
   * complete. Never errors: a failure yields `[]`.
   *
   * @example
   * ```ts
   * import { firstValueFrom } from 'rxjs';
   *
   * const history = await firstValueFrom(bridge.observerEvents('nightly-refactor', 20));
   * ```
   */
  observerEvents(jobId: string, limit = 20, conductor?: string): Observable<JsonObject[]> {
    if (typeof jobId !== 'string' || jobId === '') {
      throw new InvalidArgumentError('observerEvents(jobId): jobId must be a non-empty string');
    }
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidArgumentError(
        `observerEvents(limit): limit must be a positive integer, got ${String(limit)}`,
      );
    }
    const target = conductor ?? this.ring.latest(1, (event) => event.jobId === jobId)[0]?.conductor;
    return observerHistory(() => this.source.observerEvents(jobId, limit, target), {
      onInvalid: (item) => this.skipInvalid('observer history item is not an object', item),
      onError: (error) =>
        this.logger.debug('observer history call failed', { jobId, error: describeError(error) }),
    });
  }

  /** A snapshot of state, consumer counts and counters, for health checks. */
  stats(): BridgeStats {
    return {
      state: this.stateSubject.value,
      running: this.isRunning,
      consumers: {
        global: this.router.globalConsumers,
        job: this.router.jobConsumers,
        jobs: this.router.jobs,
      },
      counters: { ...this.counters },
      replay: { size: this.ring.size, capacity: this.ring.capacity },
      lastEventId: this.seq === 0 ? undefined : this.eventId(this.seq),
      ...(this.client?.stats === undefined ? {} : { daemon: { skipped: this.client.stats().skipped } }),
      ...(this.fromLog ? { conductors: this.conductorStats() } : {}),
    };
  }

  private conductorStats(): Record<string, ConductorStats> {
    const out: Record<string, ConductorStats> = {};
    for (const [name, { events, lastEventAt }] of this.conductors) {
      out[name] = { events, lastEventAt: new Date(lastEventAt).toISOString() };
    }
    return out;
  }

  /**
   * The one daemon subscription, shared and refcounted. It emits nothing:
   * while subscribed it validates, numbers, records and routes each daemon
   * event, once, whatever the number of consumers.
   */
  private createConnection(): Observable<never> {
    const { scheduler, reconnect: backoff, connectOnDemand, disconnectGraceMs, replaySize } = this.options;
    return defer(() => {
      this.setState(this.stateSubject.value === 'reconnecting' ? 'reconnecting' : 'connecting');
      const afterSeq = this.fromLog && this.seq > 0 ? this.seq : undefined;
      return this.source.events({ afterSeq, warm: replaySize }, { onOpen: () => this.setState('connected') });
    }).pipe(
      map((event: SourceEvent) => this.validate(event)),
      filter((event): event is BridgeEvent => event !== undefined),
      reconnect({
        ...backoff,
        scheduler,
        onRetry: (error, delayMs, attempt) => {
          this.counters.reconnects++;
          this.setState('reconnecting');
          this.logger.warn('daemon stream interrupted; reconnecting', {
            error: describeError(error),
            delayMs,
            attempt,
          });
        },
      }),
      tap((event) => this.ingest(event)),
      ignoreElements(),
      finalize(() => {
        if (this.isRunning) this.setState('idle');
      }),
      share({
        resetOnError: true,
        resetOnComplete: true,
        resetOnRefCountZero: connectOnDemand
          ? () => (this.isRunning ? timer(disconnectGraceMs, scheduler) : of(true))
          : true,
      }),
    );
  }

  /**
   * The event numbered, routed and serialised when valid; otherwise counts,
   * logs and returns undefined. A log event at or before the newest one seen
   * (a reconnect's overlap) is dropped silently.
   */
  private validate(event: SourceEvent): BridgeEvent | undefined {
    if (this.fromLog && (event.seq === undefined || event.seq <= this.seq)) return undefined;
    const result = this.toBridgeEvent(event, this.fromLog ? event.seq! : this.seq + 1);
    if (result !== undefined) this.setState('connected');
    return result;
  }

  /** Validates and serialises one source event as event `seq`; counts and logs what it skips. */
  private toBridgeEvent({ raw, conductor }: SourceEvent, seq: number): BridgeEvent | undefined {
    if (!isDaemonEvent(raw)) {
      const issue = daemonEventSchema.safeParse(raw).error?.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      this.skipInvalid(`invalid daemon event skipped (${where}${issue?.message ?? 'invalid'})`, raw);
      return undefined;
    }
    let object = raw as JsonObject;
    if (conductor !== undefined && !('conductor' in object)) object = { ...object, conductor };
    try {
      const message = toSseMessage(object, this.eventId(seq));
      markReceived(message, performance.now());
      Object.freeze(message);
      const jobId = typeof object['job_id'] === 'string' ? object['job_id'] : undefined;
      return new BridgeEvent(seq, jobId, conductor, message, this.options.scheduler.now(), object);
    } catch (error) {
      this.skipInvalid(`daemon event cannot be serialised (${describeError(error)})`, undefined);
      return undefined;
    }
  }

  private ingest(event: BridgeEvent): void {
    this.seq = event.seq;
    this.counters.eventsIn++;
    if (event.conductor !== undefined) {
      const seen = this.conductors.get(event.conductor);
      const now = event.at;
      if (seen === undefined) this.conductors.set(event.conductor, { events: 1, lastEventAt: now });
      else {
        seen.events++;
        seen.lastEventAt = now;
      }
    }
    this.ring.push(event);
    this.router.dispatch(event);
  }

  private skipInvalid(reason: string, raw: unknown): void {
    this.counters.invalidEvents++;
    this.logger.warn(reason, { invalidEvents: this.counters.invalidEvents, sample: truncatedJson(raw) });
  }

  /**
   * One consumer: its backlog, then its live route in the router, with
   * heartbeats, until stop (then `bridge_stopped`). It holds a reference on
   * the shared daemon connection while subscribed (which emits nothing, so
   * holding it costs nothing per event). While a log replay runs, live
   * events wait in a buffer: the route is registered before the replay
   * starts, the replay ends at the newest event the bridge had then, so no
   * event is missed or sent twice.
   */
  private consume<O>(key: RouteKey, backlog: () => Backlog, view: ConsumerView<O>): Observable<O> {
    return new Observable<O>((subscriber) => {
      if (!this.isRunning) return subscriber.complete();
      const consumer = new BridgeConsumer<O>(subscriber, key, this.host, view);
      subscriber.add(consumer);
      this.clock.join(consumer);
      const plan = backlog();
      if (plan.later === undefined) {
        if (plan.notice !== undefined) consumer.emit(view.message(plan.notice));
        for (const event of plan.events) consumer.emit(view.event(event));
        consumer.afterSeq = this.seq;
      } else {
        consumer.waiting = [];
        consumer.afterSeq = plan.afterSeq;
      }
      if (subscriber.closed) return;
      this.router.addRoute(key.jobId, consumer);
      consumer.routed = true;
      if (plan.later !== undefined) {
        subscriber.add(
          plan.later.subscribe({
            next: (message) => consumer.emit(view.message(message)),
            complete: () => consumer.goLive(),
          }),
        );
      }
      this.holdConnection();
      consumer.held = true;
    });
  }

  /**
   * A consumer's reference on the shared connection, counted here: the
   * connection has one subscriber for all consumers, so a consumer costs a
   * counter, not a subscriber, and leaves in O(1).
   */
  private holdConnection(): void {
    if (this.consumersHolding++ === 0 || this.consumerHold?.closed !== false) {
      this.consumerHold = this.connection$.subscribe();
    }
  }

  private releaseConnection(): void {
    if (--this.consumersHolding > 0) return;
    const hold = this.consumerHold;
    this.consumerHold = undefined;
    hold?.unsubscribe();
  }

  /** The backlog for a resume after `lastEventId`: exactly the events after it, or a `stream_reset`. */
  private resume(lastEventId: string, key: RouteKey): Backlog {
    const seq = this.parseEventId(lastEventId);
    if (seq === undefined) return this.reset('unknown_id', lastEventId);
    const oldestKept = this.ring.firstSeq ?? this.seq + 1;
    const inRing = seq <= this.seq && seq >= oldestKept - 1 && this.ring.size > 0;
    if (this.fromLog && !inRing) {
      return { events: [], later: this.replayLog(seq, lastEventId, key), afterSeq: Math.max(seq, this.seq) };
    }
    if (seq > this.seq) return this.reset('unknown_id', lastEventId);
    if (seq < oldestKept - 1) return this.reset('expired', lastEventId);
    this.counters.replayHits++;
    return { events: this.ring.after(seq, (event) => matches(key, event)) };
  }

  /** A `stream_reset` backlog, counted by reason. */
  private reset(reason: StreamResetReason, lastEventId: string): Backlog {
    this.countReset(reason);
    return { events: [], notice: streamResetMessage(reason, lastEventId) };
  }

  private countReset(reason: StreamResetReason): void {
    if (reason === 'expired') this.counters.resetsExpired++;
    else this.counters.resetsUnknownId++;
  }

  /** A `stream_reset` message of a log replay, counted by reason. */
  private resetMessage(reason: StreamResetReason, lastEventId: string): Observable<SseMessage> {
    return defer(() => {
      this.countReset(reason);
      return of(streamResetMessage(reason, lastEventId));
    });
  }

  /**
   * A resume the ring cannot serve, read from the log: the events after
   * `afterSeq` up to the newest the bridge has now; `stream_reset` when the
   * log never held `afterSeq` (unknown) or no longer holds what follows it
   * (expired).
   */
  private replayLog(afterSeq: number, lastEventId: string, key: RouteKey): Observable<SseMessage> {
    const untilSeq = this.seq;
    const source = this.source;
    if (source.replay === undefined || source.bounds === undefined) {
      return this.resetMessage('expired', lastEventId);
    }
    return defer(() => source.bounds!()).pipe(
      switchMap(({ firstSeq, lastSeq }) => {
        if (afterSeq > Math.max(lastSeq, untilSeq)) return this.resetMessage('unknown_id', lastEventId);
        if (afterSeq < firstSeq - 1) return this.resetMessage('expired', lastEventId);
        if (afterSeq >= untilSeq) return EMPTY;
        this.counters.replayHits++;
        return source.replay!(afterSeq, untilSeq, key).pipe(
          map((event) => (event.seq === undefined ? undefined : this.toBridgeEvent(event, event.seq))),
          filter((event): event is BridgeEvent => event !== undefined && matches(key, event)),
          map((event) => event.message),
        );
      }),
      catchError((error: unknown) => {
        this.logger.warn('log replay failed; resetting the stream', {
          lastEventId,
          error: describeError(error),
        });
        this.countReset('expired');
        return of(streamResetMessage('expired', lastEventId));
      }),
    );
  }

  private eventId(seq: number): string {
    return this.fromLog ? String(seq) : `${this.instanceId}-${seq}`;
  }

  private parseEventId(id: string): number | undefined {
    const prefix = this.fromLog ? '' : `${this.instanceId}-`;
    if (typeof id !== 'string' || !id.startsWith(prefix)) return undefined;
    const digits = id.slice(prefix.length);
    if (!/^\d{1,15}$/.test(digits)) return undefined;
    return Number(digits);
  }

  private setState(state: BridgeState): void {
    if (this.stateSubject.value !== state) this.stateSubject.next(state);
  }
}

/** True when `event` belongs to the consumer `key` (its job, if any, its conductor, if any, and its selection, if any). */
function matches(key: RouteKey, event: BridgeEvent): boolean {
  return (
    (key.jobId === undefined || event.jobId === key.jobId) &&
    (key.conductor === undefined || event.conductor === key.conductor) &&
    (key.selection === undefined || selects(key.selection, event.message.event))
  );
}

function truncatedJson(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
