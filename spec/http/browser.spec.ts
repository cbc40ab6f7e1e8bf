import type { IncomingMessage } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { createGateway, type Gateway } from '../../src/http/gateway';
import type { GatewayOptions } from '../../src/http/gateway-options';
import { describeWithChromium, launchChromium } from '../support/chromium';
import { startServer, type TestServer } from '../support/http-server';
import { liveBridge, type LiveBridge } from '../support/live-bridge';
import { waitUntil } from '../support/wait-until';

/** What the page records; read back with page.evaluate. */
interface PageLog {
  received: string[];
  log: string[];
}

/** A page that opens `new EventSource(streamUrl)` (if given) and records what the browser dispatches. */
function page(streamUrl: string | undefined): string {
  if (streamUrl === undefined) return '<!doctype html><meta charset="utf-8"><title>bridge</title>';
  return `<!doctype html><meta charset="utf-8"><title>bridge</title><script>
  window.received = [];
  window.log = [];
  const es = new EventSource(${JSON.stringify(streamUrl)});
  es.onopen = () => log.push('open');
  es.onerror = () => log.push('error:' + es.readyState);
  es.addEventListener('sheet.started', (e) => received.push(e.lastEventId + ' ' + JSON.parse(e.data).sheet_num));
  es.addEventListener('bridge_state', (e) => log.push('state:' + JSON.parse(e.data).state));
</script>`;
}

const pageLog = (p: Page): Promise<PageLog> =>
  p.evaluate(() => {
    const { received, log } = window as unknown as PageLog;
    return { received, log };
  });

describeWithChromium('a real browser (headless Chromium) on the gateway', () => {
  let browser: Browser;
  let live: LiveBridge;
  const servers: TestServer[] = [];
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(() => {
    live = liveBridge();
  });

  afterEach(async () => {
    for (const gateway of gateways.splice(0)) gateway.close();
    live.bridge.stop();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  /** A server answering `/` with the page and everything else with a gateway. */
  async function serve(streamUrl: string | undefined, options: GatewayOptions = {}) {
    const gateway = createGateway(live.bridge, { retryMs: 200, ...options });
    gateways.push(gateway);
    const requests: IncomingMessage[] = [];
    const server = await startServer((req, res) => {
      requests.push(req);
      if (req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(page(streamUrl));
      } else {
        gateway(req, res);
      }
    });
    servers.push(server);
    return { server, gateway, requests };
  }

  it('receives events, survives a server-side drop, and resumes with Last-Event-ID without a gap', async () => {
    const { server, gateway, requests } = await serve('/api/events/stream?limit=1');
    const tab = await browser.newPage();
    try {
      await tab.goto(server.url);
      await waitUntil(() => gateway.stats().clients === 1, 'the page to connect');
      for (let i = 0; i < 3; i++) live.publish();
      await tab.waitForFunction(() => (window as unknown as PageLog).received.length === 3);

      server.dropConnections();
      await waitUntil(() => gateway.stats().clients === 0, 'the server to see the drop');
      for (let i = 0; i < 3; i++) live.publish(); // published while the browser is away
      await waitUntil(() => gateway.stats().clients === 1, 'Chromium to reconnect');
      live.publish();
      await tab.waitForFunction(() => (window as unknown as PageLog).received.length === 7);

      const { received, log } = await pageLog(tab);
      expect(received).toEqual(['t-1 1', 't-2 2', 't-3 3', 't-4 4', 't-5 5', 't-6 6', 't-7 7']);
      expect(log).toEqual(['open', 'state:connected', 'error:0', 'open', 'state:connected']);
      const streams = requests.filter((req) => req.url?.startsWith('/api/events/stream'));
      expect(streams.map((req) => req.headers['last-event-id'])).toEqual([undefined, 't-3']);
    } finally {
      await tab.close();
    }
  });

  it('reads the gateway cross-origin when the page’s origin is on the allow-list, and not otherwise', async () => {
    const pageServer = await serve(undefined);
    const pageOrigin = pageServer.server.url;
    const allowed = await serve(undefined, { corsOrigins: [pageOrigin] });
    const closed = await serve(undefined);

    const tab = await browser.newPage();
    try {
      await tab.goto(pageOrigin);
      await tab.evaluate(
        ([allowedUrl, closedUrl]) => {
          const w = window as unknown as { cors: string[] };
          w.cors = [];
          const ok = new EventSource(`${allowedUrl}/api/events/stream?limit=1`);
          ok.addEventListener('sheet.started', (e) => w.cors.push(`allowed ${e.lastEventId}`));
          const refused = new EventSource(`${closedUrl}/api/events/stream?limit=1`);
          refused.onerror = () => w.cors.push(`refused error:${refused.readyState}`);
          refused.addEventListener('sheet.started', () => w.cors.push('refused got an event'));
        },
        [allowed.server.url, closed.server.url],
      );
      await waitUntil(() => allowed.gateway.stats().clients === 1, 'the allowed stream');
      live.publish();
      await tab.waitForFunction(() => (window as unknown as { cors: string[] }).cors.length >= 2);
      const cors = await tab.evaluate(() => (window as unknown as { cors: string[] }).cors);
      expect([...cors].sort()).toEqual(['allowed t-1', 'refused error:2']);
      const refusedRequest = closed.requests.find((req) => req.url?.startsWith('/api/events/stream'));
      expect(refusedRequest?.headers.origin).toBe(pageOrigin);
    } finally {
      await tab.close();
    }
  });
});
