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
