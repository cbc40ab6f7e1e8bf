import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { encodeSse } from '../../src/sse/encode';
import { encodeSseFrame } from '../../src/sse/frame-cache';
import type { SseMessage } from '../../src/sse/message';

describe('encodeSseFrame', () => {
  it('encodes a message object once and hands out the same bytes every time', () => {
    const message: SseMessage = { event: 'sheet.started', data: '{"job_id":"a"}', id: 't-1' };
    const first = encodeSseFrame(message);
    expect(encodeSseFrame(message)).toBe(first);
    expect(first.toString('utf8')).toBe(encodeSse(message));
  });

  it('keys by object identity: an equal but distinct message gets its own frame', () => {
    const a: SseMessage = { event: 'e', data: 'd' };
    const b: SseMessage = { ...a };
    expect(encodeSseFrame(b)).not.toBe(encodeSseFrame(a));
    expect(encodeSseFrame(b).equals(encodeSseFrame(a))).toBe(true);
  });

  it('writes UTF-8 bytes that a parser reads back intact', () => {
    const message: SseMessage = { event: 'ünïcødé', data: 'снег ☃ 🚀\nzweite Zeile', id: 'ид-1' };
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    parser.feed(new TextDecoder().decode(encodeSseFrame(message)));
    expect(events).toEqual([{ event: message.event, data: message.data, id: message.id }]);
  });

  it('caches frozen messages such as the shared control messages', () => {
    const frozen: SseMessage = Object.freeze({ event: 'bridge_stopped', data: '{}' });
    expect(encodeSseFrame(frozen)).toBe(encodeSseFrame(frozen));
  });
});
