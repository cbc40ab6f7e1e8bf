import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { firstValueFrom, filter } from 'rxjs';
import { DaemonEventBridge } from '../src/bridge/bridge';
import { UnixSocketDaemonClient } from '../src/daemon/unix-socket-client';
import { createGateway } from '../src/http/gateway';
import { startFakeDaemon } from '../src/testing/fake-daemon';
import type { Result } from './result';

const CLIENTS = 50;
const EVENTS = 20_000;

/**
 * The SSE clients, in a worker thread (plain JS) so they do not share the
 * server's event loop: each counts "\nid: " markers (one per daemon event
 * frame) in the raw bytes, and the worker posts 'open' once all are connected
 * and 'done' once every client has seen `expected` events.
 */
const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { request } = require('node:http');
const { port, clients, expected } = workerData;
const marker = Buffer.from('\\nid: ');
let opened = 0;
let finished = 0;
const responses = [];
for (let i = 0; i < clients; i++) {
  request({ host: '127.0.0.1', port, path: '/api/events/stream?limit=1' }, (res) => {
    responses.push(res);
    if (++opened === clients) parentPort.postMessage('open');
    let seen = 0;
    let carry = Buffer.alloc(0);
    let done = false;
    res.on('data', (chunk) => {
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      for (let at = bytes.indexOf(marker); at !== -1; at = bytes.indexOf(marker, at + 1)) seen++;
      carry = bytes.subarray(Math.max(0, bytes.length - (marker.length - 1)));
      if (!done && seen >= expected) {
        done = true;
        if (++finished === clients) parentPort.postMessage('done');
      }
    });
  }).end();
}
parentPort.on('message', () => {
  for (const res of responses) res.destroy();
  parentPort.close();
});
`;

/**
 * The whole path on one machine: fake daemon → Unix socket → client → bridge →
 * gateway → 50 SSE clients over loopback HTTP. Events per second delivered to
 * every client; the clients run in a worker thread.
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

  const worker = new Worker(CLIENT_WORKER, {
    eval: true,
    workerData: { port, clients: CLIENTS, expected: EVENTS },
  });
  const next = (what: string) =>
    new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', function onMessage(message) {
        if (message !== what) return;
        worker.off('message', onMessage);
        resolve();
      });
    });
  await next('open');
  const done = next('done');
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
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;

  worker.postMessage('close');
  await new Promise((resolve) => worker.once('exit', resolve));
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
