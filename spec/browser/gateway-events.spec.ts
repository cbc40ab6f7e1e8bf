import { EventSourceUnavailableError, gatewayEvents, type GatewayEvent } from '../../src/browser';
import type { GatewayEventsOptions } from '../../src/browser';

/**
 * A scripted stand-in for the browser's EventSource: the test plays the
 * browser's part (open, messages, errors with a readyState) and reads back
 * what the client asked for (URL, init, listeners, close).
 */
class ScriptedEventSource {
  static readonly opened: ScriptedEventSource[] = [];
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();

  constructor(
    readonly url: string,
    readonly init?: { withCredentials?: boolean },
  ) {
    ScriptedEventSource.opened.push(this);
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  get listenedFor(): string[] {
    return [...this.listeners.keys()].sort();
  }

  open(): void {
    this.readyState = 1;
    this.dispatch('open', {});
  }

  /** A message as the browser dispatches it: `lastEventId` is the last id seen on the stream. */
  message(type: string, data: string, lastEventId = ''): void {
    this.dispatch(type, { type, data, lastEventId });
  }

  fail(readyState: 0 | 2): void {
    this.readyState = readyState;
    this.dispatch('error', {});
  }

  private dispatch(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

const EventSource = ScriptedEventSource as unknown as GatewayEventsOptions['EventSource'];

function subscribe(url: string | URL, options: GatewayEventsOptions = {}) {
  const events: GatewayEvent[] = [];
  let completed = false;
  let error: unknown;
  const subscription = gatewayEvents(url, { EventSource, ...options }).subscribe({
    next: (event) => events.push(event),
    complete: () => (completed = true),
    error: (e: unknown) => (error = e),
  });
  const source = ScriptedEventSource.opened.at(-1)!;
  return { events, subscription, source, completed: () => completed, error: () => error };
}

const state = (s: string) => ({ type: 'state', state: s });

beforeEach(() => {
  ScriptedEventSource.opened.length = 0;
});

describe('gatewayEvents', () => {
  it('is cold: nothing is opened before subscribing, and each subscription opens its own EventSource', () => {
    const events$ = gatewayEvents('/api/events/stream', { EventSource });
    expect(ScriptedEventSource.opened).toHaveLength(0);
    const a = events$.subscribe();
    const b = events$.subscribe();
    expect(ScriptedEventSource.opened).toHaveLength(2);
    a.unsubscribe();
    b.unsubscribe();
  });

  it('adds unnamed=1 by default, keeping the query, the hash and a relative URL', () => {
    expect(subscribe('/api/events/stream').source.url).toBe('/api/events/stream?unnamed=1');
    expect(subscribe('api/events/stream?limit=5&token=a%20b#x').source.url).toBe(
      'api/events/stream?limit=5&token=a+b&unnamed=1#x',
    );
    expect(subscribe('/s?unnamed=0').source.url).toBe('/s?unnamed=1');
    expect(subscribe(new URL('http://127.0.0.1:8787/api/jobs/j/events?x=1')).source.url).toBe(
      'http://127.0.0.1:8787/api/jobs/j/events?x=1&unnamed=1',
    );
  });

  it('leaves the URL alone with unnamed: false and listens for the named events and the control events', () => {
    const { source } = subscribe('/api/events/stream?limit=3', {
      unnamed: false,
      events: ['sheet.started', 'sheet.failed', 'heartbeat'],
    });
    expect(source.url).toBe('/api/events/stream?limit=3');
    expect(source.listenedFor).toEqual([
      'bridge_state',
      'bridge_stopped',
      'error',
      'heartbeat',
      'message',
      'open',
      'sheet.failed',
      'sheet.started',
      'stream_reset',
    ]);
  });

  it('passes withCredentials only when given', () => {
    expect(subscribe('/s').source.init).toBeUndefined();
    expect(subscribe('/s', { withCredentials: true }).source.init).toEqual({ withCredentials: true });
  });

  it('names an unnamed message from its data: event, else event_type, else daemon_event', () => {
    const { source, events } = subscribe('/s');
    source.open();
    source.message('message', '{"job_id":"j","event":"sheet.started","sheet_num":2}', 'i-1');
    source.message('message', '{"event":"","event_type":"sheet.failed"}', 'i-2');
    source.message('message', '{"event":7,"job_id":"j"}', 'i-3');
    source.message('message', '[1,2]', 'i-4');
    expect(events.slice(2).map((e) => (e.type === 'message' ? [e.event, e.id] : e))).toEqual([
      ['sheet.started', 'i-1'],
      ['sheet.failed', 'i-2'],
      ['daemon_event', 'i-3'],
      ['daemon_event', 'i-4'],
    ]);
    expect(events[2]).toEqual({
      type: 'message',
      event: 'sheet.started',
      id: 'i-1',
      data: { job_id: 'j', event: 'sheet.started', sheet_num: 2 },
      raw: '{"job_id":"j","event":"sheet.started","sheet_num":2}',
    });
  });

  it('names a message by its SSE type on a named stream, whatever its data says', () => {
    const { source, events } = subscribe('/s', { unnamed: false, events: ['sheet.started'] });
    source.message('sheet.started', '{"event":"something.else"}', '5');
    source.message('message', '{"event":"sheet.started"}', '6');
    expect(events.slice(1).map((e) => e.type === 'message' && e.event)).toEqual(['sheet.started', 'message']);
  });

  it('delivers control events by name, without the id the browser repeats from the previous message', () => {
    const { source, events } = subscribe('/s');
    source.message('message', '{"event":"sheet.started"}', 'k-9');
    source.message('heartbeat', '{"timestamp":1764000000}', 'k-9');
    source.message('bridge_state', '{"state":"connected"}', 'k-9');
    source.message('stream_reset', '{"reason":"expired","lastEventId":"k-1"}', 'k-9');
    source.message('bridge_stopped', '{}', 'k-9');
    const messages = events.filter((e) => e.type === 'message');
    expect(messages.map((e) => [e.event, e.id])).toEqual([
      ['sheet.started', 'k-9'],
      ['heartbeat', undefined],
      ['bridge_state', undefined],
      ['stream_reset', undefined],
      ['bridge_stopped', undefined],
    ]);
    expect(messages[2]!.data).toEqual({ state: 'connected' });
  });

  it('delivers malformed JSON with data undefined and the raw text, and keeps going', () => {
    const { source, events, error } = subscribe('/s');
    source.message('message', '{"event": "sheet.started", oops', 'a');
    source.message('heartbeat', 'not json', '');
    source.message('message', '{"event":"sheet.completed"}', 'b');
    expect(error()).toBeUndefined();
    expect(events.slice(1)).toEqual([
      {
        type: 'message',
        event: 'daemon_event',
        id: 'a',
        data: undefined,
        raw: '{"event": "sheet.started", oops',
      },
      { type: 'message', event: 'heartbeat', id: undefined, data: undefined, raw: 'not json' },
      {
        type: 'message',
        event: 'sheet.completed',
        id: 'b',
        data: { event: 'sheet.completed' },
        raw: '{"event":"sheet.completed"}',
      },
    ]);
  });

  it('follows the connection: connecting, open, reconnecting (once per outage), open again', () => {
    const { source, events, completed } = subscribe('/s');
    source.open();
    source.message('bridge_stopped', '{}');
    source.fail(0);
    source.fail(0);
    source.open();
    source.fail(0);
    expect(events.map((e) => (e.type === 'state' ? e.state : e.event))).toEqual([
      'connecting',
      'open',
      'bridge_stopped',
      'reconnecting',
      'open',
      'reconnecting',
    ]);
    expect(completed()).toBe(false);
    expect(source.closed).toBe(false);
  });

  it('emits closed and completes when the browser gives up (readyState CLOSED)', () => {
    const { source, events, completed } = subscribe('/s');
    source.open();
    source.fail(2);
    expect(events).toEqual([state('connecting'), state('open'), state('closed')]);
    expect(completed()).toBe(true);
    expect(source.closed).toBe(true);
  });

  it('closes the EventSource on unsubscribe, and emits nothing after', () => {
    const { source, events, subscription } = subscribe('/s');
    subscription.unsubscribe();
    expect(source.closed).toBe(true);
    source.message('message', '{"event":"late"}', 'z');
    expect(events).toEqual([state('connecting')]);
  });

  it('errors with EventSourceUnavailableError when there is no EventSource', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'EventSource');
    delete (globalThis as { EventSource?: unknown }).EventSource;
    try {
      let error: unknown;
      gatewayEvents('/s').subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toBeInstanceOf(EventSourceUnavailableError);
      expect(error).toMatchObject({
        name: 'EventSourceUnavailableError',
        code: 'ERR_EVENTSOURCE_UNAVAILABLE',
      });
    } finally {
      if (saved) Object.defineProperty(globalThis, 'EventSource', saved);
    }
  });

  it('uses globalThis.EventSource by default', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'EventSource');
    Object.defineProperty(globalThis, 'EventSource', { value: ScriptedEventSource, configurable: true });
    try {
      gatewayEvents('/global').subscribe().unsubscribe();
      expect(ScriptedEventSource.opened.map((s) => s.url)).toEqual(['/global?unnamed=1']);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'EventSource', saved);
      else delete (globalThis as { EventSource?: unknown }).EventSource;
    }
  });
});
