/**
 * The Angular SSR example (examples/angular-ssr) as a user runs it: the built
 * Express server (`node dist/angular-ssr/server/server.mjs`) on a free port,
 * its bridge on the fake daemon's socket. The server-rendered HTML (a plain
 * GET, no JavaScript) must already list the events published before the
 * request; in headless Chromium the hydrated page then shows live events.
 *
 * Needs the example built (`.ci/run` does it; by hand: README of the example).
 * Angular 22 needs Node ^22.22.3 or ^24.15: the server runs on `EXAMPLE_NODE`
 * (`.ci/run` points it at its pinned Node 24) or else on this Node.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import type { JsonObject } from '../../src/json';
import { startFakeDaemon, type FakeDaemon } from '../../src/testing/fake-daemon';
import { describeWithChromium, launchChromium } from '../support/chromium';
import { processUrl, startProcess, stopProcess, type TestProcess } from '../support/child-process';
import { waitUntil } from '../support/wait-until';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'angular-ssr');
const SERVER = join(EXAMPLE, 'dist', 'angular-ssr', 'server', 'server.mjs');
const NODE = process.env['EXAMPLE_NODE'] || process.execPath;

/** Why the example cannot run here, or undefined when it can. */
function missing(): string | undefined {
  if (!existsSync(SERVER)) return `no build at ${SERVER} (cd examples/angular-ssr && npm ci && npx ng build)`;
  if (!existsSync(NODE)) return `EXAMPLE_NODE=${NODE} does not exist`;
  if (NODE === process.execPath && !/^v(2[2-9]|[3-9]\d)\./.test(process.version))
    return `Angular 22 needs Node >= 22.22 (this is ${process.version}; set EXAMPLE_NODE)`;
  return undefined;
}

/** `describe` that skips visibly when the example cannot run, and fails under CI. */
function describeWithExample(name: string, body: () => void): void {
  const reason = missing();
  if (reason === undefined) describe(name, body);
  else if (process.env['CI'])
    describe(name, () => {
      it('needs the built example', () => {
        throw new Error(`the example is required under CI: ${reason}`);
      });
    });
  else describe.skip(`${name} (skipped: ${reason})`, body);
}

const jobEvent = (jobId: string, event: string, extra: JsonObject = {}): JsonObject => ({
  job_id: jobId,
  event,
  ...extra,
});

interface Health {
  state: string;
  counters: { eventsIn: number };
  consumers: { job: number };
}

const health = async (url: string): Promise<Health> =>
  (await (await fetch(`${url}bridge/healthz`)).json()) as Health;

/** The text of the rendered `<app-root>`, tags removed. */
const textOf = (html: string): string =>
  (/<app-root[^>]*>(.*)<\/app-root>/s.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, '');

/** The `data-event-id`s of the rendered `<li>`s, in page order. */
const renderedIds = (html: string): string[] =>
  [...html.matchAll(/data-event-id="([^"]+)"/g)].map((m) => m[1]!);

describeWithExample('examples/angular-ssr: the built SSR server with the bridge', () => {
  let daemon: FakeDaemon;
  let server: TestProcess | undefined;
  let url: string;

  beforeEach(async () => {
    daemon = await startFakeDaemon();
    server = startProcess(NODE, [SERVER], {
      DAEMON_SOCKET: daemon.socketPath,
      PORT: '0',
      HOST: '127.0.0.1',
      SSR_EVENTS: '3',
      NG_CLI_ANALYTICS: 'false',
    });
    url = await processUrl(server, 30_000);
    await waitUntil(async () => (await health(url)).state === 'connected', 'the bridge to connect');
  }, 45_000);

  afterEach(async () => {
    await stopProcess(server);
    server = undefined;
    await daemon.stop();
  });

  /** Publishes events and waits until the bridge behind the server has received them all. */
  async function publish(...events: JsonObject[]): Promise<void> {
    const before = (await health(url)).counters.eventsIn;
    for (const event of events) daemon.publish(event);
    await waitUntil(
      async () => (await health(url)).counters.eventsIn >= before + events.length,
      `the bridge to receive ${events.length} events`,
    );
  }

  it('renders the latest SSR_EVENTS events into the HTML of a plain GET', async () => {
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('No events yet.');

    await publish(
      jobEvent('nightly', 'job.started'),
      jobEvent('nightly', 'sheet.started', { sheet_num: 1 }),
      jobEvent('nightly', 'sheet.completed', { sheet_num: 1 }),
      jobEvent('backup', 'job.failed'),
    );
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    const ids = renderedIds(html);
    // SSR_EVENTS=3: the three newest, oldest first, with consecutive ids.
    expect(ids).toHaveLength(3);
    expect(ids.map((id) => Number(id.split('-').at(-1)))).toEqual([2, 3, 4]);
    const text = textOf(html);
    expect(text).toContain(`${ids[0]}sheet.started · nightly`);
    expect(text).toContain(`${ids[2]}job.failed · backup`);
    expect(text).not.toContain('job.started');
    expect(text).not.toContain('No events yet.');
    // The events travel to the browser too (TransferState), so hydration keeps them.
    expect(html).toMatch(/<script id="ng-state" type="application\/json">[^<]*job\.failed/);
  });

  it('serves the gateway beside the Angular app (SSE under /bridge)', async () => {
    await publish(jobEvent('nightly', 'job.started'));
    const controller = new AbortController();
    const response = await fetch(`${url}bridge/api/events/stream?limit=5`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: job.started')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    controller.abort();
    expect(text).toContain('event: job.started');
  });

  describeWithChromium('in headless Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
    });

    const pageIds = (page: Page): Promise<string[]> =>
      page.$$eval('li[data-event-id]', (items) => items.map((item) => item.getAttribute('data-event-id')!));

    it('shows the server-rendered events at once, then live events as they are published', async () => {
      await publish(
        jobEvent('nightly', 'job.started'),
        jobEvent('nightly', 'sheet.started', { sheet_num: 1 }),
      );
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      try {
        // With JavaScript off the first paint already lists them: they come from the server.
        const response = await page.goto(url, { waitUntil: 'commit' });
        const ssrIds = renderedIds(await response!.text());
        expect(ssrIds).toHaveLength(2);

        await page.waitForSelector('[data-testid="state"]:text-is("open")', { timeout: 15_000 });
        expect(await pageIds(page)).toEqual(ssrIds);
        // The job-state panel follows nightly on its own stream (until=terminal): wait until it is open.
        await waitUntil(async () => (await health(url)).consumers.job >= 1, "the job state's stream");

        await publish(
          jobEvent('nightly', 'sheet.completed', { sheet_num: 1 }),
          jobEvent('nightly', 'job.completed'),
        );
        await waitUntil(async () => (await pageIds(page)).length === 4, 'the page to show 4 events');
        const ids = await pageIds(page);
        // Resumed after the last server-rendered event: nothing missed, nothing twice.
        expect(ids.slice(0, 2)).toEqual(ssrIds);
        expect(new Set(ids).size).toBe(4);
        expect(await page.textContent('[data-testid="events"]')).toContain('job.completed');
        // jobState() folded in the browser, shown through toSignal.
        await page.waitForSelector('[data-testid="job-state"] .state:text-is("completed")', {
          timeout: 15_000,
        });
        expect((await page.textContent('[data-testid="job-state"]'))!.replace(/\s+/g, ' ')).toContain(
          'Job nightly: completed · 1 sheets completed · 0 failing',
        );
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    }, 45_000);
  });
});
