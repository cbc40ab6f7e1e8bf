import type { ConductorEvent, DaemonEvent } from './catalog.js';

/**
 * The typed event of one daemon event object named `name` (as the bridge
 * names it: its `event`, else `event_type`, else `daemon_event`), with its SSE
 * id. The result is frozen, and so are `raw` and its `data` (one level each):
 * one object is shared by every consumer.
 *
 * @example
 * ```ts
 * import { toConductorEvent } from 'daemon-event-bridge';
 *
 * const event = toConductorEvent('job.cost_update', { job_id: 'nightly', event: 'job.cost_update', data: { total_cost_usd: 1.2 } }, 'k3x9-7');
 * // { type: 'event', name: 'job.cost_update', id: 'k3x9-7', jobId: 'nightly', event: { … } }
 * ```
 */
export function toConductorEvent(name: string, raw: object, id?: string): ConductorEvent {
  const event = raw as DaemonEvent;
  const data = event.data;
  if (typeof data === 'object' && data !== null) Object.freeze(data);
  Object.freeze(event);
  const jobId = typeof event.job_id === 'string' && event.job_id !== '' ? event.job_id : undefined;
  return Object.freeze({ type: 'event', name, id, jobId, event });
}
