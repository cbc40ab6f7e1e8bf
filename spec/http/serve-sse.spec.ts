import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { concat, EMPTY, from, Observable, of, Subject, throwError, type Subscription } from 'rxjs';
import { InvalidArgumentError, InvalidOptionsError } from '../../src/errors';
import { serveSse, type ServeSseOptions, type SlowClientInfo } from '../../src/http/serve-sse';
import { sanitizeSseField } from '../../src/sse/encode';
import type { SseMessage } from '../../src/sse/message';
import { startServer, type TestServer } from '../support/http-server';
import { openSse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';

describe('serveSse', () => {
  let server: TestServer;
  let source: (lastEventId: string | undefined) => Observable<SseMessage>;
  let options: ServeSseOptions;
  let seenIds: (string | undefined)[];
  let responses: ServerResponse[];
  let subscriptions: Subscription[];
  let rawSockets: Socket[];

  beforeEach(async () => {
    source = () => EMPTY;
    options = {};
    seenIds = [];
    responses = [];
    subscriptions = [];
    rawSockets = [];
    server = await startServer((req, res) => {
      responses.push(res);
      subscriptions.push(
        serveSse(
          req,
          res,
          (lastEventId) => {
            seenIds.push(lastEventId);
            return source(lastEventId);
          },
          options,
        ),
      );
    });
  });

  afterEach(async () => {
    for (const socket of rawSockets) socket.destroy();
    for (const subscription of subscriptions) subscription.unsubscribe();
    await server.close();
  });

  it('sends the SSE headers, a retry line, then one frame per message, and ends when the source completes', async () => {
    source = () =>
      from<SseMessage[]>([
        { event: 'sheet.started', data: '{"sheet_num":1}', id: 't-1' },
        { event: 'heartbeat', data: '{}' },
      ]);
    const client = await openSse(server.url);
    await client.ended;
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.headers['cache-control']).toBe('no-cache');
    expect(client.headers['x-accel-buffering']).toBe('no');
    expect(client.body().startsWith('retry: 3000\n\n')).toBe(true);
    expect(client.retries).toEqual([3000]);
    expect(client.events).toEqual([
      { event: 'sheet.started', data: '{"sheet_num":1}', id: 't-1' },
      { event: 'heartbeat', data: '{}', id: undefined },
    ]);
  });

  it('sends the frames without chunked framing: the body runs to the close of the connection', async () => {
    source = () => of<SseMessage>({ event: 'sheet.started', data: '{"sheet_num":1}', id: 't-1' });
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    rawSockets.push(socket);
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    let raw = '';
    socket.on('data', (chunk: Buffer) => (raw += chunk.toString('latin1')));
    await new Promise((resolve) => socket.once('close', resolve));
    const [head, body] = raw.split('\r\n\r\n', 2) as [string, string];
    expect(head.toLowerCase()).not.toContain('transfer-encoding');
    expect(head.toLowerCase()).toContain('connection: close');
    expect(body).toBe('retry: 3000\n\nevent: sheet.started\nid: t-1\ndata: {"sheet_num":1}\n\n');
  });

  it('writes each client exactly its frames when clients of one turn share, or nearly share, theirs', async () => {
    const [a, b, c, x] = ['a', 'b', 'c', 'x'].map((data, i): SseMessage => ({
      event: 'e',
      data,
      id: `t-${i}`,
    }));
    const feeds = [
      [a, b, c],
      [a, b, c],
      [a, x, c],
      [a, b],
      [b, c],
    ] as SseMessage[][];
    const subjects = feeds.map(() => new Subject<SseMessage>());
    let opened = 0;
    source = () => subjects[opened++]!;
    const clients = [];
    for (let i = 0; i < feeds.length; i++) {
      clients.push(await openSse(server.url));
      await waitUntil(() => opened === i + 1, `stream ${i + 1} subscribed`);
    }
    // one turn: the frames reach the writers interleaved, as the router hands one message to every client in a row
    for (let k = 0; k < 3; k++) feeds.forEach((feed, i) => feed[k] && subjects[i]!.next(feed[k]!));
    subjects.forEach((subject) => subject.complete());
    await Promise.all(clients.map((client) => client.ended));
    expect(clients.map((client) => client.events.map((event) => event.data))).toEqual(
      feeds.map((feed) => feed.map((message) => message.data)),
    );
  });

  it('sends headers before the first message, so a client sees the stream open at once', async () => {
    const subject = new Subject<SseMessage>();
    source = () => subject;
    const client = await openSse(server.url);
    expect(client.status).toBe(200);
    await waitUntil(() => client.retries.length === 1, 'the retry line');
    subject.next({ event: 'e', data: 'live' });
    await waitUntil(() => client.events.length === 1, 'the live event');
    expect(client.events[0]?.data).toBe('live');
    subject.complete();
    await client.ended;
  });

  it('honours retryMs and extra headers', async () => {
    options = { retryMs: 250, headers: { 'Access-Control-Allow-Origin': 'https://ops.example' } };
    const client = await openSse(server.url);
    await client.ended;
    expect(client.retries).toEqual([250]);
    expect(client.headers['access-control-allow-origin']).toBe('https://ops.example');
  });

  it('passes Last-Event-ID to the source, else the lastEventId query parameter', async () => {
    await (
      await openSse(server.url, { headers: { 'Last-Event-ID': 'abc-7' } })
    ).ended;
    await (
      await openSse(`${server.url}/?lastEventId=abc-8`)
    ).ended;
    await (
      await openSse(`${server.url}/?lastEventId=query`, { headers: { 'Last-Event-ID': 'header' } })
    ).ended;
    await (
      await openSse(server.url)
    ).ended;
    await (
      await openSse(`${server.url}/?lastEventId=`, { headers: { 'Last-Event-ID': '' } })
    ).ended;
    expect(seenIds).toEqual(['abc-7', 'abc-8', 'header', undefined, undefined]);
  });

  it('answers 400 to a Last-Event-ID over 256 characters, without calling the source', async () => {
    options = { headers: { 'Access-Control-Allow-Origin': 'https://ops.example' } };
    const ok = await openSse(server.url, { headers: { 'Last-Event-ID': 'x'.repeat(256) } });
    await ok.ended;
    const tooLong = await openSse(server.url, { headers: { 'Last-Event-ID': 'x'.repeat(257) } });
    await tooLong.ended;
    const tooLongQuery = await openSse(`${server.url}/?lastEventId=${'y'.repeat(300)}`);
    await tooLongQuery.ended;
    expect(ok.status).toBe(200);
    expect(tooLong.status).toBe(400);
    expect(tooLong.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(tooLong.headers['access-control-allow-origin']).toBe('https://ops.example');
    expect(JSON.parse(tooLong.body())).toEqual({ error: 'Last-Event-ID is longer than 256 characters' });
    expect(tooLongQuery.status).toBe(400);
    expect(seenIds).toEqual(['x'.repeat(256)]);
  });

  it('unsubscribes from the source as soon as the client goes away', async () => {
    let subscribed = 0;
    let unsubscribed = 0;
    source = () =>
      new Observable<SseMessage>(() => {
        subscribed++;
        return () => unsubscribed++;
      });
    const client = await openSse(server.url);
    await waitUntil(() => subscribed === 1, 'the subscription');
    expect(unsubscribed).toBe(0);
    client.close();
    await waitUntil(() => unsubscribed === 1, 'the unsubscription');
    expect(subscriptions[0]?.closed).toBe(true);
  });

  it('ends the response when its subscription is unsubscribed', async () => {
    source = () => new Subject<SseMessage>();
    const client = await openSse(server.url);
    await waitUntil(() => subscriptions.length === 1, 'the subscription');
    subscriptions[0]!.unsubscribe();
    await client.ended;
    expect(responses[0]?.writableEnded).toBe(true);
  });

  it('sends one error frame with the reason of a library error, then ends', async () => {
    const errors: unknown[] = [];
    options = { onError: (error) => errors.push(error) };
    const failure = new InvalidArgumentError('jobId must be a non-empty string');
    source = () =>
      concat(
        of<SseMessage>({ event: 'e', data: 'before' }),
        throwError(() => failure),
      );
    const client = await openSse(server.url);
    await client.ended;
    expect(client.events).toEqual([
      { event: 'e', data: 'before', id: undefined },
      {
        event: 'error',
        data: JSON.stringify({ error: 'jobId must be a non-empty string', code: 'ERR_INVALID_ARGUMENT' }),
        id: undefined,
      },
    ]);
    expect(errors).toEqual([failure]);
  });

  it('still sends the error frame and ends when the onError hook throws', async () => {
    options = {
      onError: () => {
        throw new Error('hook bug');
      },
    };
    source = () => throwError(() => new InvalidArgumentError('bad'));
    const client = await openSse(server.url);
    await client.ended;
    expect(client.events.map((e) => e.event)).toEqual(['error']);
    expect(subscriptions.every((subscription) => subscription.closed)).toBe(true);
  });

  it('does not leak the message of a foreign error, nor of a source that throws', async () => {
    source = () => throwError(() => new Error('password=hunter2'));
    const failed = await openSse(server.url);
    await failed.ended;
    source = () => {
      throw new TypeError('internal detail');
    };
    const threw = await openSse(server.url);
    await threw.ended;
    for (const client of [failed, threw]) {
      expect(client.events).toEqual([
        { event: 'error', data: '{"error":"event stream failed"}', id: undefined },
      ]);
      expect(client.body()).not.toMatch(/hunter2|internal detail/);
    }
  });

  it('fails the stream, not the source, when a message cannot be encoded (the source goes on to its other subscribers)', async () => {
    const errors: unknown[] = [];
    options = { onError: (error) => errors.push(error) };
    const messages = new Subject<SseMessage>();
    source = () => messages;
    const [first, second] = [await openSse(server.url), await openSse(server.url)];
    await waitUntil(() => messages.observed && subscriptions.length === 2, 'both subscribed');
    const unencodable = { event: 42, data: 'x' } as unknown as SseMessage;
    const deliver = () => messages.next(unencodable);
    expect(deliver).not.toThrow();
    await first.ended;
    await second.ended;
    for (const client of [first, second]) {
      expect(client.events).toEqual([
        { event: 'error', data: '{"error":"event stream failed"}', id: undefined },
      ]);
    }
    expect(errors).toHaveLength(2);
    expect(messages.observed).toBe(false);
  });

  it('rejects bad options with InvalidOptionsError', () => {
    const response = {} as ServerResponse;
    expect(() => serveSse({} as never, response, () => EMPTY, { retryMs: -1 })).toThrow(InvalidOptionsError);
    expect(() => serveSse({} as never, response, () => EMPTY, { maxBufferedBytes: 0 })).toThrow(
      /Invalid serveSse option "maxBufferedBytes"/,
    );
    expect(() => serveSse({} as never, response, () => EMPTY, { nope: 1 } as ServeSseOptions)).toThrow(
      /Unknown serveSse option "nope"/,
    );
  });

  it('drops a client that does not read once it would hold more than maxBufferedBytes, and holds no more', async () => {
    const maxBufferedBytes = 64 * 1024;
    const dropped: SlowClientInfo[] = [];
    options = { maxBufferedBytes, onSlowClient: (info) => dropped.push(info) };
    const subject = new Subject<SseMessage>();
    source = () => subject;

    const stalled = connect(Number(new URL(server.url).port), '127.0.0.1');
    rawSockets.push(stalled);
    stalled.pause();
    stalled.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    await waitUntil(() => subject.observed, 'the stalled client to subscribe');

    const payload = 'x'.repeat(16 * 1024);
    let maxHeld = 0;
    let sent = 0;
    while (dropped.length === 0 && sent < 4000) {
      subject.next({ event: 'bulk', data: payload, id: String(++sent) });
      if (!responses[0]!.destroyed) maxHeld = Math.max(maxHeld, responses[0]!.writableLength);
      if (sent % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    }

    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.maxBufferedBytes).toBe(maxBufferedBytes);
    expect(dropped[0]!.bufferedBytes + dropped[0]!.frameBytes).toBeGreaterThan(maxBufferedBytes);
    expect(dropped[0]!.cause).toBe('maxBufferedBytes');
    // Frames wait in serveSse while the kernel has not taken the previous write, so
    // writableLength is only part of what is held; bufferedBytes is all of it.
    expect(maxHeld).toBeLessThanOrEqual(maxBufferedBytes);
    expect(dropped[0]!.bufferedBytes).toBeLessThanOrEqual(maxBufferedBytes);
    expect(dropped[0]!.bufferedBytes).toBeGreaterThan(maxBufferedBytes / 2);
    expect(responses[0]!.destroyed).toBe(true);
    expect(subject.observed).toBe(false);
  });

  it('round-trips any batch of messages through HTTP and a WHATWG parser (names and ids sanitised, data intact)', async () => {
    const messageArb = fc.record(
      {
        event: fc.string({ unit: 'grapheme-composite', maxLength: 20 }),
        data: fc.oneof(
          fc.string({ unit: 'grapheme-composite', maxLength: 60 }),
          fc
            .array(fc.constantFrom('a', ' ', '\n', '\r', '\r\n', 'é', '🚀', ':', 'data: x'), {
              maxLength: 12,
            })
            .map((parts) => parts.join('')),
        ),
        id: fc.string({ unit: 'grapheme-composite', maxLength: 20 }),
      },
      { requiredKeys: ['event', 'data'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(messageArb, { minLength: 1, maxLength: 15 }), async (messages) => {
        source = () => from(messages);
        const client = await openSse(server.url);
        await client.ended;
        expect(client.events).toHaveLength(messages.length);
        messages.forEach((message, index) => {
          const event = client.events[index]!;
          const name = sanitizeSseField(message.event);
          expect(event.event).toBe(name === '' ? undefined : name);
          expect(event.data).toBe(message.data.replace(/\r\n|\r/g, '\n'));
          expect(event.id).toBe(message.id === undefined ? undefined : sanitizeSseField(message.id));
        });
      }),
      { numRuns: 60 },
    );
  });
});
