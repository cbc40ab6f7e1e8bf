import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  asyncScheduler,
  firstValueFrom,
  Observable,
  Subject,
  takeUntil,
  timer,
  type SchedulerLike,
} from 'rxjs';
import type { BridgeSource, ReplayFilter, SourceEvent } from '../bridge/event-source.js';
import type { StreamHooks } from '../daemon/daemon-client.js';
import { describeError } from '../errors.js';
import { backoffDelay } from '../operators/backoff.js';
import { silentLogger, type BridgeLogger } from '../logger.js';
import { parseOptions } from '../options.js';
import { natsLogOptionsSchema } from './relay-options.js';
import { isTransientNatsError } from './retry.js';
import { eventFilter, observerSubject, parseEventSubject } from './subjects.js';

/**
 * Options of {@link JetStreamEventLog}; all optional.
 *
 * @example
 * ```ts
 * import { JetStreamEventLog } from 'daemon-event-bridge/nats';
 *
 * new JetStreamEventLog(nc, { prefix: 'deb', stream: 'DEB_EVENTS', logger });
 * ```
 */
export interface JetStreamEventLogOptions {
  /** Subject prefix. `deb`. */
  prefix?: string;
  /** Stream name. `DEB_EVENTS`. */
  stream?: string;
  logger?: BridgeLogger;
  /** Backoff timers between consumer rebuilds. `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/**
 * Stops `messages` (so the caller rebuilds the consumer from the last
 * delivered sequence) when the consumer is gone or silent: two missed
 * heartbeats, or the consumer or stream not found. An ephemeral consumer on
 * a node that died otherwise never recovers, whatever the client retries.
 */
function watchdog(messages: ConsumerMessages): void {
  void (async () => {
    for await (const status of messages.status()) {
      const gone =
        (status.type === 'heartbeats_missed' && status.count >= 2) ||
        status.type === 'consumer_not_found' ||
        status.type === 'consumer_deleted' ||
        status.type === 'stream_not_found';
      if (gone) {
        messages.stop();
        return;
      }
    }
  })().catch(() => messages.stop());
}

/** The pull options every consumer uses: short expiry and heartbeats, so a stall after a server restart is seen in seconds. */
const CONSUME = { expires: 5_000, idle_heartbeat: 1_000 } as const;
/** How long a history request waits for the relay. */
const HISTORY_TIMEOUT_MS = 5_000;
/** The backoff between consumer rebuilds. */
const REBUILD_BACKOFF = { initialDelayMs: 100, maxDelayMs: 2_000 } as const;

/**
 * A JetStream stream of conductor events as a bridge source (`numbering:
 * 'log'`): SSE ids are stream sequences, the same on every gateway replica
 * and across restarts. Live events come from an ordered (ephemeral)
 * consumer, rebuilt from the last delivered sequence after a reconnect or an
 * error; `replay` reads a range for a resume older than the bridge's ring;
 * history requests go to the job's conductor over request/reply.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { DaemonEventBridge } from 'daemon-event-bridge';
 * import { JetStreamEventLog } from 'daemon-event-bridge/nats';
 *
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222', maxReconnectAttempts: -1 });
 * const bridge = new DaemonEventBridge(new JetStreamEventLog(nc));
 * bridge.start();
 * ```
 */
export class JetStreamEventLog implements BridgeSource {
  readonly numbering = 'log' as const;
  private readonly prefix: string;
  private readonly stream: string;
  private readonly logger: BridgeLogger;
  private readonly scheduler: SchedulerLike;
  private readonly js: JetStreamClient;

  constructor(
    private readonly nc: NatsConnection,
    options: JetStreamEventLogOptions = {},
  ) {
    const resolved = parseOptions(natsLogOptionsSchema, options, 'JetStream log');
    this.prefix = resolved.prefix;
    this.stream = resolved.stream;
    this.logger = resolved.logger ?? silentLogger;
    this.scheduler = resolved.scheduler ?? asyncScheduler;
    this.js = jetstream(nc);
  }

  /**
   * Live events after `afterSeq` (or the `warm` newest first), forever: the
   * consumer is rebuilt from the last delivered sequence whenever NATS
   * reconnects or the consumer fails, with a backoff; a stream that does not
   * exist yet, or JetStream not answering yet, is waited for.
   */
  events(
    from: { readonly afterSeq: number | undefined; readonly warm: number },
    hooks: StreamHooks = {},
  ): Observable<SourceEvent> {
    return new Observable<SourceEvent>((subscriber) => {
      const stop = new Subject<void>();
      let last = from.afterSeq;
      let current: ConsumerMessages | undefined;
      let stopped = false;
      const status = this.nc.status();
      void (async () => {
        for await (const s of status) {
          if (s.type === 'reconnect') current?.stop();
        }
      })();
      const run = async () => {
        for (let attempt = 0; !stopped; attempt++) {
          try {
            const start = last !== undefined ? last + 1 : await this.warmStart(from.warm);
            const messages = await this.open(eventFilter(this.prefix), start);
            if (stopped) {
              messages.stop();
              break;
            }
            current = messages;
            watchdog(messages);
            hooks.onOpen?.();
            attempt = 0;
            for await (const m of messages) {
              last = m.seq;
              subscriber.next(this.decode(m));
            }
          } catch (error) {
            const level = isTransientNatsError(error) ? 'debug' : 'warn';
            this.logger[level]('JetStream consumer failed; rebuilding', {
              error: describeError(error),
              attempt,
            });
          }
          current = undefined;
          if (stopped) break;
          const delayMs = backoffDelay(REBUILD_BACKOFF, attempt + 1);
          await firstValueFrom(timer(delayMs, this.scheduler).pipe(takeUntil(stop)), { defaultValue: 0 });
        }
      };
      void run();
      return () => {
        stopped = true;
        stop.next();
        current?.stop();
        (status as { stop?: () => void }).stop?.();
      };
    });
  }

  /** The events with `afterSeq < seq <= untilSeq` that pass `filter` (by subject), in order, then complete. */
  replay(afterSeq: number, untilSeq: number, filter: ReplayFilter): Observable<SourceEvent> {
    return new Observable<SourceEvent>((subscriber) => {
      let messages: ConsumerMessages | undefined;
      let closed = false;
      void (async () => {
        const subject = eventFilter(this.prefix, filter.conductor, filter.jobId);
        const consumer = await this.js.consumers.get(this.stream, {
          filter_subjects: subject,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: afterSeq + 1,
        });
        if ((await consumer.info(true)).num_pending === 0 || closed) return;
        messages = await consumer.consume(CONSUME);
        if (closed) return;
        for await (const m of messages) {
          if (m.seq > untilSeq) break;
          subscriber.next(this.decode(m));
          if (m.seq === untilSeq || m.info.pending === 0) break;
        }
      })().then(
        () => {
          messages?.stop();
          subscriber.complete();
        },
        (error: unknown) => {
          messages?.stop();
          subscriber.error(error);
        },
      );
      return () => {
        closed = true;
        messages?.stop();
      };
    });
  }

  /** The oldest and newest sequence the stream holds. */
  async bounds(): Promise<{ firstSeq: number; lastSeq: number }> {
    const jsm = await jetstreamManager(this.nc);
    const { state } = await jsm.streams.info(this.stream);
    return { firstSeq: state.first_seq, lastSeq: state.last_seq };
  }

  /**
   * One history request to `conductor`'s relay. Without a conductor, or
   * without a relay answering (NATS says "no responders" at once), it fails,
   * which the bridge turns into `[]`.
   */
  async observerEvents(jobId: string, limit: number, conductor: string | undefined): Promise<unknown> {
    if (conductor === undefined) throw new Error(`no conductor known for job ${JSON.stringify(jobId)}`);
    try {
      const reply = await this.nc.request(
        observerSubject(this.prefix, conductor),
        JSON.stringify({ job_id: jobId, limit }),
        {
          timeout: HISTORY_TIMEOUT_MS,
        },
      );
      return reply.json<unknown>();
    } catch (error) {
      this.logger.warn('history request failed', { conductor, jobId, error: describeError(error) });
      throw error;
    }
  }

  /** Where a fresh follower starts: `warm` events before the end, or the end. */
  private async warmStart(warm: number): Promise<number> {
    const { firstSeq, lastSeq } = await this.bounds();
    return Math.max(firstSeq, lastSeq - warm + 1, 1);
  }

  private async open(subject: string, startSeq: number): Promise<ConsumerMessages> {
    const consumer = await this.js.consumers.get(this.stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
    });
    return consumer.consume(CONSUME);
  }

  private decode(m: JsMsg): SourceEvent {
    const parts = parseEventSubject(this.prefix, m.subject);
    let raw: unknown;
    try {
      raw = m.json<unknown>();
    } catch {
      raw = m.string();
    }
    return parts === undefined ? { raw, seq: m.seq } : { raw, seq: m.seq, conductor: parts.conductor };
  }
}
