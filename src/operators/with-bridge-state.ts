import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { SseMessage } from '../sse/message.js';
import { BRIDGE_STATE_EVENT } from '../sse/vocabulary.js';

const messages = new Map<string, SseMessage>();

/**
 * The `bridge_state` message of a state (no id, so it never moves a
 * client's `Last-Event-ID`). One shared frozen object per state, so its frame
 * is encoded once for every client.
 */
export function bridgeStateMessage(state: string): SseMessage {
  let message = messages.get(state);
  if (message === undefined) {
    message = Object.freeze({ event: BRIDGE_STATE_EVENT, data: JSON.stringify({ state }) });
    messages.set(state, message);
  }
  return message;
}

/**
 * Mirrors the source and interleaves a `bridge_state` message for the current
 * state (first) and for every change of `state$`, until the source completes
 * or errors (an error of `state$` is passed on too; its completion is not).
 *
 * Built on one subscriber, not `merge`/`endWith`/`takeWhile`: the source's
 * messages reach the subscriber with no operator in between, and this sits
 * on the path of every frame of every `/api/events/stream` client.
 */
export function withBridgeState(state$: Observable<string>): MonoTypeOperatorFunction<SseMessage> {
  return (source) =>
    new Observable<SseMessage>((subscriber) => {
      subscriber.add(
        state$.subscribe({
          next: (state) => subscriber.next(bridgeStateMessage(state)),
          error: (error: unknown) => subscriber.error(error),
        }),
      );
      if (!subscriber.closed) source.subscribe(subscriber);
    });
}
