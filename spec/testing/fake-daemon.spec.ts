import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NdjsonSplitter } from '../../src/daemon/ndjson';
import type { JsonObject } from '../../src/json';
import { startFakeDaemon, type FakeDaemon } from '../../src/testing/fake-daemon';
import { waitUntil } from '../support/wait-until';

/** A bare NDJSON connection to the daemon, to see exactly what it sends. */
interface RawSession {
  readonly socket: Socket;
  readonly received: JsonObject[];
  send(text: string): void;
  /** Resolves once `count` messages have arrived in all. */
  next(count: number): Promise<JsonObject[]>;
}

/** A line's JSON, or the line itself when it is not JSON. */
function parse(line: string): JsonObject {
  try {
    return JSON.parse(line) as JsonObject;
  } catch {
    return { notJson: line };
  }
}

describe('startFakeDaemon', () => {
  const daemons: FakeDaemon[] = [];
  const sockets: Socket[] = [];
  const dirs: string[] = [];

  const start = async (...args: Parameters<typeof startFakeDaemon>) => {
    const daemon = await startFakeDaemon(...args);
    daemons.push(daemon);
    return daemon;
  };

  const open = async (path: string): Promise<RawSession> => {
    const socket = createConnection({ path });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const splitter = new NdjsonSplitter(1 << 20);
    const received: JsonObject[] = [];
    socket.on('data', (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) {
        if (item.type === 'line') received.push(parse(item.line));
      }
    });
    return {
      socket,
      received,
      send: (text) => socket.write(text),
      next: async (count) => {
        await waitUntil(() => received.length >= count, `${count} messages`);
        return received.slice(0, count);
      },
    };
  };

  const request = (method: string, params: unknown, id: number) =>
    `${JSON.stringify({ jsonrpc: '2.0', method, params, id })}\n`;

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(daemons.splice(0).map((daemon) => daemon.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('its socket', () => {
    it('lives in a fresh temp dir, mode 0600, and stop() removes both', async () => {
      const daemon = await start();
      const dir = dirname(daemon.socketPath);
      expect(dir.startsWith(tmpdir())).toBe(true);
      const stats = statSync(daemon.socketPath);
      expect(stats.isSocket()).toBe(true);
      expect(stats.mode & 0o777).toBe(0o600);
      expect(daemon.server.listening).toBe(true);
      await daemon.stop();
      await daemon.stop();
      expect(existsSync(dir)).toBe(false);
    });

    it('listens at a given path, replacing the socket file a killed daemon left behind', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fake-daemon-spec-'));
      dirs.push(dir);
      const path = join(dir, 'given.sock');
      const child = spawn(process.execPath, [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
      ]);
      await new Promise((resolve) => child.stdout.once('data', resolve));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(statSync(path).isSocket()).toBe(true);

      const daemon = await start({ socketPath: path });
      const session = await open(path);
      session.send(request('daemon.health', {}, 1));
      expect(await session.next(1)).toEqual([
        expect.objectContaining({ id: 1, result: expect.anything() as unknown }),
      ]);
      await daemon.stop();
      expect(existsSync(path)).toBe(false);
      expect(existsSync(dir)).toBe(true);
    });

    it('rejects bad options with InvalidOptionsError', async () => {
      await expect(startFakeDaemon({ historyLimit: 0 })).rejects.toMatchObject({
        name: 'InvalidOptionsError',
        option: 'historyLimit',
      });
      await expect(startFakeDaemon({ socket: '/tmp/x' } as never)).rejects.toMatchObject({
        name: 'InvalidOptionsError',
        option: 'socket',
      });
    });

    it('refuses a path where another daemon is listening', async () => {
      const daemon = await start();
      await expect(startFakeDaemon({ socketPath: daemon.socketPath })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    });
  });

  describe('the protocol', () => {
    it('answers daemon.health', async () => {
      const daemon = await start();
      const session = await open(daemon.socketPath);
      session.send(request('daemon.health', null, 7));
      const [answer] = await session.next(1);
      expect(answer).toEqual({
        jsonrpc: '2.0',
        result: expect.objectContaining({ status: 'ok', connections: 1, streams: 0 }) as unknown,
        id: 7,
      });
    });

    it('answers -32700 to a line that is not JSON, -32600 to an invalid request, -32601 to an unknown method', async () => {
      const daemon = await start();
      const session = await open(daemon.socketPath);
      session.send('{not json\n');
      session.send('{"jsonrpc":"2.0","id":5}\n');
      session.send('[1,2]\r\n');
      session.send(request('no.such.method', {}, 6));
      const answers = await session.next(4);
      expect(answers.map((answer) => [(answer['error'] as JsonObject)['code'], answer['id']])).toEqual([
        [-32700, null],
        [-32600, 5],
        [-32600, null],
        [-32601, 6],
      ]);
      expect(daemon.counters).toMatchObject({ parseErrors: 1, requests: 1 });
    });

    it('does not answer a notification (a request without id)', async () => {
      const daemon = await start();
      const session = await open(daemon.socketPath);
      session.send('{"jsonrpc":"2.0","method":"daemon.health"}\n');
      session.send('{"jsonrpc":"2.0","method":"no.such.method"}\n');
      session.send(request('daemon.health', {}, 'last' as unknown as number));
      await session.next(1);
      await daemon.waitFor((counters) => counters.requests === 3);
      expect(session.received).toEqual([expect.objectContaining({ id: 'last' })]);
    });

    it('answers daemon.observer_events from the published history, newest last, honouring limit', async () => {
      const daemon = await start({ historyLimit: 3 });
      for (let n = 1; n <= 5; n++) daemon.publish({ job_id: 'a', event: 'e', n });
      daemon.publish({ job_id: 'b', event: 'e', n: 1 });
      daemon.publish({ event: 'daemon.wide' });
      const session = await open(daemon.socketPath);
      session.send(request('daemon.observer_events', { job_id: 'a', limit: 2 }, 1));
      session.send(request('daemon.observer_events', { job_id: 'a', limit: 20 }, 2));
      session.send(request('daemon.observer_events', { job_id: 'nobody', limit: 20 }, 3));
      session.send(request('daemon.observer_events', { limit: 20 }, 4));
      const [two, all, none, bad] = await session.next(4);
      expect(two!['result']).toEqual({
        events: [
          { job_id: 'a', event: 'e', n: 4 },
          { job_id: 'a', event: 'e', n: 5 },
        ],
      });
      expect((all!['result'] as { events: JsonObject[] }).events.map((event) => event['n'])).toEqual([
        3, 4, 5,
      ]);
      expect(none!['result']).toEqual({ events: [] });
      expect(bad!['error']).toMatchObject({ code: -32602 });
    });

    it('answers observer history set with setObserverEvents', async () => {
      const daemon = await start();
      daemon.publish({ job_id: 'a', event: 'published' });
      daemon.setObserverEvents('a', [
        { job_id: 'a', event: 'x' },
        { job_id: 'a', event: 'y' },
      ]);
      const session = await open(daemon.socketPath);
      session.send(request('daemon.observer_events', { job_id: 'a', limit: 1 }, 1));
      expect((await session.next(1))[0]!['result']).toEqual({ events: [{ job_id: 'a', event: 'y' }] });
    });

    it('streams published events to every daemon.monitor.stream connection, and only there', async () => {
      const daemon = await start();
      const [one, two, plain] = await Promise.all([1, 2, 3].map(() => open(daemon.socketPath)));
      one!.send(request('daemon.monitor.stream', {}, 1));
      two!.send(request('daemon.monitor.stream', {}, 1));
      await daemon.waitFor((counters) => counters.openStreams === 2);
      daemon.publish({ job_id: 'a', event: 'sheet.started' });
      daemon.publishRaw('raw line');
      daemon.publishRaw('{"half":', { newline: false });
      daemon.publishRaw('"line"}');
      const expected = {
        jsonrpc: '2.0',
        method: 'monitor.event',
        params: { job_id: 'a', event: 'sheet.started' },
      };
      expect(await one!.next(3)).toEqual([expected, { notJson: 'raw line' }, { half: 'line' }]);
      expect(await two!.next(3)).toEqual([expected, { notJson: 'raw line' }, { half: 'line' }]);
      expect(plain!.received).toEqual([]);
      expect(daemon.counters).toMatchObject({ openStreams: 2, openConnections: 3, published: 1 });
      two!.socket.destroy();
      await daemon.waitFor((counters) => counters.openStreams === 1 && counters.openConnections === 2);
    });

    it('drops events for a stream client that does not read, like the conductor, and counts them', async () => {
      const daemon = await start({ streamQueueSize: 5 });
      const session = await open(daemon.socketPath);
      session.send(request('daemon.monitor.stream', {}, 1));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      session.socket.pause();
      const padding = 'x'.repeat(64 * 1024);
      for (let n = 0; n < 100; n++) daemon.publish({ job_id: 'a', n, padding });
      expect(daemon.counters.droppedEvents).toBeGreaterThan(0);
      expect(daemon.counters.droppedEvents).toBeLessThan(100);
    });

    it('lets a test answer a method its own way, and restore the default', async () => {
      const daemon = await start();
      daemon.handle('daemon.health', (params, reply) => reply.error(-32003, 'shutting down', { params }));
      const session = await open(daemon.socketPath);
      session.send(request('daemon.health', { a: 1 }, 1));
      const [first] = await session.next(1);
      expect(first!['error']).toEqual({ code: -32003, message: 'shutting down', data: { params: { a: 1 } } });
      daemon.handle('daemon.health', undefined);
      session.send(request('daemon.health', {}, 2));
      const [, second] = await session.next(2);
      expect(second!['result']).toMatchObject({ status: 'ok' });
    });
  });

  it('answers -32603 when a test handler throws, and keeps serving', async () => {
    const daemon = await start();
    daemon.handle('broken', () => {
      throw new Error('handler bug');
    });
    const session = await open(daemon.socketPath);
    session.send(request('broken', {}, 1));
    const [answer] = await session.next(1);
    expect(answer!['error']).toMatchObject({
      code: -32603,
      message: expect.stringContaining('handler bug') as string,
    });
    session.send(request('daemon.health', {}, 2));
    const [, health] = await session.next(2);
    expect(health!['result']).toMatchObject({ status: 'ok' });
  });

  describe('control', () => {
    it('dropConnections() closes every connection and keeps listening', async () => {
      const daemon = await start();
      const session = await open(daemon.socketPath);
      const closed = new Promise((resolve) => session.socket.once('close', resolve));
      daemon.dropConnections();
      await closed;
      await daemon.waitFor((counters) => counters.openConnections === 0);
      const again = await open(daemon.socketPath);
      again.send(request('daemon.health', {}, 1));
      await again.next(1);
      expect(daemon.counters.connections).toBe(2);
    });

    it('restart() closes connections, removes the socket for a moment, and comes back at the same path', async () => {
      const daemon = await start();
      const session = await open(daemon.socketPath);
      session.send(request('daemon.monitor.stream', {}, 1));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      const restarted = daemon.restart({ downMs: 100 });
      await new Promise((resolve) => session.socket.once('close', resolve));
      expect(existsSync(daemon.socketPath)).toBe(false);
      await restarted;
      expect(statSync(daemon.socketPath).mode & 0o777).toBe(0o600);
      const again = await open(daemon.socketPath);
      again.send(request('daemon.health', {}, 1));
      await again.next(1);
      expect(daemon.counters).toMatchObject({ connections: 2, openStreams: 0 });
    });

    it('freeze() stops reading, answering and streaming, like a stopped process; thaw() catches up', async () => {
      const daemon = await start();
      const stream = await open(daemon.socketPath);
      stream.send(request('daemon.monitor.stream', {}, 1));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      daemon.freeze();
      expect(daemon.frozen).toBe(true);
      const session = await open(daemon.socketPath);
      session.send(request('daemon.health', {}, 7));
      daemon.publish({ job_id: 'a', event: 'held' });
      // Nothing is read or written while frozen (the connection itself is accepted).
      await daemon.waitFor((counters) => counters.openConnections === 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(daemon.counters.requests).toBe(1);
      expect(session.received).toEqual([]);
      expect(stream.received).toEqual([]);
      daemon.thaw();
      const [answer] = await session.next(1);
      expect(answer).toMatchObject({ id: 7, result: { status: 'ok' } });
      const [event] = await stream.next(1);
      expect(event).toMatchObject({ method: 'monitor.event', params: { event: 'held' } });
      expect(daemon.frozen).toBe(false);
    });

    it('publishRaw() writes bytes as they are, for lines that are not UTF-8', async () => {
      const daemon = await start();
      const socket = createConnection({ path: daemon.socketPath });
      sockets.push(socket);
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.write(request('daemon.monitor.stream', {}, 1));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      daemon.publishRaw(Buffer.from([0x7b, 0xff, 0x7d]));
      daemon.publishRaw(Buffer.from([0xc3]), { newline: false });
      await waitUntil(() => Buffer.concat(chunks).length === 5, 'five bytes');
      expect([...Buffer.concat(chunks)]).toEqual([0x7b, 0xff, 0x7d, 0x0a, 0xc3]);
    });

    it('waitFor() rejects when the condition is not met in time', async () => {
      const daemon = await start();
      await expect(daemon.waitFor((counters) => counters.openStreams === 1, 20)).rejects.toThrow(/20 ms/);
    });

    it('stop() during a restart wins: the restart settles and the daemon stays down', async () => {
      const daemon = await start();
      const restarting = daemon.restart({ downMs: 1 });
      await new Promise((resolve) => setTimeout(resolve, 0));
      await daemon.stop();
      await restarting;
      expect(existsSync(daemon.socketPath)).toBe(false);
      await expect(daemon.waitFor(() => false)).rejects.toThrow('stopped');
    });

    it('stop() releases waiters, and a stopped daemon cannot restart', async () => {
      const daemon = await start();
      const waiting = daemon.waitFor((counters) => counters.openStreams === 1);
      await daemon.stop();
      await expect(waiting).rejects.toThrow(/stopped/);
      await expect(daemon.restart()).rejects.toThrow(/stopped/);
    });
  });
});
