import { firstValueFrom, Subject, type Observable } from 'rxjs';
import { DaemonEventBridge } from '../../src/bridge/bridge';
import type { BridgeSource, ReplayFilter, SourceEvent } from '../../src/bridge/event-source';
import type { SseMessage } from '../../src/sse/message';

/**
 * A log held in memory: `append` makes an event live; `replay` calls wait
 * until the test releases them, so live events can arrive mid-replay.
 */
class MemoryLog implements BridgeSource {
  readonly numbering = 'log' as const;
  readonly entries: SourceEvent[] = [];
  readonly live = new Subject<SourceEvent>();
  readonly pendingReplays: { release: () => void; afterSeq: number; untilSeq: number }[] = [];
  first = 1;
  history: (conductor: string | undefined) => Promise<unknown> = () => Promise.resolve([]);

  append(conductor: string, raw: Record<string, unknown>): SourceEvent {
    const event = { raw, seq: this.entries.length + 1, conductor };
    this.entries.push(event);
    this.live.next(event);
    return event;
  }
  events(): Observable<SourceEvent> {
    return this.live;
  }
  replay(afterSeq: number, untilSeq: number, filter: ReplayFilter): Observable<SourceEvent> {
    const out = new Subject<SourceEvent>();
    this.pendingReplays.push({
      afterSeq,
      untilSeq,
      release: () => {
        for (const e of this.entries) {
          const raw = e.raw as { job_id?: string };
          if (e.seq! <= afterSeq || e.seq! > untilSeq || e.seq! < this.first) continue;
          if (filter.jobId !== undefined && raw.job_id !== filter.jobId) continue;
          if (filter.conductor !== undefined && e.conductor !== filter.conductor) continue;
          out.next(e);
        }
        out.complete();
      },
    });
    return out;
  }
  bounds(): Promise<{ firstSeq: number; lastSeq: number }> {
    return Promise.resolve({ firstSeq: this.first, lastSeq: this.entries.length });
  }
  observerEvents(_jobId: string, _limit: number, conductor: string | undefined): Promise<unknown> {
    return this.history(conductor);
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const nums = (messages: SseMessage[]) =>
  messages.filter((m) => m.id !== undefined).map((m) => (JSON.parse(m.data) as { n: number }).n);

describe('DaemonEventBridge fed by a log', () => {
  let log: MemoryLog;
  let bridge: DaemonEventBridge;
  let n = 0;
  const add = (job = 'j', conductor = 'host-a') => log.append(conductor, { job_id: job, event: 'e', n: ++n });

  beforeEach(() => {
    log = new MemoryLog();
    bridge = new DaemonEventBridge(log, { replaySize: 3, heartbeatMs: 600_000 });
    bridge.start();
    n = 0;
  });
  afterEach(() => bridge.stop());

  it('uses the log sequence as a plain integer id and adds the conductor to the data', () => {
    const got: SseMessage[] = [];
    bridge.allEvents(0).subscribe((m) => got.push(m));
    add();
    expect(got).toEqual([
      { event: 'e', id: '1', data: JSON.stringify({ job_id: 'j', event: 'e', n: 1, conductor: 'host-a' }) },
    ]);
  });

  it('a resume older than the ring reads the log; live events during the replay wait: no gap, no duplicate', async () => {
    for (let i = 0; i < 6; i++) add();
    const got: SseMessage[] = [];
    bridge.jobEvents('j', { lastEventId: '1' }).subscribe((m) => got.push(m));
    await flush();
    expect(log.pendingReplays).toHaveLength(1);
    expect(log.pendingReplays[0]).toMatchObject({ afterSeq: 1, untilSeq: 6 });
    add();
    add();
    expect(got).toEqual([]);
    log.pendingReplays[0]!.release();
    expect(nums(got)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    add();
    expect(nums(got)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a resume within the ring needs no log read', () => {
    for (let i = 0; i < 6; i++) add();
    const got: SseMessage[] = [];
    bridge.jobEvents('j', { lastEventId: '4' }).subscribe((m) => got.push(m));
    expect(nums(got)).toEqual([5, 6]);
    expect(log.pendingReplays).toHaveLength(0);
  });

  it('an id ahead of this replica (another replica is ahead) resumes after it without duplicates', async () => {
    add();
    const got: SseMessage[] = [];
    log.entries.push({ raw: { job_id: 'j', event: 'e', n: 99 }, seq: 2, conductor: 'host-a' }); // in the log, not yet here
    bridge.jobEvents('j', { lastEventId: '2' }).subscribe((m) => got.push(m));
    await flush();
    log.live.next(log.entries[1]!);
    n = 2;
    add();
    expect(nums(got)).toEqual([3]);
  });

  it('gives stream_reset expired below retention and unknown_id past the end', async () => {
    for (let i = 0; i < 6; i++) add();
    log.first = 4;
    const expired: SseMessage[] = [];
    const unknown: SseMessage[] = [];
    bridge.allEvents(1, { lastEventId: '1' }).subscribe((m) => expired.push(m));
    bridge.allEvents(1, { lastEventId: '50' }).subscribe((m) => unknown.push(m));
    await flush();
    expect(expired.map((m) => [m.event, (JSON.parse(m.data) as { reason?: string }).reason])).toEqual([
      ['stream_reset', 'expired'],
    ]);
    expect(unknown.map((m) => [m.event, (JSON.parse(m.data) as { reason?: string }).reason])).toEqual([
      ['stream_reset', 'unknown_id'],
    ]);
  });

  it("routes by conductor, lists conductors in stats, and asks history of the job's conductor", async () => {
    const onlyB: SseMessage[] = [];
    bridge.jobEvents('j', { conductor: 'host-b' }).subscribe((m) => onlyB.push(m));
    add('j', 'host-a');
    add('j', 'host-b');
    expect(nums(onlyB)).toEqual([2]);
    expect(Object.keys(bridge.stats().conductors ?? {})).toEqual(['host-a', 'host-b']);
    log.history = (conductor) => Promise.resolve([{ from: conductor }]);
    expect(await firstValueFrom(bridge.observerEvents('j', 5))).toEqual([{ from: 'host-b' }]);
    expect(await firstValueFrom(bridge.observerEvents('j', 5, 'host-a'))).toEqual([{ from: 'host-a' }]);
    log.history = () => Promise.reject(new Error('no responders'));
    expect(await firstValueFrom(bridge.observerEvents('j', 5, 'host-a'))).toEqual([]);
  });
});
