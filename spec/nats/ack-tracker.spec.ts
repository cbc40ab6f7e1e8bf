import { AckTracker, type AckListener } from '../../src/nats/ack-tracker';
import { JetStreamPublishError } from '../../src/nats/errors';
import { ManualScheduler } from '../support/manual-scheduler';

/** A listener that writes down what it hears, as `acked a`, `duplicate a` or `failed a #id reason`. */
function recorder(): AckListener<string> & { readonly heard: string[] } {
  const heard: string[] = [];
  return {
    heard,
    acked: (item, duplicate) => heard.push(`${duplicate ? 'duplicate' : 'acked'} ${item}`),
    failed: (item, error, id) =>
      heard.push(
        `failed ${item} #${id} ${error instanceof JetStreamPublishError ? error.reason : error.message}`,
      ),
  };
}

describe('AckTracker', () => {
  let scheduler: ManualScheduler;
  let tracker: AckTracker<string>;
  let listener: ReturnType<typeof recorder>;

  beforeEach(() => {
    scheduler = new ManualScheduler();
    tracker = new AckTracker(100, scheduler);
    listener = recorder();
  });

  it('issues ids in order and hands each ack to its listener once', () => {
    expect(['a', 'b', 'c'].map((item) => tracker.track(item, listener))).toEqual([1, 2, 3]);
    tracker.settle(2, undefined, true);
    tracker.settle(1, undefined, false);
    tracker.settle(1, undefined, false);
    tracker.settle(3, new Error('stream full'), false);
    expect(listener.heard).toEqual(['duplicate b', 'acked a', 'failed c #3 stream full']);
    expect(tracker.size).toBe(0);
  });

  it('fails each publish without an ack once its own timeout passed, oldest first, and no sooner', () => {
    tracker.track('a', listener);
    scheduler.advance(40);
    tracker.track('b', listener);
    tracker.track('c', listener);
    scheduler.advance(59);
    expect(listener.heard).toEqual([]);
    scheduler.advance(1);
    expect(listener.heard).toEqual(['failed a #1 timeout']);
    tracker.settle(2, undefined, false);
    scheduler.advance(39);
    expect(listener.heard).toEqual(['failed a #1 timeout', 'acked b']);
    scheduler.advance(1);
    expect(listener.heard).toEqual(['failed a #1 timeout', 'acked b', 'failed c #3 timeout']);
    expect(tracker.size).toBe(0);
  });

  it('ignores an ack that comes after its timeout', () => {
    tracker.track('a', listener);
    scheduler.advance(100);
    tracker.settle(1, undefined, false);
    expect(listener.heard).toEqual(['failed a #1 timeout']);
  });

  it('holds no timer while nothing awaits an ack, and times out what is tracked later', () => {
    tracker.track('a', listener);
    tracker.settle(1, undefined, false);
    expect(scheduler.actions).toHaveLength(0);
    scheduler.advance(500);
    tracker.track('b', listener);
    scheduler.advance(99);
    expect(listener.heard).toEqual(['acked a']);
    scheduler.advance(1);
    expect(listener.heard).toEqual(['acked a', 'failed b #2 timeout']);
  });

  it('keeps one timer however many publishes await', () => {
    for (let i = 0; i < 1_000; i++) tracker.track(`e${i}`, listener);
    expect(scheduler.actions).toHaveLength(1);
  });

  it('times out what a listener tracks while timeouts are being reported', () => {
    const chained: AckListener<string> = {
      acked: listener.acked,
      failed: (item, error, id) => {
        listener.failed(item, error, id);
        if (item === 'a') tracker.track('retry of a', chained);
      },
    };
    tracker.track('a', chained);
    scheduler.advance(100);
    expect(scheduler.actions).toHaveLength(1);
    scheduler.advance(100);
    expect(listener.heard).toEqual(['failed a #1 timeout', 'failed retry of a #2 timeout']);
  });

  it('forgets a publish without telling its listener', () => {
    tracker.track('a', listener);
    tracker.forget(1);
    scheduler.advance(1_000);
    expect([listener.heard, tracker.size]).toEqual([[], 0]);
  });

  it('fails everything awaiting at once, oldest first, and nothing tracked meanwhile', () => {
    const chained: AckListener<string> = {
      acked: listener.acked,
      failed: (item, error, id) => {
        listener.failed(item, error, id);
        if (item === 'a') tracker.track('after', chained);
      },
    };
    tracker.track('a', chained);
    tracker.track('b', chained);
    tracker.failAll(new JetStreamPublishError('closed', 'stopped'));
    expect(listener.heard).toEqual(['failed a #1 closed', 'failed b #2 closed']);
    expect(tracker.size).toBe(1);
  });
});
