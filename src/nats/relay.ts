import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription as NatsSubscription } from '@nats-io/transport-node';
import {
  asyncScheduler,
  firstValueFrom,
  from,
  lastValueFrom,
  race,
  Subject,
  Subscription,
  takeUntil,
  timer,
  type SchedulerLike,
} from 'rxjs';
import { backoffDelay } from '../operators/backoff.js';
import { daemonSubscription } from '../bridge/daemon-subscription.js';
import type { DaemonClient } from '../daemon/daemon-client.js';
import { isDaemonEvent } from '../daemon/daemon-event.js';
import { describeError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { silentLogger, type BridgeLogger } from '../logger.js';
import type { AckListener } from './ack-tracker.js';
import { JetStreamPublishError } from './errors.js';
import { JetStreamPublisher } from './jetstream-publisher.js';
import { PublishBuffer, type PendingPublish } from './publish-buffer.js';
import {
  resolveNatsRelayOptions,
  type NatsRelayOptions,
  type ResolvedNatsRelayOptions,
} from './relay-options.js';
import { retryTransient } from './retry.js';
import { ensureStream } from './stream.js';
import { eventSubject, observerSubject } from './subjects.js';

/** A snapshot of a relay for health checks and logs. */
export interface NatsRelayStats {
  readonly running: boolean;
  readonly daemon: 'connecting' | 'connected' | 'reconnecting' | 'stopped';
  readonly buffered: { readonly events: number; readonly bytes: number };
  readonly counters: {
    /** Valid daemon events received. */
    readonly eventsIn: number;
    /** Events JetStream acknowledged (duplicates included). */
    readonly published: number;
    /** Acks that JetStream marked as duplicates (a retry of a stored event). */
    readonly duplicates: number;
    /** Events dropped because the buffer was full. */
    readonly dropped: number;
    /** Daemon events skipped as malformed. */
    readonly invalidEvents: number;
    /** Daemon stream interruptions. */
    readonly daemonReconnects: number;
    /** Batches that failed to publish and were retried. */
    readonly publishRetries: number;
    /** History requests answered. */
    readonly observerRequests: number;
  };
}

const encoder = new TextEncoder();

/** How long a publish waits for its ack before it counts as failed (`js.publish()`'s default). */
const ACK_TIMEOUT_MS = 5_000;

/**
 * Relays one conductor's daemon events into a JetStream stream, and answers
 * history requests for it.
 *
 * Each daemon event goes to `<prefix>.<conductor>.events.<job token>` with a
 * `msgID`, so a retried publish is stored once. While NATS is unreachable
 * events wait in a buffer bounded by count and bytes and are published in
 * order when it is back; events beyond the bounds are dropped, counted and
 * logged. The stream is created if missing, never deleted. Requests on
 * `<prefix>.<conductor>.rpc.observer_events` (`{"job_id", "limit"}`) are
 * answered with the daemon's `daemon.observer_events` result.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { UnixSocketDaemonClient } from 'daemon-event-bridge';
 * import { NatsRelay } from 'daemon-event-bridge/nats';
 *
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222', maxReconnectAttempts: -1 });
 * const relay = new NatsRelay(new UnixSocketDaemonClient('/tmp/marianne.sock'), nc, { conductor: 'host-a' });
 * await relay.start();
 * // later
 * await relay.stop();
 * ```
 */
export class NatsRelay {
  private readonly options: ResolvedNatsRelayOptions;
  private readonly logger: BridgeLogger;
  private readonly scheduler: SchedulerLike;
  private readonly buffer: PublishBuffer;
  private readonly msgIdPrefix: string;
  private publisher: JetStreamPublisher | undefined;
  private subscription = new Subscription();
  private rpc: NatsSubscription | undefined;
  private readonly stopped = new Subject<void>();
  private isRunning = false;
  private pumping: Promise<void> | undefined;
  private seq = 0;
  private dropping = false;
  private daemonState: NatsRelayStats['daemon'] = 'stopped';
  private counters = {
    eventsIn: 0,
    published: 0,
    duplicates: 0,
    dropped: 0,
    invalidEvents: 0,
    daemonReconnects: 0,
    publishRetries: 0,
    observerRequests: 0,
  };

  /**
   * @param client The conductor's daemon, e.g. a `UnixSocketDaemonClient`.
   * @param nc A NATS connection; connect with `maxReconnectAttempts: -1` so it never gives up.
   */
  constructor(
    private readonly client: DaemonClient,
    private readonly nc: NatsConnection,
    options: NatsRelayOptions,
  ) {
    this.options = resolveNatsRelayOptions(options);
    this.logger = this.options.logger ?? silentLogger;
    this.scheduler = this.options.scheduler ?? asyncScheduler;
    this.msgIdPrefix = `${this.options.conductor}-${randomBytes(4).toString('hex')}-`;
    this.buffer = new PublishBuffer(this.options.bufferMaxEvents, this.options.bufferMaxBytes);
  }

  /**
   * Answers history requests, subscribes to the daemon, and resolves once the
   * stream exists (created if missing; retried while JetStream is not ready).
   * Events that arrive before that are buffered.
   */
  async start(): Promise<void> {
    if (this.isRunning) return;
    this.isRunning = true;
    this.rpc = this.nc.subscribe(observerSubject(this.options.prefix, this.options.conductor), {
      callback: (error, msg) => {
        if (error === null) void this.answerHistory(msg);
      },
    });
    this.publisher = new JetStreamPublisher(this.nc, ACK_TIMEOUT_MS, this.scheduler);
    this.subscription = this.subscribeDaemon();
    const { stream, prefix, maxMsgs, maxAgeMs, maxBytes, replicas } = this.options;
    const info = await lastValueFrom(
      retryTransient(
        async () =>
          ensureStream(await jetstreamManager(this.nc), stream, prefix, {
            maxMsgs,
            maxAgeMs,
            maxBytes,
            replicas,
          }),
        {
          initialDelayMs: 250,
          maxDelayMs: 2_000,
          scheduler: this.scheduler,
          onRetry: (error, attempt) =>
            this.logger.debug('JetStream not ready; retrying', { error: describeError(error), attempt }),
        },
      ),
    );
    this.logger.info('relay started', {
      conductor: this.options.conductor,
      stream: info.config.name,
      subjects: info.config.subjects,
      messages: info.state.messages,
    });
    this.kick();
  }

  /**
   * Stops reading the daemon and answering requests, then tries once to
   * publish what is buffered (bounded by `timeoutMs`). The NATS connection
   * stays open: it is the caller's.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (!this.isRunning) return;
    this.isRunning = false;
    this.subscription.unsubscribe();
    this.rpc?.unsubscribe();
    this.daemonState = 'stopped';
    this.stopped.next();
    if (this.pumping !== undefined) {
      await firstValueFrom(race(from(this.pumping), timer(timeoutMs, this.scheduler)), {
        defaultValue: undefined,
      });
    }
    // what is still in flight fails (`closed`) and stays buffered
    this.publisher?.close();
    this.publisher = undefined;
    this.logger.info('relay stopped', { ...this.counters, buffered: this.buffer.size });
  }

  /** A snapshot of the buffer and counters. */
  stats(): NatsRelayStats {
    return {
      running: this.isRunning,
      daemon: this.daemonState,
      buffered: { events: this.buffer.size, bytes: this.buffer.bytes },
      counters: { ...this.counters },
    };
  }

  private subscribeDaemon(): Subscription {
    const { streamMethod, reconnect: backoff } = this.options;
    return daemonSubscription({
      open: (hooks) => this.client.stream(streamMethod, {}, hooks),
      validate: (raw: unknown) => this.validate(raw),
      backoff,
      scheduler: this.scheduler,
      logger: this.logger,
      setState: (state) => (this.daemonState = state),
      onInterrupted: () => this.counters.daemonReconnects++,
    }).subscribe((raw) => this.enqueue(raw));
  }

  private validate(raw: unknown): JsonObject | undefined {
    if (isDaemonEvent(raw)) return raw;
    this.counters.invalidEvents++;
    this.logger.warn('invalid daemon event skipped', { invalidEvents: this.counters.invalidEvents });
    return undefined;
  }

  private enqueue(raw: JsonObject): void {
    this.counters.eventsIn++;
    const jobId = typeof raw['job_id'] === 'string' ? raw['job_id'] : undefined;
    const item: PendingPublish = {
      subject: eventSubject(this.options.prefix, this.options.conductor, jobId),
      payload: encoder.encode(JSON.stringify(raw)),
      msgId: this.msgIdPrefix + ++this.seq,
    };
    if (this.buffer.push(item)) {
      if (this.dropping) {
        this.dropping = false;
        this.logger.warn('relay buffer has room again', { dropped: this.counters.dropped });
      }
      this.kick();
      return;
    }
    this.counters.dropped++;
    if (!this.dropping) {
      this.dropping = true;
      this.logger.error('relay buffer full; dropping new events until NATS catches up', {
        bufferedEvents: this.buffer.size,
        bufferedBytes: this.buffer.bytes,
        dropped: this.counters.dropped,
      });
    }
  }

  /** Starts the publishing loop unless it runs. */
  private kick(): void {
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
      if (this.isRunning && this.buffer.size > 0) this.kick();
    });
  }

  /**
   * Publishes the buffer in order with up to `maxInFlight` publishes
   * outstanding (a sliding window: each acknowledgement lets the next event
   * go). What failed goes back to the head and is retried after a backoff,
   * alone until JetStream acknowledges again, so a retry is not overtaken by
   * a later event that happens to succeed first (its `msgID` makes a retry of
   * something already stored a duplicate, not a second copy).
   */
  private async pump(): Promise<void> {
    let failures = 0;
    while (this.buffer.size > 0) {
      // after a failure one event probes alone; the window opens again once it is acknowledged
      const probe = failures > 0;
      const { failed, error } = await this.publishWindow(
        probe ? 1 : this.options.maxInFlight,
        probe ? 1 : Number.POSITIVE_INFINITY,
      );
      this.buffer.requeue(failed);
      if (failed.length === 0) {
        if (failures > 0) this.logger.info('publishing to JetStream again', { buffered: this.buffer.size });
        failures = 0;
        continue;
      }
      if (!this.isRunning) return;
      this.counters.publishRetries++;
      failures++;
      const delayMs = backoffDelay(this.options.reconnect, failures);
      this.logger.warn('publish to JetStream failed; buffering and retrying', {
        error: describeError(error),
        buffered: this.buffer.size,
        delayMs,
      });
      await firstValueFrom(timer(delayMs, this.scheduler).pipe(takeUntil(this.stopped)), { defaultValue: 0 });
    }
  }

  /**
   * Keeps up to `window` publishes in flight, taking events from the buffer's
   * head (new arrivals included) until it is empty, `limit` events were sent
   * or one publish fails; then waits for those in flight and resolves with
   * the failed ones in buffer order.
   */
  private publishWindow(
    window: number,
    limit: number,
  ): Promise<{ failed: PendingPublish[]; error: unknown }> {
    return new Promise((resolve) => {
      const failed: { item: PendingPublish; order: number }[] = [];
      let firstError: unknown;
      let sent = 0;
      let inFlight = 0;
      const fail = (item: PendingPublish, error: unknown, order: number): void => {
        if (failed.push({ item, order }) === 1) firstError = error;
      };
      const fill = (): void => {
        const publisher = this.publisher;
        while (failed.length === 0 && inFlight < window && sent < limit) {
          const item = this.buffer.shift();
          if (item === undefined) break;
          sent++;
          try {
            if (publisher === undefined) throw new JetStreamPublishError('closed', 'the relay is stopped');
            publisher.publish(item, listener);
            inFlight++;
          } catch (error) {
            // refused at once (connection closed or draining): nothing after it was sent
            fail(item, error, Number.MAX_SAFE_INTEGER);
          }
        }
        if (inFlight === 0) {
          failed.sort((a, b) => a.order - b.order);
          resolve({ failed: failed.map((f) => f.item), error: firstError });
        }
      };
      const listener: AckListener<PendingPublish> = {
        acked: (item, duplicate) => {
          this.buffer.settled(item);
          this.counters.published++;
          if (duplicate) this.counters.duplicates++;
          inFlight--;
          fill();
        },
        failed: (item, error, id) => {
          fail(item, error, id);
          inFlight--;
          fill();
        },
      };
      fill();
    });
  }

  private async answerHistory(msg: Msg): Promise<void> {
    this.counters.observerRequests++;
    let reply: unknown;
    try {
      const request: unknown = msg.json();
      if (!isJsonObject(request) || typeof request['job_id'] !== 'string')
        throw new Error('expected {"job_id": string, "limit"?: number}');
      const limit = typeof request['limit'] === 'number' ? request['limit'] : 20;
      reply = await firstValueFrom(
        from(this.client.call(this.options.observerMethod, { job_id: request['job_id'], limit })),
      );
    } catch (error) {
      this.logger.warn('history request failed', { error: describeError(error) });
      reply = { error: describeError(error) };
    }
    msg.respond(JSON.stringify(reply ?? null));
  }
}
