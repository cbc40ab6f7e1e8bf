import { z } from 'zod';
import { tokenSchema } from '../tokens.js';
import { eventsParamSchema, untilParamSchema } from './selection-params.js';

const JOB_ID_ERROR = 'jobId must be 1 to 128 characters of [A-Za-z0-9._:-]';
const LIMIT_ERROR = 'limit must be an integer from 1 to 200';
const UNNAMED_ERROR = 'unnamed must be 0 or 1';

/**
 * The zod schema of a job id in a gateway path: 1 to 128 characters of `[A-Za-z0-9._:-]`.
 *
 * @example
 * ```ts
 * import { jobIdSchema } from './params.js';
 *
 * jobIdSchema.safeParse('nightly-refactor').success; // true
 * jobIdSchema.safeParse('bad id').success;           // false
 * ```
 */
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: JOB_ID_ERROR });

/**
 * The zod schema of a raw (percent-encoded) `:jobId` path segment: decoded,
 * then checked with {@link jobIdSchema}. A segment that does not decode keeps
 * its `%` and so fails the check.
 *
 * @example
 * ```ts
 * import { jobIdParamSchema } from './params.js';
 *
 * jobIdParamSchema.parse('nightly%3A42'); // 'nightly:42'
 * ```
 */
export const jobIdParamSchema = z
  .string()
  .transform((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  })
  .pipe(jobIdSchema);

/**
 * The zod schema of a `:conductor` path segment: 1 to 64 characters of
 * `[A-Za-z0-9_-]`, as a relay's `--conductor` (one NATS subject token).
 *
 * @example
 * ```ts
 * import { conductorParamSchema } from './params.js';
 *
 * conductorParamSchema.parse('host-a'); // 'host-a'
 * ```
 */
export const conductorParamSchema = tokenSchema;

/**
 * The zod schema of a `limit` query parameter: absent means `defaultLimit`,
 * otherwise an integer from 1 to 200 written in decimal digits.
 *
 * @example
 * ```ts
 * import { limitParamSchema } from './params.js';
 *
 * limitParamSchema(50).parse(undefined); // 50
 * limitParamSchema(50).parse('200');     // 200
 * ```
 */
export function limitParamSchema(defaultLimit: number) {
  return z
    .string()
    .regex(/^\d{1,3}$/, { error: LIMIT_ERROR })
    .transform(Number)
    .pipe(z.number().int().min(1, { error: LIMIT_ERROR }).max(200, { error: LIMIT_ERROR }))
    .optional()
    .transform((limit) => limit ?? defaultLimit);
}

/**
 * The zod schema of the `unnamed` query parameter of the SSE routes: `1` sends
 * daemon events without an `event:` name (see {@link unnamedEvents}).
 *
 * @example
 * ```ts
 * unnamedParamSchema.parse('1'); // true
 * ```
 */
const unnamedParamSchema = z
  .enum(['0', '1'], { error: UNNAMED_ERROR })
  .optional()
  .transform((value) => value === '1');

/** Query of `/api/events/stream`: `limit` 1..200, default 50; `unnamed` 0 or 1; `events` a selection. */
export const streamQuerySchema = z.object({
  limit: limitParamSchema(50),
  unnamed: unnamedParamSchema,
  events: eventsParamSchema,
});

/** Query of `/api/jobs/:jobId/events`: `unnamed` 0 or 1; `events` a selection; `until=terminal`. */
export const jobEventsQuerySchema = z.object({
  unnamed: unnamedParamSchema,
  events: eventsParamSchema,
  until: untilParamSchema,
});

/** Query of `/api/jobs/:jobId/observer`: `limit` 1..200, default 20. */
export const observerQuerySchema = z.object({ limit: limitParamSchema(20) });

/** A parsed request parameter, or the message of its first problem. */
export type Parsed<T> = { success: true; data: T } | { success: false; error: string };

/**
 * Parses one request value with a zod schema; on failure returns the first
 * issue's message (the schemas here carry messages fit for a 400 answer).
 *
 * @example
 * ```ts
 * import { jobIdParamSchema, parseParam } from './params.js';
 *
 * const jobId = parseParam(jobIdParamSchema, route.jobIdSegment);
 * if (!jobId.success) return sendJson(res, 400, { error: jobId.error });
 * ```
 */
export function parseParam<S extends z.ZodType>(schema: S, value: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(value);
  return result.success
    ? { success: true, data: result.data }
    : { success: false, error: result.error.issues[0]?.message ?? 'invalid request' };
}

/**
 * Reads a gateway query with one of the schemas above; a repeated parameter
 * counts its first value. Returns the parsed query or the first error message.
 *
 * @example
 * ```ts
 * import { parseQuery, streamQuerySchema } from './params.js';
 *
 * const query = parseQuery(streamQuerySchema, url.searchParams);
 * if (!query.success) return sendJson(res, 400, { error: query.error });
 * ```
 */
export function parseQuery<S extends z.ZodType>(schema: S, params: URLSearchParams): Parsed<z.output<S>> {
  const query: Record<string, string> = {};
  for (const [name, value] of params) query[name] ??= value; // the first of repeated parameters wins
  return parseParam(schema, query);
}
