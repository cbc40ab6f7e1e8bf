import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { InvalidOptionsError } from './errors.js';

/** The longest delay a Node.js timer accepts, in ms (2**31 - 1). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The zod schema of an integer option within `[min, max]`, whose error says so. */
export function integerOption(min: number, max: number) {
  const error = `expected an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** The zod schema of an optional callback option. */
export function callbackOption<T>() {
  return z.custom<T>((value) => typeof value === 'function', { error: 'expected a function' }).optional();
}

/** The zod schema of a `scheduler` option: an RxJS `SchedulerLike`, `asyncScheduler` by default. */
export function schedulerOption() {
  return z
    .custom<SchedulerLike>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as SchedulerLike).now === 'function' &&
        typeof (value as SchedulerLike).schedule === 'function',
      { error: 'expected an RxJS SchedulerLike (with now() and schedule())' },
    )
    .default(asyncScheduler);
}

/**
 * Validates `options` with `schema` and applies its defaults. The first bad
 * option throws {@link InvalidOptionsError}, whose message names the option,
 * what it accepts and what it got, e.g.
 * `Invalid bridge option "heartbeatMs": expected an integer from 1 to 2147483647, got 0`.
 *
 * @param owner The options' owner, as it appears in messages (`bridge`, `gateway`…).
 */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown, owner: string): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => [...path, key].join('.'));
    throw new InvalidOptionsError(
      `Unknown ${owner} option ${keys.map((k) => `"${k}"`).join(', ')}`,
      keys[0]!,
    );
  }
  const option = path.join('.');
  const got = path.reduce<unknown>(
    (value, key) =>
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
    options,
  );
  const suffix = got === undefined && path.length > 0 ? '' : `, got ${describeValue(got)}`;
  throw new InvalidOptionsError(
    `Invalid ${owner} option "${option || 'options'}": ${issue.message}${suffix}`,
    option,
  );
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
