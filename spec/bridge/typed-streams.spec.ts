import { createTestScheduler, marbleBridge } from '../support/marbles';
import { firstValueFrom, Subject } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { DaemonEventBridge } from '../../src/bridge/bridge';
import { BRIDGE_STOPPED } from '../../src/bridge/control-messages';
import type { BridgeOptions } from '../../src/bridge/bridge-options';
import { toSseMessage } from '../../src/bridge/to-sse-message';
import { InvalidArgumentError } from '../../src/errors';
import type { ConductorEvent, TypedMessage } from '../../src/events/catalog';
import type { JsonObject } from '../../src/json';
import type { SseMessage } from '../../src/sse/message';
import { MemoryDaemonClient } from '../support/memory-daemon-client';

const a = { job_id: 'alpha', sheet_num: 1, event: 'sheet.started', data: { attempt: 1 }, timestamp: 1 };
const b = { job_id: 'beta', sheet_num: 1, event_type: 'sheet.completed', data: null, timestamp: 2 };
const c = { event: 'monitor.anomaly', data: { note: 'daemon-wide' }, timestamp: 3 };
const d = {
  job_id: 'alpha',
  sheet_num: 0,
  event: 'job.completed',
  data: { all_success: true },
  timestamp: 4,
};
const e = {
  job_id: 'alpha',
  sheet_num: 1,
  event: 'job.cost_update',
  data: { total_cost_usd: 0.5 },
  timestamp: 5,
};

/** The typed event the bridge makes of `raw` as its `seq`-th event (instanceId 't'). */
function ev(raw: JsonObject, seq: number): ConductorEvent {
  const jobId = typeof raw['job_id'] === 'string' ? raw['job_id'] : undefined;
  return { type: 'event', name: toSseMessage(raw).event, id: `t-${seq}`, jobId, event: raw };
}
const msg = (raw: JsonObject, seq: number): SseMessage => toSseMessage(raw, `t-${seq}`);
const stopped: TypedMessage = { type: 'bridge_stopped' };

describe('DaemonEventBridge: typed streams, event selection, until, jobSnapshot', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  const bridgeOf = (client: MemoryDaemonClient, options: BridgeOptions = {}): DaemonEventBridge =>
    marbleBridge(testScheduler, client, options);

  function at(frame: number, fn: () => void): void {
    testScheduler.schedule(fn, frame);
  }

  function seeded(events: JsonObject[], options: BridgeOptions = {}) {
    const feed = new Subject<JsonObject>();
    const bridge = bridgeOf(new MemoryDaemonClient(() => feed), options);
    bridge.start();
    for (const event of events) feed.next(event);
    return { bridge, feed };
  }

  describe('typedJobEvents and typedAllEvents', () => {
    it('route the same events as the SseMessage streams, as typed events, then bridge_stopped', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-a-b-c-d', { a, b, c, d })));
        bridge.start();
        at(20, () => bridge.stop());
        expectObservable(bridge.typedJobEvents('alpha')).toBe('-a-----d------------(s|)', {
          a: ev(a, 1),
          d: ev(d, 4),
          s: stopped,
        });
        expectObservable(bridge.typedAllEvents(0)).toBe('-a-b-c-d------------(s|)', {
          a: ev(a, 1),
          b: ev(b, 2),
          c: ev(c, 3),
          d: ev(d, 4),
          s: stopped,
        });
      });
    });

    it('name events by event, else event_type, else daemon_event, and keep every field', () => {
      const { bridge, feed } = seeded([]);
      const seen: TypedMessage[] = [];
      bridge.typedAllEvents(0).subscribe((m) => seen.push(m));
      const odd = { job_id: 'x', sheet_num: 2, data: { anything: [1] }, extra: 'kept' };
      feed.next(b);
      feed.next(odd);
      bridge.stop();
      expect(seen).toEqual([ev(b, 1), ev(odd, 2), stopped]);
      expect(seen.map((m) => (m.type === 'event' ? m.name : m.type))).toEqual([
        'sheet.completed',
        'daemon_event',
        'bridge_stopped',
      ]);
    });

    it('make one frozen typed event per event, shared by every typed consumer', () => {
      const { bridge, feed } = seeded([]);
      const seen: TypedMessage[] = [];
      bridge.typedJobEvents('alpha').subscribe((m) => seen.push(m));
      bridge.typedAllEvents(0).subscribe((m) => seen.push(m));
      bridge.typedAllEvents(0, { events: ['sheet.*'] }).subscribe((m) => seen.push(m));
      feed.next(a);
      const events = seen.filter((m) => m.type === 'event');
      expect(events).toHaveLength(3);
      expect(events[1]).toBe(events[0]);
      expect(events[2]).toBe(events[0]);
      expect(Object.isFrozen(events[0])).toBe(true);
      // a later replay from the ring hands out the same object again
      bridge.typedAllEvents(1).subscribe((m) => seen.push(m));
      expect(seen.at(-1)).toBe(events[0]);
      bridge.stop();
    });

    it('beat with typed heartbeats after heartbeatMs of silence', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-a', { a })), { heartbeatMs: 5 });
        bridge.start();
        at(12, () => bridge.stop());
        expectObservable(bridge.typedAllEvents(0)).toBe('-a----h----h(s|)', {
          a: ev(a, 1),
          h: { type: 'heartbeat', timestamp: expect.any(Number) as number },
          s: stopped,
        });
      });
    });

    it('replay the newest events and resume after a Last-Event-ID exactly, like allEvents', () => {
      testScheduler.run(({ expectObservable }) => {
        const { bridge, feed } = seeded([a, b, c]);
        at(6, () => feed.next(d));
        at(8, () => bridge.stop());
        expectObservable(bridge.typedAllEvents(2)).toBe('(bc)--d-(s|)', {
          b: ev(b, 2),
          c: ev(c, 3),
          d: ev(d, 4),
          s: stopped,
        });
        expectObservable(bridge.typedJobEvents('alpha', { lastEventId: 't-1' })).toBe('------d-(s|)', {
          d: ev(d, 4),
          s: stopped,
        });
      });
    });

    it('send a typed stream_reset for an id they cannot resume', () => {
      testScheduler.run(({ expectObservable }) => {
        const { bridge } = seeded([a]);
        at(2, () => bridge.stop());
        expectObservable(bridge.typedAllEvents(50, { lastEventId: 'other-1' })).toBe('r-(s|)', {
          r: {
            type: 'stream_reset',
            reason: 'unknown_id',
            lastEventId: 'other-1',
            message: expect.stringContaining('not issued by this bridge') as string,
          },
          s: stopped,
        });
      });
    });

    it('complete at once while the bridge is not running', () => {
      testScheduler.run(({ expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => new Subject()));
        expectObservable(bridge.typedJobEvents('alpha')).toBe('|');
        expectObservable(bridge.typedAllEvents()).toBe('|');
      });
    });
  });

  describe('event selection (events option)', () => {
    it('sends only the selected daemon events, and control messages always', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-a-b-c-d-e', { a, b, c, d, e })), {
          heartbeatMs: 6,
        });
        bridge.start();
        at(14, () => bridge.stop());
        expectObservable(bridge.allEvents(0, { events: ['sheet.*', 'job.cost_update'] })).toBe(
          '-a-b-----e----(s|)',
          {
            a: msg(a, 1),
            b: msg(b, 2),
            e: msg(e, 5),
            h: expect.objectContaining({ event: 'heartbeat' }) as SseMessage,
            s: BRIDGE_STOPPED,
          },
        );
        expectObservable(bridge.typedJobEvents('alpha', { events: ['job.*'] })).toBe('------hd-e----(s|)', {
          h: { type: 'heartbeat', timestamp: 0.006 },
          d: ev(d, 4),
          e: ev(e, 5),
          s: stopped,
        });
        expectObservable(bridge.jobEvents('alpha', { events: ['monitor.anomaly'] })).toBe(
          '------h-----h-(s|)',
          { h: expect.objectContaining({ event: 'heartbeat' }) as SseMessage, s: BRIDGE_STOPPED },
        );
      });
    });

    it('replays and resumes exactly within the selection', () => {
      testScheduler.run(({ expectObservable }) => {
        const { bridge, feed } = seeded([a, b, c, d, e]);
        at(5, () => feed.next(a));
        at(7, () => bridge.stop());
        expectObservable(bridge.allEvents(2, { events: ['sheet.*'] })).toBe('(ab)-x-(s|)', {
          a: msg(a, 1),
          b: msg(b, 2),
          x: msg(a, 6),
          s: BRIDGE_STOPPED,
        });
        expectObservable(
          bridge.jobEvents('alpha', { lastEventId: 't-1', events: ['job.cost_update', 'sheet.started'] }),
        ).toBe('e----x-(s|)', { e: msg(e, 5), x: msg(a, 6), s: BRIDGE_STOPPED });
      });
    });

    it('counts selective consumers in stats and forgets them when they leave', () => {
      const { bridge } = seeded([]);
      const subs = [
        bridge.jobEvents('alpha', { events: ['sheet.*'] }).subscribe(),
        bridge.jobEvents('beta', { events: ['sheet.failed'] }).subscribe(),
        bridge.allEvents(0, { events: ['job.*'] }).subscribe(),
        bridge.jobEvents('alpha').subscribe(),
      ];
      expect(bridge.stats().consumers).toEqual({ global: 1, job: 3, jobs: 2 });
      subs.forEach((s) => s.unsubscribe());
      expect(bridge.stats().consumers).toEqual({ global: 0, job: 0, jobs: 0 });
      bridge.stop();
    });

    it.each([
      [[]],
      [['sheet*']],
      [['*.started']],
      [['sheet.']],
      [['a..b']],
      [['x'.repeat(129)]],
      [Array(65).fill('a')],
    ])('throws InvalidArgumentError for events %j', (events) => {
      const { bridge } = seeded([]);
      expect(() => bridge.allEvents(0, { events })).toThrow(InvalidArgumentError);
      expect(() => bridge.typedJobEvents('alpha', { events })).toThrow(/typedJobEvents\(options\.events\)/);
      bridge.stop();
    });
  });

  describe("until: 'terminal'", () => {
    it('completes the job stream right after the terminal event, live', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const bridge = bridgeOf(new MemoryDaemonClient(() => cold('-a-d-e', { a, d, e })));
        bridge.start();
        at(10, () => bridge.stop());
        expectObservable(bridge.jobEvents('alpha', { until: 'terminal' })).toBe('-a-(d|)', {
          a: msg(a, 1),
          d: msg(d, 2),
        });
        expectObservable(bridge.typedJobEvents('alpha', { until: 'terminal', events: ['sheet.*'] })).toBe(
          '-a-(d|)',
          { a: ev(a, 1), d: ev(d, 2) },
        );
      });
    });

    it('completes during a resume that replays the terminal event', () => {
      const { bridge } = seeded([a, d, e]);
      const seen: string[] = [];
      bridge.jobEvents('alpha', { lastEventId: 't-1', until: 'terminal' }).subscribe({
        next: (m) => seen.push(m.event),
        complete: () => seen.push('complete'),
      });
      expect(seen).toEqual(['job.completed', 'complete']);
      bridge.stop();
    });

    it('ends at baton.job.cancelled and job.failed too, and rejects other values', () => {
      const { bridge, feed } = seeded([]);
      const ends: string[] = [];
      for (const job of ['p', 'q']) {
        bridge.typedJobEvents(job, { until: 'terminal' }).subscribe({
          next: (m) => m.type === 'event' && ends.push(`${job}:${m.name}`),
          complete: () => ends.push(`${job}:complete`),
        });
      }
      feed.next({ job_id: 'p', event: 'baton.job.cancelled' });
      feed.next({ job_id: 'q', event: 'baton.job.paused' });
      feed.next({ job_id: 'q', event: 'job.failed', data: { all_success: false } });
      expect(ends).toEqual([
        'p:baton.job.cancelled',
        'p:complete',
        'q:baton.job.paused',
        'q:job.failed',
        'q:complete',
      ]);
      expect(() => bridge.jobEvents('p', { until: 'forever' as 'terminal' })).toThrow(InvalidArgumentError);
      bridge.stop();
    });
  });

  describe('jobSnapshot', () => {
    it("folds the job's events in the replay ring", async () => {
      const { bridge } = seeded([a, b, e, d]);
      const state = await firstValueFrom(bridge.jobSnapshot('alpha'));
      expect(state).toMatchObject({ jobId: 'alpha', status: 'completed', costUsd: 0.5, events: 3 });
      expect(state?.lastEvent).toEqual({ name: 'job.completed', id: 't-4', timestamp: 4 });
      bridge.stop();
    });

    it('folds the observer history (oldest first) when the ring has none of the job, and asks nothing otherwise', async () => {
      const history = [
        { job_id: 'old', sheet_num: 1, event: 'sheet.failed', data: { attempt: 1 }, timestamp: 20 },
        { job_id: 'old', sheet_num: 1, event: 'sheet.started', data: { attempt: 1 }, timestamp: 10 },
      ];
      const client = new MemoryDaemonClient(
        () => new Subject(),
        () => Promise.resolve({ events: history }),
      );
      const bridge = bridgeOf(client);
      const state = await firstValueFrom(bridge.jobSnapshot('old'));
      expect(state).toMatchObject({ status: 'running', sheetCounts: { failed: 1, running: 0 }, events: 2 });
      expect(client.calls).toEqual([
        { method: 'daemon.observer_events', params: { job_id: 'old', limit: 200 } },
      ]);
    });

    it('is undefined when neither has an event of the job', async () => {
      const bridge = bridgeOf(new MemoryDaemonClient(() => new Subject()));
      await expect(firstValueFrom(bridge.jobSnapshot('none'))).resolves.toBeUndefined();
      expect(() => bridge.jobSnapshot('')).toThrow(InvalidArgumentError);
    });
  });
});
