import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { EventSource } from 'eventsource';
import { InvalidOptionsError } from '../../src/errors';
import { createGateway, type Gateway } from '../../src/http/gateway';
import type { GatewayOptions } from '../../src/http/gateway-options';
import { startServer, type TestServer } from '../support/http-server';
import { liveBridge, type LiveBridge } from '../support/live-bridge';
import { openSse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';

interface JsonAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

/** One plain request; the body is read whole. */
function fetchRaw(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = body === '' ? undefined : JSON.parse(body);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createGateway', () => {
  let live: LiveBridge;
  let gateway: Gateway;
  let server: TestServer;
  let requests: IncomingMessage[];
  let observerCalls: unknown[][];

  async function start(options: GatewayOptions = {}, bridgeOptions = {}): Promise<void> {
    observerCalls = [];
    live = liveBridge(bridgeOptions, (jobId, limit) => {
      observerCalls.push([jobId, limit]);
      return { events: [{ job_id: jobId, event: 'sheet.completed', sheet_num: 1 }] };
    });
    gateway = createGateway(live.bridge, { retryMs: 50, ...options });
    requests = [];
    server = await startServer((req, res) => {
      requests.push(req);
      gateway(req, res);
    });
  }

  afterEach(async () => {
    gateway?.close();
    live?.bridge.stop();
    await server?.close();
  });

  describe('errors', () => {
    beforeEach(() => start());

    it.each([
      ['/nope', 404, 'not found'],
      ['/api/events/stream/', 404, 'not found'],
      ['/api/jobs/a/b/events', 404, 'not found'],
      ['/api/events/stream?limit=0', 400, 'limit must be an integer from 1 to 200'],
      ['/api/events/stream?limit=201', 400, 'limit must be an integer from 1 to 200'],
      ['/api/events/stream?limit=1.5', 400, 'limit must be an integer from 1 to 200'],
      ['/api/events/stream?limit=', 400, 'limit must be an integer from 1 to 200'],
      ['/api/jobs/a/observer?limit=abc', 400, 'limit must be an integer from 1 to 200'],
      ['/api/jobs/bad%20id/events', 400, 'jobId must be 1 to 128 characters of [A-Za-z0-9._:-]'],
      ['/api/jobs/%E0%A4%A/events', 400, 'jobId must be 1 to 128 characters of [A-Za-z0-9._:-]'],
      [`/api/jobs/${'j'.repeat(129)}/observer`, 400, 'jobId must be 1 to 128 characters of [A-Za-z0-9._:-]'],
    ])('GET %s → %i', async (path, status, error) => {
      const answer = await fetchRaw(server.url + path);
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.json).toEqual({ error });
    });

    it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s on a route → 405 with Allow', async (method) => {
      const answer = await fetchRaw(`${server.url}/api/events/stream`, { method });
      expect(answer.status).toBe(405);
      expect(answer.headers['allow']).toBe('GET, HEAD, OPTIONS');
      expect(answer.json).toEqual({ error: `method ${method} not allowed` });
    });

    it('rejects bad options with InvalidOptionsError', () => {
      expect(() => createGateway(live.bridge, { basePath: 'bridge' })).toThrow(InvalidOptionsError);
      expect(() => createGateway(live.bridge, { basePath: '/bridge/' })).toThrow(/basePath/);
      expect(() => createGateway(live.bridge, { maxClients: 0 })).toThrow(/maxClients/);
      expect(() => createGateway(live.bridge, { corsOrigins: 'https://a' as never })).toThrow(/corsOrigins/);
      expect(() => createGateway(live.bridge, { extra: true } as GatewayOptions)).toThrow(
        /Unknown gateway option "extra"/,
      );
    });
  });

  describe('JSON routes', () => {
    it('/healthz reports bridge state, consumers and counters, including the gateway’s', async () => {
      await start();
      live.publish();
      live.daemon.next({ job_id: 42 });
      const client = await openSse(`${server.url}/api/jobs/job-a/events`);
      await waitUntil(() => gateway.stats().clients === 1, 'the job stream');
      const answer = await fetchRaw(`${server.url}/healthz`);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        state: 'connected',
        running: true,
        consumers: { global: 0, job: 1, jobs: 1 },
        counters: {
          eventsIn: 1,
          invalidEvents: 1,
          reconnects: 0,
          replayHits: 0,
          resetsExpired: 0,
          resetsUnknownId: 0,
          slowClientsDropped: 0,
          clientsRejected: 0,
          clientsDroppedByBudget: 0,
        },
        clients: { open: 1, max: 1000, behind: 0 },
        buffered: { bytes: 0, max: 64 * 1024 * 1024 },
        replay: { size: 1, capacity: 1000 },
        lastEventId: 't-1',
      });
      client.close();
    });

    it('/api/jobs/:jobId/observer answers the observer history, limit defaulting to 20', async () => {
      await start();
      const answer = await fetchRaw(`${server.url}/api/jobs/nightly%3A42/observer`);
      const limited = await fetchRaw(`${server.url}/api/jobs/nightly/observer?limit=200`);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual([{ job_id: 'nightly:42', event: 'sheet.completed', sheet_num: 1 }]);
      expect(limited.status).toBe(200);
      expect(observerCalls).toEqual([
        ['nightly:42', 20],
        ['nightly', 200],
      ]);
    });

    it('serves every route under basePath, and nothing outside it', async () => {
      await start({ basePath: '/bridge/v1' });
      expect((await fetchRaw(`${server.url}/bridge/v1/healthz`)).status).toBe(200);
      expect((await fetchRaw(`${server.url}/bridge/v1/api/jobs/a/observer`)).status).toBe(200);
      expect((await fetchRaw(`${server.url}/healthz`)).status).toBe(404);
      expect((await fetchRaw(`${server.url}/bridge/v1healthz`)).status).toBe(404);
    });

    it('HEAD answers headers only and opens no stream', async () => {
      await start();
      const stream = await fetchRaw(`${server.url}/api/events/stream`, { method: 'HEAD' });
      const health = await fetchRaw(`${server.url}/healthz`, { method: 'HEAD' });
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(stream.body).toBe('');
      expect(health.status).toBe(200);
      expect(health.body).toBe('');
      expect(live.bridge.stats().consumers.global).toBe(0);
    });
  });

  describe('authorize', () => {
    it('answers 401 when authorize says no, and lets the request through when it says yes (sync or async)', async () => {
      await start({ authorize: (req) => Promise.resolve(req.headers.authorization === 'Bearer s3cret') });
      const denied = await fetchRaw(`${server.url}/healthz`);
      const deniedStream = await fetchRaw(`${server.url}/api/events/stream`);
      const allowed = await fetchRaw(`${server.url}/healthz`, {
        headers: { Authorization: 'Bearer s3cret' },
      });
      expect(denied.status).toBe(401);
      expect(denied.json).toEqual({ error: 'unauthorized' });
      expect(deniedStream.status).toBe(401);
      expect(allowed.status).toBe(200);
      expect(live.bridge.stats().consumers.global).toBe(0);
    });

    it('accepts a synchronous authorize', async () => {
      await start({ authorize: (req) => req.headers['x-token'] === 'ok' });
      expect((await fetchRaw(`${server.url}/healthz`)).status).toBe(401);
      expect((await fetchRaw(`${server.url}/healthz`, { headers: { 'X-Token': 'ok' } })).status).toBe(200);
    });

    it('answers 500, not a crash, when authorize throws', async () => {
      await start({
        authorize: () => {
          throw new Error('token store down');
        },
      });
      const answer = await fetchRaw(`${server.url}/healthz`);
      expect(answer.status).toBe(500);
      expect(answer.json).toEqual({ error: 'internal error' });
    });
  });

  describe('maxClients and close', () => {
    it('answers 503 beyond maxClients and counts it; a freed slot is usable again', async () => {
      await start({ maxClients: 1 });
      const first = await openSse(`${server.url}/api/events/stream`);
      const second = await openSse(`${server.url}/api/jobs/a/events`);
      await second.ended;
      expect(first.status).toBe(200);
      expect(second.status).toBe(503);
      expect(second.headers['retry-after']).toBe('5');
      expect(JSON.parse(second.body())).toEqual({ error: 'too many clients (maxClients 1)' });
      expect(gateway.stats()).toEqual({
        clients: 1,
        maxClients: 1,
        slowClientsDropped: 0,
        clientsRejected: 1,
        bufferedBytes: 0,
        maxTotalBufferedBytes: 64 * 1024 * 1024,
        clientsBehind: 0,
        clientsDroppedByBudget: 0,
        clientsByStream: { all: 1, job: 0 },
      });
      first.close();
      await waitUntil(() => gateway.stats().clients === 0, 'the slot to free');
      const third = await openSse(`${server.url}/api/jobs/a/events`);
      expect(third.status).toBe(200);
      third.close();
    });

    it('close() ends every open stream and answers 503 afterwards', async () => {
      await start();
      const client = await openSse(`${server.url}/api/events/stream`);
      await waitUntil(() => gateway.stats().clients === 1, 'the stream');
      gateway.close();
      await client.ended;
      expect(gateway.stats().clients).toBe(0);
      const later = await fetchRaw(`${server.url}/api/events/stream`);
      expect(later.status).toBe(503);
      expect(later.json).toEqual({ error: 'gateway closed' });
    });
  });

  describe('CORS', () => {
    it('echoes an allowed origin on streams, JSON and errors; never a foreign one', async () => {
      await start({ corsOrigins: ['https://ops.example'] });
      const allowed = await fetchRaw(`${server.url}/healthz`, { headers: { Origin: 'https://ops.example' } });
      const notFound = await fetchRaw(`${server.url}/nope`, { headers: { Origin: 'https://ops.example' } });
      const foreign = await fetchRaw(`${server.url}/healthz`, {
        headers: { Origin: 'https://evil.example' },
      });
      const stream = await openSse(`${server.url}/api/events/stream`, {
        headers: { Origin: 'https://ops.example' },
      });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://ops.example');
      expect(allowed.headers['vary']).toBe('Origin');
      expect(notFound.headers['access-control-allow-origin']).toBe('https://ops.example');
      expect(foreign.status).toBe(200);
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      expect(stream.headers['access-control-allow-origin']).toBe('https://ops.example');
      stream.close();
    });

    it('answers a preflight from an allowed origin with 204 and the allowed methods and headers', async () => {
      await start({ corsOrigins: ['https://ops.example'], authorize: () => false });
      const preflight = await fetchRaw(`${server.url}/api/events/stream`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://ops.example',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
      const foreign = await fetchRaw(`${server.url}/api/events/stream`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://ops.example');
      expect(preflight.headers['access-control-allow-methods']).toBe('GET, HEAD');
      expect(preflight.headers['access-control-allow-headers']).toBe(
        'Authorization, Cache-Control, Last-Event-ID',
      );
      expect(foreign.status).toBe(204);
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      expect(foreign.headers['access-control-allow-methods']).toBeUndefined();
    });

    it('sends no CORS headers without an allow-list', async () => {
      await start();
      const answer = await fetchRaw(`${server.url}/healthz`, { headers: { Origin: 'https://ops.example' } });
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers['vary']).toBeUndefined();
    });
  });

  describe('the global stream, read by eventsource-parser', () => {
    it('sends the state, replays the latest `limit` events, goes live, reports state changes, and ends on stop', async () => {
      await start({}, { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
      for (let i = 0; i < 5; i++) live.publish({ job_id: i % 2 === 0 ? 'job-a' : 'job-b' });
      const client = await openSse(`${server.url}/api/events/stream?limit=3`);
      await waitUntil(() => client.events.length === 4, 'state and replay');
      live.publish({ event: 'sheet.completed', job_id: 'job-c' });
      await waitUntil(() => client.events.length === 5, 'the live event');
      live.daemon.error(new Error('socket reset'));
      await waitUntil(() => client.events.length === 6, 'the state change');
      live.bridge.stop();
      await client.ended;

      expect(client.status).toBe(200);
      expect(client.retries).toEqual([50]);
      const summary = client.events.map(({ event, id, data }) => [
        event,
        id,
        event === 'bridge_stopped' ? data : (JSON.parse(data) as unknown),
      ]);
      expect(summary).toEqual([
        ['bridge_state', undefined, { state: 'connected' }],
        ['sheet.started', 't-3', expect.objectContaining({ job_id: 'job-a', sheet_num: 3 })],
        ['sheet.started', 't-4', expect.objectContaining({ job_id: 'job-b', sheet_num: 4 })],
        ['sheet.started', 't-5', expect.objectContaining({ job_id: 'job-a', sheet_num: 5 })],
        ['sheet.completed', 't-6', expect.objectContaining({ job_id: 'job-c', sheet_num: 6 })],
        ['bridge_state', undefined, { state: 'reconnecting' }],
        ['bridge_stopped', undefined, '{}'],
      ]);
      expect(gateway.stats().clients).toBe(0);
    });

    it('sends heartbeats without ids to an idle client', async () => {
      await start({}, { heartbeatMs: 30 });
      const client = await openSse(`${server.url}/api/events/stream?limit=1`);
      await waitUntil(() => client.events.some((e) => e.event === 'heartbeat'), 'a heartbeat');
      const beat = client.events.find((e) => e.event === 'heartbeat')!;
      expect(beat.id).toBeUndefined();
      expect(JSON.parse(beat.data)).toEqual({ timestamp: expect.any(Number) as number });
      client.close();
    });

    it('answers at once, with no events, while the bridge is stopped', async () => {
      await start();
      live.bridge.stop();
      const client = await openSse(`${server.url}/api/events/stream`);
      await client.ended;
      expect(client.status).toBe(200);
      expect(client.events).toEqual([{ event: 'bridge_state', data: '{"state":"stopped"}', id: undefined }]);
    });
  });

  describe('job streams and resume', () => {
    it('streams only the job’s events; resumes after Last-Event-ID with exactly the missed ones', async () => {
      await start();
      live.publish({ job_id: 'job-a' }); // t-1
      live.publish({ job_id: 'job-b' }); // t-2
      live.publish({ job_id: 'job-a' }); // t-3
      live.publish({ job_id: 'job-a' }); // t-4
      const resumed = await openSse(`${server.url}/api/jobs/job-a/events`, {
        headers: { 'Last-Event-ID': 't-1' },
      });
      const byQuery = await openSse(`${server.url}/api/jobs/job-a/events?lastEventId=t-3`);
      const fresh = await openSse(`${server.url}/api/jobs/job-a/events`);
      await waitUntil(() => gateway.stats().clients === 3, 'three streams');
      live.publish({ job_id: 'job-b' }); // t-5
      live.publish({ job_id: 'job-a' }); // t-6
      await waitUntil(() => fresh.events.length === 1, 'the live event');
      expect(resumed.events.map((e) => e.id)).toEqual(['t-3', 't-4', 't-6']);
      expect(byQuery.events.map((e) => e.id)).toEqual(['t-4', 't-6']);
      expect(fresh.events.map((e) => e.id)).toEqual(['t-6']);
      for (const client of [resumed, byQuery, fresh]) client.close();
    });

    it('sends stream_reset for an id this bridge never issued, then live events', async () => {
      await start();
      live.publish();
      const client = await openSse(`${server.url}/api/events/stream`, {
        headers: { 'Last-Event-ID': 'other-9' },
      });
      await waitUntil(() => client.events.length === 2, 'state and reset');
      live.publish();
      await waitUntil(() => client.events.length === 3, 'the live event');
      expect(client.events[1]?.event).toBe('stream_reset');
      expect(JSON.parse(client.events[1]!.data)).toEqual(
        expect.objectContaining({ reason: 'unknown_id', lastEventId: 'other-9' }),
      );
      expect(client.events[2]?.id).toBe('t-2');
      client.close();
    });
  });

  describe('unnamed=1', () => {
    it('sends daemon events without a name (dispatched as "message"), control events with theirs', async () => {
      await start({}, { heartbeatMs: 50 });
      live.publish({ event: 'baton.brand_new_name' }); // t-1
      const global = await openSse(`${server.url}/api/events/stream?unnamed=1`);
      const job = await openSse(`${server.url}/api/jobs/job-a/events?unnamed=1`, {
        headers: { 'Last-Event-ID': 't-1' },
      });
      await waitUntil(() => gateway.stats().clients === 2, 'two streams');
      live.publish({ event_type: 'sheet.skipped' }); // t-2
      await waitUntil(() => job.events.some((e) => e.event === 'heartbeat'), 'a heartbeat');
      const daemonEvents = global.events.filter((e) => e.id !== undefined);
      expect(daemonEvents.map((e) => [e.event, e.id])).toEqual([
        [undefined, 't-1'],
        [undefined, 't-2'],
      ]);
      expect(JSON.parse(daemonEvents[0]!.data)).toEqual(
        expect.objectContaining({ event: 'baton.brand_new_name' }),
      );
      expect(global.events[0]?.event).toBe('bridge_state');
      expect(job.events.filter((e) => e.id !== undefined).map((e) => [e.event, e.id])).toEqual([
        [undefined, 't-2'],
      ]);
      global.close();
      job.close();
    });

    it('rejects any other value with 400', async () => {
      await start();
      for (const path of ['/api/events/stream?unnamed=yes', '/api/jobs/job-a/events?unnamed=2']) {
        const answer = await fetchRaw(`${server.url}${path}`);
        expect([answer.status, answer.json]).toEqual([400, { error: 'unnamed must be 0 or 1' }]);
      }
    });
  });

  describe('the `eventsource` client (WHATWG EventSource)', () => {
    it('reconnects by itself after a server-side drop, sends Last-Event-ID and gets exactly the missed events', async () => {
      await start();
      const es = new EventSource(`${server.url}/api/events/stream?limit=1`);
      const received: string[] = [];
      const states: string[] = [];
      let errors = 0;
      es.addEventListener('sheet.started', (event) => received.push(event.lastEventId));
      es.addEventListener('bridge_state', (event) =>
        states.push((JSON.parse(String(event.data)) as { state: string }).state),
      );
      es.addEventListener('error', () => errors++);
      try {
        await waitUntil(() => states.length === 1, 'the first connection');
        for (let i = 0; i < 3; i++) live.publish();
        await waitUntil(() => received.length === 3, 'three live events');

        server.dropConnections();
        await waitUntil(() => gateway.stats().clients === 0, 'the server to see the drop');
        for (let i = 0; i < 3; i++) live.publish(); // missed while disconnected
        await waitUntil(() => states.length === 2, 'the reconnection');
        live.publish();
        await waitUntil(() => received.length === 7, 'replay and live event');

        expect(received).toEqual(['t-1', 't-2', 't-3', 't-4', 't-5', 't-6', 't-7']);
        expect(errors).toBeGreaterThanOrEqual(1);
        const streamRequests = requests.filter((req) => req.url?.startsWith('/api/events/stream'));
        expect(streamRequests.map((req) => req.headers['last-event-id'])).toEqual([undefined, 't-3']);
      } finally {
        es.close();
      }
    });
  });
});
