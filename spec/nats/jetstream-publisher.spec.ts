import { jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AckListener } from '../../src/nats/ack-tracker';
import { JetStreamPublishError } from '../../src/nats/errors';
import { JetStreamPublisher } from '../../src/nats/jetstream-publisher';
import type { PendingPublish } from '../../src/nats/publish-buffer';
import { ManualScheduler } from '../support/manual-scheduler';
import { describeNats, startNatsServer, type NatsServer } from '../support/nats-server';
import { waitUntil } from '../support/wait-until';

const encoder = new TextEncoder();

/** A listener that writes down what it hears: `acked <msgId>`, `duplicate <msgId>` or `failed <msgId> <reason>`. */
function recorder(): AckListener<PendingPublish> & { readonly heard: string[] } {
  const heard: string[] = [];
  return {
    heard,
    acked: (item, duplicate) => heard.push(`${duplicate ? 'duplicate' : 'acked'} ${item.msgId}`),
    failed: (item, error) =>
      heard.push(
        `failed ${item.msgId} ${error instanceof JetStreamPublishError ? error.reason : error.name}`,
      ),
  };
}

const item = (subject: string, msgId: string, body: unknown = { msgId }): PendingPublish => ({
  subject,
  payload: encoder.encode(JSON.stringify(body)),
  msgId,
});

/** The publisher against a real nats-server: acks, duplicates, error acks, no responders, timeouts. */
describeNats('JetStreamPublisher', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let scheduler: ManualScheduler;
  let publisher: JetStreamPublisher;
  let listener: ReturnType<typeof recorder>;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'PUB', subjects: ['pub.>'], storage: StorageType.Memory });
    await jsm.streams.add({
      name: 'SMALL',
      subjects: ['small.>'],
      storage: StorageType.Memory,
      max_msg_size: 64,
    });
  });
  afterAll(async () => {
    await nc.close();
    await server.dispose();
  });

  beforeEach(() => {
    scheduler = new ManualScheduler();
    publisher = new JetStreamPublisher(nc, 5_000, scheduler);
    listener = recorder();
  });
  afterEach(() => publisher.close());

  const heard = (count: number) =>
    waitUntil(
      () => listener.heard.length >= count,
      () => `${count} outcomes, heard ${listener.heard.join(', ')}`,
    );

  it('stores each event once with its Nats-Msg-Id, in order, and says which acks were duplicates', async () => {
    for (const msgId of ['m1', 'm2', 'm1', 'm3']) publisher.publish(item('pub.a', msgId), listener);
    expect(publisher.awaiting).toBe(4);
    await heard(4);
    expect(listener.heard).toEqual(['acked m1', 'acked m2', 'duplicate m1', 'acked m3']);
    expect(publisher.awaiting).toBe(0);
    const stored = await Promise.all([1, 2, 3].map((seq) => jsm.streams.getMessage('PUB', { seq })));
    expect(stored.map((m) => [m?.header?.get('Nats-Msg-Id'), m?.json()])).toEqual([
      ['m1', { msgId: 'm1' }],
      ['m2', { msgId: 'm2' }],
      ['m3', { msgId: 'm3' }],
    ]);
  });

  it('fails a publish JetStream rejects (rejected), and one no stream listens to (no_responders)', async () => {
    publisher.publish(item('small.a', 'f1'), listener);
    publisher.publish(item('small.a', 'f2', { big: 'x'.repeat(100) }), listener);
    publisher.publish(item('nowhere.a', 'n1'), listener);
    await heard(3);
    expect([...listener.heard].sort()).toEqual(['acked f1', 'failed f2 rejected', 'failed n1 no_responders']);
  });

  it('fails a publish without an ack after the timeout, on its scheduler', async () => {
    const silent = nc.subscribe('silent.a', { callback: () => {} });
    publisher.publish(item('silent.a', 's1'), listener);
    await nc.flush();
    scheduler.advance(4_999);
    expect(listener.heard).toEqual([]);
    scheduler.advance(1);
    expect(listener.heard).toEqual(['failed s1 timeout']);
    silent.unsubscribe();
  });

  it("takes its replies under the connection's inbox prefix", async () => {
    const custom = await connect({ servers: server.url, inboxPrefix: 'relay_acks' });
    const replies: string[] = [];
    const watch = nc.subscribe('pub.prefixed', {
      callback: (_error, msg) => {
        replies.push(msg.reply ?? '');
      },
    });
    await nc.flush();
    const prefixed = new JetStreamPublisher(custom, 5_000, scheduler);
    prefixed.publish(item('pub.prefixed', 'p1'), listener);
    await heard(1);
    await waitUntil(() => replies.length === 1, 'the publish seen by a plain subscriber');
    expect(listener.heard).toEqual(['acked p1']);
    expect(replies).toEqual([expect.stringMatching(/^relay_acks\.[A-Za-z0-9]+\.1$/)]);
    watch.unsubscribe();
    prefixed.close();
    await custom.close();
  });

  it('fails what awaits an ack when closed', () => {
    publisher.publish(item('silent.b', 'c1'), listener);
    publisher.close();
    expect(listener.heard).toEqual(['failed c1 closed']);
  });

  it('throws, tracking nothing, when the connection is closed', async () => {
    const other = await connect({ servers: server.url });
    const closing = new JetStreamPublisher(other, 5_000, scheduler);
    await other.close();
    expect(() => closing.publish(item('pub.b', 'x1'), listener)).toThrow(/closed/i);
    expect([closing.awaiting, listener.heard]).toEqual([0, []]);
  });
});
