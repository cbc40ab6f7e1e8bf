import { pollUntil } from '../../support/wait-until';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeDaemon, type FakeDaemon } from '../../../src/testing/fake-daemon';
import { openSse, type SseResponse } from '../../support/sse-client';
import { buildCli, cliUrl, removeCliBuild, startCli, stopCli, type CliProcess } from '../support/cli-process';

const TOKEN = 'serve-spec-token-1234';

function fetchJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as unknown }));
    }).on('error', reject);
  });
}

const healthState = async (url: string) =>
  ((await fetchJson(`${url}healthz`)).body as { state: string }).state;

/** `daemon-event-bridge serve` as a child process against the fake daemon. */
describe('daemon-event-bridge serve', () => {
  let build: string;
  let dir: string;
  let cli: CliProcess | undefined;
  let daemon: FakeDaemon | undefined;
  let streams: SseResponse[];

  beforeAll(() => {
    build = buildCli();
  });

  afterAll(() => removeCliBuild(build));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'serve-spec-'));
    streams = [];
  });

  afterEach(async () => {
    for (const stream of streams) stream.close();
    await stopCli(cli);
    cli = undefined;
    await daemon?.stop();
    daemon = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts without a daemon, says reconnecting on /healthz, and connects when the daemon appears', async () => {
    const socketPath = join(dir, 'conductor.sock');
    cli = startCli(build, ['serve', '--socket', socketPath, '--port', '0']);
    const url = await cliUrl(cli);
    expect(cli.stdout()).toContain(`listening on ${url} (daemon socket ${socketPath})`);
    await pollUntil(
      () => healthState(url),
      (state) => state === 'reconnecting',
      '/healthz to say reconnecting',
    );

    daemon = await startFakeDaemon({ socketPath });
    await pollUntil(
      () => healthState(url),
      (state) => state === 'connected',
      '/healthz to say connected',
    );
    const stream = await openSse(`${url}api/jobs/nightly/events`);
    streams.push(stream);
    await daemon.waitFor((counters) => counters.openStreams === 1);
    const event = {
      job_id: 'nightly',
      sheet_num: 2,
      event: 'sheet.completed',
      data: { success: true },
      timestamp: 5,
    };
    daemon.publish(event);
    await pollUntil(
      () => stream.events.length,
      (n) => n > 0,
      'the event',
    );
    expect(stream.events[0]).toMatchObject({ event: 'sheet.completed', data: JSON.stringify(event) });
    expect(stream.events[0]!.id).toMatch(/^\w+-1$/);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s sends bridge_stopped to every client, closes, and exits 0',
    async (signal) => {
      daemon = await startFakeDaemon();
      cli = startCli(build, ['serve', '--socket', daemon.socketPath, '--port', '0']);
      const url = await cliUrl(cli);
      const global = await openSse(`${url}api/events/stream`);
      const job = await openSse(`${url}api/jobs/nightly/events`);
      streams.push(global, job);
      await pollUntil(
        () => global.events.map((e) => e.data),
        (data) => data.includes('{"state":"connected"}'),
        'the connected state',
      );
      cli.child.kill(signal);
      expect(await cli.exited).toBe(0);
      await Promise.all([global.ended, job.ended]);
      expect(global.events.at(-1)).toMatchObject({ event: 'bridge_stopped', data: '{}' });
      expect(job.events).toEqual([expect.objectContaining({ event: 'bridge_stopped', data: '{}' })]);
      const logs = cli
        .stderr()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: string; msg: string; signal?: string });
      expect(logs).toContainEqual(expect.objectContaining({ level: 'info', msg: 'shutting down', signal }));
      expect(logs.at(-1)).toMatchObject({ level: 'info', msg: 'stopped' });
      await daemon.waitFor((counters) => counters.openConnections === 0);
    },
  );

  it('with --token, requires it on every route, as a Bearer header or ?token=', async () => {
    daemon = await startFakeDaemon();
    cli = startCli(build, ['serve', '--socket', daemon.socketPath, '--port', '0', '--token', TOKEN]);
    const url = await cliUrl(cli);
    expect(cli.stdout()).toContain('Authorization: Bearer <token>');
    expect(cli.stdout()).not.toContain(TOKEN);
    expect(await fetchJson(`${url}healthz`)).toEqual({ status: 401, body: { error: 'unauthorized' } });
    expect((await fetchJson(`${url}healthz`, { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await fetchJson(`${url}healthz`, { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await fetchJson(`${url}api/jobs/x/observer?token=${TOKEN}`)).status).toBe(200);
    const refused = await openSse(`${url}api/events/stream`);
    streams.push(refused);
    expect(refused.status).toBe(401);
    const stream = await openSse(`${url}api/events/stream?token=${TOKEN}`);
    streams.push(stream);
    expect(stream.status).toBe(200);
  });

  it('takes the token from DAEMON_EVENT_BRIDGE_TOKEN', async () => {
    daemon = await startFakeDaemon();
    cli = startCli(build, ['serve', '--socket', daemon.socketPath, '--port', '0'], {
      DAEMON_EVENT_BRIDGE_TOKEN: TOKEN,
    });
    const url = await cliUrl(cli);
    expect((await fetchJson(`${url}healthz`)).status).toBe(401);
    expect((await fetchJson(`${url}healthz?token=${TOKEN}`)).status).toBe(200);
  });

  it('hands library options from flags and variables to the gateway (base path, max clients)', async () => {
    daemon = await startFakeDaemon();
    cli = startCli(build, ['serve', '--socket', daemon.socketPath, '--port', '0', '--base-path', '/bridge'], {
      DAEMON_EVENT_BRIDGE_MAX_CLIENTS: '1',
    });
    const origin = await cliUrl(cli);
    const url = `${origin}bridge/`;
    expect(cli.stdout()).toContain(`listening on ${url} `);
    expect((await fetchJson(`${url}healthz`)).body).toMatchObject({ clients: { max: 1 } });
    expect((await fetchJson(`${origin}healthz`)).status).toBe(404);
    const first = await openSse(`${url}api/events/stream`);
    const second = await openSse(`${url}api/events/stream`);
    streams.push(first, second);
    expect([first.status, second.status]).toEqual([200, 503]);
    const page = await new Promise<number>((resolve, reject) =>
      get(url, { agent: false }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject),
    );
    expect(page).toBe(200);
  });

  it('serves /readyz and Prometheus /metrics (prom-client installed), process metrics included', async () => {
    daemon = await startFakeDaemon();
    cli = startCli(build, ['serve', '--socket', daemon.socketPath, '--port', '0']);
    const url = await cliUrl(cli);
    await pollUntil(
      async () => (await fetchJson(`${url}readyz`)).status,
      (status) => status === 200,
      '/readyz 200',
    );
    daemon.publish({ job_id: 'j', event: 'sheet.started', timestamp: 1 });
    const text = await pollUntil(
      () =>
        new Promise<string>((resolve, reject) =>
          get(`${url}metrics`, { agent: false }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve(body));
          }).on('error', reject),
        ),
      (body) => /^daemon_event_bridge_events_received_total 1$/m.test(body),
      'the event counted on /metrics',
    );
    expect(text).toMatch(/^daemon_event_bridge_state\{state="connected"\} 1$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('logs JSON lines on stderr at the chosen level', async () => {
    daemon = await startFakeDaemon();
    cli = startCli(build, ['serve', '--socket', daemon.socketPath, '--port', '0', '--log-level', 'debug']);
    const url = await cliUrl(cli);
    await fetchJson(`${url}healthz`);
    await pollUntil(
      () => cli!.stderr(),
      (text) => text.includes('"msg":"request"'),
      'a debug request log',
    );
    const lines = cli.stderr().trim().split('\n');
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      for (const key of ['time', 'level', 'msg']) expect(typeof entry[key]).toBe('string');
    }
    expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toContain('debug');
  });

  it('logs nothing at --log-level silent', async () => {
    daemon = await startFakeDaemon();
    cli = startCli(build, ['serve', '--socket', daemon.socketPath, '--port', '0', '--log-level', 'silent']);
    const url = await cliUrl(cli);
    await fetchJson(`${url}healthz`);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toBe('');
  });
});
