import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

/** What the clock keeps of a consumer: when it last emitted, its place in the list, and how it beats. */
export interface Beater {
  lastEmission: number;
  newer: Beater | undefined;
  older: Beater | undefined;
  beat(): void;
}

/**
 * The heartbeats of all consumers of one bridge, on one timer. Consumers are
 * kept in a list ordered by their last emission (an emission moves one to
 * the end, O(1)); the one timer is armed for the oldest consumer's deadline,
 * `lastEmission + periodMs`, and when it fires it beats every consumer idle
 * for a full period, then re-arms for the next deadline. Each consumer beats
 * exactly `periodMs` after its own last emission, heartbeat included, as with
 * the `heartbeat` operator, but an idle consumer holds no timer of its own.
 */
export class HeartbeatClock<M extends Beater = Beater> {
  private oldest: Beater | undefined;
  private newest: Beater | undefined;
  private timer: Subscription | undefined;

  constructor(
    readonly periodMs: number,
    readonly scheduler: SchedulerLike,
  ) {}

  /** The consumers, oldest emission first (for stop: each may leave while it is visited). */
  *members(): Generator<M> {
    for (let member = this.oldest; member !== undefined;) {
      const newer = member.newer;
      yield member as M;
      member = newer;
    }
  }

  join(member: M): void {
    member.lastEmission = this.scheduler.now();
    this.append(member);
    this.timer ??= this.scheduler.schedule(fire, this.periodMs, this);
  }

  /** `member` emitted at `now`. */
  touch(member: M, now: number): void {
    // Already stamped `now`: every member after it is too (the list is sorted), so it stays put.
    if (member.lastEmission === now || this.newest === member) {
      member.lastEmission = now;
      return;
    }
    member.lastEmission = now;
    this.unlink(member);
    this.append(member);
  }

  leave(member: M): void {
    if (member.older === undefined && this.oldest !== member) return;
    this.unlink(member);
    member.older = member.newer = undefined;
    if (this.oldest === undefined) {
      this.timer?.unsubscribe();
      this.timer = undefined;
    }
  }

  /** Beats every member idle for a period; returns the delay to the next deadline, if any member is left. */
  beatIdle(): number | undefined {
    const now = this.scheduler.now();
    for (let member = this.oldest; member !== undefined; member = this.oldest) {
      if (now - member.lastEmission < this.periodMs) return member.lastEmission + this.periodMs - now;
      this.touch(member as M, now);
      member.beat();
    }
    return undefined;
  }

  private append(member: Beater): void {
    member.older = this.newest;
    member.newer = undefined;
    if (this.newest === undefined) this.oldest = member;
    else this.newest.newer = member;
    this.newest = member;
  }

  private unlink(member: Beater): void {
    if (member.older === undefined) this.oldest = member.newer;
    else member.older.newer = member.newer;
    if (member.newer === undefined) this.newest = member.older;
    else member.newer.older = member.older;
  }
}

/** The timer's work: beat the idle, re-arm for the next deadline (none when the last member left: `leave` cancelled the timer). */
function fire(this: SchedulerAction<HeartbeatClock>, clock?: HeartbeatClock): void {
  const delay = clock!.beatIdle();
  if (delay !== undefined) this.schedule(clock, delay);
}
