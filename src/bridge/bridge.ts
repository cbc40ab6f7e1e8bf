import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  BehaviorSubject,
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
  Subject,
  tap,
  timer,
  type Subscription,
} from 'rxjs';
import type { DaemonClient } from '../daemon/daemon-client.js';
import { daemonEventSchema } from '../daemon/daemon-event.js';
import type { SkippedLineCounts } from '../daemon/skip-counters.js';
import { describeError, InvalidArgumentError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { silentLogger, type BridgeLogger } from '../logger.js';
import type { SseMessage } from '../sse/message.js';
import { markReceived } from '../sse/received-at.js';
import { toSseMessage } from './to-sse-message.js';
import { BRIDGE_STOPPED, heartbeatMessage, streamResetMessage } from './control-messages.js';
import { endOn } from '../operators/end-on.js';
import { EventRouter } from './event-router.js';
import { heartbeat } from '../operators/heartbeat.js';
import { observerHistory } from './observer-history.js';
import { resolveBridgeOptions, type BridgeOptions, type ResolvedBridgeOptions } from './bridge-options.js';
import { reconnect } from '../operators/reconnect.js';
import { ReplayRing } from './replay-ring.js';

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
}

/** One daemon event as the bridge keeps it: numbered, routed and serialised once. */
interface BridgeEvent {
  readonly seq: number;
  readonly jobId: string | undefined;
  readonly message: SseMessage;
}

/** What a consumer replays before it goes live. */
type Backlog = { readonly events: readonly BridgeEvent[]; readonly notice?: SseMessage };

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
  private readonly stopSignal = new Subject<void>();
  private readonly stateSubject = new BehaviorSubject<BridgeState>('idle');
  private readonly connection$: Observable<never>;
  private runningConnection: Subscription | undefined;
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

  /**
   * The bridge's state, replaying the current one to each subscriber and
   * then every change.
   */
  readonly state$: Observable<BridgeState> = this.stateSubject.pipe(distinctUntilChanged());

  /**
   * @param client The daemon connection, e.g. a {@link UnixSocketDaemonClient}.
   * @param options See {@link BridgeOptions}; a bad option throws {@link InvalidOptionsError}.
   */
  constructor(
    private readonly client: DaemonClient,
    options?: BridgeOptions,
  ) {
    this.options = resolveBridgeOptions(options);
    this.logger = this.options.logger ?? silentLogger;
    this.instanceId = this.options.instanceId ?? randomBytes(4).toString('hex');
    this.ring = new ReplayRing(this.options.replaySize);
    this.connection$ = this.createConnection();
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
    this.stopSignal.next();
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
  jobEvents(jobId: string, options: ResumeOptions = {}): Observable<SseMessage> {
    if (typeof jobId !== 'string' || jobId === '') {
      throw new InvalidArgumentError('jobEvents(jobId): jobId must be a non-empty string');
    }
    const { lastEventId } = options;
    return this.consume(jobId, () =>
      lastEventId === undefined ? { events: [] } : this.resume(lastEventId, (event) => event.jobId === jobId),
    );
  }

  /**
   * Every live SSE message, with heartbeats, after replaying the `limit`
   * most recent events (default 50; 0 = live only). With `lastEventId`,
   * replays exactly the events after that id instead (or one `stream_reset`).
   * Completes at once when the bridge is not running.
   *
   * @example
   * ```ts
   * bridge.allEvents(50).subscribe((message) => res.write(encodeSse(message)));
   * ```
   */
  allEvents(limit = 50, options: ResumeOptions = {}): Observable<SseMessage> {
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new InvalidArgumentError(
        `allEvents(limit): limit must be a non-negative integer, got ${String(limit)}`,
      );
    }
    const { lastEventId } = options;
    return this.consume(undefined, () =>
      lastEventId === undefined ? { events: this.ring.latest(limit) } : this.resume(lastEventId),
    );
  }

  /**
   * The recent observer events of one job: one `daemon.observer_events` call
   * per subscription, one emission, then complete. Never errors: a failure
   * yields `[]`.
   *
   * @example
   * ```ts
   * const history = await firstValueFrom(bridge.observerEvents('nightly-refactor', 20));
   * ```
   */
  observerEvents(jobId: string, limit = 20): Observable<JsonObject[]> {
    if (typeof jobId !== 'string' || jobId === '') {
      throw new InvalidArgumentError('observerEvents(jobId): jobId must be a non-empty string');
    }
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidArgumentError(
        `observerEvents(limit): limit must be a positive integer, got ${String(limit)}`,
      );
    }
    return observerHistory(this.client, this.options.observerMethod, jobId, limit, {
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
      ...(this.client.stats === undefined ? {} : { daemon: { skipped: this.client.stats().skipped } }),
    };
  }

  /**
   * The one daemon subscription, shared and refcounted. It emits nothing:
   * while subscribed it validates, numbers, records and routes each daemon
   * event, once, whatever the number of consumers.
   */
  private createConnection(): Observable<never> {
    const { scheduler, streamMethod, reconnect: backoff, connectOnDemand, disconnectGraceMs } = this.options;
    return defer(() => {
      this.setState(this.stateSubject.value === 'reconnecting' ? 'reconnecting' : 'connecting');
      return this.client.stream(streamMethod, {}, { onOpen: () => this.setState('connected') });
    }).pipe(
      map((raw: unknown) => this.validate(raw)),
      filter((raw): raw is JsonObject => raw !== undefined),
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
      tap((raw) => this.ingest(raw)),
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

  /** Returns the raw event when valid; otherwise counts, logs and returns undefined. */
  private validate(raw: unknown): JsonObject | undefined {
    const result = daemonEventSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      this.skipInvalid(`invalid daemon event skipped (${where}${issue?.message ?? 'invalid'})`, raw);
      return undefined;
    }
    this.setState('connected');
    return raw as JsonObject;
  }

  private ingest(raw: JsonObject): void {
    let message: SseMessage;
    const seq = this.seq + 1;
    try {
      message = Object.freeze(toSseMessage(raw, this.eventId(seq)));
      markReceived(message, performance.now());
    } catch (error) {
      this.skipInvalid(`daemon event cannot be serialised (${describeError(error)})`, undefined);
      return;
    }
    this.seq = seq;
    this.counters.eventsIn++;
    const jobId = typeof raw['job_id'] === 'string' ? raw['job_id'] : undefined;
    const event: BridgeEvent = { seq, jobId, message };
    this.ring.push(event);
    this.router.dispatch(event);
  }

  private skipInvalid(reason: string, raw: unknown): void {
    this.counters.invalidEvents++;
    this.logger.warn(reason, { invalidEvents: this.counters.invalidEvents, sample: truncatedJson(raw) });
  }

  /**
   * One consumer: its route, with heartbeats, until stop (then `bridge_stopped`).
   */
  private consume(jobId: string | undefined, backlog: () => Backlog): Observable<SseMessage> {
    const { heartbeatMs, scheduler } = this.options;
    return defer(() => (this.isRunning ? this.route(jobId, backlog) : EMPTY)).pipe(
      heartbeat(heartbeatMs, () => heartbeatMessage(scheduler), scheduler),
      endOn(this.stopSignal, BRIDGE_STOPPED),
    );
  }

  /**
   * A consumer's messages: its backlog, then its live route in the router.
   * It holds a reference on the shared daemon connection while subscribed
   * (which emits nothing, so holding it costs nothing per event).
   */
  private route(jobId: string | undefined, backlog: () => Backlog): Observable<SseMessage> {
    return new Observable<SseMessage>((subscriber) => {
      const { events, notice } = backlog();
      if (notice !== undefined) subscriber.next(notice);
      for (const event of events) subscriber.next(event.message);
      subscriber.add(this.router.add(jobId, (event) => subscriber.next(event.message), this.seq));
      subscriber.add(this.connection$.subscribe());
    });
  }

  /** The backlog for a resume after `lastEventId`: exactly the events after it, or a `stream_reset`. */
  private resume(lastEventId: string, predicate?: (event: BridgeEvent) => boolean): Backlog {
    const seq = this.parseEventId(lastEventId);
    if (seq === undefined || seq > this.seq) {
      this.counters.resetsUnknownId++;
      return { events: [], notice: streamResetMessage('unknown_id', lastEventId) };
    }
    const oldestKept = this.ring.firstSeq ?? this.seq + 1;
    if (seq < oldestKept - 1) {
      this.counters.resetsExpired++;
      return { events: [], notice: streamResetMessage('expired', lastEventId) };
    }
    this.counters.replayHits++;
    return { events: this.ring.after(seq, predicate) };
  }

  private eventId(seq: number): string {
    return `${this.instanceId}-${seq}`;
  }

  private parseEventId(id: string): number | undefined {
    const prefix = `${this.instanceId}-`;
    if (typeof id !== 'string' || !id.startsWith(prefix)) return undefined;
    const digits = id.slice(prefix.length);
    if (!/^\d{1,15}$/.test(digits)) return undefined;
    return Number(digits);
  }

  private setState(state: BridgeState): void {
    if (this.stateSubject.value !== state) this.stateSubject.next(state);
  }
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
