import { encodeSse } from './encode.js';
import type { SseMessage } from './message.js';

const frames = new WeakMap<SseMessage, Buffer>();

/**
 * The UTF-8 bytes of {@link encodeSse}(message), encoded once per message
 * object and then shared: when the bridge hands the same message to N
 * clients, the frame is built once and the same Buffer is written N times.
 * The cache is keyed weakly by the message object, so a frame lives exactly
 * as long as its message (in the bridge's replay ring, typically).
 */
export function encodeSseFrame(message: SseMessage): Buffer {
  let frame = frames.get(message);
  if (frame === undefined) {
    frame = Buffer.from(encodeSse(message), 'utf8');
    frames.set(message, frame);
  }
  return frame;
}
