import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonConnectionError, DaemonNotRunningError } from '../../src/daemon/errors';
import type { JsonRpcIncoming } from '../../src/daemon/json-rpc';
import {
  JsonRpcConnection,
  type JsonRpcConnectionHandler,
  type SkippedLine,
} from '../../src/daemon/json-rpc-connection';
import { waitUntil } from '../support/wait-until';

/** Everything a connection reported. */
interface Log {
  connected: boolean;
  messages: JsonRpcIncoming[];
  skipped: SkippedLine[];
  closed: Array<Error | undefined>;
}

function recorder(): { log: Log; handler: JsonRpcConnectionHandler } {
  const log: Log = { connected: false, messages: [], skipped: [], closed: [] };
  return {
    log,
    handler: {
      connect: () => (log.connected = true),
      message: (message) => log.messages.push(message),
      skip: (line) => log.skipped.push(line),
      close: (error) => log.closed.push(error),
    },
  };
}

describe('JsonRpcConnection', () => {
  let dir: string;
  let server: Server | undefined;
  let peer: Socket | undefined;
  const connections: JsonRpcConnection[] = [];
  const options = { connectTimeoutMs: 1_000, maxMessageBytes: 1_024 };

  /** A server that hands its one accepted socket to the test. */
  const listen = async (): Promise<string> => {
    const path = join(dir, 'peer.sock');
    server = createServer((socket) => (peer = socket));
    await new Promise<void>((resolve) => server!.listen(path, resolve));
    return path;
  };
  const connect = (path: string, handler: JsonRpcConnectionHandler) => {
    const connection = new JsonRpcConnection(path, options, handler);
    connections.push(connection);
    return connection;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'connection-spec-'));
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.destroy();
    peer?.destroy();
    peer = undefined;
    if (server !== undefined) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects, writes one line per message, and reports validated messages', async () => {
    const path = await listen();
    const { log, handler } = recorder();
    const connection = connect(path, handler);
    await waitUntil(() => log.connected && peer !== undefined, 'the connection');
    let received = '';
    peer!.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    connection.send('{"jsonrpc":"2.0","method":"m","params":{},"id":1}');
    await waitUntil(() => received.endsWith('\n'), 'the request');
    expect(received).toBe('{"jsonrpc":"2.0","method":"m","params":{},"id":1}\n');

    peer!.write(
      '{"jsonrpc":"2.0","result":{"ok":true},"id":1}\r\n{"jsonrpc":"2.0","method":"monitor.event","params":{"a":1}}\n',
    );
    await waitUntil(() => log.messages.length === 2, 'two messages');
    expect(log.messages).toEqual([
      { jsonrpc: '2.0', result: { ok: true }, id: 1 },
      { jsonrpc: '2.0', method: 'monitor.event', params: { a: 1 } },
    ]);
    expect(connection.receivedSinceSend).toBeGreaterThan(0);
  });

  it('reports skipped lines with a short sample, and the parsed value when it was JSON', async () => {
    const path = await listen();
    const { log, handler } = recorder();
    connect(path, handler);
    await waitUntil(() => peer !== undefined, 'the connection');
    peer!.write(`${'z'.repeat(500)}\n{"id":3}\n${'{'.repeat(2_000)}\n`);
    await waitUntil(() => log.skipped.length === 3, 'three skipped lines');
    expect(log.skipped).toEqual([
      { reason: 'not_json', sample: `${'z'.repeat(120)}…` },
      { reason: 'not_json_rpc', sample: '{"id":3}', value: { id: 3 } },
      { reason: 'oversize', sample: '2000+ bytes' },
    ]);
  });

  it('holds at most maxMessageBytes of an endless line while it streams in, then goes on', async () => {
    const path = await listen();
    const { log, handler } = recorder();
    const connection = connect(path, handler);
    await waitUntil(() => peer !== undefined, 'the connection');
    let peak = 0;
    let sampling = true;
    const sample = () => {
      peak = Math.max(peak, connection.bufferedBytes);
      if (sampling) setImmediate(sample);
    };
    sample();
    for (let piece = 0; piece < 64; piece++) {
      await new Promise<void>((resolve) => peer!.write(`"${'x'.repeat(16 * 1024)}`, () => resolve()));
    }
    peer!.write('\n{"jsonrpc":"2.0","method":"monitor.event","params":{"after":true}}\n');
    await waitUntil(() => log.messages.length === 1, 'the line after');
    sampling = false;
    expect(peak).toBeLessThanOrEqual(options.maxMessageBytes);
    expect(log.skipped).toEqual([
      { reason: 'oversize', sample: expect.stringMatching(/^\d+\+ bytes$/) as string },
    ]);
    expect(log.messages).toEqual([{ jsonrpc: '2.0', method: 'monitor.event', params: { after: true } }]);
  });

  it('reports a clean close, after the unterminated last line, and is no longer open once ended', async () => {
    const path = await listen();
    const { log, handler } = recorder();
    const connection = connect(path, handler);
    await waitUntil(() => log.connected && peer !== undefined, 'the connection');
    expect(connection.isOpen).toBe(true);
    peer!.end('{"jsonrpc":"2.0","result":1,"id":9}');
    await waitUntil(() => log.closed.length === 1, 'the close');
    expect(log.messages).toEqual([{ jsonrpc: '2.0', result: 1, id: 9 }]);
    expect(log.closed).toEqual([undefined]);
    expect(connection.isOpen).toBe(false);
    connection.send('ignored');
  });

  it('reports DaemonNotRunningError for a missing socket and for a refused connection', async () => {
    const missing = recorder();
    connect(join(dir, 'missing.sock'), missing.handler);
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    const refused = recorder();
    connect(file, refused.handler);
    await waitUntil(
      () => missing.log.closed.length === 1 && refused.log.closed.length === 1,
      'both failures',
    );
    expect(missing.log.closed[0]).toBeInstanceOf(DaemonNotRunningError);
    expect(missing.log.closed[0]!.message).toBe(
      `daemon not running at ${join(dir, 'missing.sock')}: no socket at this path`,
    );
    expect(refused.log.closed[0]).toBeInstanceOf(DaemonNotRunningError);
    expect(refused.log.closed[0]!.message).toMatch(/connection refused$/);
    expect(missing.log.connected || refused.log.connected).toBe(false);
  });

  it('reports DaemonConnectionError when an open socket breaks', async () => {
    // A peer that dies with data unread makes the kernel reset the connection.
    const path = join(dir, 'paused.sock');
    server = createServer({ pauseOnConnect: true }, (socket) => (peer = socket));
    await new Promise<void>((resolve) => server!.listen(path, resolve));
    const { log, handler } = recorder();
    const connection = connect(path, handler);
    await waitUntil(() => log.connected && peer !== undefined, 'the connection');
    connection.send('{"unread":true}');
    peer!.destroy();
    await waitUntil(() => log.closed.length === 1, 'the close');
    expect(log.closed[0]).toBeInstanceOf(DaemonConnectionError);
    expect(log.closed[0]!.message).toMatch(/ECONNRESET|EPIPE/);
  });

  it('tells its handler nothing after destroy(), and settles closed', async () => {
    const path = await listen();
    const { log, handler } = recorder();
    const connection = connect(path, handler);
    await waitUntil(() => log.connected && peer !== undefined, 'the connection');
    connection.destroy();
    await connection.closed;
    peer!.write('{"jsonrpc":"2.0","result":1,"id":1}\n');
    expect(log.closed).toEqual([]);
    expect(log.messages).toEqual([]);
    expect(connection.isOpen).toBe(false);
  });

  it('closes itself, as a clean close, after idleMs while parked', async () => {
    const path = await listen();
    const { log, handler } = recorder();
    const connection = connect(path, handler);
    await waitUntil(() => log.connected, 'the connection');
    connection.setIdle(20);
    await waitUntil(() => log.closed.length === 1, 'the idle close');
    expect(log.closed).toEqual([undefined]);
  });
});
