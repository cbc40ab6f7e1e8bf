import type { SseMessage } from './message.js';

const stamps = new WeakMap<SseMessage, number>();

/**
 * Notes when the daemon event behind `message` was received
 * (`performance.now()` milliseconds), so a write can measure delivery latency.
 * Kept beside the message (weakly), never on it: messages stay plain, frozen objects.
 *
 * @example
 * ```ts
 * import { performance } from 'node:perf_hooks';
 * import { markReceived } from './received-at.js';
 *
 * markReceived(message, performance.now());
 * ```
 */
export function markReceived(message: SseMessage, at: number): void {
  stamps.set(message, at);
}

/**
 * When the daemon event behind `message` was received, if it was marked
 * (daemon events are; heartbeats and control messages are not).
 *
 * @example
 * ```ts
 * import { performance } from 'node:perf_hooks';
 * import { receivedAt } from './received-at.js';
 *
 * const at = receivedAt(message);
 * if (at !== undefined) histogram.observe((performance.now() - at) / 1000);
 * ```
 */
export function receivedAt(message: SseMessage): number | undefined {
  return stamps.get(message);
}

/**
 * Gives `copy` (a renamed or reshaped message) the receipt time of `original`.
 *
 * @example
 * ```ts
 * import { carryReceivedAt } from './received-at.js';
 *
 * const copy = Object.freeze({ ...message, event: '' });
 * carryReceivedAt(message, copy);
 * ```
 */
export function carryReceivedAt(original: SseMessage, copy: SseMessage): void {
  const at = stamps.get(original);
  if (at !== undefined) stamps.set(copy, at);
}
