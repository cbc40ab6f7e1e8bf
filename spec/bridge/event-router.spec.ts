import { EventRouter } from '../../src/bridge/event-router';
import type { Routable } from '../../src/bridge/route';

const event = (seq: number, jobId?: string): Routable => ({ seq, jobId });

describe('EventRouter', () => {
  it('routes a job event to that job’s routes and the global routes only', () => {
    const router = new EventRouter<Routable>();
    const got: string[] = [];
    router.add('a', (e) => got.push(`a1:${e.seq}`), 0);
    router.add('a', (e) => got.push(`a2:${e.seq}`), 0);
    router.add('b', (e) => got.push(`b:${e.seq}`), 0);
    router.add(undefined, (e) => got.push(`all:${e.seq}`), 0);
    router.dispatch(event(1, 'a'));
    router.dispatch(event(2));
    expect(got).toEqual(['a1:1', 'a2:1', 'all:1', 'all:2']);
  });

  it('never calls a route of another job (the cost is per job, not per consumer)', () => {
    const router = new EventRouter<Routable>();
    let otherCalls = 0;
    for (let i = 0; i < 10_000; i++) router.add(`job-${i}`, () => otherCalls++, 0);
    let hits = 0;
    router.add('target', () => hits++, 0);
    for (let seq = 1; seq <= 100; seq++) router.dispatch(event(seq, 'target'));
    expect(hits).toBe(100);
    expect(otherCalls).toBe(0);
  });

  it('skips events at or before a route’s afterSeq', () => {
    const router = new EventRouter<Routable>();
    const got: number[] = [];
    router.add(undefined, (e) => got.push(e.seq), 5);
    [4, 5, 6].forEach((seq) => router.dispatch(event(seq)));
    expect(got).toEqual([6]);
  });

  it('keeps routing a job that goes from one route to several and back', () => {
    const router = new EventRouter<Routable>();
    const got: string[] = [];
    const removeFirst = router.add('a', (e) => got.push(`a1:${e.seq}`), 0);
    const removeSecond = router.add('a', (e) => got.push(`a2:${e.seq}`), 0);
    router.dispatch(event(1, 'a'));
    removeFirst();
    router.dispatch(event(2, 'a'));
    const removeThird = router.add('a', (e) => got.push(`a3:${e.seq}`), 0);
    router.dispatch(event(3, 'a'));
    expect([router.jobConsumers, router.jobs]).toEqual([2, 1]);
    removeSecond();
    removeThird();
    removeThird();
    router.dispatch(event(4, 'a'));
    expect(got).toEqual(['a1:1', 'a2:1', 'a2:2', 'a2:3', 'a3:3']);
    expect([router.jobConsumers, router.jobs]).toEqual([0, 0]);
  });

  it('lets a route of a job leave while that job’s event is delivered', () => {
    const router = new EventRouter<Routable>();
    const got: string[] = [];
    const removeSelf = router.add('a', (e) => got.push(`a1:${e.seq}`) && removeSelf(), 0);
    router.add('a', (e) => got.push(`a2:${e.seq}`), 0);
    router.dispatch(event(1, 'a'));
    router.dispatch(event(2, 'a'));
    expect(got).toEqual(['a1:1', 'a2:1', 'a2:2']);
  });

  it('removes routes, drops empty jobs and tolerates a double removal', () => {
    const router = new EventRouter<Routable>();
    const remove = router.add('a', () => {}, 0);
    const removeGlobal = router.add(undefined, () => {}, 0);
    expect([router.jobConsumers, router.jobs, router.globalConsumers]).toEqual([1, 1, 1]);
    remove();
    remove();
    removeGlobal();
    expect([router.jobConsumers, router.jobs, router.globalConsumers]).toEqual([0, 0, 0]);
  });
});
