import type { SkippedLineCounts } from '../daemon/skip-counters.js';
import type { BridgeEvent } from './bridge-consumer.js';
import type { StreamResetReason } from './control-messages.js';

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

/** One conductor as a log-fed bridge has seen it. */
export interface ConductorStats {
  readonly events: number;
  /** ISO 8601 time (the scheduler's clock) the last event arrived. */
  readonly lastEventAt: string;
}

/** The bridge's counters and the conductors it has seen, kept for {@link BridgeStats}. */
export class BridgeTally {
  readonly counters = {
    eventsIn: 0,
    invalidEvents: 0,
    reconnects: 0,
    replayHits: 0,
    resetsExpired: 0,
    resetsUnknownId: 0,
  };
  private readonly conductors = new Map<string, { events: number; lastEventAt: number }>();

  /** One event ingested: counted, and its conductor's count and time updated. */
  ingest(event: BridgeEvent): void {
    this.counters.eventsIn++;
    if (event.conductor === undefined) return;
    const seen = this.conductors.get(event.conductor);
    if (seen === undefined) this.conductors.set(event.conductor, { events: 1, lastEventAt: event.at });
    else {
      seen.events++;
      seen.lastEventAt = event.at;
    }
  }

  /** One resume answered with `stream_reset`. */
  countReset(reason: StreamResetReason): void {
    if (reason === 'expired') this.counters.resetsExpired++;
    else this.counters.resetsUnknownId++;
  }

  /** Each conductor seen, with its event count and the time of its last event. */
  conductorStats(): Record<string, ConductorStats> {
    const out: Record<string, ConductorStats> = {};
    for (const [name, { events, lastEventAt }] of this.conductors) {
      out[name] = { events, lastEventAt: new Date(lastEventAt).toISOString() };
    }
    return out;
  }
}
