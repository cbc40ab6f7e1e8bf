import { concat, retry, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { DaemonEventBridgeError } from '../errors.js';
import { backoffDelay } from './backoff.js';

/**
 * What {@link reconnect} passes to `onRetry` when the source completed
 * rather than failed: an end and an error share one backoff.
 *
 * @example
 * ```ts
 * import { reconnect, SourceEndedError } from 'daemon-event-bridge';
 *
 * source$.pipe(reconnect({ initialDelayMs: 1_000, maxDelayMs: 30_000, scheduler,
 *   onRetry: (error) => console.warn(error instanceof SourceEndedError ? 'ended' : 'failed') }));
 * ```
 */
export class SourceEndedError extends DaemonEventBridgeError {
  override readonly name = 'SourceEndedError';
  readonly code = 'ERR_SOURCE_ENDED';

  constructor() {
    super('the source ended');
  }
}

/** The backoff of {@link reconnect}. */
export interface ReconnectConfig {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly scheduler: SchedulerLike;
  /** Called when the source failed or ended, before waiting `delayMs`. */
  readonly onRetry?: (error: unknown, delayMs: number, attempt: number) => void;
}

/**
 * Resubscribes to the source whenever it errors or completes, with one
 * exponential backoff for both: `initialDelayMs`, doubling up to
 * `maxDelayMs`, reset as soon as the source emits a value. Never completes
 * or errors by itself.
 */
export function reconnect<T>(config: ReconnectConfig): MonoTypeOperatorFunction<T> {
  const { scheduler, onRetry } = config;
  return (source) =>
    concat(
      source,
      throwError(() => new SourceEndedError()),
    ).pipe(
      retry({
        resetOnSuccess: true,
        delay: (error: unknown, attempt: number) => {
          const delayMs = backoffDelay(config, attempt);
          onRetry?.(error, delayMs, attempt);
          return timer(delayMs, scheduler);
        },
      }),
    );
}
