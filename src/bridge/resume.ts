import { catchError, defer, EMPTY, filter, map, of, switchMap, type Observable } from 'rxjs';
import { describeError } from '../errors.js';
import type { BridgeLogger } from '../logger.js';
import type { SseMessage } from '../sse/message.js';
import { matchesRoute, type Backlog, type BridgeEvent, type RouteKey } from './bridge-consumer.js';
import type { BridgeTally } from './bridge-stats.js';
import { streamResetMessage, type StreamResetReason } from './control-messages.js';
import type { EventIntake } from './event-intake.js';
import type { EventNumbering } from './event-numbering.js';
import type { BridgeSource } from './event-source.js';
import type { ReplayRing } from './replay-ring.js';

/** What a {@link ResumePlanner} reads of its bridge. */
export interface ResumeContext {
  readonly ring: ReplayRing<BridgeEvent>;
  readonly source: BridgeSource;
  readonly numbering: EventNumbering;
  readonly intake: EventIntake;
  readonly tally: BridgeTally;
  readonly logger: BridgeLogger;
  /** The sequence of the newest event the bridge has (0: none). */
  newestSeq(): number;
}

/**
 * Plans a resume after a `Last-Event-ID`: exactly the events after it, from
 * the replay ring or (a log older than the ring) from the log, or one
 * `stream_reset` when the id is unknown or expired. Counts hits and resets.
 */
export class ResumePlanner {
  constructor(private readonly context: ResumeContext) {}

  /** The backlog for a resume after `lastEventId`. */
  plan(lastEventId: string, key: RouteKey): Backlog {
    const { ring, numbering, tally } = this.context;
    const newest = this.context.newestSeq();
    const seq = numbering.parse(lastEventId);
    if (seq === undefined) return this.reset('unknown_id', lastEventId);
    const oldestKept = ring.firstSeq ?? newest + 1;
    const inRing = seq <= newest && seq >= oldestKept - 1 && ring.size > 0;
    if (numbering.replaysFromSource && !inRing) {
      return { events: [], later: this.replayLog(seq, lastEventId, key), afterSeq: Math.max(seq, newest) };
    }
    if (seq > newest) return this.reset('unknown_id', lastEventId);
    if (seq < oldestKept - 1) return this.reset('expired', lastEventId);
    tally.counters.replayHits++;
    return { events: ring.after(seq, (event) => matchesRoute(key, event)) };
  }

  /** A `stream_reset` backlog, counted by reason. */
  private reset(reason: StreamResetReason, lastEventId: string): Backlog {
    this.context.tally.countReset(reason);
    return { events: [], notice: streamResetMessage(reason, lastEventId) };
  }

  /** A `stream_reset` message of a log replay, counted by reason. */
  private resetMessage(reason: StreamResetReason, lastEventId: string): Observable<SseMessage> {
    return defer(() => {
      this.context.tally.countReset(reason);
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
    const { source, intake, tally, logger } = this.context;
    const untilSeq = this.context.newestSeq();
    if (source.replay === undefined || source.bounds === undefined) {
      return this.resetMessage('expired', lastEventId);
    }
    return defer(() => source.bounds!()).pipe(
      switchMap(({ firstSeq, lastSeq }) => {
        if (afterSeq > Math.max(lastSeq, untilSeq)) return this.resetMessage('unknown_id', lastEventId);
        if (afterSeq < firstSeq - 1) return this.resetMessage('expired', lastEventId);
        if (afterSeq >= untilSeq) return EMPTY;
        tally.counters.replayHits++;
        return source.replay!(afterSeq, untilSeq, key).pipe(
          map((event) => (event.seq === undefined ? undefined : intake.toBridgeEvent(event, event.seq))),
          filter((event): event is BridgeEvent => event !== undefined && matchesRoute(key, event)),
          map((event) => event.message),
        );
      }),
      catchError((error: unknown) => {
        logger.warn('log replay failed; resetting the stream', {
          lastEventId,
          error: describeError(error),
        });
        tally.countReset('expired');
        return of(streamResetMessage('expired', lastEventId));
      }),
    );
  }
}
