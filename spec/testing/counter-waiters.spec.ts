import { CounterWaiters } from '../../src/testing/counter-waiters';

describe('CounterWaiters', () => {
  it('resolves a waiter at the first check whose counters satisfy it, and only that one', async () => {
    const waiters = new CounterWaiters<{ n: number }>();
    const settled: string[] = [];
    const two = waiters.wait(({ n }) => n === 2, 1_000).then(() => settled.push('two'));
    const three = waiters.wait(({ n }) => n === 3, 1_000).then(() => settled.push('three'));
    waiters.check({ n: 1 });
    waiters.check({ n: 2 });
    await two;
    expect(settled).toEqual(['two']);
    waiters.check({ n: 3 });
    await three;
    expect(settled).toEqual(['two', 'three']);
  });

  it('rejects after the timeout, or at once on rejectAll', async () => {
    const waiters = new CounterWaiters<number>();
    await expect(waiters.wait(() => false, 10)).rejects.toThrow('condition not met within 10 ms');
    const pending = waiters.wait(() => false, 1_000);
    waiters.rejectAll(new Error('the fake daemon stopped'));
    await expect(pending).rejects.toThrow('stopped');
  });
});
