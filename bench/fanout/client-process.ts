/**
 * The SSE clients of the fan-out bench, run in a child process (forked by
 * {@link ./clients.ts}) so that their CPU never counts as the server's.
 *
 * Each client is a raw TCP socket that sends one GET and counts the frames it
 * receives by the marker `"bench":` that every benchmark event carries in its
 * data (control frames such as `retry:` or `bridge_state` do not). In latency
 * mode the number after the marker is the publish time (ms since the epoch,
 * `performance.timeOrigin + performance.now()`), and the client records the
 * delay to the moment the bytes were read.
 *
 * Protocol (IPC): the parent sends {@link ClientCommand}s and gets
 * {@link ClientReply}s.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export type ClientCommand =
  | { type: 'open'; port: number; paths: string[]; expect: number[]; latency: boolean }
  | { type: 'report' }
  | { type: 'close' };

export type ClientReply =
  | { type: 'opened' }
  | { type: 'done' }
  | { type: 'report'; counts: number[]; latency: LatencySummary | undefined; errors: number }
  | { type: 'closed' }
  | { type: 'failed'; error: string };

/** Delays in ms from publish to read, over every frame received. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

const MARKER = Buffer.from('"bench":');
const WAVE = 200;

let sockets: Socket[] = [];
/** The sockets of earlier `open`s that are still connected (the memory figure opens clients in steps). */
let earlier: Socket[] = [];
let counts: number[] = [];
let expected: number[] = [];
let samples: number[] = [];
let errors = 0;
let unfinished = 0;

function send(reply: ClientReply): void {
  process.send?.(reply);
}

/** Counts markers in `bytes`; returns the bytes to carry into the next chunk. */
function scan(index: number, bytes: Buffer, latency: boolean, readAt: number): Buffer {
  let from = 0;
  for (let at = bytes.indexOf(MARKER, from); at !== -1; at = bytes.indexOf(MARKER, from)) {
    const numberStart = at + MARKER.length;
    let end = numberStart;
    while (end < bytes.length && isNumberByte(bytes[end]!)) end++;
    if (end === bytes.length) return bytes.subarray(at); // the number may go on in the next chunk
    counts[index]!++;
    if (latency) samples.push(readAt - Number(bytes.toString('latin1', numberStart, end)));
    from = end;
  }
  return bytes.subarray(Math.max(from, bytes.length - (MARKER.length - 1)));
}

function isNumberByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x2e; // digits and '.'
}

function openOne(port: number, path: string, index: number, latency: boolean): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets[index] = socket;
    let carry: Buffer | undefined;
    let opened = false;
    socket.setNoDelay(true);
    socket.on('error', () => {
      errors++;
      if (!opened) {
        opened = true;
        resolve();
      }
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    socket.on('data', (chunk: Buffer) => {
      const readAt = latency ? performance.timeOrigin + performance.now() : 0;
      if (!opened) {
        opened = true;
        resolve();
      }
      const bytes = carry === undefined || carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      const before = counts[index]!;
      carry = scan(index, bytes, latency, readAt);
      if (before < expected[index]! && counts[index]! >= expected[index]! && --unfinished === 0) {
        send({ type: 'done' });
      }
    });
  });
}

async function open(command: Extract<ClientCommand, { type: 'open' }>): Promise<void> {
  const { port, paths, expect, latency } = command;
  earlier = earlier.concat(sockets);
  sockets = new Array<Socket>(paths.length);
  counts = new Array<number>(paths.length).fill(0);
  expected = expect;
  samples = [];
  errors = 0;
  unfinished = expect.filter((n) => n > 0).length;
  for (let start = 0; start < paths.length; start += WAVE) {
    const wave: Promise<void>[] = [];
    for (let i = start; i < Math.min(paths.length, start + WAVE); i++) {
      wave.push(openOne(port, paths[i]!, i, latency));
    }
    await Promise.all(wave);
  }
  send({ type: 'opened' });
}

function summarise(values: number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

process.on('message', (command: ClientCommand) => {
  switch (command.type) {
    case 'open':
      open(command).catch((error: unknown) => send({ type: 'failed', error: String(error) }));
      return;
    case 'report':
      send({ type: 'report', counts, latency: summarise(samples), errors });
      return;
    case 'close':
      for (const socket of [...earlier, ...sockets]) socket?.destroy();
      earlier = [];
      sockets = [];
      send({ type: 'closed' });
      return;
  }
});
process.on('disconnect', () => process.exit(0));
