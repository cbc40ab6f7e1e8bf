import {
  createInbox,
  headers,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import type { SchedulerLike } from 'rxjs';
import { isJsonObject } from '../json.js';
import { AckTracker, type AckListener } from './ack-tracker.js';
import { JetStreamPublishError } from './errors.js';
import type { PendingPublish } from './publish-buffer.js';

/**
 * What {@link JetStreamPublisher} needs of a NATS connection: nats.js's own
 * methods, and its `inboxPrefix` option where it has one (nats.js's
 * connection does, for accounts allowed replies under another prefix than `_INBOX`).
 */
export type PublishConnection = Pick<NatsConnection, 'publish' | 'subscribe'> & {
  readonly options?: { readonly inboxPrefix?: string };
};

/**
 * Publishes events to JetStream as core NATS messages with a `Nats-Msg-Id`
 * header and a reply subject, and hands each ack to the publish's listener.
 *
 * This is what `js.publish()` does, without its per-publish costs: a request
 * through the connection's muxed inbox with a promise, a timer and two
 * errors built up front (for their stack traces, about half of the relay's
 * CPU per event). Here every reply goes to `<inbox>.<id>` on one
 * subscription of the publisher's own, and {@link AckTracker} keeps one
 * timer for all.
 */
export class JetStreamPublisher {
  private readonly tracker: AckTracker<PendingPublish>;
  private readonly replyPrefix: string;
  private readonly inbox: Subscription;

  constructor(
    private readonly nc: PublishConnection,
    timeoutMs: number,
    scheduler: SchedulerLike,
  ) {
    this.tracker = new AckTracker(timeoutMs, scheduler);
    this.replyPrefix = `${createInbox(nc.options?.inboxPrefix)}.`;
    this.inbox = nc.subscribe(`${this.replyPrefix}*`, {
      callback: (error, msg) => this.receive(error, msg),
    });
  }

  /** Publishes awaiting their ack. */
  get awaiting(): number {
    return this.tracker.size;
  }

  /**
   * Sends `item`; `listener` hears its ack or failure later, never during
   * this call. Throws, tracking nothing, when the connection refuses it
   * (closed or draining).
   */
  publish(item: PendingPublish, listener: AckListener<PendingPublish>): void {
    const id = this.tracker.track(item, listener);
    const msgHeaders = headers();
    msgHeaders.set('Nats-Msg-Id', item.msgId);
    try {
      this.nc.publish(item.subject, item.payload, { headers: msgHeaders, reply: this.replyPrefix + id });
    } catch (error) {
      this.tracker.forget(id);
      throw error;
    }
  }

  /** Stops listening for acks and fails what still awaits one (`closed`). */
  close(): void {
    this.inbox.unsubscribe();
    this.tracker.failAll(
      new JetStreamPublishError('closed', 'the relay stopped before JetStream acknowledged'),
    );
  }

  private receive(error: Error | null, msg: Msg): void {
    // the server closed the subscription (a permissions violation): no ack will come
    if (error !== null) return this.tracker.failAll(error);
    const id = Number(msg.subject.slice(this.replyPrefix.length));
    const ack = readAck(msg);
    if (typeof ack === 'boolean') this.tracker.settle(id, undefined, ack);
    else this.tracker.settle(id, ack, false);
  }
}

/**
 * A JetStream publish ack: `{"stream", "seq", "duplicate"?}` gives whether it
 * was a duplicate; an `{"error": {...}}` ack, a status (503: nothing
 * listens on the subject) or anything else gives the error.
 */
function readAck(msg: Msg): boolean | JetStreamPublishError {
  const status = msg.headers?.code ?? 0;
  if (status === 503)
    return new JetStreamPublishError('no_responders', 'no JetStream stream answered (no responders)');
  if (status !== 0)
    return new JetStreamPublishError('rejected', `status ${status} ${msg.headers?.description ?? ''}`);
  let ack: unknown;
  try {
    ack = JSON.parse(msg.string());
  } catch {
    ack = undefined;
  }
  // an error ack may carry `stream` and `seq` too: the error decides
  const error = isJsonObject(ack) ? ack['error'] : undefined;
  if (isJsonObject(error))
    return new JetStreamPublishError(
      'rejected',
      `JetStream rejected the publish: ${String(error['description'])} (${String(error['err_code'])})`,
    );
  if (isJsonObject(ack) && typeof ack['stream'] === 'string' && typeof ack['seq'] === 'number')
    return ack['duplicate'] === true;
  return new JetStreamPublishError('rejected', `not a JetStream ack: ${msg.string().slice(0, 120)}`);
}
