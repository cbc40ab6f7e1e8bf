import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../../support/chromium';
import { buildCli, cliUrl, removeCliBuild, startCli, stopCli, type CliProcess } from '../support/cli-process';

// The committed picture is refreshed only on request (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean.
const SCREENSHOT = process.env['UPDATE_SCREENSHOT']
  ? join(__dirname, '..', '..', '..', 'docs', 'dashboard.png')
  : join(__dirname, '..', '..', '..', '.tmp', 'dashboard.png');
const WAIT = { timeout: 30_000 };

// Real processes, a real browser and real restarts on a shared machine: give each test room.
jest.setTimeout(90_000);

/**
 * `daemon-event-bridge demo` as a child process, its dashboard in headless
 * Chromium: the timeline fills, a job panel shows history then live events,
 * and the badge follows a simulated daemon restart.
 */
describeWithChromium('daemon-event-bridge demo in a browser', () => {
  let build: string;
  let cli: CliProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    build = buildCli();
    // A restart every 10 s, so the test sees one soon; a seed, so the workload is the same each run.
    cli = startCli(build, ['demo', '--port', '0', '--restart-every', '10', '--seed', '2024']);
    url = await cliUrl(cli);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await page.goto(url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stopCli(cli);
    removeCliBuild(build);
  });

  const count = (selector: string) => page.locator(selector).count();

  it('prints the dashboard URL first', () => {
    expect(cli!.stdout().split('\n')[0]).toBe(`daemon-event-bridge demo: open ${url}`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('fills the timeline with the last 50 events at once, then live ones', async () => {
    await page.waitForSelector('#badge[data-state="connected"]', WAIT);
    await page.waitForFunction(
      () => document.querySelectorAll('#timeline li.event').length >= 50,
      undefined,
      WAIT,
    );
    const first = await count('#timeline li.event');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#timeline li.event').length > n,
      first,
      WAIT,
    );
    const jobs = await page.locator('#jobs .job-name').allTextContents();
    expect(jobs).toEqual(['docs-sweep', 'nightly-refactor', 'release-notes', 'test-backfill']);
    const names = await page.locator('#timeline .name').allTextContents();
    expect(names.some((name) => name.startsWith('sheet.'))).toBe(true);
    expect(Number((await page.locator('#stat-events').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(
      50,
    );
  });

  it('shows a job panel with its observer history, then its live events', async () => {
    await page.locator('#jobs button[data-job="release-notes"]').click();
    await page.waitForSelector('#job-panel[data-job="release-notes"][data-ready="true"]', WAIT);
    expect(await page.locator('#panel-title').textContent()).toBe('release-notes');
    expect(await count('#panel-events li.event.history')).toBeGreaterThan(0);
    await page.waitForSelector('#panel-events li.event.live', WAIT);
    const order = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#panel-events > li')).map((li) =>
        li.classList.contains('history')
          ? 'h'
          : li.classList.contains('live-divider')
            ? '|'
            : li.classList.contains('live')
              ? 'l'
              : '?',
      ),
    );
    const text = order.filter((kind) => kind !== '?').join('');
    expect(text).toMatch(/^h+\|l+$/);
    expect(new URL(page.url()).hash).toBe('#job=release-notes');
  });

  it('shows "reconnecting…" across a daemon restart, then "connected" again, and live events resume', async () => {
    await page.waitForSelector('#badge[data-state="reconnecting"]', WAIT);
    expect(await page.locator('#badge-label').textContent()).toBe('Reconnecting…');
    expect(await page.locator('#badge-detail').textContent()).toBe('daemon unavailable');
    const before = await count('#timeline li.event');
    await page.waitForSelector('#badge[data-state="connected"]', WAIT);
    expect(await page.locator('#badge-label').textContent()).toBe('Connected');
    expect(cli!.stdout()).toMatch(/\d\d:\d\d:\d\d {2}simulated daemon restart: the socket is away for 2 s/);
    await page.waitForFunction(
      (n) => document.querySelectorAll('#timeline li.event').length > n,
      before,
      WAIT,
    );
    await page.waitForFunction(
      () => document.querySelectorAll('#panel-events li.event.live').length >= 2,
      undefined,
      WAIT,
    );
  });

  it('saves a screenshot of the dashboard (docs/dashboard.png with UPDATE_SCREENSHOT=1)', async () => {
    await page.waitForSelector('#badge[data-state="connected"]', WAIT);
    await page.waitForFunction(
      () => document.querySelectorAll('#panel-events li.event.live').length >= 3,
      undefined,
      WAIT,
    );
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(pageErrors).toEqual([]);
  });
});
