import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describeWithBinary } from './binary';

/** Where the Debian `chromium` package puts the browser; `CHROMIUM_PATH` overrides it. */
const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** True when a Chromium executable is installed at {@link CHROMIUM_PATH}. */
const chromiumInstalled = existsSync(CHROMIUM_PATH);

/**
 * `describe` for browser tests: runs them when Chromium is installed; see
 * {@link describeWithBinary} for what happens when it is not.
 */
export function describeWithChromium(name: string, body: () => void): void {
  describeWithBinary(name, CHROMIUM_PATH, 'apt-get install chromium', body);
}

/**
 * Launches headless Chromium with the flags a sandboxed CI box needs and no
 * network chatter besides the test's own. Close it with `browser.close()`.
 * Throws when Chromium is missing (use {@link describeWithChromium} to skip).
 */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled) throw new Error(`Chromium not found at ${CHROMIUM_PATH}`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
