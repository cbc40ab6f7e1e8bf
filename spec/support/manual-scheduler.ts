import { VirtualAction, VirtualTimeScheduler } from 'rxjs';

/**
 * A virtual clock that only moves when a test says so, for code that mixes
 * real I/O (sockets) with timers: `advance(ms)` runs every action due by
 * then, in order, and leaves `now()` at the new time. Unlike
 * `TestScheduler.run`, it can be advanced between `await`s.
 */
export class ManualScheduler extends VirtualTimeScheduler {
  constructor() {
    super(VirtualAction, 0);
  }

  advance(ms: number): void {
    const target = this.frame + ms;
    this.maxFrames = target;
    this.flush();
    this.frame = target;
  }
}
