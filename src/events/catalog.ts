/**
 * The conductor's events as types. Types only: the bridge checks daemon
 * events structurally (a `job_id` string, a `data` object …) and nothing
 * here rejects an event at run time. Payload fields are optional unless the
 * conductor always sends them, and every object keeps unknown fields.
 */

/** Fields a payload may carry beyond those typed: kept, typed `unknown`. */
export interface OpenFields {
  readonly [field: string]: unknown;
}

/** `sheet.started`: a sheet's attempt began. */
interface SheetStartedData extends OpenFields {
  readonly instrument?: string;
  /** 1 for the first attempt. */
  readonly attempt?: number;
}

/** `sheet.completed` and `sheet.failed`: how an attempt ended. */
export interface SheetResultData extends OpenFields {
  readonly instrument?: string;
  readonly attempt?: number;
  readonly success?: boolean;
  /** 0 … 100. */
  readonly validation_pass_rate?: number;
  readonly cost_usd?: number;
  readonly duration_seconds?: number;
  readonly rate_limited?: boolean;
  readonly error_classification?: string | null;
  readonly model_used?: string;
}

/** `sheet.retrying`: the next attempt and when it starts. */
interface SheetRetryingData extends OpenFields {
  /** The attempt about to start. */
  readonly attempt?: number;
  readonly delay_seconds?: number;
}

/** `sheet.skipped`. */
interface SheetSkippedData extends OpenFields {
  readonly reason?: string;
}

/** `rate_limit.active`: an instrument is rate-limited. */
interface RateLimitActiveData extends OpenFields {
  readonly instrument?: string;
  readonly seconds_remaining?: number;
}

/** `job.cost_update`: the job's cost so far. */
export interface JobCostUpdateData extends OpenFields {
  readonly total_cost_usd?: number;
}

/** `job.completed` and `job.failed` (sent with `sheet_num` 0). */
interface JobEndedData extends OpenFields {
  readonly all_success?: boolean;
}

/** `monitor.anomaly`: a daemon-wide warning (usually without `job_id`). */
interface MonitorAnomalyData extends OpenFields {
  readonly anomaly_type?: string;
  readonly severity?: string;
  readonly description?: string;
  readonly pid?: number;
  readonly metric_value?: number;
  readonly threshold?: number;
}

/** `observer.*` (sent with `event_type`): what the conductor's observer saw. */
export interface ObserverEventData extends OpenFields {
  readonly path?: string;
}

/**
 * The payload (`data`) of each event name the catalog knows.
 *
 * @example
 * ```ts
 * import type { ConductorEventDataMap } from 'daemon-event-bridge';
 *
 * type Cost = ConductorEventDataMap['job.cost_update']['total_cost_usd']; // number | undefined
 * ```
 */
export interface ConductorEventDataMap {
  'sheet.started': SheetStartedData;
  'sheet.completed': SheetResultData;
  'sheet.failed': SheetResultData;
  'sheet.retrying': SheetRetryingData;
  'sheet.skipped': SheetSkippedData;
  'sheet.partial': OpenFields;
  'rate_limit.active': RateLimitActiveData;
  'job.cost_update': JobCostUpdateData;
  'job.iteration': OpenFields;
  'job.started': OpenFields;
  'job.resuming': OpenFields;
  'job.completed': JobEndedData;
  'job.failed': JobEndedData;
  'monitor.anomaly': MonitorAnomalyData;
  'baton.job.paused': OpenFields;
  'baton.job.resumed': OpenFields;
  'baton.job.cancelled': OpenFields;
  'baton.job.timeout': OpenFields;
}

/** An event name of the catalog. */
export type KnownEventName = keyof ConductorEventDataMap;

/**
 * What `ofEventType` and the `events` option take: a known name (offered by
 * editors), a `prefix.*` pattern, or any other event name.
 */
export type EventSelector = KnownEventName | `${string}.*` | (string & {});

/**
 * One daemon event object as the conductor sends it, with its payload typed
 * as `D`; unknown fields are kept.
 *
 * @example
 * ```ts
 * import type { DaemonEvent, JobCostUpdateData } from 'daemon-event-bridge';
 *
 * const raw: DaemonEvent<JobCostUpdateData> = { job_id: 'nightly', event: 'job.cost_update', data: { total_cost_usd: 1.2 } };
 * ```
 */
export interface DaemonEvent<D extends OpenFields = OpenFields> {
  readonly job_id?: string | null;
  readonly sheet_num?: number | null;
  readonly event?: string | null;
  readonly event_type?: string | null;
  readonly data?: D | null;
  /** Unix seconds. */
  readonly timestamp?: number | null;
  readonly [field: string]: unknown;
}

/**
 * One daemon event on a typed stream: its name (the event's `event`, else
 * `event_type`, else `daemon_event`), its id, its job and the daemon's
 * object, parsed once by the bridge and shared (frozen) by every consumer.
 */
export interface TypedEvent<N extends string = string, D extends OpenFields = OpenFields> {
  readonly type: 'event';
  readonly name: N;
  /** The SSE id (`undefined` for events that were not numbered, such as observer history). */
  readonly id: string | undefined;
  /** The event's `job_id`; `undefined` for daemon-wide events. */
  readonly jobId: string | undefined;
  readonly event: DaemonEvent<D>;
}

type KnownEvents = { [N in KnownEventName]: TypedEvent<N, ConductorEventDataMap[N]> }[KnownEventName];

/**
 * The conductor's events as a union discriminated by `name`: one member per
 * name of {@link ConductorEventDataMap}, `observer.*` and other `baton.*`
 * names, and a fallback for any other name (never dropped, fields kept).
 * Narrow it with `ofEventType`.
 *
 * @example
 * ```ts
 * import type { ConductorEvent } from 'daemon-event-bridge';
 *
 * const label = (e: ConductorEvent) => `${e.jobId ?? 'daemon'}: ${e.name}`;
 * ```
 */
export type ConductorEvent =
  | KnownEvents
  | TypedEvent<`observer.${string}`, ObserverEventData>
  | TypedEvent<`baton.${string}`, OpenFields>
  | TypedEvent<string, OpenFields>;

/**
 * The typed event of `S`, a name or a `prefix.*` pattern (what `ofEventType`
 * narrows to): the catalog's member for a known name; for a pattern, the
 * known members under it and any other name under it.
 *
 * @example
 * ```ts
 * import type { EventOfType } from 'daemon-event-bridge';
 *
 * type Failed = EventOfType<'sheet.failed'>; // TypedEvent<'sheet.failed', SheetResultData>
 * ```
 */
export type EventOfType<S extends string> = S extends `${infer P}.*`
  ? EventsUnder<P>
  : S extends KnownEventName
    ? TypedEvent<S, ConductorEventDataMap[S]>
    : string extends S
      ? ConductorEvent
      : TypedEvent<S, DataOfFamily<S>>;

type EventsUnder<P extends string> =
  | {
      [N in KnownEventName]: N extends `${P}.${string}` ? TypedEvent<N, ConductorEventDataMap[N]> : never;
    }[KnownEventName]
  | TypedEvent<`${P}.${string}`, DataOfFamily<`${P}.`>>;

type DataOfFamily<N extends string> = N extends `observer.${string}` ? ObserverEventData : OpenFields;

/** A heartbeat on a typed stream: nothing was sent for `heartbeatMs`. */
interface HeartbeatControl {
  readonly type: 'heartbeat';
  /** Unix seconds (the bridge's scheduler). */
  readonly timestamp: number;
}

/** The last item of a typed stream when the bridge stops. */
interface BridgeStoppedControl {
  readonly type: 'bridge_stopped';
}

/**
 * Sent instead of a replay that cannot be exact (the `lastEventId` is
 * unknown or expired); live events follow.
 */
export interface StreamResetControl {
  readonly type: 'stream_reset';
  readonly reason: 'unknown_id' | 'expired';
  readonly lastEventId: string;
  readonly message: string;
}

/** The control items of a typed stream, told apart from events by `type`. */
export type BridgeControl = HeartbeatControl | BridgeStoppedControl | StreamResetControl;

/**
 * What a typed stream emits: daemon events (`type: 'event'`) and control items.
 *
 * @example
 * ```ts
 * import type { TypedMessage } from 'daemon-event-bridge';
 *
 * const describe = (m: TypedMessage) => (m.type === 'event' ? `${m.name} #${m.id ?? '-'}` : m.type);
 * ```
 */
export type TypedMessage = ConductorEvent | BridgeControl;
