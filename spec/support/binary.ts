import { existsSync } from 'node:fs';

/**
 * `describe` for tests that need an installed program (Chromium, promtool,
 * nats-server): runs them when `path` exists. When it is missing they fail
 * under CI (`CI` set: the program is required there) and are reported as
 * skipped elsewhere, so the gap stays visible.
 */
export function describeWithBinary(name: string, path: string, install: string, body: () => void): void {
  if (existsSync(path)) {
    describe(name, body);
  } else if (process.env['CI']) {
    describe(name, () => {
      it(`needs ${path}`, () => {
        throw new Error(`${path} is required under CI but does not exist (${install})`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: no ${path})`, body);
  }
}
