import { request, type IncomingMessage, type Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, filter } from 'rxjs';
import { DaemonEventBridge } from '../src/bridge/bridge';
import { UnixSocketDaemonClient } from '../src/daemon/unix-socket-client';
import { createGateway } from '../src/http/gateway';
import { startFakeDaemon } from '../src/testing/fake-daemon';
import type { Result } from './result';

const CLIENTS = 50;
const EVENTS = 20_000;

/** Opens one SSE client and resolves once it has counted `expected` event ids. */
function sseClient(
  port: number,
  expected: number,
): { opened: Promise<void>; done: Promise<void>; close(): void } {
  let response: IncomingMessage | undefined;
  let resolveOpened!: () => void;
  const opened = new Promise<void>((resolve) => (resolveOpened = resolve));
  const done = new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/events/stream?limit=1' }, (res) => {
      response = res;
      resolveOpened();
      let seen = 0;
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const text = tail + chunk;
        const lines = text.split('\n');
        tail = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('id: ')) seen++;
        if (seen >= expected) resolve();
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  return { opened, done, close: () => response?.destroy() };
}

/**
 * The whole path on one machine: fake daemon → Unix socket → client → bridge →
 * gateway → 50 SSE clients over loopback HTTP. Events per second delivered to
 * every client.
 */
export async function pipelineThroughput(): Promise<Result[]> {
  const daemon = await startFakeDaemon({ streamQueueSize: EVENTS * 2 });
  const client = new UnixSocketDaemonClient(daemon.socketPath);
  const bridge = new DaemonEventBridge(client, { replaySize: 100 });
  bridge.start();
  await firstValueFrom(bridge.state$.pipe(filter((state) => state === 'connected')));
  const gateway = createGateway(bridge, { maxBufferedBytes: 64 * 1024 * 1024 });
  const server: Server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const clients = Array.from({ length: CLIENTS }, () => sseClient(port, EVENTS));
  await Promise.all(clients.map((c) => c.opened));
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) {
    daemon.publish({
      job_id: `job-${i % 20}`,
      sheet_num: i % 9,
      event: 'sheet.completed',
      data: { success: true, cost_usd: 0.04 },
      timestamp: 1764000000 + i,
    });
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(clients.map((c) => c.done));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;

  clients.forEach((c) => c.close());
  gateway.close();
  bridge.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await client.close();
  await daemon.stop();
  return [
    {
      name: `daemon → bridge → gateway → ${CLIENTS} SSE clients over loopback`,
      value: Math.round(EVENTS / seconds),
      unit: 'events/s',
      target: 5_000,
      better: 'higher',
      note: `${Math.round((EVENTS * CLIENTS) / seconds).toLocaleString('en-US')} frames/s written`,
    },
  ];
}
