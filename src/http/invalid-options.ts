import type { z } from 'zod';
import { InvalidOptionsError } from '../bridge/errors.js';

/**
 * Validates options with a zod schema and applies its defaults; throws
 * {@link InvalidOptionsError} naming the first bad option of `what`.
 *
 * @example
 * ```ts
 * const resolved = parseOptions(gatewayOptionsSchema, options, 'gateway');
 * ```
 */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown, what: string): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let option = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    option = [option, issue.keys[0]].filter(Boolean).join('.');
    throw new InvalidOptionsError(`Unknown ${what} option "${option}"`, option);
  }
  throw new InvalidOptionsError(`Invalid ${what} option "${option || 'options'}": ${issue.message}`, option);
}
