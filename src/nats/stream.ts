import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { eventFilter } from './subjects.js';

/** How the events stream is created when it is missing. */
export interface StreamRetention {
  /** Most messages kept (oldest discarded first); -1 = unlimited. */
  readonly maxMsgs: number;
  /** Oldest message age kept, in ms; 0 = unlimited. */
  readonly maxAgeMs: number;
  /** Most bytes kept; -1 = unlimited. */
  readonly maxBytes: number;
  /** Copies kept in a cluster (1, 3 or 5). */
  readonly replicas: number;
}

/**
 * Returns the stream's info, creating it first when it does not exist:
 * file storage, limits retention, discard old, subjects `<prefix>.*.events.*`.
 * An existing stream is used as it is: never updated, never deleted.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  prefix: string,
  retention: StreamRetention,
): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'StreamNotFoundError') throw error;
  }
  return jsm.streams.add({
    name,
    subjects: [eventFilter(prefix)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs: retention.maxMsgs,
    max_age: retention.maxAgeMs * 1_000_000,
    max_bytes: retention.maxBytes,
    num_replicas: retention.replicas,
  });
}
