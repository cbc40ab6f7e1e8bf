import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DaemonEventBridge } from '../../src/bridge/bridge';
import { UnixSocketDaemonClient } from '../../src/daemon/unix-socket-client';
import { createGateway } from '../../src/http/gateway';
import type { JsonObject } from '../../src/json';
import { startServer } from '../support/http-server';
import { openSse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';

/**
 * The whole pipeline under arbitrary daemon output: lines of every kind
 * (valid events and every kind of malformed line), cut into arbitrary chunks,
 * written by a raw daemon on a real Unix socket → UnixSocketDaemonClient →
 * DaemonEventBridge → gateway on 127.0.0.1 → eventsource-parser. Exactly the
 * valid events come out, in order, their `data` byte-identical, with
 * increasing ids, and nothing else but control events (which carry no id).
 */

const MAX_MESSAGE_BYTES = 512;
const CONTROL_EVENTS = new Set(['heartbeat', 'bridge_state', 'bridge_stopped', 'stream_reset']);
const END = { job_id: 'fuzz', event: 'fuzz.end', sheet_num: 0 };

/** One line the daemon writes: its bytes (without the `\n`) and the SSE `data` it must give, if any. */
interface Line {
  readonly kind: string;
  readonly bytes: Buffer;
  readonly expected?: string;
}

const notification = (params: unknown) => JSON.stringify({ jsonrpc: '2.0', method: 'monitor.event', params });

/** Extra fields of any JSON, never one of the event fields (their types are checked). */
const EVENT_FIELDS = ['job_id', 'sheet_num', 'event', 'event_type', 'data', 'timestamp'];
const extraFields = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((key) => !EVENT_FIELDS.includes(key)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);
const text = fc.string({ unit: 'binary', maxLength: 12 });

/** Events the schema accepts: field types right where present, any extra fields. */
const validEvent: fc.Arbitrary<JsonObject> = fc
  .tuple(
    fc.record(
      {
        job_id: fc.option(text),
        sheet_num: fc.option(fc.integer()),
        event: fc.option(text),
        event_type: fc.option(text),
        data: fc.option(fc.dictionary(text, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })),
        timestamp: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
      },
      { requiredKeys: [] },
    ),
    extraFields,
  )
  .map(([fields, extra]) => ({ ...extra, ...fields }));

/** The event's line; `\r\n` endings are accepted too (the `\r` counts towards the size limit). */
const eventLine: fc.Arbitrary<Line> = fc.tuple(validEvent, fc.boolean()).map(([event, crlf]) => {
  const bytes = Buffer.from(notification(event) + (crlf ? '\r' : ''), 'utf8');
  return bytes.length <= MAX_MESSAGE_BYTES
    ? { kind: 'event', bytes, expected: JSON.stringify(event) }
    : { kind: 'oversize event', bytes };
});

const malformed = (kind: string, line: fc.Arbitrary<string | Buffer>): fc.Arbitrary<Line> =>
  line.map((value) => ({ kind, bytes: typeof value === 'string' ? Buffer.from(value, 'utf8') : value }));

const notJson = fc.oneof(
  text.filter((value) => !value.includes('\n') && !parses(value)),
  // A valid line cut short.
  fc.tuple(validEvent, fc.nat()).map(([event, at]) => {
    const line = notification(event);
    return line.slice(0, 1 + (at % (line.length - 1)));
  }),
);

const INVALID_UTF8 = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82]];
/** A valid event line with bytes that are not UTF-8: before it, after it, or inside one of its strings. */
const invalidUtf8 = fc
  .tuple(validEvent, fc.constantFrom(...INVALID_UTF8), fc.constantFrom('before', 'after', 'inside'))
  .map(([event, bytes, where]) => {
    const bad = Buffer.from(bytes);
    if (where !== 'inside') {
      const line = Buffer.from(notification(event), 'utf8');
      return Buffer.concat(where === 'before' ? [bad, line] : [line, bad]);
    }
    // JSON.stringify writes U+0001 as the six characters \u0001: the bad bytes take their place.
    const [head, ...tail] = notification({ ...event, event: 'a\u0001b' }).split('\\u0001');
    return Buffer.concat([Buffer.from(head!, 'utf8'), bad, Buffer.from(tail.join('\\u0001'), 'utf8')]);
  });

/** NUL bytes: raw inside a string (JSON forbids control characters there), or as the whole line. */
const withNul = fc.oneof(
  validEvent.map((event) => notification({ ...event, event: 'a\u0000b' }).replace('\\u0000', '\u0000')),
  fc.nat({ max: 5 }).map((n) => '\u0000'.repeat(n + 1)),
);

const notJsonRpc = fc.oneof(
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
    .map((value) => JSON.stringify(value)),
  validEvent.map((event) => JSON.stringify({ jsonrpc: '1.0', method: 'monitor.event', params: event })),
  validEvent.map((event) => JSON.stringify({ jsonrpc: '2.0', params: event })),
  fc
    .oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.string({ maxLength: 5 }), fc.constant(null))
    .map((params) => JSON.stringify({ jsonrpc: '2.0', method: 'monitor.event', params })),
  // A response to no request of ours (the stream's own id would end it).
  fc.jsonValue({ maxDepth: 1 }).map((result) => JSON.stringify({ jsonrpc: '2.0', result, id: 'not-ours' })),
);

/** Valid JSON-RPC whose event has a field of the wrong type. */
const wrongTypes = fc
  .tuple(
    validEvent,
    fc.oneof(
      fc.record({ job_id: fc.oneof(fc.integer(), fc.boolean(), fc.array(text, { maxLength: 2 })) }),
      fc.record({ sheet_num: fc.oneof(text, fc.double({ min: 0.25, max: 0.75 })) }),
      fc.record({ event: fc.oneof(fc.integer(), fc.constant({})) }),
      fc.record({ event_type: fc.boolean() }),
      fc.record({ data: fc.oneof(fc.array(fc.integer(), { maxLength: 2 }), text, fc.integer()) }),
      fc.record({ timestamp: fc.oneof(text, fc.boolean()) }),
    ),
  )
  .map(([event, wrong]) => notification({ ...event, ...wrong }));

/** Longer than maxMessageBytes, whatever it holds. */
const oversize = fc
  .tuple(validEvent, fc.integer({ min: 1, max: 3 * MAX_MESSAGE_BYTES }))
  .map(([event, extra]) => notification({ ...event, pad: 'p'.repeat(MAX_MESSAGE_BYTES + extra) }));

const line: fc.Arbitrary<Line> = fc.oneof(
  { arbitrary: eventLine, weight: 4 },
  { arbitrary: malformed('not json', notJson), weight: 1 },
  { arbitrary: malformed('invalid utf-8', invalidUtf8), weight: 1 },
  { arbitrary: malformed('nul', withNul), weight: 1 },
  { arbitrary: malformed('not json-rpc', notJsonRpc), weight: 1 },
  { arbitrary: malformed('wrong types', wrongTypes), weight: 1 },
  { arbitrary: malformed('oversize', oversize), weight: 1 },
  { arbitrary: malformed('empty', fc.constantFrom('', '\r', '   ')), weight: 1 },
);

function parses(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** Cuts `bytes` at the given points (taken modulo its length). */
function chunk(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % bytes.length))]
    .filter((p) => p > 0)
    .sort((a, b) => a - b);
  return [0, ...points].map((start, i) => bytes.subarray(start, points[i] ?? bytes.length));
}

/** A daemon that answers the stream request by writing whatever the test gives it, chunk by chunk. */
async function rawDaemon(socketPath: string): Promise<{ server: Server; stream: Promise<Socket> }> {
  const server = createServer();
  const stream = new Promise<Socket>((resolve) => {
    server.on('connection', (socket) => {
      socket.on('error', () => {});
      socket.once('data', (request: Buffer) => {
        if (request.toString('utf8').includes('"daemon.monitor.stream"')) resolve(socket);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { server, stream };
}

const write = (socket: Socket, bytes: Buffer) =>
  new Promise<void>((resolve, reject) => socket.write(bytes, (error) => (error ? reject(error) : resolve())));

describe('the whole pipeline under arbitrary daemon output', () => {
  it('delivers exactly the valid events, in order, byte-identical, and nothing else but control events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        async (lines, cuts) => {
          const dir = mkdtempSync(join(tmpdir(), 'pipeline-fuzz-'));
          const daemon = await rawDaemon(join(dir, 'daemon.sock'));
          const client = new UnixSocketDaemonClient(join(dir, 'daemon.sock'), {
            maxMessageBytes: MAX_MESSAGE_BYTES,
            healthIntervalMs: 0, // this daemon answers no calls
          });
          const bridge = new DaemonEventBridge(client, { heartbeatMs: 600_000 });
          const http = await startServer(createGateway(bridge));
          try {
            bridge.start();
            const socket = await daemon.stream;
            const sse = await openSse(`${http.url}/api/events/stream?limit=1`);
            const bytes = Buffer.concat([
              ...lines.flatMap((l) => [l.bytes, Buffer.from('\n')]),
              Buffer.from(notification(END) + '\n'),
            ]);
            for (const piece of chunk(bytes, cuts)) await write(socket, piece);
            await waitUntil(
              () => sse.events.some((event) => event.event === 'fuzz.end'),
              () => `the end marker after ${lines.map((l) => l.kind).join(', ')}`,
            );
            sse.close();

            const daemonEvents = sse.events.filter((event) => event.id !== undefined);
            const others = sse.events.filter((event) => event.id === undefined);
            expect(daemonEvents.map((event) => event.data)).toEqual([
              ...lines.flatMap((l) => (l.expected === undefined ? [] : [l.expected])),
              JSON.stringify(END),
            ]);
            const seqs = daemonEvents.map((event) => Number(event.id!.split('-').pop()));
            expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
            expect(new Set(seqs).size).toBe(seqs.length);
            expect(others.filter((event) => !CONTROL_EVENTS.has(event.event ?? ''))).toEqual([]);
          } finally {
            bridge.stop();
            await http.close();
            await client.close();
            await new Promise((resolve) => daemon.server.close(resolve));
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      // Shrinking a failure is slow (each run is real I/O): it stops after 40 s with the smallest case so far.
      { numRuns: 40, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true },
    );
  }, 60_000);
});
