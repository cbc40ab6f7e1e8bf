import fc from 'fast-check';
import {
  CONTROL_EVENTS,
  daemonEventName,
  isControlEvent,
  receivedEventName,
  UNNAMED,
} from '../../src/sse/vocabulary';

describe('daemonEventName', () => {
  it('is the event, else the event_type, else daemon_event (each only when a non-empty string)', () => {
    expect(daemonEventName({ event: 'sheet.started', event_type: 'x' })).toBe('sheet.started');
    expect(daemonEventName({ event: '', event_type: 'sheet.failed' })).toBe('sheet.failed');
    expect(daemonEventName({ event: 7, event_type: null })).toBe('daemon_event');
    expect(daemonEventName({ event_type: '' })).toBe('daemon_event');
    expect(daemonEventName({})).toBe('daemon_event');
  });

  it('names anything that is not an object daemon_event, and never throws', () => {
    for (const value of [null, undefined, 'sheet.started', 42, true]) {
      expect(daemonEventName(value)).toBe('daemon_event');
    }
    fc.assert(fc.property(fc.anything(), (value) => typeof daemonEventName(value) === 'string'));
  });
});

describe('isControlEvent', () => {
  it('is true for the control events only', () => {
    expect(CONTROL_EVENTS).toEqual(['heartbeat', 'bridge_state', 'bridge_stopped', 'stream_reset']);
    for (const name of CONTROL_EVENTS) expect(isControlEvent(name)).toBe(true);
    for (const name of ['sheet.started', 'daemon_event', 'message', 'error', '']) {
      expect(isControlEvent(name)).toBe(false);
    }
  });
});

describe('receivedEventName', () => {
  it('names an unnamed message from its data, and any other by the type it was dispatched as', () => {
    expect(UNNAMED).toMatchObject({ parameter: 'unnamed', on: '1', dispatched: 'message' });
    expect(receivedEventName('message', { event_type: 'sheet.failed' }, true)).toBe('sheet.failed');
    expect(receivedEventName('message', undefined, true)).toBe('daemon_event');
    expect(receivedEventName('message', { event: 'sheet.failed' }, false)).toBe('message');
    expect(receivedEventName('heartbeat', { event: 'sheet.failed' }, true)).toBe('heartbeat');
  });
});
