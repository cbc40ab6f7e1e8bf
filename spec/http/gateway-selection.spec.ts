import { createGateway, type Gateway } from '../../src/http/gateway';
import { startServer, type TestServer } from '../support/http-server';
import { liveBridge, type LiveBridge } from '../support/live-bridge';
import { openSse, type SseResponse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';

describe('gateway: ?events, ?until=terminal and /api/jobs/:jobId/state', () => {
  let live: LiveBridge;
  let gateway: Gateway;
  let server: TestServer;
  let history: unknown[];

  beforeEach(async () => {
    history = [];
    live = liveBridge({ heartbeatMs: 60_000 }, () => ({ events: history }));
    gateway = createGateway(live.bridge, { retryMs: 50 });
    server = await startServer(gateway);
  });

  afterEach(async () => {
    gateway.close();
    live.bridge.stop();
    await server.close();
  });

  const names = (response: SseResponse) =>
    response.events.map((e) => `${e.event ?? 'message'}:${e.id ?? ''}`);
  const clients = (n: number) =>
    waitUntil(
      () => live.bridge.stats().consumers.global + live.bridge.stats().consumers.job === n,
      `${n} consumer(s)`,
    );

  it('sends only the selected daemon events on both SSE routes, control events always', async () => {
    const all = await openSse(`${server.url}/api/events/stream?limit=1&events=sheet.*,job.cost_update`);
    const job = await openSse(`${server.url}/api/jobs/job-a/events?events=job.*`);
    await clients(2);
    live.publish({ event: 'sheet.failed' });
    live.publish({ event: 'job.cost_update', data: { total_cost_usd: 1 } });
    live.publish({ event: 'monitor.anomaly', job_id: null });
    live.publish({ event: 'job.completed' });
    live.bridge.stop();
    await Promise.all([all.ended, job.ended]);
    expect(names(all)).toEqual([
      'bridge_state:',
      'sheet.failed:t-1',
      'job.cost_update:t-2',
      'bridge_stopped:',
    ]);
    expect(names(job)).toEqual(['job.cost_update:t-2', 'job.completed:t-4', 'bridge_stopped:']);
  });

  it('resumes exactly within the selection (Last-Event-ID)', async () => {
    for (const event of ['sheet.started', 'job.cost_update', 'sheet.completed', 'job.cost_update'])
      live.publish({ event });
    const resumed = await openSse(`${server.url}/api/jobs/job-a/events?events=job.cost_update`, {
      headers: { 'Last-Event-ID': 't-2' },
    });
    await clients(1);
    live.publish({ event: 'job.cost_update' });
    live.bridge.stop();
    await resumed.ended;
    expect(names(resumed)).toEqual(['job.cost_update:t-4', 'job.cost_update:t-5', 'bridge_stopped:']);
  });

  it('ends the job response right after its terminal event with until=terminal', async () => {
    const response = await openSse(`${server.url}/api/jobs/job-a/events?until=terminal&events=sheet.*`);
    await clients(1);
    live.publish({ event: 'sheet.started' });
    live.publish({ event: 'job.failed', data: { all_success: false } });
    await response.ended;
    live.publish({ event: 'sheet.started' });
    expect(names(response)).toEqual(['sheet.started:t-1', 'job.failed:t-2']);
    await waitUntil(() => gateway.stats().clients === 0, 'the client to be gone');
  });

  it.each([
    ['/api/events/stream?events=sheet*', 'events: bad event selector "sheet*"'],
    ['/api/events/stream?events=', 'events: bad event selector ""'],
    ['/api/jobs/job-a/events?events=sheet.*,,job.failed', 'events: bad event selector ""'],
    ['/api/jobs/job-a/events?events=*', 'events: bad event selector "*"'],
    ['/api/jobs/job-a/events?until=end', "until must be 'terminal'"],
  ])('answers 400 with a clear message for %s', async (path, message) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain(message);
  });

  it('answers a job’s state folded from the replay ring', async () => {
    live.publish({ event: 'job.started', sheet_num: 0 });
    live.publish({ event: 'sheet.started', data: { attempt: 1 } });
    live.publish({ event: 'job.cost_update', data: { total_cost_usd: 0.4 } });
    live.publish({ job_id: 'other', event: 'job.failed' });
    const response = await fetch(`${server.url}/api/jobs/job-a/state`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toMatchObject({
      jobId: 'job-a',
      status: 'running',
      costUsd: 0.4,
      events: 3,
      sheetCounts: { running: 1 },
      lastEvent: { name: 'job.cost_update', id: 't-3' },
    });
    expect(live.client.calls).toEqual([]);
  });

  it('answers from the observer history when the ring has none of the job, else 404', async () => {
    history = [
      { job_id: 'old', sheet_num: 0, event: 'job.completed', data: { all_success: true }, timestamp: 9 },
      { job_id: 'old', sheet_num: 0, event: 'job.started', data: {}, timestamp: 1 },
    ];
    const old = await fetch(`${server.url}/api/jobs/old/state`);
    expect(await old.json()).toMatchObject({ jobId: 'old', status: 'completed', durationSeconds: 8 });
    history = [];
    const none = await fetch(`${server.url}/api/jobs/none/state`);
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({
      error: 'no events of job none in the replay buffer or the observer history',
    });
    expect((await fetch(`${server.url}/api/jobs/bad%20id/state`)).status).toBe(400);
  });
});
