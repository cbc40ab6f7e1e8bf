import { encodeSse } from './encode.js';
import type { SseMessage } from './message.js';

const frames = new WeakMap<SseMessage, Buffer>();
/** The message asked for last and its frame: the router hands one message to every client in a row. */
let lastMessage: SseMessage | undefined;
let lastFrame: Buffer | undefined;

/**
 * The UTF-8 bytes of {@link encodeSse}(message), encoded once per message
 * object and then shared: when the bridge hands the same message to N
 * clients, the frame is built once and the same Buffer is written N times.
 * The cache is keyed weakly by the message object, so a frame lives exactly
 * as long as its message (in the bridge's replay ring, typically); the
 * newest message is also remembered strongly, so the N - 1 clients after the
 * first skip the `WeakMap` lookup.
 */
export function encodeSseFrame(message: SseMessage): Buffer {
  if (message === lastMessage) return lastFrame!;
  let frame = frames.get(message);
  if (frame === undefined) {
    frame = Buffer.from(encodeSse(message), 'utf8');
    frames.set(message, frame);
  }
  lastMessage = message;
  lastFrame = frame;
  return frame;
}
