import fc from 'fast-check';
import { ReplayRing } from '../../src/bridge/replay-ring';

const item = (seq: number, tag = 'x') => ({ seq, tag });

describe('ReplayRing', () => {
  it('keeps the newest `capacity` items, oldest first', () => {
    const ring = new ReplayRing<ReturnType<typeof item>>(3);
    for (let seq = 1; seq <= 5; seq++) ring.push(item(seq));
    expect(ring.size).toBe(3);
    expect(ring.firstSeq).toBe(3);
    expect(ring.latest(10).map((i) => i.seq)).toEqual([3, 4, 5]);
  });

  it('returns the newest n items matching a predicate, oldest first', () => {
    const ring = new ReplayRing<ReturnType<typeof item>>(10);
    ['a', 'b', 'a', 'b', 'a'].forEach((tag, i) => ring.push(item(i + 1, tag)));
    expect(ring.latest(2, (i) => i.tag === 'a').map((i) => i.seq)).toEqual([3, 5]);
    expect(ring.latest(0)).toEqual([]);
  });

  it('returns the items after a seq, filtered', () => {
    const ring = new ReplayRing<ReturnType<typeof item>>(10);
    ['a', 'b', 'a', 'b', 'a'].forEach((tag, i) => ring.push(item(i + 1, tag)));
    expect(ring.after(2).map((i) => i.seq)).toEqual([3, 4, 5]);
    expect(ring.after(2, (i) => i.tag === 'b').map((i) => i.seq)).toEqual([4]);
    expect(ring.after(5)).toEqual([]);
  });

  it('keeps nothing with capacity 0', () => {
    const ring = new ReplayRing<ReturnType<typeof item>>(0);
    ring.push(item(1));
    expect(ring.size).toBe(0);
    expect(ring.firstSeq).toBeUndefined();
    expect(ring.latest(5)).toEqual([]);
  });

  it('matches a plain array model for any capacity and any number of pushes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 60 }),
        fc.nat(70),
        (capacity, pushes, from) => {
          const ring = new ReplayRing<ReturnType<typeof item>>(capacity);
          const all: number[] = [];
          for (let seq = 1; seq <= pushes; seq++) {
            ring.push(item(seq));
            all.push(seq);
          }
          const kept = capacity === 0 ? [] : all.slice(-capacity);
          expect(ring.latest(Number.MAX_SAFE_INTEGER).map((i) => i.seq)).toEqual(kept);
          expect(ring.after(from).map((i) => i.seq)).toEqual(kept.filter((seq) => seq > from));
          expect(ring.firstSeq).toBe(kept[0]);
        },
      ),
    );
  });
});
