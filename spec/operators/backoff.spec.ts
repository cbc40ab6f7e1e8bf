import { backoffDelay } from '../../src/operators/backoff';

describe('backoffDelay', () => {
  it('starts at initialDelayMs and doubles with each attempt', () => {
    const backoff = { initialDelayMs: 100, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(backoff, attempt))).toEqual([100, 200, 400, 800]);
  });

  it('stops at maxDelayMs, however many attempts failed', () => {
    const backoff = { initialDelayMs: 1_000, maxDelayMs: 30_000 };
    expect(backoffDelay(backoff, 5)).toBe(16_000);
    expect(backoffDelay(backoff, 6)).toBe(30_000);
    expect(backoffDelay(backoff, 5_000)).toBe(30_000);
  });
});
