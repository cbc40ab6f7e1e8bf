import { concat, retry, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * Raised internally when the daemon ends its stream, so that an end and an error share one backoff.
 */
export class DaemonStreamEndedError extends Error {
  override readonly name = 'DaemonStreamEndedError';
  readonly code = 'ERR_DAEMON_STREAM_ENDED';

  constructor() {
    super('the daemon ended the event stream');
  }
}

/**
 * The backoff of {@link reconnect}.
 *
 * @example
 * ```ts
 * const config: ReconnectConfig = { initialDelayMs: 1_000, maxDelayMs: 30_000, scheduler: asyncScheduler };
 * ```
 */
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
 *
 * @example
 * ```ts
 * client.stream('daemon.monitor.stream').pipe(reconnect({ initialDelayMs: 1000, maxDelayMs: 30_000, scheduler }));
 * ```
 */
export function reconnect<T>(config: ReconnectConfig): MonoTypeOperatorFunction<T> {
  const { initialDelayMs, maxDelayMs, scheduler, onRetry } = config;
  return (source) =>
    concat(
      source,
      throwError(() => new DaemonStreamEndedError()),
    ).pipe(
      retry({
        resetOnSuccess: true,
        delay: (error: unknown, attempt: number) => {
          const delayMs = Math.min(initialDelayMs * 2 ** (attempt - 1), maxDelayMs);
          onRetry?.(error, delayMs, attempt);
          return timer(delayMs, scheduler);
        },
      }),
    );
}
