import { endWith, map, merge, takeWhile, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
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

const END = Symbol('end');

/**
 * Mirrors the source and interleaves a `bridge_state` message for the current
 * state (first) and for every change of `state$`, until the source completes
 * or errors.
 */
export function withBridgeState(state$: Observable<string>): MonoTypeOperatorFunction<SseMessage> {
  return (source) =>
    merge(state$.pipe(map(bridgeStateMessage)), source.pipe(endWith(END))).pipe(
      takeWhile((message): message is SseMessage => message !== END),
    );
}
