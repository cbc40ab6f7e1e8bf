import { DaemonEventBridgeError } from '../errors.js';

/** Why a publish to JetStream failed; see {@link JetStreamPublishError}. */
export type PublishFailure = 'timeout' | 'rejected' | 'no_responders' | 'closed';

/**
 * A publish to JetStream that was not acknowledged: no ack within the
 * timeout (`timeout`), an error ack such as a full stream (`rejected`), no
 * stream listening on the subject or JetStream unavailable (`no_responders`),
 * or the relay stopped first (`closed`). The relay logs it and retries.
 */
export class JetStreamPublishError extends DaemonEventBridgeError {
  override readonly name = 'JetStreamPublishError';
  readonly code = 'ERR_JETSTREAM_PUBLISH';

  constructor(
    /** Why the publish failed. */
    readonly reason: PublishFailure,
    message: string,
  ) {
    super(message);
  }
}
