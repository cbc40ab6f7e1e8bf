/**
 * Type tests of ofEventType's narrowing. They run as a spec, but what they
 * check is the compiler: `npx tsc -p tsconfig.json --noEmit` (and ts-jest)
 * fails when a `@ts-expect-error` line stops being an error, i.e. when the
 * narrowing gets wider, and when a typed line stops compiling.
 */
import { of } from 'rxjs';
import type {
  ConductorEvent,
  JobCostUpdateData,
  ObserverEventData,
  OpenFields,
  SheetResultData,
  TypedEvent,
  TypedMessage,
} from '../../src/events/catalog';
import { ofEventType } from '../../src/operators/of-event-type';
import { typedEvent } from '../support/typed-events';

const stream = of<TypedMessage>(typedEvent({ job_id: 'j', event: 'sheet.failed', data: { cost_usd: 1 } }, 1));

/** Compiles only when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value: T): T => value;

describe('ofEventType narrows the typed union', () => {
  it('to the catalog member of one exact name', () => {
    stream.pipe(ofEventType('sheet.failed')).subscribe((e) => {
      assertType<Equal<typeof e, TypedEvent<'sheet.failed', SheetResultData>>>(true);
      const name: 'sheet.failed' = e.name;
      const cost: number | undefined = e.event.data?.cost_usd;
      const failure: string | null | undefined = e.event.data?.error_classification;
      // @ts-expect-error: a sheet result has no total_cost_usd field typed as number
      const total: number | undefined = e.event.data?.total_cost_usd;
      // @ts-expect-error: the name is exactly sheet.failed
      const other: 'sheet.started' = e.name;
      expect([name, cost, failure, total, other]).toBeDefined();
    });
  });

  it('to the union of several names', () => {
    stream.pipe(ofEventType('job.cost_update', 'sheet.completed')).subscribe((e) => {
      const name: 'job.cost_update' | 'sheet.completed' = e.name;
      if (e.name === 'job.cost_update') {
        const data: JobCostUpdateData | null | undefined = e.event.data;
        expect(data).toBeDefined();
      }
      // @ts-expect-error: sheet.failed was not selected
      const failed: typeof e = typedEvent({ event: 'sheet.failed' }) as TypedEvent<
        'sheet.failed',
        SheetResultData
      >;
      expect([name, failed]).toBeDefined();
    });
  });

  it('to the known members under a pattern, plus other names under it', () => {
    stream.pipe(ofEventType('sheet.*')).subscribe((e) => {
      const name: `sheet.${string}` = e.name;
      // @ts-expect-error: a job event is not under sheet.*
      const job: typeof e = typedEvent({ event: 'job.failed' }) as TypedEvent<'job.failed', OpenFields>;
      assertType<Equal<Extract<typeof e, { name: 'sheet.retrying' }>['name'], 'sheet.retrying'>>(true);
      expect([name, job]).toBeDefined();
    });
  });

  it('to the observer family with its payload, and to a fallback for names the catalog does not know', () => {
    stream.pipe(ofEventType('observer.file_created')).subscribe((e) => {
      assertType<Equal<typeof e, TypedEvent<'observer.file_created', ObserverEventData>>>(true);
      const path: string | undefined = e.event.data?.path;
      expect(path).toBeDefined();
    });
    stream.pipe(ofEventType('custom.thing')).subscribe((e) => {
      assertType<Equal<typeof e, TypedEvent<'custom.thing', OpenFields>>>(true);
      expect(e.name).toBe('custom.thing');
    });
  });

  it('takes only event streams, and a non-literal name gives the whole union', () => {
    const names: string[] = ['sheet.failed'];
    stream.pipe(ofEventType(names[0]!)).subscribe((e) => {
      assertType<Equal<typeof e, ConductorEvent>>(true);
      expect(e.type).toBe('event');
    });
    // @ts-expect-error: at least one name
    expect(() => ofEventType()).toThrow();
    // @ts-expect-error: names are strings
    expect(() => ofEventType(42)).toThrow();
  });
});
