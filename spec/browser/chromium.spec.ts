import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import type { GatewayEventsOptions } from '../../src/browser';
import { StaticFiles } from '../../src/cli/server/static-files';
import { createGateway, type Gateway } from '../../src/http/gateway';
import { describeWithChromium, launchChromium } from '../support/chromium';
import { startServer, type TestServer } from '../support/http-server';
import { liveBridge, type LiveBridge } from '../support/live-bridge';
import { waitUntil } from '../support/wait-until';

const DASHBOARD = join(__dirname, '..', '..', 'src', 'cli', 'dashboard');

/**
 * A page that loads the browser client as the dashboard's server serves it
 * (ES modules under /lib/, rxjs included), subscribes to
 * `gatewayEvents(url, options)` and records each emission as a line:
 * `state:<state>`, `<event> <id|->`, `complete` or `error:<name>`.
 */
function page(url: string, options: Omit<GatewayEventsOptions, 'EventSource'>): string {
  return `<!doctype html><meta charset="utf-8"><title>client</title><script type="module">
  import { gatewayEvents } from '/lib/browser/index.js';
  window.seen = [];
  window.data = [];
  window.subscription = gatewayEvents(${JSON.stringify(url)}, ${JSON.stringify(options)}).subscribe({
    next: (e) => {
      if (e.type === 'state') return seen.push('state:' + e.state);
      seen.push(e.event + ' ' + (e.id ?? '-'));
      data.push(e.data);
    },
    complete: () => seen.push('complete'),
    error: (error) => seen.push('error:' + error.name),
  });
</script>`;
}

interface PageLog {
  seen: string[];
  data: unknown[];
}
const pageLog = (tab: Page): Promise<PageLog> =>
  tab.evaluate(() => {
    const { seen, data } = window as unknown as PageLog;
    return { seen, data };
  });
const seenIncludes = (tab: Page, line: string) =>
  tab.waitForFunction((l) => (window as unknown as PageLog).seen?.includes(l), line);

/** `daemon-event-bridge/browser` in headless Chromium, against a real gateway on 127.0.0.1. */
describeWithChromium('gatewayEvents in a real browser (headless Chromium)', () => {
  let browser: Browser;
  let live: LiveBridge;
  let gateway: Gateway;
  let server: TestServer;
  let requests: IncomingMessage[];
  let tab: Page;
  const files = new StaticFiles(DASHBOARD);

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(url: string, options: Omit<GatewayEventsOptions, 'EventSource'> = {}): Promise<void> {
    live = liveBridge();
    gateway = createGateway(live.bridge, { retryMs: 200 });
    requests = [];
    server = await startServer((req, res) => {
      if (req.url === '/page') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(url, options));
      } else if (!files.handle(req, res)) {
        requests.push(req);
        gateway(req, res);
      }
    });
    tab = await browser.newPage();
    await tab.goto(`${server.url}/page`);
  }

  afterEach(async () => {
    await tab?.close();
    gateway?.close();
    live?.bridge.stop();
    await server?.close();
  });

  it('names unnamed events from their data, resumes after a drop without a gap, and closes on unsubscribe', async () => {
    await open('/api/events/stream?limit=1');
    await waitUntil(() => gateway.stats().clients === 1, 'the page to connect');
    live.publish();
    live.publish({ event: undefined, event_type: 'sheet.failed', data: { error_classification: 'E' } });
    live.publish({ event: 'baton.never_seen_before' });
    await seenIncludes(tab, 'baton.never_seen_before t-3');

    server.dropConnections();
    await waitUntil(() => gateway.stats().clients === 0, 'the server to see the drop');
    live.publish({ event: 'sheet.completed' }); // published while the browser is away
    await waitUntil(() => gateway.stats().clients === 1, 'Chromium to reconnect');
    live.publish({ event: 'job.cost_update' });
    await seenIncludes(tab, 'job.cost_update t-5');

    const { seen, data } = await pageLog(tab);
    expect(seen).toEqual([
      'state:connecting',
      'state:open',
      'bridge_state -',
      'sheet.started t-1',
      'sheet.failed t-2',
      'baton.never_seen_before t-3',
      'state:reconnecting',
      'state:open',
      'bridge_state -',
      'sheet.completed t-4',
      'job.cost_update t-5',
    ]);
    expect(data[0]).toEqual({ state: 'connected' });
    expect(data[2]).toMatchObject({ event_type: 'sheet.failed', data: { error_classification: 'E' } });
    const streams = requests.filter((req) => req.url?.startsWith('/api/events/stream'));
    expect(streams.map((req) => [req.url, req.headers['last-event-id']])).toEqual([
      ['/api/events/stream?limit=1&unnamed=1', undefined],
      ['/api/events/stream?limit=1&unnamed=1', 't-3'],
    ]);

    await tab.evaluate(() =>
      (window as unknown as { subscription: { unsubscribe(): void } }).subscription.unsubscribe(),
    );
    await waitUntil(() => gateway.stats().clients === 0, 'the EventSource to be closed');
  });

  it('keeps going after bridge_stopped: the browser reconnects, the Observable does not complete', async () => {
    await open('/api/jobs/job-a/events');
    await waitUntil(() => gateway.stats().clients === 1, 'the page to connect');
    live.bridge.stop();
    await seenIncludes(tab, 'state:reconnecting');
    const { seen } = await pageLog(tab);
    expect(seen.slice(0, 4)).toEqual([
      'state:connecting',
      'state:open',
      'bridge_stopped -',
      'state:reconnecting',
    ]);
    expect(seen).not.toContain('complete');
  });

  it('listens for the named events given, with unnamed: false', async () => {
    await open('/api/events/stream?limit=1', { unnamed: false, events: ['sheet.failed'] });
    await waitUntil(() => gateway.stats().clients === 1, 'the page to connect');
    live.publish({ event: 'sheet.started' });
    live.publish({ event: 'sheet.failed' });
    await seenIncludes(tab, 'sheet.failed t-2');
    expect((await pageLog(tab)).seen).toEqual([
      'state:connecting',
      'state:open',
      'bridge_state -',
      'sheet.failed t-2',
    ]);
    const streams = requests.filter((req) => req.url?.startsWith('/api/'));
    expect(streams.map((req) => req.url)).toEqual(['/api/events/stream?limit=1']);
  });

  it('ends with state closed, then completes, when the browser gives up (an HTTP error)', async () => {
    await open('/api/no-such-route');
    await seenIncludes(tab, 'complete');
    expect((await pageLog(tab)).seen).toEqual(['state:connecting', 'state:closed', 'complete']);
  });
});
