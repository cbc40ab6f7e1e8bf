import { z } from 'zod';
import { integerOption, MAX_TIMER_MS } from '../options.js';

/** An exponential backoff: `initialDelayMs`, doubling after each failed attempt, capped at `maxDelayMs`. */
export interface Backoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The delay before retry `attempt` (1 for the first retry): `initialDelayMs`
 * doubled `attempt - 1` times, at most `maxDelayMs`. The caller resets its
 * attempt count when the source delivers again.
 */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.initialDelayMs * 2 ** (attempt - 1), backoff.maxDelayMs);
}

/**
 * The zod schema of a backoff option (the bridge's and the relay's
 * `reconnect`): 1,000 ms doubling up to 30,000 ms unless given;
 * `maxDelayMs` must be at least `initialDelayMs`.
 */
export const backoffOptionSchema = z
  .strictObject({
    initialDelayMs: integerOption(1, MAX_TIMER_MS).default(1_000),
    maxDelayMs: integerOption(1, MAX_TIMER_MS).default(30_000),
  })
  .prefault({})
  .refine((r) => r.maxDelayMs >= r.initialDelayMs, {
    error: 'maxDelayMs must be at least initialDelayMs',
    path: ['maxDelayMs'],
  });
