import fc from 'fast-check';
import {
  jobIdParamSchema,
  jobIdSchema,
  limitParamSchema,
  observerQuerySchema,
  parseJobRoute,
  parseQuery,
  streamQuerySchema,
} from '../../src/http/params';

const jobIdChar = fc.constantFrom(...'abcXYZ0189._:-'.split(''));
const validJobId = fc.array(jobIdChar, { minLength: 1, maxLength: 128 }).map((chars) => chars.join(''));

describe('gateway parameters', () => {
  it('accepts any 1..128-character job id of [A-Za-z0-9._:-], percent-encoded or not', () => {
    fc.assert(
      fc.property(validJobId, (jobId) => {
        expect(jobIdParamSchema.parse(jobId)).toBe(jobId);
        expect(jobIdParamSchema.parse(encodeURIComponent(jobId))).toBe(jobId);
      }),
    );
  });

  it('rejects a job id with any other character, or of the wrong length', () => {
    fc.assert(
      fc.property(
        validJobId,
        fc.string({ minLength: 1, maxLength: 3 }).filter((s) => /[^A-Za-z0-9._:-]/.test(s)),
        (jobId, bad) => {
          expect(jobIdSchema.safeParse(jobId + bad).success).toBe(false);
          expect(jobIdParamSchema.safeParse(encodeURIComponent(bad + jobId)).success).toBe(false);
        },
      ),
    );
    expect(jobIdSchema.safeParse('').success).toBe(false);
    expect(jobIdSchema.safeParse('j'.repeat(129)).success).toBe(false);
    expect(jobIdParamSchema.safeParse('%E0%A4%A').success).toBe(false);
  });

  it('reads limit as an integer 1..200, absent meaning the route’s default', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (limit) => {
        expect(limitParamSchema(50).parse(String(limit))).toBe(limit);
      }),
    );
    expect(parseQuery(streamQuerySchema, new URLSearchParams(''))).toEqual({
      success: true,
      data: { limit: 50, unnamed: false },
    });
    expect(parseQuery(observerQuerySchema, new URLSearchParams(''))).toEqual({
      success: true,
      data: { limit: 20 },
    });
    expect(parseQuery(streamQuerySchema, new URLSearchParams('limit=7&limit=300'))).toEqual({
      success: true,
      data: { limit: 7, unnamed: false },
    });
  });

  it('rejects any other limit with one clear message', () => {
    const bad = fc.oneof(
      fc.integer({ min: -1000, max: 0 }).map(String),
      fc.integer({ min: 201, max: 10_000_000 }).map(String),
      fc.string().filter((s) => !/^\d{1,3}$/.test(s) || Number(s) < 1 || Number(s) > 200),
    );
    fc.assert(
      fc.property(bad, (limit) => {
        expect(parseQuery(streamQuerySchema, new URLSearchParams({ limit }))).toEqual({
          success: false,
          error: 'limit must be an integer from 1 to 200',
        });
      }),
    );
  });

  it('parses a job route: job id, optional conductor, query; else the first error, in that order', () => {
    const query = (text: string) => new URLSearchParams(text);
    expect(parseJobRoute({ jobIdSegment: 'nightly%3A42' }, observerQuerySchema, query(''))).toEqual({
      success: true,
      data: { jobId: 'nightly:42', conductor: undefined, query: { limit: 20 } },
    });
    expect(
      parseJobRoute(
        { jobIdSegment: 'j1', conductorSegment: 'host-a' },
        observerQuerySchema,
        query('limit=5'),
      ),
    ).toEqual({ success: true, data: { jobId: 'j1', conductor: 'host-a', query: { limit: 5 } } });
    const bad = parseJobRoute(
      { jobIdSegment: 'j1', conductorSegment: 'host a' },
      observerQuerySchema,
      query('limit=0'),
    );
    expect(bad.success).toBe(false);
    expect(bad).not.toEqual(parseQuery(observerQuerySchema, query('limit=0')));
    expect(
      parseJobRoute({ jobIdSegment: 'bad id', conductorSegment: 'host a' }, observerQuerySchema, query('')),
    ).toEqual({
      success: false,
      error: 'jobId must be 1 to 128 characters of [A-Za-z0-9._:-]',
    });
    expect(parseJobRoute({ jobIdSegment: 'j1' }, observerQuerySchema, query('limit=0'))).toEqual({
      success: false,
      error: 'limit must be an integer from 1 to 200',
    });
  });
});
