/**
 * /metrics, /readyz and /healthz of a real gateway on 127.0.0.1, fed by a
 * real bridge and daemon client on the fake daemon's Unix socket.
 */
import { spawnSync } from 'node:child_process';
import { get } from 'node:http';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { DaemonEventBridge } from '../../src/bridge/bridge';
import { UnixSocketDaemonClient } from '../../src/daemon/unix-socket-client';
import { createGateway, type Gateway } from '../../src/http/gateway';
import { prometheusMetrics } from '../../src/http/metrics-prometheus';
import { startFakeDaemon, type FakeDaemon } from '../../src/testing/fake-daemon';
import { describeWithBinary } from '../support/binary';
import { startServer, type TestServer } from '../support/http-server';
import { openSse, type SseResponse } from '../support/sse-client';
import { pollUntil } from '../support/wait-until';

const PROMTOOL = process.env['PROMTOOL_PATH'] ?? '/usr/bin/promtool';

function fetchText(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    get(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    }).on('error', reject);
  });
}

/** The value of one sample of a text exposition; `undefined` when absent. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ? match[2].split(',') : [];
    if (wanted.length === have.length && wanted.every((label) => have.includes(label)))
      return Number(match[3]);
  }
  return undefined;
}

describe('gateway metrics and readiness (prom-client, fake daemon)', () => {
  let daemon: FakeDaemon;
  let client: UnixSocketDaemonClient;
  let bridge: DaemonEventBridge;
  let gateway: Gateway;
  let server: TestServer;
  let registry: Registry;
  let streams: SseResponse[];

  const scrape = async () => {
    const res = await fetchText(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const metricOf = (name: string, labels?: Record<string, string>) => async () =>
    sample(await scrape(), name, labels);
  const waitMetric = (
    name: string,
    labels: Record<string, string>,
    done: (v: number | undefined) => boolean,
  ) => pollUntil(metricOf(name, labels), done, `${name}${JSON.stringify(labels)}`);
  const open = async (path: string, headers?: Record<string, string>) => {
    const stream = await openSse(`${server.url}${path}`, headers ? { headers } : {});
    streams.push(stream);
    return stream;
  };

  beforeEach(async () => {
    streams = [];
    daemon = await startFakeDaemon();
    client = new UnixSocketDaemonClient(daemon.socketPath);
    bridge = new DaemonEventBridge(client, {
      instanceId: 'm',
      replaySize: 3,
      reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
    });
    registry = new Registry();
    gateway = createGateway(bridge, {
      maxClients: 2,
      metrics: prometheusMetrics({ registry }),
    });
    server = await startServer(gateway);
    bridge.start();
    await daemon.waitFor((counters) => counters.openStreams === 1);
  });

  afterEach(async () => {
    for (const stream of streams) stream.close();
    bridge.stop();
    gateway.close();
    await server.close();
    await client.close();
    await daemon.stop();
  });

  it('counts events received and skipped by cause, and shows the state', async () => {
    expect(await waitMetric('daemon_event_bridge_state', { state: 'connected' }, (v) => v === 1)).toBe(1);
    const first = await scrape();
    expect(sample(first, 'daemon_event_bridge_state', { state: 'reconnecting' })).toBe(0);
    expect(sample(first, 'daemon_event_bridge_events_received_total')).toBe(0);
    expect(sample(first, 'daemon_event_bridge_events_skipped_total', { cause: 'invalid_event' })).toBe(0);

    for (let i = 1; i <= 3; i++) daemon.publish({ job_id: 'j1', event: 'sheet.started', timestamp: i });
    daemon.publish({ job_id: 42, event: 'sheet.started', timestamp: 4 }); // job_id not a string: invalid
    daemon.publishRaw('this is not json');
    await waitMetric('daemon_event_bridge_events_received_total', {}, (v) => v === 3);
    await waitMetric('daemon_event_bridge_events_skipped_total', { cause: 'invalid_event' }, (v) => v === 1);
    await waitMetric('daemon_event_bridge_events_skipped_total', { cause: 'not_json' }, (v) => v === 1);
    expect(sample(await scrape(), 'daemon_event_bridge_replay_buffer_events')).toBe(3);
  });

  it('counts open clients by stream, frames, bytes and delivery latency, and rejected clients', async () => {
    const all = await open('/api/events/stream');
    const job = await open('/api/jobs/j1/events');
    expect([all.status, job.status]).toEqual([200, 200]);
    await waitMetric('daemon_event_bridge_sse_clients', { stream: 'all' }, (v) => v === 1);
    expect(sample(await scrape(), 'daemon_event_bridge_sse_clients', { stream: 'job' })).toBe(1);
    const before = await scrape();
    const framesBefore = sample(before, 'daemon_event_bridge_sse_frames_written_total')!;
    expect(sample(before, 'daemon_event_bridge_delivery_latency_seconds_count')).toBe(0);

    daemon.publish({ job_id: 'j1', event: 'sheet.started', timestamp: 1 });
    daemon.publish({ job_id: 'j2', event: 'sheet.started', timestamp: 2 });
    await pollUntil(
      () => all.events.filter((e) => e.event === 'sheet.started').length,
      (n) => n === 2,
      'two events',
    );
    await pollUntil(
      () => job.events.filter((e) => e.event === 'sheet.started').length,
      (n) => n === 1,
      'one job event',
    );
    const after = await scrape();
    // 2 events to the global stream, 1 to the job stream: 3 frames. Latency is observed once per
    // write (of its oldest message), and the frames of one event-loop turn share a write: the two
    // global frames are one write when both events arrived in one socket read, else two.
    expect(sample(after, 'daemon_event_bridge_sse_frames_written_total')! - framesBefore).toBe(3);
    const writes = sample(after, 'daemon_event_bridge_delivery_latency_seconds_count')!;
    expect([2, 3]).toContain(writes);
    expect(sample(after, 'daemon_event_bridge_delivery_latency_seconds_bucket', { le: '+Inf' })).toBe(writes);
    expect(sample(after, 'daemon_event_bridge_sse_written_bytes_total')).toBeGreaterThan(3 * 40);

    const third = await open('/api/events/stream');
    expect(third.status).toBe(503);
    expect(sample(await scrape(), 'daemon_event_bridge_sse_clients_rejected_total')).toBe(1);
    job.close();
    await waitMetric('daemon_event_bridge_sse_clients', { stream: 'job' }, (v) => v === 0);
  });

  it('counts replay hits and stream_resets by reason', async () => {
    for (let i = 1; i <= 5; i++) daemon.publish({ job_id: 'j1', event: 'sheet.started', timestamp: i });
    await waitMetric('daemon_event_bridge_events_received_total', {}, (v) => v === 5);
    const hit = await open('/api/events/stream', { 'Last-Event-ID': 'm-4' });
    const expired = await open('/api/jobs/j1/events', { 'Last-Event-ID': 'm-1' });
    await pollUntil(
      () => hit.events.length + expired.events.length,
      (n) => n >= 2,
      'the backlogs',
    );
    hit.close();
    expired.close();
    const unknown = await open('/api/events/stream', { 'Last-Event-ID': 'other-9' });
    await pollUntil(() => unknown.events.some((e) => e.event === 'stream_reset'), Boolean, 'a stream_reset');
    const text = await scrape();
    // The backlogs were written, but they are not deliveries: the latency only counts live events.
    expect(sample(text, 'daemon_event_bridge_sse_frames_written_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'daemon_event_bridge_delivery_latency_seconds_count')).toBe(0);
    expect(sample(text, 'daemon_event_bridge_replay_hits_total')).toBe(1);
    expect(sample(text, 'daemon_event_bridge_stream_resets_total', { reason: 'expired' })).toBe(1);
    expect(sample(text, 'daemon_event_bridge_stream_resets_total', { reason: 'unknown_id' })).toBe(1);
  });

  it('/readyz follows the bridge state (daemon stop, restart) while /healthz stays 200', async () => {
    await pollUntil(
      async () => (await fetchText(`${server.url}/readyz`)).status,
      (s) => s === 200,
      'ready',
    );
    expect(JSON.parse((await fetchText(`${server.url}/readyz`)).body)).toEqual({
      ready: true,
      state: 'connected',
    });

    const restarting = daemon.restart({ downMs: 1_000 });
    const down = await pollUntil(
      () => fetchText(`${server.url}/readyz`),
      (res) => res.status === 503,
      '/readyz 503',
    );
    expect(down.type).toMatch(/^application\/json/);
    expect(JSON.parse(down.body)).toEqual({
      ready: false,
      state: expect.stringMatching(/^(reconnecting|connecting)$/) as unknown,
      reason: expect.stringMatching(/daemon|connect/) as unknown,
    });
    expect((await fetchText(`${server.url}/healthz`)).status).toBe(200);
    expect(
      await waitMetric('daemon_event_bridge_reconnects_total', {}, (v) => v! >= 1),
    ).toBeGreaterThanOrEqual(1);

    await restarting;
    await pollUntil(
      async () => (await fetchText(`${server.url}/readyz`)).status,
      (s) => s === 200,
      'ready again',
    );
    expect(sample(await scrape(), 'daemon_event_bridge_state', { state: 'connected' })).toBe(1);

    bridge.stop();
    const stopped = await fetchText(`${server.url}/readyz`);
    expect(stopped.status).toBe(503);
    expect(JSON.parse(stopped.body)).toEqual({
      ready: false,
      state: 'stopped',
      reason: 'the bridge is stopped',
    });
    expect((await fetchText(`${server.url}/healthz`)).status).toBe(200);
  });

  it('serves the caller registry, its own metrics included, with the Prometheus content type', async () => {
    new Counter({ name: 'app_requests_total', help: 'The app’s own.', registers: [registry] }).inc(7);
    const res = await fetchText(`${server.url}/metrics`);
    expect(res.type).toBe(registry.contentType);
    expect(sample(res.body, 'app_requests_total')).toBe(7);
    expect(() => createGateway(bridge, { metrics: { contentType: 'x' } as never })).toThrow(
      /Invalid gateway option "metrics": expected a GatewayMetrics/,
    );
  });

  describeWithBinary('promtool', PROMTOOL, 'apt-get install prometheus', () => {
    it('passes `promtool check metrics` after traffic and faults', async () => {
      const stream = await open('/api/events/stream');
      daemon.publish({ job_id: 'j1', event: 'sheet.started', timestamp: 1 });
      daemon.publishRaw('{"not":"json-rpc"}');
      await pollUntil(() => stream.events.some((e) => e.event === 'sheet.started'), Boolean, 'an event');
      const text = await scrape();
      const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
        status: 0,
        output: '',
      });
      // promtool can fail: a counter without `_total` is reported.
      const bad = spawnSync(PROMTOOL, ['check', 'metrics'], {
        input: '# HELP x_bytes a counter\n# TYPE x_bytes counter\nx_bytes 1\n',
        encoding: 'utf8',
      });
      expect(bad.status).not.toBe(0);
    });

    it("passes it with prom-client's default metrics, registered as `serve` does (defaultMetrics: true)", async () => {
      const lint = (text: string) =>
        spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      const served = new Registry();
      const withDefaults = createGateway(bridge, {
        metrics: prometheusMetrics({ registry: served, defaultMetrics: true }),
      });
      const defaults = await startServer(withDefaults);
      try {
        const { body } = await fetchText(`${defaults.url}/metrics`);
        expect(lint(body)).toMatchObject({ status: 0, stdout: '', stderr: '' });
        // The process and Node.js metrics are there, the gateway's too; the three `_total` gauges are not.
        for (const name of [
          'process_cpu_user_seconds_total',
          'nodejs_heap_size_used_bytes',
          'daemon_event_bridge_state',
        ])
          expect(body).toContain(`# TYPE ${name} `);
        expect(body).toMatch(/^nodejs_active_handles\{type="[^"]+"\} \d+$/m);
        expect(body).not.toMatch(/^nodejs_active_(?:handles|requests|resources)_total\b/m);
      } finally {
        withDefaults.close();
        await defaults.close();
      }
      // promtool can fail here: prom-client's defaults as they are (`collectDefaultMetrics`) are reported.
      const raw = new Registry();
      collectDefaultMetrics({ register: raw });
      const result = lint(await raw.metrics());
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(
        /nodejs_active_handles_total non-counter metrics should not have "_total" suffix/,
      );
    });
  });
});

describe('a gateway without metrics', () => {
  it('answers /metrics with 404 and serves /readyz', async () => {
    const daemon = await startFakeDaemon();
    const client = new UnixSocketDaemonClient(daemon.socketPath);
    const bridge = new DaemonEventBridge(client, { connectOnDemand: true });
    const gateway = createGateway(bridge);
    const server = await startServer(gateway);
    try {
      expect((await fetchText(`${server.url}/metrics`)).status).toBe(404);
      expect(JSON.parse((await fetchText(`${server.url}/readyz`)).body)).toEqual({
        ready: false,
        state: 'idle',
        reason: 'the bridge has not been started',
      });
      bridge.start(); // on demand: idle until the first client, and ready to take it
      const res = await fetchText(`${server.url}/readyz`);
      expect({ status: res.status, body: JSON.parse(res.body) as unknown }).toEqual({
        status: 200,
        body: { ready: true, state: 'idle' },
      });
    } finally {
      bridge.stop();
      gateway.close();
      await server.close();
      await client.close();
      await daemon.stop();
    }
  });
});
