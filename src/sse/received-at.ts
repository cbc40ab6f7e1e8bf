import type { SseMessage } from './message.js';

/** Returns its argument from `new`, so that a subclass's private fields are added to that object. */
class Identity {
  constructor(target: object) {
    return target;
  }
}

/**
 * The receipt time of a message, as a private field of the message itself:
 * invisible to JSON, spreads, `Object.keys` and equality, as a plain
 * object's should be. V8 adds a private field with an ordinary map
 * transition that inline caches learn (about as cheap as a property store);
 * `Object.defineProperty` of a hidden symbol costs a runtime call per event,
 * and a `WeakMap` entry costs the garbage collector.
 */
class ReceivedAt extends Identity {
  readonly #at: number;

  private constructor(message: SseMessage, at: number) {
    super(message);
    this.#at = at;
  }

  static mark(message: SseMessage, at: number): void {
    void new ReceivedAt(message, at);
  }

  static of(message: SseMessage): number | undefined {
    return #at in message ? (message as unknown as ReceivedAt).#at : undefined;
  }
}

/** The stamps of messages already frozen (or sealed) when marked. */
const stamps = new WeakMap<SseMessage, number>();

/**
 * Notes when the daemon event behind `message` was received
 * (`performance.now()` milliseconds), so a write can measure delivery latency.
 * Kept on the message (a private field) when it is not frozen yet, so mark
 * before freezing; else beside it, weakly. Either way messages stay plain
 * objects to JSON, spreads and equality.
 */
export function markReceived(message: SseMessage, at: number): void {
  if (Object.isExtensible(message)) ReceivedAt.mark(message, at);
  else stamps.set(message, at);
}

/**
 * When the daemon event behind `message` was received, if it was marked
 * (daemon events are; heartbeats and control messages are not).
 */
export function receivedAt(message: SseMessage): number | undefined {
  return ReceivedAt.of(message) ?? stamps.get(message);
}

/** Gives `copy` (a renamed or reshaped message) the receipt time of `original`. */
export function carryReceivedAt(original: SseMessage, copy: SseMessage): void {
  const at = receivedAt(original);
  if (at !== undefined) markReceived(copy, at);
}
