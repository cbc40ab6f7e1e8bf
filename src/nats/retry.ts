import { defer, retry, timer, type Observable, type SchedulerLike } from 'rxjs';
import { backoffDelay, type Backoff } from '../operators/backoff.js';

/**
 * The error names NATS gives to conditions that pass by themselves: a
 * request without an answer yet (`TimeoutError`, the first JetStream calls on
 * a fresh cluster), nobody listening yet (`NoRespondersError`), a stream
 * leader failover (`JetStreamNotEnabled`, as v3 reports it) and a connection
 * being re-established.
 */
export function isTransientNatsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT.has(error.name)) return true;
  const status = (error as { status?: unknown }).status;
  return error.name === 'JetStreamApiError' && (status === 503 || status === 408);
}

const TRANSIENT = new Set([
  'TimeoutError',
  'NoRespondersError',
  'JetStreamNotEnabled',
  'RequestError',
  'ConnectionError',
  'ClosedConnectionError',
  'DrainingConnectionError',
]);

/**
 * Runs `call` until it succeeds, waiting `initialDelayMs` (doubling up to
 * `maxDelayMs`) after each transient NATS error; other errors pass through.
 */
export function retryTransient<T>(
  call: () => Promise<T>,
  config: Backoff & {
    readonly scheduler: SchedulerLike;
    readonly onRetry?: (error: unknown, attempt: number) => void;
  },
): Observable<T> {
  return defer(call).pipe(
    retry({
      delay: (error: unknown, attempt: number) => {
        if (!isTransientNatsError(error)) throw error;
        config.onRetry?.(error, attempt);
        return timer(backoffDelay(config, attempt), config.scheduler);
      },
    }),
  );
}
