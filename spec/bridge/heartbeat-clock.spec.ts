import { VirtualTimeScheduler } from 'rxjs';
import { HeartbeatClock, type Beater } from '../../src/bridge/heartbeat-clock';

/** A member that records the virtual times it beat at. */
function member(scheduler: VirtualTimeScheduler, beats: number[]): Beater {
  return { lastEmission: 0, newer: undefined, older: undefined, beat: () => beats.push(scheduler.now()) };
}

/** Runs `step` at virtual time `frame`. */
function at(scheduler: VirtualTimeScheduler, frame: number, step: () => void): void {
  scheduler.schedule(step, frame);
}

/** Runs the scheduler's actions due up to `frame`. */
function runUntil(scheduler: VirtualTimeScheduler, frame: number): void {
  scheduler.maxFrames = frame;
  scheduler.flush();
}

describe('HeartbeatClock', () => {
  it('beats each member exactly one period after its own last emission, heartbeat included', () => {
    const scheduler = new VirtualTimeScheduler();
    const clock = new HeartbeatClock(10, scheduler);
    const a: number[] = [];
    const b: number[] = [];
    const ma = member(scheduler, a);
    const mb = member(scheduler, b);
    clock.join(ma);
    at(scheduler, 3, () => clock.join(mb));
    at(scheduler, 7, () => clock.touch(ma, scheduler.now())); // a emits at 7
    runUntil(scheduler, 40);
    expect(a).toEqual([17, 27, 37]);
    expect(b).toEqual([13, 23, 33]);
  });

  it('keeps members sorted when an emission comes at the time a member already has', () => {
    const scheduler = new VirtualTimeScheduler();
    const clock = new HeartbeatClock(10, scheduler);
    const beats: number[] = [];
    const a = member(scheduler, beats);
    const b = member(scheduler, beats);
    clock.join(a);
    clock.join(b);
    clock.touch(a, 0); // same time: a stays first
    at(scheduler, 4, () => clock.touch(a, 4)); // later: a moves behind b
    runUntil(scheduler, 15);
    expect(beats).toEqual([10, 14]);
    expect([...clock.members()]).toEqual([b, a]);
  });

  it('cancels its one timer when the last member leaves, and re-arms on the next join', () => {
    const scheduler = new VirtualTimeScheduler();
    const clock = new HeartbeatClock(10, scheduler);
    const beats: number[] = [];
    const m = member(scheduler, beats);
    clock.join(m);
    at(scheduler, 5, () => {
      clock.leave(m);
      clock.leave(m); // twice is harmless
      // only the test's own step at 30 is left: the clock's timer is gone
      expect(scheduler.actions.filter((action) => !action.closed).map((action) => action.delay)).toEqual([
        30,
      ]);
    });
    at(scheduler, 30, () => clock.join(m));
    runUntil(scheduler, 45);
    expect(beats).toEqual([40]);
    expect([...clock.members()]).toEqual([m]);
  });

  it('lets a member leave while it beats, and visits every member once for stop', () => {
    const scheduler = new VirtualTimeScheduler();
    const clock = new HeartbeatClock(10, scheduler);
    const beats: number[] = [];
    const quitter: Beater = { ...member(scheduler, beats), beat: () => clock.leave(quitter) };
    const stays = member(scheduler, beats);
    clock.join(quitter);
    clock.join(stays);
    runUntil(scheduler, 25);
    expect(beats).toEqual([10, 20]);
    const seen: Beater[] = [];
    for (const m of clock.members()) {
      seen.push(m);
      clock.leave(m);
    }
    expect(seen).toEqual([stays]);
    expect(scheduler.actions.filter((action) => !action.closed)).toHaveLength(0);
  });
});
