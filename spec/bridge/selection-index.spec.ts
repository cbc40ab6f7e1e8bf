import { EventRouter } from '../../src/bridge/event-router';
import type { Routable, Route } from '../../src/bridge/route';
import { parseEventSelection, type EventSelection } from '../../src/events/event-selection';

const selection = (...selectors: string[]): EventSelection =>
  parseEventSelection(selectors) as EventSelection;
const event = (seq: number, name: string, jobId?: string): Routable => ({ seq, jobId, name });

function route(selectors: string[], seen: string[], tag: string, afterSeq = 0): Route<Routable> {
  return { deliver: (e) => seen.push(`${tag}:${e.name}`), afterSeq, selection: selection(...selectors) };
}

describe('EventRouter with event selections', () => {
  it('delivers each event once to the routes that selected it by name or prefix, in its scope', () => {
    const router = new EventRouter<Routable>();
    const seen: string[] = [];
    router.addRoute(undefined, route(['sheet.*', 'sheet.failed', 'job.cost_update'], seen, 'g'));
    router.addRoute('a', route(['baton.*', 'baton.job.*'], seen, 'a'));
    router.addRoute('b', route(['sheet.failed'], seen, 'b'));
    for (const [i, [name, job]] of (
      [
        ['sheet.failed', 'a'],
        ['baton.job.paused', 'a'],
        ['baton.job.paused', 'b'],
        ['job.cost_update', undefined],
        ['sheets.x', 'b'],
        ['sheet.failed', 'b'],
      ] as const
    ).entries()) {
      router.dispatch(event(i + 1, name, job));
    }
    expect(seen).toEqual([
      'g:sheet.failed',
      'a:baton.job.paused',
      'g:job.cost_update',
      'b:sheet.failed',
      'g:sheet.failed',
    ]);
  });

  it('never calls a route that did not select the event, and respects afterSeq', () => {
    const router = new EventRouter<Routable>();
    const seen: string[] = [];
    for (let k = 0; k < 1_000; k++) {
      router.addRoute(undefined, {
        deliver: () => {
          throw new Error(`route ${k} was visited`);
        },
        afterSeq: 0,
        selection: selection(`other.e${k}`),
      });
    }
    router.addRoute(undefined, route(['bench.e1'], seen, 'late', 5));
    router.dispatch(event(5, 'bench.e1'));
    router.dispatch(event(6, 'bench.e1'));
    expect(seen).toEqual(['late:bench.e1']);
  });

  it('counts and removes selective routes like the others', () => {
    const router = new EventRouter<Routable>();
    const seen: string[] = [];
    const a = route(['sheet.*'], seen, 'a');
    const g = route(['sheet.*'], seen, 'g');
    router.addRoute('a', a);
    router.addRoute(undefined, g);
    expect([router.jobConsumers, router.globalConsumers, router.jobs]).toEqual([1, 1, 1]);
    router.removeRoute('a', a);
    router.removeRoute('a', a); // a no-op the second time
    router.removeRoute(undefined, g);
    expect([router.jobConsumers, router.globalConsumers, router.jobs]).toEqual([0, 0, 0]);
    router.dispatch(event(1, 'sheet.failed', 'a'));
    expect(seen).toEqual([]);
  });

  it('keeps delivering to the routes left under a name or prefix when others sharing it leave', () => {
    const router = new EventRouter<Routable>();
    const seen: string[] = [];
    const one = route(['sheet.failed', 'baton.*'], seen, '1');
    const two = route(['sheet.failed', 'baton.*'], seen, '2');
    const three = route(['sheet.failed'], seen, '3');
    [one, two, three].forEach((r) => router.addRoute(undefined, r));
    router.removeRoute(undefined, one);
    router.dispatch(event(1, 'sheet.failed'));
    router.dispatch(event(2, 'baton.job.paused'));
    router.removeRoute(undefined, three);
    router.dispatch(event(3, 'sheet.failed'));
    router.removeRoute(undefined, two);
    router.dispatch(event(4, 'sheet.failed'));
    expect(seen).toEqual(['2:sheet.failed', '3:sheet.failed', '2:baton.job.paused', '2:sheet.failed']);
    expect(router.globalConsumers).toBe(0);
  });
});
