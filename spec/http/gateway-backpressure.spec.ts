import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createGateway, type Gateway } from '../../src/http/gateway';
import { silentLogger } from '../../src/logger';
import { startServer, type TestServer } from '../support/http-server';
import { liveBridge, type LiveBridge } from '../support/live-bridge';
import { openSse, type SseResponse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';

const MiB = 1024 * 1024;

describe('gateway backpressure: a stalled client beside a reading one', () => {
  let live: LiveBridge;
  let gateway: Gateway;
  let server: TestServer;
  let stalled: Socket | undefined;
  let reader: SseResponse | undefined;

  afterEach(async () => {
    reader?.close();
    stalled?.destroy();
    gateway?.close();
    live?.bridge.stop();
    await server?.close();
  });

  it('holds at most maxBufferedBytes for the stalled client, drops it, and the reader loses nothing of ~50 MB', async () => {
    live = liveBridge({ replaySize: 100 });
    const drops: { bufferedBytes: number }[] = [];
    const logger = { ...silentLogger, warn: (_: string, info?: object) => drops.push(info as never) };
    gateway = createGateway(live.bridge, { logger });
    const responses = new Map<string, ServerResponse>();
    server = await startServer((req, res) => {
      const name = req.headers['x-client'];
      if (typeof name === 'string') responses.set(name, res);
      gateway(req, res);
    });

    // A client that sends its request and never reads a byte.
    stalled = connect(Number(new URL(server.url).port), '127.0.0.1');
    stalled.pause();
    stalled.write(
      'GET /api/events/stream?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Client: stalled\r\nAccept: text/event-stream\r\n\r\n',
    );

    let received = 0;
    let outOfOrder = 0;
    let badPayload = 0;
    const payloadLength = 10_000;
    reader = await openSse(`${server.url}/api/events/stream?limit=1`, {
      headers: { 'X-Client': 'reader' },
      onEvent: (event) => {
        if (event.event !== 'bulk') return;
        received++;
        if (event.id !== `t-${received}`) outOfOrder++;
        const { data } = JSON.parse(event.data) as { data: { payload: string } };
        if (data.payload.length !== payloadLength) badPayload++;
      },
    });
    await waitUntil(() => gateway.stats().clients === 2, 'both clients');
    const stalledResponse = responses.get('stalled')!;
    const readerResponse = responses.get('reader')!;

    const total = 5_000;
    const batch = 25;
    const payload = 'x'.repeat(payloadLength);
    const before = process.memoryUsage();
    const peak = { stalledHeld: 0, readerHeld: 0, heapUsed: 0, arrayBuffers: 0, rss: 0 };
    let stalledKernelBytes = 0;
    let published = 0;
    let bytesPublished = 0;
    while (published < total) {
      for (let i = 0; i < batch; i++) {
        const event = live.publish({ event: 'bulk', data: { payload } });
        published++;
        bytesPublished += JSON.stringify(event).length;
      }
      if (!stalledResponse.destroyed) {
        peak.stalledHeld = Math.max(peak.stalledHeld, stalledResponse.writableLength);
        stalledKernelBytes = stalledResponse.socket?.bytesWritten ?? stalledKernelBytes;
      }
      peak.readerHeld = Math.max(peak.readerHeld, readerResponse.writableLength);
      const usage = process.memoryUsage();
      peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed - before.heapUsed);
      peak.arrayBuffers = Math.max(peak.arrayBuffers, usage.arrayBuffers - before.arrayBuffers);
      peak.rss = Math.max(peak.rss, usage.rss - before.rss);
      // The reader reads as fast as it can; the publisher waits for it, as a daemon's queue would.
      await waitUntil(
        () => received >= published - batch || readerResponse.destroyed,
        'the reader to keep up',
      );
    }
    await waitUntil(() => received === total || readerResponse.destroyed, 'the reader to finish');

    if (process.env['SSE_MEMORY_REPORT']) {
      // What stays retained once garbage is collected (the replay ring and its frames, mostly).
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const after = process.memoryUsage();
      const retained = {
        heapUsed: after.heapUsed - before.heapUsed,
        arrayBuffers: after.arrayBuffers - before.arrayBuffers,
      };
      const { slowClientsDropped } = gateway.stats();
      console.info(
        JSON.stringify({ bytesPublished, stalledKernelBytes, peak, retained, slowClientsDropped }),
      );
    }
    expect(bytesPublished).toBeGreaterThan(50_000_000);
    expect(stalledResponse.destroyed).toBe(true);
    expect(gateway.stats().slowClientsDropped).toBe(1);
    expect(peak.stalledHeld).toBeLessThanOrEqual(MiB);
    // What was held for it when dropped: queued in the gateway plus not yet taken by the kernel.
    expect(drops).toHaveLength(1);
    expect(drops[0]!.bufferedBytes).toBeLessThanOrEqual(MiB);
    expect(drops[0]!.bufferedBytes).toBeGreaterThan(MiB / 2);
    expect(readerResponse.destroyed).toBe(false);
    expect(received).toBe(total);
    expect(outOfOrder).toBe(0);
    expect(badPayload).toBe(0);
    expect(gateway.stats().clients).toBe(1);
  });
});
