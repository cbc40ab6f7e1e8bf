import { asyncScheduler, EMPTY } from 'rxjs';
import { BridgeEvent } from '../../src/bridge/bridge-consumer';
import { BridgeTally } from '../../src/bridge/bridge-stats';
import { streamResetMessage } from '../../src/bridge/control-messages';
import { EventIntake } from '../../src/bridge/event-intake';
import { eventNumbering } from '../../src/bridge/event-numbering';
import { daemonSource } from '../../src/bridge/event-source';
import { ReplayRing } from '../../src/bridge/replay-ring';
import { ResumePlanner } from '../../src/bridge/resume';
import { silentLogger } from '../../src/logger';
import { MemoryDaemonClient } from '../support/memory-daemon-client';

/** A planner over a ring of 3 that has seen events 1..5 of jobs a and b alternately. */
function planner() {
  const source = daemonSource(new MemoryDaemonClient(() => EMPTY));
  const numbering = eventNumbering(source, 't');
  const tally = new BridgeTally();
  const ring = new ReplayRing<BridgeEvent>(3);
  for (let seq = 1; seq <= 5; seq++) {
    ring.push(
      new BridgeEvent(seq, seq % 2 ? 'a' : 'b', undefined, { event: 'e', id: `t-${seq}`, data: '{}' }, 0, {
        event: 'e',
      }),
    );
  }
  const intake = new EventIntake(numbering, tally, silentLogger, asyncScheduler);
  const resumes = new ResumePlanner({
    ring,
    source,
    numbering,
    intake,
    tally,
    logger: silentLogger,
    newestSeq: () => 5,
  });
  return { resumes, tally };
}

const seqs = (events: readonly BridgeEvent[]) => events.map((event) => event.seq);

describe('ResumePlanner', () => {
  it('answers from the ring with exactly the events after the id, of the consumer’s job', () => {
    const { resumes, tally } = planner();
    expect(seqs(resumes.plan('t-2', { jobId: undefined, conductor: undefined }).events)).toEqual([3, 4, 5]);
    expect(seqs(resumes.plan('t-2', { jobId: 'a', conductor: undefined }).events)).toEqual([3, 5]);
    expect(seqs(resumes.plan('t-5', { jobId: undefined, conductor: undefined }).events)).toEqual([]);
    expect(tally.counters.replayHits).toBe(3);
  });

  it('resets an id that left the ring as expired, and a foreign or future id as unknown', () => {
    const { resumes, tally } = planner();
    const key = { jobId: undefined, conductor: undefined };
    expect(resumes.plan('t-1', key)).toEqual({ events: [], notice: streamResetMessage('expired', 't-1') });
    expect(resumes.plan('u-3', key)).toEqual({ events: [], notice: streamResetMessage('unknown_id', 'u-3') });
    expect(resumes.plan('t-6', key)).toEqual({ events: [], notice: streamResetMessage('unknown_id', 't-6') });
    expect(tally.counters).toMatchObject({ replayHits: 0, resetsExpired: 1, resetsUnknownId: 2 });
  });
});
