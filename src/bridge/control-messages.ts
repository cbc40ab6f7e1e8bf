import type { SchedulerLike } from 'rxjs';
import type { SseMessage } from '../sse/message.js';
import { BRIDGE_STOPPED_EVENT, HEARTBEAT_EVENT, STREAM_RESET_EVENT } from '../sse/vocabulary.js';

/** The message every consumer gets when the bridge stops, just before it completes. */
export const BRIDGE_STOPPED: SseMessage = Object.freeze({ event: BRIDGE_STOPPED_EVENT, data: '{}' });

/**
 * A `heartbeat` message stamped with the scheduler's clock, in Unix seconds.
 */
export function heartbeatMessage(scheduler: SchedulerLike): SseMessage {
  return { event: HEARTBEAT_EVENT, data: JSON.stringify({ timestamp: scheduler.now() / 1000 }) };
}

/** Why a `lastEventId` could not be resumed. */
export type StreamResetReason = 'unknown_id' | 'expired';

/**
 * The `stream_reset` message sent instead of a replay that cannot be exact.
 */
export function streamResetMessage(reason: StreamResetReason, lastEventId: string): SseMessage {
  const message =
    reason === 'expired'
      ? 'events after this id are no longer in the replay buffer; continuing with live events'
      : 'this id was not issued by this bridge (another instance, or a restart); continuing with live events';
  return { event: STREAM_RESET_EVENT, data: JSON.stringify({ reason, lastEventId, message }) };
}
