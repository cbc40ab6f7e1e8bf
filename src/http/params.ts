import { z } from 'zod';
import { UNNAMED } from '../sse/vocabulary.js';
import { tokenSchema } from '../tokens.js';
import { eventsParamSchema, untilParamSchema } from './selection-params.js';

const JOB_ID_ERROR = 'jobId must be 1 to 128 characters of [A-Za-z0-9._:-]';
const LIMIT_ERROR = 'limit must be an integer from 1 to 200';
const UNNAMED_ERROR = `${UNNAMED.parameter} must be ${UNNAMED.off} or ${UNNAMED.on}`;

/** The zod schema of a job id in a gateway path: 1 to 128 characters of `[A-Za-z0-9._:-]`. */
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: JOB_ID_ERROR });

/**
 * The zod schema of a raw (percent-encoded) `:jobId` path segment: decoded,
 * then checked with {@link jobIdSchema}. A segment that does not decode keeps
 * its `%` and so fails the check.
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
 * The zod schema of a `limit` query parameter: absent means `defaultLimit`,
 * otherwise an integer from 1 to 200 written in decimal digits.
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
 */
const unnamedParamSchema = z
  .enum([UNNAMED.off, UNNAMED.on], { error: UNNAMED_ERROR })
  .optional()
  .transform((value) => value === UNNAMED.on);

/** Query of `/api/events/stream`: `limit` 1..200, default 50; `unnamed` 0 or 1; `events` a selection. */
export const streamQuerySchema = z.object({
  limit: limitParamSchema(50),
  [UNNAMED.parameter]: unnamedParamSchema,
  events: eventsParamSchema,
});

/** Query of `/api/jobs/:jobId/events`: `unnamed` 0 or 1; `events` a selection; `until=terminal`. */
export const jobEventsQuerySchema = z.object({
  [UNNAMED.parameter]: unnamedParamSchema,
  events: eventsParamSchema,
  until: untilParamSchema,
});

/** Query of `/api/jobs/:jobId/observer`: `limit` 1..200, default 20. */
export const observerQuerySchema = z.object({ limit: limitParamSchema(20) });

/** Query of a route that takes no parameters (unknown ones are ignored, as on every route). */
export const noQuerySchema = z.object({});

/** A parsed request parameter, or the message of its first problem. */
export type Parsed<T> = { success: true; data: T } | { success: false; error: string };

/**
 * Parses one request value with a zod schema; on failure returns the first
 * issue's message (the schemas here carry messages fit for a 400 answer).
 */
function parseParam<S extends z.ZodType>(schema: S, value: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(value);
  return result.success
    ? { success: true, data: result.data }
    : { success: false, error: result.error.issues[0]?.message ?? 'invalid request' };
}

/**
 * Reads a gateway query with one of the schemas above; a repeated parameter
 * counts its first value. Returns the parsed query or the first error message.
 */
export function parseQuery<S extends z.ZodType>(schema: S, params: URLSearchParams): Parsed<z.output<S>> {
  const query: Record<string, string> = {};
  for (const [name, value] of params) query[name] ??= value; // the first of repeated parameters wins
  return parseParam(schema, query);
}

/** The raw segments of a job route (`/api/[conductors/:conductor/]jobs/:jobId/...`). */
interface JobRouteSegments {
  readonly jobIdSegment: string;
  readonly conductorSegment?: string;
}

/** A job route's parsed job id, `:conductor` (absent: `undefined`) and query. */
interface JobRouteParams<Q> {
  readonly jobId: string;
  readonly conductor: string | undefined;
  readonly query: Q;
}

/**
 * Parses a job route: its `:jobId`, its optional `:conductor` (1 to 64
 * characters of `[A-Za-z0-9_-]`, as a relay's `--conductor`) and its query
 * with `querySchema`; else the first error message, in that order.
 */
export function parseJobRoute<S extends z.ZodType>(
  route: JobRouteSegments,
  querySchema: S,
  params: URLSearchParams,
): Parsed<JobRouteParams<z.output<S>>> {
  const jobId = parseParam(jobIdParamSchema, route.jobIdSegment);
  if (!jobId.success) return jobId;
  const conductor =
    route.conductorSegment === undefined ? undefined : parseParam(tokenSchema, route.conductorSegment);
  if (conductor?.success === false) return conductor;
  const query = parseQuery(querySchema, params);
  if (!query.success) return query;
  return { success: true, data: { jobId: jobId.data, conductor: conductor?.data, query: query.data } };
}
