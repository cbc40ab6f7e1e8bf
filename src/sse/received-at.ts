import type { SseMessage } from './message.js';

/** The stamp of a message marked before it was frozen: a non-enumerable property, invisible to JSON, spreads and equality. */
const RECEIVED_AT = Symbol('receivedAt');
/** The stamps of messages already frozen when marked. */
const stamps = new WeakMap<SseMessage, number>();

/**
 * Notes when the daemon event behind `message` was received
 * (`performance.now()` milliseconds), so a write can measure delivery latency.
 * Kept on the message as a non-enumerable symbol property when it is not frozen yet (mark before
 * freezing: cheaper than a `WeakMap`, whose entries cost the garbage collector), else beside it
 * (weakly); either way messages stay plain objects to JSON, spreads and equality.
 */
export function markReceived(message: SseMessage, at: number): void {
  if (Object.isExtensible(message)) Object.defineProperty(message, RECEIVED_AT, { value: at });
  else stamps.set(message, at);
}

/**
 * When the daemon event behind `message` was received, if it was marked
 * (daemon events are; heartbeats and control messages are not).
 */
export function receivedAt(message: SseMessage): number | undefined {
  return (message as { readonly [RECEIVED_AT]?: number })[RECEIVED_AT] ?? stamps.get(message);
}

/** Gives `copy` (a renamed or reshaped message) the receipt time of `original`. */
export function carryReceivedAt(original: SseMessage, copy: SseMessage): void {
  const at = receivedAt(original);
  if (at !== undefined) markReceived(copy, at);
}
