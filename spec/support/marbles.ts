import { TestScheduler } from 'rxjs/testing';

/**
 * A `TestScheduler` whose frames are compared with Jest's `toStrictEqual`:
 * the one matcher every marble spec shares.
 */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toStrictEqual(expected));
}
