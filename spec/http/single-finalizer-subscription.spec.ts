import { Subscription } from 'rxjs';
import { SingleFinalizerSubscription } from '../../src/http/single-finalizer-subscription';

describe('SingleFinalizerSubscription', () => {
  it('runs every finalizer once, the first plain one after the others', () => {
    const ran: string[] = [];
    const subscription = new SingleFinalizerSubscription();
    subscription.add(() => ran.push('first'));
    subscription.add({ unsubscribe: () => ran.push('second') });
    subscription.add(new Subscription(() => ran.push('child')));
    subscription.unsubscribe();
    subscription.unsubscribe();
    expect(ran).toEqual(['second', 'child', 'first']);
    expect(subscription.closed).toBe(true);
  });

  it('forgets a removed finalizer', () => {
    const ran: string[] = [];
    const subscription = new SingleFinalizerSubscription();
    const first = { unsubscribe: () => ran.push('first') };
    subscription.add(first);
    subscription.remove(first);
    subscription.add(() => ran.push('next'));
    subscription.unsubscribe();
    expect(ran).toEqual(['next']);
  });

  it('runs a finalizer added once closed at once, and ignores nothing and itself', () => {
    let ran = 0;
    const subscription = new SingleFinalizerSubscription();
    subscription.add(undefined);
    subscription.add(subscription);
    subscription.unsubscribe();
    subscription.add(() => ran++);
    expect(ran).toBe(1);
  });

  it('keeps rxjs parent bookkeeping for a child Subscription that ends on its own', () => {
    let ran = 0;
    const subscription = new SingleFinalizerSubscription();
    const child = new Subscription(() => ran++);
    subscription.add(child);
    child.unsubscribe();
    subscription.unsubscribe();
    expect(ran).toBe(1);
  });

  it('still runs its own finalizer when another one throws', () => {
    let ran = 0;
    const subscription = new SingleFinalizerSubscription();
    subscription.add(() => ran++);
    subscription.add(() => {
      throw new Error('teardown bug');
    });
    expect(() => subscription.unsubscribe()).toThrow(/teardown bug/);
    expect(ran).toBe(1);
  });
});
