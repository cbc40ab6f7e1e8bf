import { defer, map, type Observable, type ObservableInput } from 'rxjs';
import type { DaemonClient, StreamHooks } from '../daemon/daemon-client.js';
import { MONITOR_STREAM_METHOD, OBSERVER_EVENTS_METHOD } from '../daemon/protocol.js';
import type { JsonObject } from '../json.js';

/**
 * One event as a {@link BridgeSource} delivers it: the raw daemon event, and
 * for a log its sequence and the conductor it came from.
 */
export interface SourceEvent {
  readonly raw: unknown;
  /** The log's sequence number; absent when the bridge numbers events itself. */
  readonly seq?: number;
  /** The conductor the event came from, when the source carries several. */
  readonly conductor?: string;
}

/** Which events a log replay keeps. */
export interface ReplayFilter {
  readonly conductor?: string | undefined;
  readonly jobId?: string | undefined;
}

/**
 * Where the bridge's events come from. Two implementations:
 * - the daemon ({@link daemonSource}, `numbering: 'bridge'`): the bridge
 *   numbers events, ids are `<instanceId>-<seq>`, the replay ring is the only
 *   replay;
 * - a log (`numbering: 'log'`, e.g. a JetStream stream): every event carries
 *   the log's sequence, ids are that plain integer, and a resume older than
 *   the ring reads the log with `replay`.
 *
 * @example
 * ```ts
 * import { DaemonEventBridge, daemonSource } from 'daemon-event-bridge';
 *
 * const bridge = new DaemonEventBridge(daemonSource(client));
 * ```
 */
export interface BridgeSource {
  readonly numbering: 'bridge' | 'log';
  /**
   * Cold: each subscription is one connection that emits live events. A log
   * starts after `afterSeq`, or with (up to) the `warm` newest events when
   * `afterSeq` is undefined, and emits events with increasing `seq`.
   */
  events(
    from: { readonly afterSeq: number | undefined; readonly warm: number },
    hooks: StreamHooks,
  ): Observable<SourceEvent>;
  /** One history request; its result is read like `daemon.observer_events`'s. */
  observerEvents(jobId: string, limit: number, conductor: string | undefined): ObservableInput<unknown>;
  /** Log only: the events with `afterSeq < seq <= untilSeq` that pass `filter`, in order, then complete. */
  replay?(afterSeq: number, untilSeq: number, filter: ReplayFilter): Observable<SourceEvent>;
  /** Log only: the oldest and newest sequence the log holds (`firstSeq > lastSeq` when empty). */
  bounds?(): Promise<{ readonly firstSeq: number; readonly lastSeq: number }>;
}

/**
 * The daemon as a {@link BridgeSource}: `streamMethod` for events,
 * `observerMethod` for history; the bridge numbers events.
 */
export function daemonSource(
  client: DaemonClient,
  streamMethod = MONITOR_STREAM_METHOD,
  observerMethod = OBSERVER_EVENTS_METHOD,
): BridgeSource {
  return {
    numbering: 'bridge',
    events: (_from, hooks) =>
      client.stream(streamMethod, {}, hooks).pipe(map((raw: JsonObject) => ({ raw }))),
    observerEvents: (jobId, limit) => defer(() => client.call(observerMethod, { job_id: jobId, limit })),
  };
}

/** True when `input` is a {@link BridgeSource} rather than a `DaemonClient`. */
export function isBridgeSource(input: DaemonClient | BridgeSource): input is BridgeSource {
  return typeof (input as BridgeSource).events === 'function' && 'numbering' in input;
}
