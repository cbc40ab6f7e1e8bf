import type { SseMessage } from '../../src/sse/message';
import { carryReceivedAt, markReceived, receivedAt } from '../../src/sse/received-at';

describe('markReceived / receivedAt', () => {
  it('keeps the receipt time on a message marked before it is frozen, invisible to JSON, keys, spreads and equality', () => {
    const message: SseMessage = { event: 'sheet.started', data: '{}', id: 't-1' };
    markReceived(message, 12.5);
    Object.freeze(message);
    expect(receivedAt(message)).toBe(12.5);
    expect(JSON.stringify(message)).toBe('{"event":"sheet.started","data":"{}","id":"t-1"}');
    expect(Reflect.ownKeys(message)).toEqual(['event', 'data', 'id']);
    expect({ ...message }).toStrictEqual({ event: 'sheet.started', data: '{}', id: 't-1' });
    expect(message).toStrictEqual({ event: 'sheet.started', data: '{}', id: 't-1' });
  });

  it('keeps the receipt time of a message frozen before it is marked beside it', () => {
    const message: SseMessage = Object.freeze({ event: 'x', data: '{}', id: 't-2' });
    markReceived(message, 3);
    expect(receivedAt(message)).toBe(3);
  });

  it('gives nothing for a message never marked', () => {
    expect(receivedAt({ event: 'heartbeat', data: '{}' })).toBeUndefined();
  });

  it('carries the receipt time to a copy, and nothing from an unmarked message', () => {
    const original: SseMessage = { event: 'x', data: '{}', id: 't-3' };
    markReceived(original, 7);
    const copy: SseMessage = { event: '', data: '{}', id: 't-3' };
    carryReceivedAt(original, copy);
    expect(receivedAt(copy)).toBe(7);
    const unmarked: SseMessage = { event: '', data: '{}' };
    carryReceivedAt({ event: 'heartbeat', data: '{}' }, unmarked);
    expect(receivedAt(unmarked)).toBeUndefined();
  });
});
