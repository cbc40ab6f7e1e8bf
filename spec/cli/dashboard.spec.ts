import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import type { Browser, Page } from 'playwright-core';
import { DaemonEventBridge } from '../../src/bridge/bridge';
import { silentLogger as silent } from '../../src/logger';
import { startGatewayServer, type GatewayServer } from '../../src/cli/server/gateway-server';
import { UnixSocketDaemonClient } from '../../src/daemon/unix-socket-client';
import type { JsonObject } from '../../src/json';
import { startFakeDaemon, type FakeDaemon } from '../../src/testing/fake-daemon';
import { describeWithChromium, launchChromium } from '../support/chromium';

const WAIT = { timeout: 20_000 };

// Real processes, a real browser and real restarts on a shared machine: give each test room.
jest.setTimeout(90_000);
const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script>';

/**
 * The dashboard (src/cli/dashboard) in headless Chromium against an
 * in-process gateway on the fake daemon: hostile daemon text, events of any
 * name (unnamed streams), and a gateway restart (stream_reset).
 */
describeWithChromium('the dashboard', () => {
  let daemon: FakeDaemon;
  let client: UnixSocketDaemonClient;
  let bridge: DaemonEventBridge;
  let http: GatewayServer;
  let port: number;
  let browser: Browser;
  let page: Page;
  let clock = 1_764_000_000;
  const errors: string[] = [];

  const event = (fields: JsonObject): JsonObject => ({
    sheet_num: 1,
    data: {},
    timestamp: (clock += 1),
    ...fields,
  });

  async function startGateway(instanceId: string, listenPort: number): Promise<void> {
    bridge = new DaemonEventBridge(client, { instanceId, heartbeatMs: 600_000 });
    bridge.start();
    await firstValueFrom(bridge.state$.pipe(filter((state) => state === 'connected')));
    await daemon.waitFor((counters) => counters.openStreams === 1);
    http = await startGatewayServer({ bridge, host: '127.0.0.1', port: listenPort, logger: silent });
    port = (http.server.address() as AddressInfo).port;
  }

  beforeAll(async () => {
    daemon = await startFakeDaemon();
    client = new UnixSocketDaemonClient(daemon.socketPath);
    // Published before the page loads: the job's history, including a name the page does not know yet.
    daemon.publish(
      event({ job_id: 'j1', event: 'sheet.started', data: { instrument: 'codex', attempt: 1 } }),
    );
    daemon.publish(event({ job_id: 'j1', event: 'baton.dispatched', data: { slot: 3 } }));
    await startGateway('first', 0);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('#badge[data-state="connected"]', WAIT);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    bridge?.stop();
    await http?.close();
    await client?.close();
    await daemon?.stop();
  });

  it('shows the first job in the panel, with its history', async () => {
    daemon.publish(
      event({ job_id: 'j1', event: 'sheet.completed', data: { instrument: 'codex', cost_usd: 0.5 } }),
    );
    await page.waitForSelector('#job-panel[data-job="j1"][data-ready="true"]', WAIT);
    await page.waitForFunction(
      () => document.querySelectorAll('#panel-events li.event').length >= 3,
      undefined,
      WAIT,
    );
    const names = await page.locator('#panel-events li.event .name').allTextContents();
    expect(names.slice(0, 2)).toEqual(['sheet.started', 'baton.dispatched']);
  });

  it('shows daemon text as text: markup in job ids, event data and anomalies is never parsed', async () => {
    daemon.publish(event({ job_id: HOSTILE, event: 'sheet.started', data: { instrument: SCRIPT } }));
    daemon.publish(event({ job_id: 'j1', event: 'sheet.failed', data: { error_classification: HOSTILE } }));
    daemon.publish(
      event({
        event: 'monitor.anomaly',
        data: { severity: SCRIPT, anomaly_type: HOSTILE, description: SCRIPT },
      }),
    );
    await page.waitForFunction(
      () => document.querySelectorAll('#alerts li.alert').length >= 1,
      undefined,
      WAIT,
    );
    await page.waitForFunction(
      (text) => document.querySelector('#timeline')!.textContent.includes(text),
      SCRIPT,
      WAIT,
    );
    // the job list renders on the next animation frame, after the timeline
    await page.waitForFunction(
      (text) => document.querySelector('#jobs')!.textContent.includes(text),
      HOSTILE,
      WAIT,
    );
    const result = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      injected: document.querySelectorAll('main img, main script, footer img').length,
      timeline: document.querySelector('#timeline')!.textContent,
      jobs: document.querySelector('#jobs')!.textContent,
      alerts: document.querySelector('#alerts')!.textContent,
    }));
    expect(result.pwned).toBeUndefined();
    expect(result.injected).toBe(0);
    expect(result.timeline).toContain(HOSTILE);
    expect(result.timeline).toContain(SCRIPT);
    expect(result.jobs).toContain(HOSTILE);
    expect(result.alerts).toContain(HOSTILE);
    expect(errors).toEqual([]);
  });

  it('says a job id the gateway refuses cannot be followed, without retrying it', async () => {
    const requests: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (request.url().includes('/api/jobs/%3Cimg')) requests.push(new URL(request.url()).pathname);
    };
    page.on('request', onRequest);
    await page.locator('#jobs button').filter({ hasText: HOSTILE }).click();
    await page.waitForFunction(
      () => document.querySelector('#panel-events')!.textContent.includes('This job cannot be followed'),
      undefined,
      WAIT,
    );
    expect(await page.locator('#panel-title').textContent()).toBe(HOSTILE);
    // The panel would reopen a stream the browser gave up on after 3 s: it must not for a refused id.
    await page.waitForTimeout(3_500);
    page.off('request', onRequest);
    expect(requests.sort()).toEqual([
      `/api/jobs/${encodeURIComponent(HOSTILE)}/events`,
      `/api/jobs/${encodeURIComponent(HOSTILE)}/observer`,
    ]);
    await page.locator('#jobs button[data-job="j1"]').click();
    await page.waitForSelector('#job-panel[data-job="j1"][data-ready="true"]', WAIT);
  });

  it('shows events of any name, even one never seen before (the streams are unnamed)', async () => {
    daemon.publish(event({ job_id: 'j1', event: 'baton.never_seen_before', data: { slot: 9 } }));
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('#timeline .name')).some(
          (n) => n.textContent === 'baton.never_seen_before',
        ),
      undefined,
      WAIT,
    );
  });

  it('shows each job’s state as jobState folds it: status, sheets done and failing, cost', async () => {
    daemon.publish(event({ job_id: 'j9', sheet_num: 0, event: 'job.started' }));
    daemon.publish(event({ job_id: 'j9', event: 'sheet.started', data: { attempt: 1 } }));
    daemon.publish(event({ job_id: 'j9', event: 'sheet.completed', data: { attempt: 1, cost_usd: 0.1 } }));
    daemon.publish(event({ job_id: 'j9', sheet_num: 2, event: 'sheet.failed', data: { attempt: 1 } }));
    daemon.publish(event({ job_id: 'j9', event: 'job.cost_update', data: { total_cost_usd: 0.75 } }));
    daemon.publish(event({ job_id: 'j9', sheet_num: 0, event: 'job.failed', data: { all_success: false } }));
    const chip = '#jobs button[data-job="j9"] .status[data-status="failed"]';
    await page.waitForSelector(chip, WAIT);
    const meta = await page.locator('#jobs button[data-job="j9"] .job-meta').textContent();
    expect(meta).toContain('✓ 1');
    expect(meta).toContain('✗ 1');
    expect(meta).toContain('0.75');
  });

  it('after a gateway restart, marks the gap and refetches the history (stream_reset)', async () => {
    bridge.stop();
    await http.close();
    await page.waitForSelector('#badge[data-state="reconnecting"]', WAIT);
    // Published while no gateway runs: the page can only learn of it from the history.
    daemon.publish(event({ job_id: 'j1', event: 'sheet.retrying', data: { attempt: 2, delay_seconds: 30 } }));
    await startGateway('second', port);
    await page.waitForSelector('#badge[data-state="connected"]', WAIT);
    await page.waitForSelector('#timeline .divider.gap', WAIT);
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('#panel-events li.event.history .name')).some(
          (n) => n.textContent === 'sheet.retrying',
        ),
      undefined,
      WAIT,
    );
    daemon.publish(event({ job_id: 'j1', event: 'sheet.completed', data: { instrument: 'after-restart' } }));
    await page.waitForFunction(
      () => document.querySelector('#panel-events')!.textContent.includes('after-restart'),
      undefined,
      WAIT,
    );
    await page.waitForFunction(
      () => document.querySelector('#timeline')!.textContent.includes('after-restart'),
      undefined,
      WAIT,
    );
    expect(errors).toEqual([]);
  });

  describe('behind a token', () => {
    const TOKEN = 'dashboard-spec-token';
    let guarded: GatewayServer;

    beforeAll(async () => {
      guarded = await startGatewayServer({
        bridge,
        host: '127.0.0.1',
        port: 0,
        token: TOKEN,
        logger: silent,
      });
    });

    afterAll(() => guarded.close());

    it('works when opened with ?token=, and sends it on every API request', async () => {
      const tokenPage = await browser.newPage();
      const apiRequests: string[] = [];
      tokenPage.on('request', (request) => {
        const path = new URL(request.url()).pathname;
        if (path.startsWith('/api/') || path === '/healthz') apiRequests.push(request.url());
      });
      try {
        await tokenPage.goto(`${guarded.url}?token=${TOKEN}`);
        await tokenPage.waitForSelector('#badge[data-state="connected"]', WAIT);
        daemon.publish(event({ job_id: 'j1', event: 'sheet.started', data: { instrument: 'with-token' } }));
        await tokenPage.waitForFunction(
          () => document.querySelector('#timeline')!.textContent.includes('with-token'),
          undefined,
          WAIT,
        );
        expect(apiRequests.length).toBeGreaterThanOrEqual(3);
        for (const url of apiRequests) expect(new URL(url).searchParams.get('token')).toBe(TOKEN);
      } finally {
        await tokenPage.close();
      }
    });

    it('says "Unauthorized" when opened without the token', async () => {
      const bare = await browser.newPage();
      try {
        await bare.goto(guarded.url);
        await bare.waitForSelector('#badge[data-state="unauthorized"]', WAIT);
        expect(await bare.locator('#badge-label').textContent()).toBe('Unauthorized');
      } finally {
        await bare.close();
      }
    });
  });
});
