import { BridgeEvent } from '../../src/bridge/bridge-consumer';
import { BridgeTally } from '../../src/bridge/bridge-stats';

const event = (seq: number, conductor: string | undefined, at: number): BridgeEvent =>
  new BridgeEvent(seq, 'job', conductor, { event: 'e', data: '{}' }, at, { event: 'e' });

describe('BridgeTally', () => {
  it('counts events, and per conductor the count and the time of the last', () => {
    const tally = new BridgeTally();
    tally.ingest(event(1, 'host-a', 1_000));
    tally.ingest(event(2, undefined, 2_000));
    tally.ingest(event(3, 'host-a', 3_000));
    tally.ingest(event(4, 'host-b', 4_000));
    expect(tally.counters.eventsIn).toBe(4);
    expect(tally.conductorStats()).toEqual({
      'host-a': { events: 2, lastEventAt: new Date(3_000).toISOString() },
      'host-b': { events: 1, lastEventAt: new Date(4_000).toISOString() },
    });
  });

  it('counts resets by reason', () => {
    const tally = new BridgeTally();
    tally.countReset('expired');
    tally.countReset('unknown_id');
    tally.countReset('unknown_id');
    expect(tally.counters).toMatchObject({ resetsExpired: 1, resetsUnknownId: 2 });
  });
});
