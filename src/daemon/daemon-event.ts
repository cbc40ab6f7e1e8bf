import { z } from 'zod';

/**
 * The zod schema of one event of the daemon's bus (the conductor's
 * ObserverEvent). Field types are checked where a field is present; `job_id`
 * may be absent or `null` for daemon-wide events; unknown fields are kept.
 *
 * @example
 * ```ts
 * import { daemonEventSchema } from './daemon-event.js';
 *
 * const result = daemonEventSchema.safeParse(params);
 * if (!result.success) skipped++;
 * ```
 */
export const daemonEventSchema = z.looseObject({
  job_id: z.string().nullish(),
  sheet_num: z.number().int().nullish(),
  event: z.string().nullish(),
  event_type: z.string().nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
  timestamp: z.number().nullish(),
});

/**
 * One event of the daemon's bus, as validated by {@link daemonEventSchema}.
 *
 * @example
 * ```ts
 * import type { DaemonEvent } from 'daemon-event-bridge';
 *
 * const event: DaemonEvent = { job_id: 'nightly', sheet_num: 1, event: 'sheet.started', data: null, timestamp: 1764000000.5 };
 * ```
 */
export type DaemonEvent = z.infer<typeof daemonEventSchema>;
