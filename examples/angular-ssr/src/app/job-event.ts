/** Where `server.ts` mounts the gateway (its routes: `/bridge/api/events/stream` ...). */
export const GATEWAY_PATH = '/bridge';

/** One daemon event as the page shows it (the same shape on the server and in the browser). */
export interface JobEvent {
  /** The SSE id the gateway gave it (`<instance>-<seq>`): unique, and the resume point. */
  readonly id: string;
  /** The event's name (`event`, else `event_type`, in the daemon's JSON). */
  readonly event: string;
  /** The job it belongs to, when the daemon said. */
  readonly jobId: string | undefined;
}

/** A {@link JobEvent} from an SSE message's id, name and parsed JSON data. */
export function toJobEvent(id: string, event: string, data: unknown): JobEvent {
  const jobId = (data as { job_id?: unknown } | undefined)?.job_id;
  return { id, event, jobId: typeof jobId === 'string' ? jobId : undefined };
}

/**
 * What `server.ts` hands to the Angular renderer for each request (Angular's
 * `REQUEST_CONTEXT`): the most recent events, so the first paint is not empty.
 */
export interface JobEventsRequestContext {
  readonly recentEvents: readonly JobEvent[];
}
