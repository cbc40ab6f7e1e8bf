import { backoffDelay, backoffOptionSchema } from '../../src/operators/backoff';

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

describe('backoffOptionSchema', () => {
  it('defaults to 1,000 ms doubling up to 30,000 ms, field by field', () => {
    expect(backoffOptionSchema.parse(undefined)).toEqual({ initialDelayMs: 1_000, maxDelayMs: 30_000 });
    expect(backoffOptionSchema.parse({ maxDelayMs: 5_000 })).toEqual({
      initialDelayMs: 1_000,
      maxDelayMs: 5_000,
    });
  });

  it('refuses a cap below the initial delay, and unknown fields', () => {
    expect(
      backoffOptionSchema.safeParse({ initialDelayMs: 10, maxDelayMs: 5 }).error?.issues[0]?.path,
    ).toEqual(['maxDelayMs']);
    expect(backoffOptionSchema.safeParse({ maxDelay: 5 }).success).toBe(false);
  });
});
