import { createServer, get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { InvalidOptionsError } from '../../src/errors';
import { createGateway, type Gateway } from '../../src/http/gateway';
import {
  hardenServer,
  hardenServerOptionsSchema,
  ServerListeningError,
  type HardenedServer,
  type HardenServerOptions,
} from '../../src/http/harden-server';
import { startServer, type TestServer } from '../support/http-server';
import { liveBridge, type LiveBridge } from '../support/live-bridge';
import { openSse, type SseResponse } from '../support/sse-client';
import { pollUntil, waitUntil } from '../support/wait-until';

/** A raw client that sends a request head slowly, one header byte at a time, and never finishes it. */
interface Slowloris {
  readonly socket: Socket;
  /** Bytes it managed to send before the server closed it. */
  sent: number;
  /** What the server answered (a 408 status line, if anything). */
  answer: string;
  closed: boolean;
}

function slowloris(port: number, everyMs: number): Promise<Slowloris> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const attacker: Slowloris = { socket, sent: 0, answer: '', closed: false };
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (attacker.answer += chunk));
    socket.on('error', () => {});
    socket.once('close', () => {
      attacker.closed = true;
      clearInterval(timer);
    });
    socket.once('connect', () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      attacker.sent = 1;
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write('a', () => attacker.sent++);
      }, everyMs);
      resolve(attacker);
    });
    socket.once('error', reject);
  });
}

/** The daemon events of a stream (control messages carry no id). */
const daemonEvents = (stream: SseResponse) => stream.events.filter((event) => event.id !== undefined);

function fetchStatus(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('hardenServer', () => {
  let live: LiveBridge;
  let gateway: Gateway;
  let server: TestServer | undefined;
  let hardened: HardenedServer;
  const attackers: Slowloris[] = [];

  async function start(options: HardenServerOptions): Promise<TestServer> {
    live = liveBridge({ heartbeatMs: 600_000 });
    gateway = createGateway(live.bridge);
    server = await startServer(gateway, (http) => (hardened = hardenServer(http, options)));
    return server;
  }

  afterEach(async () => {
    for (const attacker of attackers.splice(0)) attacker.socket.destroy();
    live?.bridge.stop();
    await server?.close();
    server = undefined;
  });

  it('states its defaults once, in the exported schema', () => {
    expect(hardenServerOptionsSchema.parse({})).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      checkIntervalMs: 1_000,
      maxConnections: 1_100,
      maxHeaderBytes: 8 * 1024,
      maxHeadersCount: 100,
    });
  });

  it('applies the limits to the server, socket inactivity timeout off', () => {
    const http = createServer();
    http.timeout = 120_000;
    hardenServer(http, { headersTimeoutMs: 2_000, maxConnections: 10 });
    expect(http).toMatchObject({
      headersTimeout: 2_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      timeout: 0,
      maxConnections: 10,
      maxHeadersCount: 100,
      connectionsCheckingInterval: 1_000,
      maxHeaderSize: 8 * 1024,
    });
  });

  it('rejects bad options and a server that already listens', async () => {
    expect(() => hardenServer(createServer(), { headersTimeoutMs: 0 })).toThrow(
      'Invalid hardenServer option "headersTimeoutMs": expected an integer from 1 to 2147483647, got 0',
    );
    expect(() => hardenServer(createServer(), { headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).toThrow(
      InvalidOptionsError,
    );
    expect(() => hardenServer(createServer(), { maxConnection: 5 } as HardenServerOptions)).toThrow(
      'Unknown hardenServer option "maxConnection"',
    );
    const listening = await startServer(() => {});
    try {
      expect(() => hardenServer(listening.server)).toThrow(ServerListeningError);
    } finally {
      await listening.close();
    }
  });

  it('closes 500 slowloris connections at the header timeout, counted, while a stream and /healthz are served', async () => {
    const { url, server: http } = await start({ headersTimeoutMs: 1_000, checkIntervalMs: 100 });
    const { port } = http.address() as { port: number };
    const stream = await openSse(`${url}/api/events/stream?limit=1`);

    for (let i = 0; i < 500; i++) attackers.push(await slowloris(port, 50));
    // Meanwhile: the stream gets events and /healthz answers.
    const during = live.publish({ sheet_num: 1 });
    const health = await fetchStatus(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ running: true });
    await waitUntil(() => daemonEvents(stream).length === 1, 'the event published during the attack');
    expect(JSON.parse(daemonEvents(stream)[0]!.data)).toEqual(during);

    await waitUntil(
      () => attackers.every((attacker) => attacker.closed),
      () => `every slowloris closed (${attackers.filter((a) => !a.closed).length} open)`,
      20_000,
    );
    // They were still sending when closed: the header clock, not an idle timeout, ended them.
    expect(attackers.every((attacker) => attacker.sent > 1)).toBe(true);
    expect(attackers.every((attacker) => attacker.answer.startsWith('HTTP/1.1 408 Request Timeout'))).toBe(
      true,
    );
    expect(hardened.stats()).toEqual({
      requestTimeouts: 500,
      headerOverflows: 0,
      badRequests: 0,
      connectionsDropped: 0,
    });
    // The stream outlived the attack and still delivers.
    const after = live.publish({ sheet_num: 2 });
    await waitUntil(() => daemonEvents(stream).length === 2, 'the event published after the attack');
    expect(JSON.parse(daemonEvents(stream)[1]!.data)).toEqual(after);
    stream.close();
  }, 30_000);

  it('closes a connection that sends nothing at the header timeout', async () => {
    const { server: http } = await start({ headersTimeoutMs: 200, checkIntervalMs: 50 });
    const { port } = http.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(hardened.stats().requestTimeouts).toBe(1);
  });

  it('keeps SSE streams open far past the header, request and keep-alive timeouts', async () => {
    const { url } = await start({
      headersTimeoutMs: 100,
      requestTimeoutMs: 200,
      keepAliveTimeoutMs: 100,
      checkIntervalMs: 20,
    });
    const stream = await openSse(`${url}/api/events/stream?limit=1`);
    // Five request timeouts and fifty checks later...
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const event = live.publish();
    await waitUntil(() => daemonEvents(stream).length === 1, 'the event published after the timeouts');
    expect(JSON.parse(daemonEvents(stream)[0]!.data)).toEqual(event);
    expect(gateway.stats().clients).toBe(1);
    expect(hardened.stats().requestTimeouts).toBe(0);
    stream.close();
  });

  it('answers 431 to a request head over maxHeaderBytes, and counts it', async () => {
    const { url } = await start({ maxHeaderBytes: 2_048 });
    const answer = await new Promise<number>((resolve, reject) => {
      get(`${url}/healthz`, { agent: false, headers: { 'X-Big': 'b'.repeat(4_000) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(answer).toBe(431);
    expect(hardened.stats().headerOverflows).toBe(1);
    expect((await fetchStatus(`${url}/healthz`)).status).toBe(200);
  });

  it('closes connections beyond maxConnections at once, and counts them', async () => {
    const { server: http, url } = await start({ maxConnections: 20 });
    const { port } = http.address() as { port: number };
    const sockets: Socket[] = [];
    const closed = new Set<Socket>();
    for (let i = 0; i < 25; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.once('close', () => closed.add(socket));
      sockets.push(socket);
      await new Promise((resolve) => socket.once('connect', resolve));
    }
    try {
      const stats = await pollUntil(
        () => hardened.stats(),
        (s) => s.connectionsDropped === 5,
        'five connections dropped',
      );
      expect(stats.connectionsDropped).toBe(5);
      await waitUntil(() => closed.size === 5, 'the dropped sockets closed');
      expect(sockets.slice(20).every((socket) => closed.has(socket))).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    // Once they leave, requests are served again.
    const open = () => new Promise<number>((resolve) => http.getConnections((_, count) => resolve(count)));
    await waitUntil(async () => (await open()) === 0, 'no connection left');
    expect((await fetchStatus(`${url}/healthz`)).status).toBe(200);
  });
});
