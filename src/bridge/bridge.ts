import { randomBytes } from 'node:crypto';
import { BehaviorSubject, distinctUntilChanged, Observable, type Subscription } from 'rxjs';
import type { DaemonClient } from '../daemon/daemon-client.js';
import { daemonSource, isBridgeSource, type BridgeSource, type SourceEvent } from './event-source.js';
import { describeError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { silentLogger, type BridgeLogger } from '../logger.js';
import type { SseMessage } from '../sse/message.js';
import {
  BridgeConsumer,
  matchesRoute,
  type Backlog,
  type BridgeEvent,
  type ConsumerHost,
  type ConsumerView,
  type RouteKey,
} from './bridge-consumer.js';
import { BridgeTally, type BridgeState, type BridgeStats } from './bridge-stats.js';
import { daemonSubscription } from './daemon-subscription.js';
import { EventIntake } from './event-intake.js';
import { eventNumbering, type EventNumbering } from './event-numbering.js';
import { EventRouter } from './event-router.js';
import { HeartbeatClock } from './heartbeat-clock.js';
import { observerHistory } from './observer-history.js';
import { resolveBridgeOptions, type BridgeOptions, type ResolvedBridgeOptions } from './bridge-options.js';
import { ReplayRing } from './replay-ring.js';
import { sharedConnection } from './shared-connection.js';
import { ResumePlanner } from './resume.js';
import type { TypedMessage } from '../events/catalog.js';
import type { JobState } from '../events/job-state.js';
import { SSE_VIEW, TYPED_VIEW } from './consumer-views.js';
import { jobSnapshot } from './job-snapshot.js';
import { ConnectionHold } from './connection-hold.js';
import {
  endAtTerminal,
  requireJobId,
  requireLimit,
  streamSelection,
  type JobStreamOptions,
  type StreamOptions,
} from './stream-options.js';

export type { BridgeState, BridgeStats } from './bridge-stats.js';

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
  private readonly connectionHold: ConnectionHold;
  private isRunning = false;
  private seq = 0;
  private readonly tally = new BridgeTally();
  private readonly source: BridgeSource;
  /** The daemon client, when the input is one (for its skip counters). */
  private readonly client: DaemonClient | undefined;
  private readonly numbering: EventNumbering;
  private readonly intake: EventIntake;
  private readonly resumes: ResumePlanner;

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
    this.logger = this.options.logger ?? silentLogger;
    this.instanceId = this.options.instanceId ?? randomBytes(4).toString('hex');
    this.ring = new ReplayRing(this.options.replaySize);
    this.numbering = eventNumbering(this.source, this.instanceId);
    this.intake = new EventIntake(this.numbering, this.tally, this.logger, this.options.scheduler);
    this.resumes = new ResumePlanner({
      ring: this.ring,
      source: this.source,
      numbering: this.numbering,
      intake: this.intake,
      tally: this.tally,
      logger: this.logger,
      newestSeq: () => this.seq,
    });
    this.connection$ = this.createConnection();
    this.connectionHold = new ConnectionHold(this.connection$);
    this.clock = new HeartbeatClock(this.options.heartbeatMs, this.options.scheduler);
    this.host = {
      router: this.router,
      clock: this.clock,
      holdConnection: () => this.connectionHold.hold(),
      releaseConnection: () => this.connectionHold.release(),
    };
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
    requireJobId(method, jobId);
    const { lastEventId, conductor } = options;
    const key: RouteKey = { jobId, conductor, selection: streamSelection(method, options) };
    return this.consume(
      key,
      () => (lastEventId === undefined ? { events: [] } : this.resumes.plan(lastEventId, key)),
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
    requireLimit(method, limit, 0);
    const { lastEventId, conductor } = options;
    const key: RouteKey = { jobId: undefined, conductor, selection: streamSelection(method, options) };
    return this.consume(
      key,
      () =>
        lastEventId === undefined
          ? { events: this.ring.latest(limit, (event) => matchesRoute(key, event)) }
          : this.resumes.plan(lastEventId, key),
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
    requireJobId('jobSnapshot', jobId);
    const key: RouteKey = { jobId, conductor: options.conductor };
    return jobSnapshot(
      () => this.ring.latest(this.ring.capacity, (event) => matchesRoute(key, event)),
      () => this.observerEvents(jobId, 200, options.conductor),
    );
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
    requireJobId('observerEvents', jobId);
    requireLimit('observerEvents', limit, 1);
    const target = conductor ?? this.ring.latest(1, (event) => event.jobId === jobId)[0]?.conductor;
    return observerHistory(() => this.source.observerEvents(jobId, limit, target), {
      onInvalid: (item) => this.intake.skipInvalid('observer history item is not an object', item),
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
      counters: { ...this.tally.counters },
      replay: { size: this.ring.size, capacity: this.ring.capacity },
      lastEventId: this.seq === 0 ? undefined : this.numbering.id(this.seq),
      ...(this.client?.stats === undefined ? {} : { daemon: { skipped: this.client.stats().skipped } }),
      ...(this.numbering.countsConductors ? { conductors: this.tally.conductorStats() } : {}),
    };
  }

  /**
   * The one daemon subscription, shared and refcounted. It emits nothing:
   * while subscribed it validates, numbers, records and routes each daemon
   * event, once, whatever the number of consumers.
   */
  private createConnection(): Observable<never> {
    const { scheduler, reconnect: backoff, connectOnDemand, disconnectGraceMs, replaySize } = this.options;
    return daemonSubscription({
      open: (hooks) =>
        this.source.events({ afterSeq: this.numbering.resumeAfter(this.seq), warm: replaySize }, hooks),
      validate: (event: SourceEvent) => this.validate(event),
      backoff,
      scheduler,
      logger: this.logger,
      setState: (state) => this.setState(state),
      onInterrupted: () => this.tally.counters.reconnects++,
    }).pipe(
      sharedConnection({
        ingest: (event) => this.ingest(event),
        isRunning: () => this.isRunning,
        onIdle: () => this.setState('idle'),
        connectOnDemand,
        disconnectGraceMs,
        scheduler,
      }),
    );
  }

  /**
   * The event numbered, routed and serialised when valid; otherwise counts,
   * logs and returns undefined. A log event at or before the newest one seen
   * (a reconnect's overlap) is dropped silently.
   */
  private validate(event: SourceEvent): BridgeEvent | undefined {
    const seq = this.numbering.next(event, this.seq);
    if (seq === undefined) return undefined;
    const result = this.intake.toBridgeEvent(event, seq);
    if (result !== undefined) this.setState('connected');
    return result;
  }

  private ingest(event: BridgeEvent): void {
    this.seq = event.seq;
    this.tally.ingest(event);
    this.ring.push(event);
    this.router.dispatch(event);
  }

  /**
   * One consumer (see {@link BridgeConsumer.begin}): its backlog, then live
   * events with heartbeats until stop (then `bridge_stopped`). Its reference
   * on the shared daemon connection costs nothing per event: the connection
   * emits nothing.
   */
  private consume<O>(key: RouteKey, backlog: () => Backlog, view: ConsumerView<O>): Observable<O> {
    return new Observable<O>((subscriber) => {
      if (!this.isRunning) return subscriber.complete();
      const consumer = new BridgeConsumer<O>(subscriber, key, this.host, view);
      subscriber.add(consumer);
      this.clock.join(consumer);
      consumer.begin(backlog(), this.seq);
    });
  }

  private setState(state: BridgeState): void {
    if (this.stateSubject.value !== state) this.stateSubject.next(state);
  }
}
