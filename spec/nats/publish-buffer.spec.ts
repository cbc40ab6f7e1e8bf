import fc from 'fast-check';
import { PublishBuffer, type PendingPublish } from '../../src/nats/publish-buffer';

const item = (n: number, bytes = 10): PendingPublish => ({
  subject: `deb.a.events.job-${n}`,
  payload: new Uint8Array(bytes),
  msgId: `a-run-${n}`,
});

const drain = (buffer: PublishBuffer): string[] => {
  const ids: string[] = [];
  for (let next = buffer.shift(); next !== undefined; next = buffer.shift()) ids.push(next.msgId);
  return ids;
};

describe('PublishBuffer', () => {
  it('is a FIFO whose events count until settled', () => {
    const buffer = new PublishBuffer(10, 1_000);
    for (let n = 1; n <= 3; n++) expect(buffer.push(item(n))).toBe(true);
    expect([buffer.size, buffer.bytes]).toEqual([3, 30]);
    const first = buffer.shift()!;
    expect(first.msgId).toBe('a-run-1');
    expect([buffer.size, buffer.bytes]).toEqual([3, 30]);
    buffer.settled(first);
    expect([buffer.size, buffer.bytes]).toEqual([2, 20]);
    expect([buffer.shift()?.msgId, buffer.shift()?.msgId, buffer.shift()]).toEqual([
      'a-run-2',
      'a-run-3',
      undefined,
    ]);
  });

  it('refuses a push beyond either bound, in flight included, and keeps nothing of it', () => {
    const byCount = new PublishBuffer(2, 1_000);
    expect([byCount.push(item(1)), byCount.push(item(2))]).toEqual([true, true]);
    const inFlight = byCount.shift()!;
    expect(byCount.push(item(3))).toBe(false);
    byCount.settled(inFlight);
    expect(byCount.push(item(3))).toBe(true);
    expect(drain(byCount)).toEqual(['a-run-2', 'a-run-3']);

    const byBytes = new PublishBuffer(100, 25);
    expect([byBytes.push(item(1)), byBytes.push(item(2)), byBytes.push(item(3, 6))]).toEqual([
      true,
      true,
      false,
    ]);
    expect([byBytes.size, byBytes.bytes]).toEqual([2, 20]);
    expect(byBytes.push(item(4, 5))).toBe(true);
  });

  it('puts failed events back at the head in the order given', () => {
    const buffer = new PublishBuffer(5, 1_000);
    for (let n = 1; n <= 3; n++) buffer.push(item(n));
    const taken = [buffer.shift()!, buffer.shift()!];
    buffer.push(item(4));
    buffer.push(item(5));
    expect(buffer.push(item(6))).toBe(false);
    buffer.requeue(taken);
    expect([buffer.size, buffer.bytes]).toEqual([5, 50]);
    expect(drain(buffer)).toEqual(['a-run-1', 'a-run-2', 'a-run-3', 'a-run-4', 'a-run-5']);
  });

  it('keeps order and counts through any mix of pushes, shifts, settles and requeues', () => {
    const op = fc.oneof(
      fc.constant('push' as const),
      fc.constant('shift' as const),
      fc.constant('settle' as const),
      fc.nat({ max: 4 }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3_000 }), (ops) => {
        const buffer = new PublishBuffer(50, 400);
        const queued: PendingPublish[] = [];
        const taken: PendingPublish[] = [];
        const held = () => [...queued, ...taken];
        const bytes = () => held().reduce((sum, i) => sum + i.payload.byteLength, 0);
        let n = 0;
        for (const o of ops) {
          if (o === 'push') {
            const next = item(++n, 1 + (n % 13));
            const fits = held().length < 50 && bytes() + next.payload.byteLength <= 400;
            expect(buffer.push(next)).toBe(fits);
            if (fits) queued.push(next);
          } else if (o === 'shift') {
            const next = buffer.shift();
            expect(next).toBe(queued.shift());
            if (next !== undefined) taken.push(next);
          } else if (o === 'settle') {
            const done = taken.shift();
            if (done !== undefined) buffer.settled(done);
          } else {
            const back = taken.splice(Math.max(0, taken.length - o), o);
            buffer.requeue(back);
            queued.unshift(...back);
          }
          expect([buffer.size, buffer.bytes]).toEqual([held().length, bytes()]);
        }
      }),
    );
  });
});
