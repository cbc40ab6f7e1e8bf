import fc from 'fast-check';
import { daemonEventSchema, isDaemonEvent } from '../../src/daemon/daemon-event';

const zodAccepts = (value: unknown) => daemonEventSchema.safeParse(value).success;

class Job {
  job_id = 'a';
}
const symbolKeyed = { [Symbol('s')]: 1 };
const hiddenSymbol = Object.defineProperty({}, Symbol('h'), { value: 1, enumerable: false });
function Odd(): void {}
Odd.prototype = 5;

/** Values zod treats specially: non-finite and unsafe numbers, exotic objects, odd prototypes and constructors. */
const edge = fc.constantFrom<unknown>(
  undefined,
  null,
  '',
  'x',
  0,
  -0,
  1,
  -7,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  -Number.MAX_SAFE_INTEGER - 1,
  2 ** 60,
  1e300,
  Number.MIN_VALUE,
  true,
  10n,
  Symbol('v'),
  () => 1,
  [],
  [1],
  {},
  Object.create(null),
  { a: 1 },
  new Date(0),
  new Map(),
  new Job(),
  symbolKeyed,
  hiddenSymbol,
  { constructor: 'not a function' },
  { constructor: Odd },
  { constructor: undefined },
  Object.create({ job_id: 5 }),
  new String('boxed'),
  new Number(3),
);

const field = fc.oneof(edge, fc.anything(), fc.string(), fc.double(), fc.integer());

/** An event-like object: each known field absent or drawn from `field`, plus arbitrary extra keys. */
const eventLike = fc
  .record(
    {
      job_id: field,
      sheet_num: field,
      event: field,
      event_type: field,
      data: fc.oneof(field, fc.dictionary(fc.string(), fc.anything())),
      timestamp: field,
    },
    { requiredKeys: [] },
  )
  .chain((known) => fc.dictionary(fc.string(), fc.anything()).map((extra) => ({ ...extra, ...known })));

const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

describe('isDaemonEvent', () => {
  it('accepts exactly what daemonEventSchema accepts, on event-like objects', () => {
    fc.assert(
      fc.property(eventLike, (value) => isDaemonEvent(value) === zodAccepts(value)),
      { numRuns: 5_000 },
    );
  });

  it('accepts exactly what daemonEventSchema accepts, on arbitrary values and edge cases', () => {
    fc.assert(
      fc.property(fc.oneof(anything, edge), (value) => isDaemonEvent(value) === zodAccepts(value)),
      { numRuns: 3_000 },
    );
  });

  it('decides both ways on typical events, as zod does', () => {
    const both = (value: unknown) => [isDaemonEvent(value), zodAccepts(value)];
    const good = { job_id: 'j', sheet_num: 2, event: 'e', data: { a: 1 }, timestamp: 1.5, extra: [1] };
    expect(both(good)).toEqual([true, true]);
    expect(both({ job_id: null, data: null })).toEqual([true, true]);
    expect(both({ ...good, sheet_num: 1.5 })).toEqual([false, false]);
    expect(both({ ...good, timestamp: Infinity })).toEqual([false, false]);
    expect(both({ ...good, data: [] })).toEqual([false, false]);
    expect(both({ ...good, data: symbolKeyed })).toEqual([false, false]);
    expect(both([good])).toEqual([false, false]);
  });
});
