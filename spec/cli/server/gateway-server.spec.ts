import { waitUntil } from '../../support/wait-until';
import { get } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import { DaemonEventBridge } from '../../../src/bridge/bridge';
import type { BridgeLogger } from '../../../src/logger';
import { ListenError, startGatewayServer, type GatewayServer } from '../../../src/cli/server/gateway-server';
import { UnixSocketDaemonClient } from '../../../src/daemon/unix-socket-client';
import type { JsonObject } from '../../../src/json';
import { startFakeDaemon, type FakeDaemon } from '../../../src/testing/fake-daemon';
import { openSse } from '../../support/sse-client';

const TOKEN = 'correct-horse-battery-staple';

function fetchText(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
      );
    }).on('error', reject);
  });
}

describe('startGatewayServer', () => {
  let daemon: FakeDaemon;
  let client: UnixSocketDaemonClient;
  let bridge: DaemonEventBridge;
  let http: GatewayServer | undefined;
  let logs: { level: string; message: string; fields?: JsonObject }[];
  let logger: BridgeLogger;

  beforeEach(async () => {
    logs = [];
    const log = (level: string) => (message: string, fields?: JsonObject) =>
      logs.push({ level, message, fields });
    logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    daemon = await startFakeDaemon();
    client = new UnixSocketDaemonClient(daemon.socketPath);
    bridge = new DaemonEventBridge(client, { heartbeatMs: 600_000 });
    bridge.start();
    await firstValueFrom(bridge.state$.pipe(filter((state) => state === 'connected')));
    await daemon.waitFor((counters) => counters.openStreams === 1);
  });

  afterEach(async () => {
    bridge.stop();
    await http?.close();
    http = undefined;
    await client.close();
    await daemon.stop();
  });

  it('serves the dashboard and the gateway routes on one port, and reports its URL', async () => {
    http = await startGatewayServer({ bridge, host: '127.0.0.1', port: 0, logger });
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetchText(http.url);
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
    const health = await fetchText(`${http.url}healthz`);
    expect(JSON.parse(health.body)).toMatchObject({ state: 'connected', running: true });
    const missing = await fetchText(`${http.url}nope`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ error: 'not found' });
  });

  it('streams daemon events and the observer history through the gateway', async () => {
    http = await startGatewayServer({ bridge, host: '127.0.0.1', port: 0, logger });
    const stream = await openSse(`${http.url}api/events/stream`);
    const event = {
      job_id: 'nightly',
      sheet_num: 1,
      event: 'sheet.started',
      data: { attempt: 1 },
      timestamp: 1,
    };
    daemon.publish(event);
    await waitUntil(() => stream.events.some((e) => e.event === 'sheet.started'), 'the condition');
    expect(stream.events.find((e) => e.event === 'sheet.started')?.data).toBe(JSON.stringify(event));
    stream.close();
    const history = await fetchText(`${http.url}api/jobs/nightly/observer`);
    expect(JSON.parse(history.body)).toEqual([event]);
  });

  describe('with a token', () => {
    beforeEach(async () => {
      http = await startGatewayServer({ bridge, host: '127.0.0.1', port: 0, token: TOKEN, logger });
    });

    it.each(['healthz', 'api/jobs/nightly/observer', 'api/jobs/nightly/events', 'api/events/stream'])(
      'answers 401 to /%s without the token, and to a wrong one',
      async (path) => {
        for (const headers of [{}, { Authorization: 'Bearer wrong' }] as Record<string, string>[]) {
          const reply = await fetchText(`${http!.url}${path}`, headers);
          expect(reply.status).toBe(401);
          expect(reply.type).toMatch(/^application\/json/);
          expect(JSON.parse(reply.body)).toHaveProperty('error');
        }
        expect((await fetchText(`${http!.url}${path}?token=wrong`)).status).toBe(401);
      },
    );

    it('serves the dashboard files without the token: they hold no data, and a page cannot pass it to them', async () => {
      for (const path of ['', 'app.js', 'style.css', 'favicon.svg']) {
        expect((await fetchText(`${http!.url}${path}`)).status).toBe(200);
      }
    });

    it('lets the token in as a Bearer header or as ?token=, on the JSON and SSE routes', async () => {
      expect((await fetchText(`${http!.url}healthz`, { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      const stream = await openSse(`${http!.url}api/events/stream?token=${TOKEN}`);
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      stream.close();
    });

    it('never writes the token to the logs', async () => {
      await fetchText(`${http!.url}healthz?token=${TOKEN}`);
      await fetchText(`${http!.url}healthz`, { Authorization: `Bearer ${TOKEN}` });
      await waitUntil(() => logs.filter((entry) => entry.message === 'request').length >= 2, 'the condition');
      expect(JSON.stringify(logs)).not.toContain(TOKEN);
      expect(logs.find((entry) => entry.message === 'request')?.fields).toMatchObject({
        method: 'GET',
        path: '/healthz',
        status: 200,
      });
    });
  });

  it('applies the hardenServer limits (defaults, or the ones given) and closes a silent socket at the header timeout', async () => {
    http = await startGatewayServer({ bridge, host: '127.0.0.1', port: 0, logger });
    expect(http.server).toMatchObject({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      maxConnections: 1_100,
    });
    await http.close();
    http = await startGatewayServer({
      bridge,
      host: '127.0.0.1',
      port: 0,
      logger,
      limits: { headersTimeoutMs: 200, checkIntervalMs: 50 },
    });
    const { port } = new URL(http.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(http.hardened.stats().requestTimeouts).toBe(1);
  });

  it('closes gracefully: SSE clients get bridge_stopped, then the port is released', async () => {
    http = await startGatewayServer({ bridge, host: '127.0.0.1', port: 0, logger });
    const stream = await openSse(`${http.url}api/events/stream`);
    const job = await openSse(`${http.url}api/jobs/nightly/events`);
    await waitUntil(() => stream.events.some((e) => e.event === 'bridge_state'), 'the condition');
    bridge.stop();
    await http.close();
    await Promise.all([stream.ended, job.ended]);
    expect(stream.events.at(-1)).toMatchObject({ event: 'bridge_stopped', data: '{}' });
    expect(job.events.at(-1)).toMatchObject({ event: 'bridge_stopped', data: '{}' });
    expect(http.server.listening).toBe(false);
    await expect(fetchText(http.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('rejects with a ListenError naming the port when it is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const attempt = startGatewayServer({ bridge, host: '127.0.0.1', port, logger });
      await expect(attempt).rejects.toThrow(ListenError);
      await expect(attempt).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use (try --port 0 for any free port)`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
