import express from 'express';
import { createGateway, type Gateway } from '../../src/http/gateway';
import { serveSse } from '../../src/http/serve-sse';
import { startServer, type TestServer } from '../support/http-server';
import { liveBridge, type LiveBridge } from '../support/live-bridge';
import { openSse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';

describe('Express interop', () => {
  let live: LiveBridge;
  let gateway: Gateway;
  let server: TestServer;

  beforeEach(async () => {
    live = liveBridge();
    gateway = createGateway(live.bridge, { retryMs: 100 });
    const app = express();
    app.use((_req, res, next) => {
      res.setHeader('X-Powered-By-Test', 'middleware');
      next();
    });
    app.get('/events', (req, res) => {
      serveSse(req, res, (lastEventId) => live.bridge.allEvents(10, { lastEventId }));
    });
    app.get('/jobs/:jobId/events', (req, res) => {
      serveSse(req, res, (lastEventId) => live.bridge.jobEvents(req.params.jobId, { lastEventId }));
    });
    app.use('/bridge', gateway);
    server = await startServer(app);
  });

  afterEach(async () => {
    gateway.close();
    live.bridge.stop();
    await server.close();
  });

  it('serveSse streams from an Express route, keeping headers set by middleware', async () => {
    live.publish();
    const client = await openSse(`${server.url}/events`);
    await waitUntil(() => client.events.length === 1, 'the replayed event');
    live.publish({ event: 'sheet.completed' });
    await waitUntil(() => client.events.length === 2, 'the live event');
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.headers['x-powered-by-test']).toBe('middleware');
    expect(client.retries).toEqual([3000]);
    expect(client.events.map((e) => [e.event, e.id])).toEqual([
      ['sheet.started', 't-1'],
      ['sheet.completed', 't-2'],
    ]);
    client.close();
    await waitUntil(() => live.bridge.stats().consumers.global === 0, 'the bridge consumer to go');
  });

  it('resumes an Express job route from Last-Event-ID', async () => {
    live.publish({ job_id: 'job-a' });
    live.publish({ job_id: 'job-b' });
    live.publish({ job_id: 'job-a' });
    const client = await openSse(`${server.url}/jobs/job-a/events`, { headers: { 'Last-Event-ID': 't-1' } });
    await waitUntil(() => client.events.length === 1, 'the missed event');
    expect(client.events.map((e) => e.id)).toEqual(['t-3']);
    client.close();
  });

  it('mounts the gateway with app.use(prefix): routes, errors and streams under the prefix', async () => {
    live.publish();
    const health = await fetch(`${server.url}/bridge/healthz`);
    const missing = await fetch(`${server.url}/bridge/api/nope`);
    const badLimit = await fetch(`${server.url}/bridge/api/events/stream?limit=999`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual(expect.objectContaining({ state: 'connected', lastEventId: 't-1' }));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
    expect(badLimit.status).toBe(400);

    const client = await openSse(`${server.url}/bridge/api/events/stream?limit=5`);
    await waitUntil(() => client.events.length === 2, 'state and replay');
    expect(client.retries).toEqual([100]);
    expect(client.events.map((e) => e.event)).toEqual(['bridge_state', 'sheet.started']);
    client.close();
  });
});
