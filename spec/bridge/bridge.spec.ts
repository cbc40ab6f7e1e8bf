import { createTestScheduler, marbleBridge } from '../support/marbles';
import { firstValueFrom, map, Observable, of, Subject, throwError, toArray } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { DaemonEventBridge, type BridgeState } from '../../src/bridge/bridge';
import { BRIDGE_STOPPED } from '../../src/bridge/control-messages';
import { InvalidArgumentError } from '../../src/errors';
import type { BridgeLogger, BridgeOptions } from '../../src/bridge/bridge-options';
import type { JsonObject } from '../../src/json';
import type { SseMessage } from '../../src/sse/message';
import { toSseMessage } from '../../src/bridge/to-sse-message';
import { MemoryDaemonClient } from '../support/memory-daemon-client';

const a = { job_id: 'alpha', sheet_num: 1, event: 'sheet.started', data: { attempt: 1 }, timestamp: 1 };
const b = { job_id: 'beta', sheet_num: 1, event_type: 'sheet.completed', data: null, timestamp: 2 };
const c = { event: 'monitor.anomaly', data: { note: 'daemon-wide' }, timestamp: 3 };
const d = { job_id: 'alpha', sheet_num: 2, event: 'sheet.failed', extra: 'kept', timestamp: 4 };

/** The message the bridge makes of `raw` as its `seq`-th event (instanceId 't'). */
const msg = (raw: JsonObject, seq: number): SseMessage => toSseMessage(raw, `t-${seq}`);
/** A heartbeat stamped at virtual time `frame`. */
const hb = (frame: number): SseMessage => ({
  event: 'heartbeat',
  data: JSON.stringify({ timestamp: frame / 1000 }),
});
const stopped = BRIDGE_STOPPED;

describe('DaemonEventBridge', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  const bridgeOf = (client: MemoryDaemonClient, options: BridgeOptions = {}): DaemonEventBridge =>
    marbleBridge(testScheduler, client, options);

  /** Runs `fn` at virtual time `frame`. */
  function at(frame: number, fn: () => void): void {
    testScheduler.schedule(fn, frame);
  }

  describe('routing', () => {
    it('sends each job its own events and global consumers every event, with ids', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const daemon = cold('-a-b-c-d', { a, b, c, d });
        const bridge = bridgeOf(new MemoryDaemonClient(() => daemon));
        bridge.start();
        at(20, () => bridge.stop());

        expectObservable(bridge.jobEvents('alpha')).toBe('-a-----d------------(s|)', {
          a: msg(a, 1),
          d: msg(d, 4),
          s: stopped,
        });
        expectObservable(bridge.jobEvents('beta')).toBe('---b----------------(s|)', {
          b: msg(b, 2),
          s: stopped,
        });
        expectObservable(bridge.allEvents(0)).toBe('-a-b-c-d------------(s|)', {
          a: msg(a, 1),
          b: msg(b, 2),
          c: msg(c, 3),
          d: msg(d, 4),
          s: stopped,
        });
      });
    });

    it('treats a null job_id as a daemon-wide event: global consumers only', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const wide = { job_id: null, event: 'baton.tick', timestamp: 5 };
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-w', { w: wide })));
        bridge.start();
        at(5, () => bridge.stop());
        expectObservable(bridge.allEvents(0)).toBe('-w---(s|)', { w: msg(wide, 1), s: stopped });
        expectObservable(bridge.jobEvents('null')).toBe('-----(s|)', { s: stopped });
      });
    });

    it('serialises each event once: every consumer gets the same message object', () => {
      testScheduler.run(({ cold }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-a', { a })));
        bridge.start();
        const seen: SseMessage[] = [];
        bridge.jobEvents('alpha').subscribe((m) => seen.push(m));
        bridge.allEvents(0).subscribe((m) => seen.push(m));
        bridge.allEvents(0).subscribe((m) => seen.push(m));
        at(2, () => bridge.stop());
        testScheduler.flush();
        const events = seen.filter((m) => m.event === 'sheet.started');
        expect(events).toHaveLength(3);
        expect(events[1]).toBe(events[0]);
        expect(events[2]).toBe(events[0]);
        expect(Object.isFrozen(events[0])).toBe(true);
      });
    });

    it('stops delivering to a consumer that unsubscribed, and keeps the others', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-a-d', { a, d })));
        bridge.start();
        expectObservable(bridge.jobEvents('alpha'), '^-!').toBe('-a', { a: msg(a, 1) });
        expectObservable(bridge.jobEvents('alpha'), '^----!').toBe('-a-d', { a: msg(a, 1), d: msg(d, 2) });
      });
    });
  });

  describe('the shared daemon subscription', () => {
    it('is one subscription for any number of consumers, held from start() to stop()', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const daemon = cold('-a-b-c', { a, b, c });
        const client = new MemoryDaemonClient(() => daemon);
        const bridge = bridgeOf(client);
        at(2, () => bridge.start());
        at(12, () => bridge.stop());
        at(3, () => {
          bridge.jobEvents('alpha').subscribe();
          bridge.jobEvents('beta').subscribe();
          bridge.allEvents().subscribe();
        });
        expectSubscriptions(daemon.subscriptions).toBe('--^---------!');
        expectObservable(bridge.state$).toBe('i-cn--------s', {
          i: 'idle',
          c: 'connecting',
          n: 'connected',
          s: 'stopped',
        });
      });
    });

    it('fills the replay ring while nobody listens (start() holds the subscription)', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-a-b-c', { a, b, c })));
        bridge.start();
        at(10, () => bridge.stop());
        const late = cold('------x').pipe(map(() => bridge.allEvents(2)));
        expectObservable(late.pipe(map(() => bridge.stats().replay.size))).toBe('------x', { x: 3 });
      });
    });

    it('start() and stop() are idempotent', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const daemon = cold('-a', { a });
        const bridge = bridgeOf(new MemoryDaemonClient(() => daemon));
        bridge.start();
        bridge.start();
        at(4, () => {
          bridge.stop();
          bridge.stop();
        });
        expectSubscriptions(daemon.subscriptions).toBe('^---!');
        expectObservable(bridge.allEvents(0)).toBe('-a--(s|)', { a: msg(a, 1), s: stopped });
      });
    });

    describe('with connectOnDemand', () => {
      it('connects with the first consumer and disconnects a grace period after the last', () => {
        testScheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
          const daemon = cold('-a-b-c-d-a-b-c-d', { a, b, c, d });
          const bridge = bridgeOf(new MemoryDaemonClient(() => daemon), {
            connectOnDemand: true,
            disconnectGraceMs: 10,
          });
          bridge.start();
          at(40, () => bridge.stop());
          expectObservable(bridge.allEvents(0), '-----^-----!').toBe('------a-b-c', {
            a: msg(a, 1),
            b: msg(b, 2),
            c: msg(c, 3),
          });
          expectObservable(bridge.jobEvents('alpha'), '--------^------!').toBe('------------d-x', {
            d: msg(d, 4),
            x: msg(a, 5),
          });
          // Last consumer leaves at 15; the grace period ends at 25.
          expectSubscriptions(daemon.subscriptions).toBe('-----^-------------------!');
          expectObservable(bridge.state$).toBe('i----cn 18ms i 14ms s', {
            i: 'idle',
            c: 'connecting',
            n: 'connected',
            s: 'stopped',
          });
        });
      });

      it('keeps the connection when a consumer arrives within the grace period', () => {
        testScheduler.run(({ cold, expectSubscriptions }) => {
          const daemon = cold('-a', { a });
          const bridge = bridgeOf(new MemoryDaemonClient(() => daemon), {
            connectOnDemand: true,
            disconnectGraceMs: 10,
          });
          bridge.start();
          at(30, () => bridge.stop());
          at(0, () => {
            const first = bridge.allEvents(0).subscribe();
            at(5, () => first.unsubscribe());
          });
          at(12, () => {
            const second = bridge.allEvents(0).subscribe();
            at(20, () => second.unsubscribe());
          });
          // The second consumer leaves at 20; the grace period ends at 30.
          expectSubscriptions(daemon.subscriptions).toBe('^ 29ms !');
        });
      });

      it('disconnects at once on stop(), without waiting for the grace period', () => {
        testScheduler.run(({ cold, expectSubscriptions }) => {
          const daemon = cold('-a', { a });
          const bridge = bridgeOf(new MemoryDaemonClient(() => daemon), {
            connectOnDemand: true,
            disconnectGraceMs: 100,
          });
          bridge.start();
          bridge.allEvents(0).subscribe();
          at(5, () => bridge.stop());
          expectSubscriptions(daemon.subscriptions).toBe('^----!');
        });
      });
    });
  });

  describe('heartbeats', () => {
    it('beat after heartbeatMs of silence, counted from each consumer’s own last emission', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('300ms a 999ms d', { a, d })), {
          heartbeatMs: 500,
        });
        bridge.start();
        at(2_000, () => bridge.stop());
        // alpha gets a at 300, d at 1300: beats at 800 (300+500), then 1800 (1300+500).
        expectObservable(bridge.jobEvents('alpha')).toBe('300ms a 499ms h 499ms d 499ms h 199ms (s|)', {
          a: msg(a, 1),
          d: msg(d, 2),
          h: expect.objectContaining({ event: 'heartbeat' }) as SseMessage,
          s: stopped,
        });
        // beta gets nothing: beats at 500, 1000, 1500.
        expectObservable(bridge.jobEvents('beta')).toBe('500ms x 499ms y 499ms z 499ms (s|)', {
          x: hb(500),
          y: hb(1_000),
          z: hb(1_500),
          s: stopped,
        });
      });
    });
  });

  describe('stop', () => {
    it('sends bridge_stopped to every consumer, then completes it', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => hot('--a', { a })));
        bridge.start();
        at(5, () => bridge.stop());
        expectObservable(bridge.jobEvents('alpha')).toBe('--a--(s|)', { a: msg(a, 1), s: stopped });
        expectObservable(bridge.jobEvents('zeta')).toBe('-----(s|)', { s: stopped });
        expectObservable(bridge.allEvents()).toBe('--a--(s|)', { a: msg(a, 1), s: stopped });
      });
    });

    it('completes consumers at once, with no event, while the bridge is not running', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const daemon = cold('-a', { a });
        const bridge = bridgeOf(new MemoryDaemonClient(() => daemon));
        expectObservable(bridge.jobEvents('alpha')).toBe('|');
        expectObservable(bridge.allEvents()).toBe('|');
        bridge.start();
        bridge.stop();
        expectObservable(bridge.allEvents()).toBe('|');
        expectSubscriptions(daemon.subscriptions).toBe('(^!)');
      });
    });

    it('can start again; ids keep increasing across the restart', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-a', { a })));
        bridge.start();
        at(3, () => bridge.stop());
        at(5, () => bridge.start());
        at(9, () => bridge.stop());
        expectObservable(cold('-----x').pipe(map(() => bridge.stats().lastEventId))).toBe('-----x', {
          x: 't-1',
        });
        expectObservable(cold('-------x').pipe(map(() => bridge.stats().lastEventId))).toBe('-------x', {
          x: 't-2',
        });
      });
    });
  });

  describe('reconnect', () => {
    it('resubscribes after an error, 10 ms doubling up to the 40 ms cap', () => {
      testScheduler.run(({ cold, expectSubscriptions }) => {
        const daemon = cold('-#');
        const bridge = bridgeOf(new MemoryDaemonClient(() => daemon));
        bridge.start();
        at(120, () => bridge.stop());
        expectSubscriptions(daemon.subscriptions).toBe([
          '^!',
          '11ms ^!', // 1 + 10
          '32ms ^!', // 12 + 20
          '73ms ^!', // 33 + 40
          '114ms ^!', // 74 + 40 (capped)
        ]);
      });
    });

    it('resubscribes after the daemon ends the stream, with the same backoff', () => {
      testScheduler.run(({ cold, expectSubscriptions }) => {
        const daemon = cold('-|');
        const bridge = bridgeOf(new MemoryDaemonClient(() => daemon));
        bridge.start();
        at(120, () => bridge.stop());
        expectSubscriptions(daemon.subscriptions).toBe(['^!', '11ms ^!', '32ms ^!', '73ms ^!', '114ms ^!']);
      });
    });

    it('shares one backoff between errors and ends, and resets it after an event', () => {
      testScheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
        const attempts = [cold('-#'), cold('-|'), cold('-a#', { a }), cold('-|'), cold('-#')];
        const client = new MemoryDaemonClient((n) => attempts[Math.min(n, attempts.length - 1)]!);
        const bridge = bridgeOf(client);
        bridge.start();
        at(100, () => bridge.stop());
        expectSubscriptions(attempts[0]!.subscriptions).toBe('^!'); // error at 1, wait 10
        expectSubscriptions(attempts[1]!.subscriptions).toBe('11ms ^!'); // end at 12, wait 20
        expectSubscriptions(attempts[2]!.subscriptions).toBe('32ms ^-!'); // event at 33 resets; error at 34, wait 10
        expectSubscriptions(attempts[3]!.subscriptions).toBe('44ms ^!'); // end at 45, wait 20
        expectSubscriptions(attempts[4]!.subscriptions).toBe('65ms ^!'); // error at 66; 66 + 40 is after the stop
        expectObservable(bridge.allEvents(0)).toBe('33ms a 66ms (s|)', { a: msg(a, 1), s: stopped });
        expect(client.streams).toEqual(
          expect.arrayContaining([{ method: 'daemon.monitor.stream', params: {} }]),
        );
      });
    });

    it('moves state$ through connecting, connected, reconnecting and back to connected', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const attempts = [cold('--a--#', { a }), cold('----b', { b })];
        const client = new MemoryDaemonClient((n) => attempts[Math.min(n, 1)]!);
        const bridge = bridgeOf(client);
        // start at 2; a at 4; error at 7; resubscribe at 17; b at 21; stop at 23.
        expectObservable(bridge.state$).toBe('i-c-n--r 13ms n-s', {
          i: 'idle',
          c: 'connecting',
          n: 'connected',
          r: 'reconnecting',
          s: 'stopped',
        });
        at(2, () => bridge.start());
        at(23, () => bridge.stop());
      });
    });

    it('says connected as soon as the client reports the socket open, before any event', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const client = new MemoryDaemonClient(() => cold('-----a', { a }));
        client.reportOpen = true;
        const bridge = bridgeOf(client);
        bridge.start();
        at(10, () => bridge.stop());
        expectObservable(bridge.state$).toBe('n---------s', { n: 'connected', s: 'stopped' });
      });
    });

    it('counts reconnects and logs each with its delay', () => {
      const warnings: JsonObject[] = [];
      testScheduler.run(({ cold }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-#', {}, new Error('socket closed'))), {
          logger: { ...silent(), warn: (_message, fields) => warnings.push(fields ?? {}) },
        });
        bridge.start();
        at(50, () => bridge.stop());
        testScheduler.flush();
        expect(bridge.stats().counters.reconnects).toBe(3);
      });
      expect(warnings.map((w) => w['delayMs'])).toEqual([10, 20, 40]);
      expect(warnings[0]?.['error']).toBe('Error: socket closed');
    });
  });

  describe('replay and resume', () => {
    function seeded(events: JsonObject[], options: BridgeOptions = {}) {
      const feed = new Subject<JsonObject>();
      const bridge = bridgeOf(new MemoryDaemonClient(() => feed), options);
      bridge.start();
      for (const event of events) feed.next(event);
      return { bridge, feed };
    }

    it('allEvents(limit) replays the newest `limit` events, then goes live', () => {
      testScheduler.run(({ expectObservable }) => {
        const { bridge, feed } = seeded([a, b, c]);
        at(6, () => feed.next(d));
        at(8, () => bridge.stop());
        expectObservable(bridge.allEvents(2)).toBe('(bc)--d-(s|)', {
          b: msg(b, 2),
          c: msg(c, 3),
          d: msg(d, 4),
          s: stopped,
        });
        expectObservable(bridge.allEvents()).toBe('(abc)-d-(s|)', {
          a: msg(a, 1),
          b: msg(b, 2),
          c: msg(c, 3),
          d: msg(d, 4),
          s: stopped,
        });
        expectObservable(bridge.allEvents(0)).toBe('------d-(s|)', { d: msg(d, 4), s: stopped });
      });
    });

    it('resumes after a Last-Event-ID with exactly the missed events, then live, no gap, no duplicate', () => {
      testScheduler.run(({ expectObservable }) => {
        const { bridge, feed } = seeded([a, b, c, d]);
        at(6, () => feed.next(a));
        at(8, () => bridge.stop());
        expectObservable(bridge.allEvents(50, { lastEventId: 't-2' })).toBe('(cd)--a-(s|)', {
          c: msg(c, 3),
          d: msg(d, 4),
          a: msg(a, 5),
          s: stopped,
        });
        expectObservable(bridge.jobEvents('alpha', { lastEventId: 't-1' })).toBe('(d)---x-(s|)', {
          d: msg(d, 4),
          x: msg(a, 5),
          s: stopped,
        });
        expectObservable(bridge.jobEvents('alpha', { lastEventId: 't-4' })).toBe('------x-(s|)', {
          x: msg(a, 5),
          s: stopped,
        });
      });
    });

    it('gives no duplicate to a consumer that resumes while an event is being dispatched', () => {
      const { bridge, feed } = seeded([a]);
      const late: SseMessage[] = [];
      bridge.allEvents(0).subscribe((message) => {
        if (message.id === 't-2') bridge.allEvents(0, { lastEventId: 't-1' }).subscribe((m) => late.push(m));
      });
      feed.next(b);
      feed.next(c);
      bridge.stop();
      expect(late.map((m) => m.id ?? m.event)).toEqual(['t-2', 't-3', 'bridge_stopped']);
    });

    it('sends one stream_reset, then live events, for an id of another bridge instance', () => {
      testScheduler.run(({ expectObservable }) => {
        const { bridge, feed } = seeded([a, b]);
        at(2, () => feed.next(c));
        at(4, () => bridge.stop());
        const reset = (reason: string, lastEventId: string) =>
          expect.objectContaining({
            event: 'stream_reset',
            data: expect.stringContaining(`"reason":"${reason}","lastEventId":"${lastEventId}"`) as string,
          }) as SseMessage;
        expectObservable(bridge.allEvents(50, { lastEventId: 'other-1' })).toBe('r-c-(s|)', {
          r: reset('unknown_id', 'other-1'),
          c: msg(c, 3),
          s: stopped,
        });
        expectObservable(bridge.jobEvents('alpha', { lastEventId: 't-99' })).toBe('r---(s|)', {
          r: reset('unknown_id', 't-99'),
          s: stopped,
        });
        expectObservable(bridge.allEvents(50, { lastEventId: 'garbage' })).toBe('r-c-(s|)', {
          r: reset('unknown_id', 'garbage'),
          c: msg(c, 3),
          s: stopped,
        });
      });
    });

    it('sends stream_reset for an id whose successors left the replay ring, and counts both outcomes', () => {
      let counters: unknown;
      testScheduler.run(({ expectObservable }) => {
        const { bridge } = seeded([a, b, c, d], { replaySize: 2 });
        at(3, () => (counters = bridge.stats().counters));
        at(4, () => bridge.stop());
        expectObservable(bridge.allEvents(50, { lastEventId: 't-1' })).toBe('r---(s|)', {
          r: expect.objectContaining({
            event: 'stream_reset',
            data: expect.stringContaining('"expired"') as string,
          }) as SseMessage,
          s: stopped,
        });
        // t-2's successors (3 and 4) are still kept: an exact resume.
        expectObservable(bridge.allEvents(50, { lastEventId: 't-2' })).toBe('(cd)(s|)', {
          c: msg(c, 3),
          d: msg(d, 4),
          s: stopped,
        });
      });
      expect(counters).toMatchObject({ replayHits: 1, resetsExpired: 1, resetsUnknownId: 0 });
    });

    it('sends no heartbeat or bridge_stopped with an id', () => {
      testScheduler.run(({ cold }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-a', { a })), { heartbeatMs: 5 });
        bridge.start();
        const seen: SseMessage[] = [];
        bridge.allEvents().subscribe((m) => seen.push(m));
        at(12, () => bridge.stop());
        testScheduler.flush();
        expect(seen.map((m) => [m.event, m.id])).toEqual([
          ['sheet.started', 't-1'],
          ['heartbeat', undefined],
          ['heartbeat', undefined],
          ['bridge_stopped', undefined],
        ]);
      });
    });
  });

  describe('malformed daemon input', () => {
    it('is skipped, counted and logged; no consumer ends or errors', () => {
      const warnings: string[] = [];
      testScheduler.run(({ cold, expectObservable }) => {
        const bad = {
          n: null,
          r: [a],
          x: 42,
          s: 'sheet.started',
          j: { job_id: 5, event: 'sheet.started' },
          e: { job_id: 'alpha', event: 7 },
          t: { job_id: 'alpha', event: 'x', timestamp: 'yesterday' },
          D: { job_id: 'alpha', event: 'x', data: 'not an object' },
          S: { job_id: 'alpha', event: 'x', sheet_num: 1.5 },
        };
        const daemon = cold<unknown>('-nrxsjetDS-a', { ...bad, a });
        const bridge = bridgeOf(new MemoryDaemonClient(() => daemon), {
          logger: { ...silent(), warn: (message) => warnings.push(message) },
        });
        bridge.start();
        at(15, () => bridge.stop());
        expectObservable(bridge.jobEvents('alpha')).toBe('-----------a---(s|)', { a: msg(a, 1), s: stopped });
        expectObservable(bridge.allEvents()).toBe('-----------a---(s|)', { a: msg(a, 1), s: stopped });
        expectObservable(cold('--------------x').pipe(map(() => bridge.stats().counters))).toBe(
          '--------------x',
          {
            x: {
              eventsIn: 1,
              invalidEvents: 9,
              reconnects: 0,
              replayHits: 0,
              resetsExpired: 0,
              resetsUnknownId: 0,
            },
          },
        );
      });
      expect(warnings).toHaveLength(9);
      expect(warnings[4]).toMatch(/job_id/);
    });

    it('skips an event that cannot be serialised instead of failing the stream', () => {
      const cyclic: JsonObject = { job_id: 'alpha', event: 'x' };
      cyclic['self'] = cyclic;
      const feed = new Subject<unknown>();
      const bridge = new DaemonEventBridge(new MemoryDaemonClient(() => feed), { instanceId: 't' });
      bridge.start();
      const seen: SseMessage[] = [];
      bridge.allEvents(0).subscribe((m) => seen.push(m));
      feed.next(cyclic);
      feed.next(a);
      bridge.stop();
      expect(seen).toEqual([msg(a, 1), stopped]);
      expect(bridge.stats().counters.invalidEvents).toBe(1);
    });
  });

  describe('observerEvents', () => {
    const history = [a, d];

    async function observe(answer: () => unknown) {
      const client = new MemoryDaemonClient(
        () => of(),
        () => answer() as Promise<unknown>,
      );
      const bridge = new DaemonEventBridge(client);
      const emissions = await firstValueFrom(bridge.observerEvents('alpha', 5).pipe(toArray()));
      return { emissions, client, bridge };
    }

    it('makes one call with job_id and limit and emits a list result as is', async () => {
      const { emissions, client } = await observe(() => Promise.resolve(history));
      expect(emissions).toEqual([history]);
      expect(client.calls).toEqual([
        { method: 'daemon.observer_events', params: { job_id: 'alpha', limit: 5 } },
      ]);
    });

    it('emits the events list of an object result', async () => {
      const { emissions } = await observe(() => Promise.resolve({ events: history }));
      expect(emissions).toEqual([history]);
    });

    it.each([
      ['a string', 'nope'],
      ['null', null],
      ['an object without events', { other: [] }],
      ['an object whose events is not a list', { events: 'nope' }],
    ])('emits [] for %s', async (_label, result) => {
      const { emissions } = await observe(() => Promise.resolve(result));
      expect(emissions).toEqual([[]]);
    });

    it('emits [] when the call fails, asynchronously or synchronously', async () => {
      expect((await observe(() => Promise.reject(new Error('daemon down')))).emissions).toEqual([[]]);
      expect(
        (
          await observe(() => {
            throw new Error('sync');
          })
        ).emissions,
      ).toEqual([[]]);
      expect((await observe(() => throwError(() => new Error('obs')))).emissions).toEqual([[]]);
    });

    it('drops and counts items that are not objects', async () => {
      const { emissions, bridge } = await observe(() => Promise.resolve([a, 3, null, d]));
      expect(emissions).toEqual([[a, d]]);
      expect(bridge.stats().counters.invalidEvents).toBe(2);
    });

    it('is deferred: no call until subscribed, one call per subscription; works whether or not the bridge runs', async () => {
      const client = new MemoryDaemonClient(
        () => of(),
        () => Promise.resolve(history),
      );
      const bridge = new DaemonEventBridge(client);
      const history$ = bridge.observerEvents('alpha');
      expect(client.calls).toHaveLength(0);
      await firstValueFrom(history$);
      await firstValueFrom(history$);
      expect(client.calls).toHaveLength(2);
      expect(client.calls[0]?.params).toEqual({ job_id: 'alpha', limit: 20 });
    });
  });

  describe('arguments', () => {
    const bridge = new DaemonEventBridge(new MemoryDaemonClient(() => of()));

    it.each([
      ['jobEvents("")', () => bridge.jobEvents('')],
      ['allEvents(-1)', () => bridge.allEvents(-1)],
      ['allEvents(1.5)', () => bridge.allEvents(1.5)],
      ['allEvents(NaN)', () => bridge.allEvents(Number.NaN)],
      ['observerEvents("")', () => bridge.observerEvents('')],
      ['observerEvents("j", 0)', () => bridge.observerEvents('j', 0)],
    ])('%s throws InvalidArgumentError', (_label, call) => {
      expect(call).toThrow(InvalidArgumentError);
      try {
        call();
      } catch (error) {
        expect(error).toMatchObject({ name: 'InvalidArgumentError', code: 'ERR_INVALID_ARGUMENT' });
      }
    });
  });

  describe('stats', () => {
    it('counts consumers per kind and jobs', () => {
      const bridge = new DaemonEventBridge(new MemoryDaemonClient(() => new Observable<never>()));
      bridge.start();
      const subs = [
        bridge.jobEvents('alpha').subscribe(),
        bridge.jobEvents('alpha').subscribe(),
        bridge.jobEvents('beta').subscribe(),
        bridge.allEvents().subscribe(),
      ];
      expect(bridge.stats().consumers).toEqual({ global: 1, job: 3, jobs: 2 });
      subs.forEach((s) => s.unsubscribe());
      expect(bridge.stats().consumers).toEqual({ global: 0, job: 0, jobs: 0 });
      bridge.stop();
      expect(bridge.stats()).toMatchObject({ state: 'stopped', running: false });
    });
  });
});

function silent(): BridgeLogger {
  return { debug() {}, info() {}, warn() {}, error() {} };
}

export type { BridgeState };
