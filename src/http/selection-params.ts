import { z } from 'zod';
import { parseEventSelection } from '../events/event-selection.js';

const UNTIL_ERROR = "until must be 'terminal'";

/**
 * The zod schema of the `events` query parameter of the SSE routes: a
 * comma-separated list of event names and `prefix.*` patterns
 * (`sheet.*,job.cost_update`), checked as the library checks its `events`
 * option; absent means every event.
 */
export const eventsParamSchema = z
  .string()
  .transform((list, context) => {
    const selectors = list.split(',').map((selector) => selector.trim());
    const selection = parseEventSelection(selectors);
    if (typeof selection === 'string') {
      context.addIssue({ code: 'custom', message: `events: ${selection}` });
      return z.NEVER;
    }
    return selectors;
  })
  .optional();

/**
 * The zod schema of the `until` query parameter of `/api/jobs/:jobId/events`:
 * `terminal` ends the response right after the job's terminal event.
 */
export const untilParamSchema = z.enum(['terminal'], { error: UNTIL_ERROR }).optional();
