import { z } from 'zod';
import type { DaemonEvent } from '../events/catalog.js';

/**
 * The zod schema of one event of the daemon's bus (the conductor's
 * ObserverEvent). Field types are checked where a field is present; `job_id`
 * may be absent or `null` for daemon-wide events; unknown fields are kept.
 */
export const daemonEventSchema: z.ZodType<DaemonEvent> = z.looseObject({
  job_id: z.string().nullish(),
  sheet_num: z.number().int().nullish(),
  event: z.string().nullish(),
  event_type: z.string().nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
  timestamp: z.number().nullish(),
});

/**
 * True exactly when {@link daemonEventSchema} accepts `value`, without
 * building zod's result (cheaper per event: BENCHMARKS.md). The schema stays the
 * boundary and the source of error messages: run it when this returns false.
 * `spec/daemon/daemon-event.spec.ts` checks that both agree on arbitrary input.
 */
export function isDaemonEvent(value: unknown): value is DaemonEvent {
  if (!isObject(value)) return false;
  const event = value as Record<string, unknown>;
  // Literal `typeof` tests: V8 compiles each to one type check, with no type name to compare.
  let field = event['job_id'];
  if (field != null && typeof field !== 'string') return false;
  field = event['event'];
  if (field != null && typeof field !== 'string') return false;
  field = event['event_type'];
  if (field != null && typeof field !== 'string') return false;
  field = event['sheet_num'];
  if (field != null && !Number.isSafeInteger(field)) return false;
  field = event['timestamp'];
  if (field != null && !Number.isFinite(field)) return false;
  return isRecordOrNullish(event['data']);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** zod 4's `z.record(z.string(), …)`: a plain object (its test, verbatim) without enumerable symbol keys. */
function isRecordOrNullish(value: unknown): boolean {
  if (value == null) return true;
  if (!isObject(value)) return false;
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  if (ctor !== undefined && typeof ctor === 'function') {
    const prototype: unknown = (ctor as { prototype?: unknown }).prototype;
    if (!isObject(prototype) || !Object.prototype.hasOwnProperty.call(prototype, 'isPrototypeOf'))
      return false;
  }
  for (const key of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, key)) return false;
  }
  return true;
}
