import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const entries = [
  'daemon-event-bridge',
  'daemon-event-bridge/http',
  'daemon-event-bridge/testing',
  'daemon-event-bridge/browser',
];
// daemon-event-bridge/metrics needs prom-client: see the last test.

/**
 * Packs the library as npm would publish it, unpacks the tarball into a
 * throw-away project's node_modules (its peer and runtime dependencies linked
 * from ours: no registry traffic), and loads every entry with require and import.
 */
describe('the published package', () => {
  let project: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'deb-pack-'));
    execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(project).find((name) => name.endsWith('.tgz'))!;
    const installed = join(project, 'node_modules', 'daemon-event-bridge');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(project, tarball), '-C', installed, '--strip-components=1']);
    for (const dependency of ['rxjs', 'zod']) {
      symlinkSync(join(root, 'node_modules', dependency), join(project, 'node_modules', dependency), 'dir');
    }
  }, 240_000);

  afterAll(() => rmSync(project, { recursive: true, force: true }));

  function run(code: string, type: 'commonjs' | 'module'): string {
    const args = type === 'module' ? ['--input-type=module', '-e', code] : ['-e', code];
    return execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8' }).trim();
  }

  it.each(entries)('loads %s with require()', (entry) => {
    const names = run(
      `console.log(Object.keys(require(${JSON.stringify(entry)})).sort().join(','))`,
      'commonjs',
    );
    expect(names.length).toBeGreaterThan(0);
  });

  it.each(entries)('loads %s with import, exposing the same names as require()', (entry) => {
    const esm = run(
      `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).filter((k) => k !== 'default').sort().join(','))`,
      'module',
    );
    const cjs = run(
      `console.log(Object.keys(require(${JSON.stringify(entry)})).sort().join(','))`,
      'commonjs',
    );
    expect(esm).toBe(cjs);
  });

  it('runs the bridge from the CommonJS and the ES module builds', () => {
    const program = (load: string) => `
      ${load}
      const { of, NEVER, concat } = rx;
      const bridge = new m.DaemonEventBridge({ stream: () => concat(of({ job_id: 'j', event: 'sheet.started' }), NEVER), call: async () => [] });
      bridge.start();
      const frames = [];
      bridge.allEvents(5).subscribe((msg) => frames.push(m.encodeSse(msg)));
      bridge.stop();
      console.log(JSON.stringify(frames.map((f) => f.split('\\n')[0])));`;
    const expected = JSON.stringify(['event: sheet.started', 'event: bridge_stopped']);
    expect(
      run(program(`const m = require('daemon-event-bridge'); const rx = require('rxjs');`), 'commonjs'),
    ).toBe(expected);
    expect(
      run(
        program(`const m = await import('daemon-event-bridge'); const rx = await import('rxjs');`),
        'module',
      ),
    ).toBe(expected);
  });

  it('ships type declarations for every entry and nothing from spec/', () => {
    const listing = execFileSync('find', ['.', '-type', 'f'], {
      cwd: join(project, 'node_modules', 'daemon-event-bridge'),
      encoding: 'utf8',
    });
    for (const file of [
      'dist/cjs/index.d.ts',
      'dist/esm/index.d.ts',
      'dist/cjs/http/index.d.ts',
      'dist/esm/testing/index.d.ts',
      'dist/esm/browser/index.d.ts',
    ]) {
      expect(listing).toContain(file);
    }
    expect(listing).not.toMatch(/spec\//);
  });

  // Last: it links prom-client into the project, which the tests above run without.
  it('runs a gateway without prom-client; daemon-event-bridge/metrics needs it and then serves /metrics', () => {
    const gateway = `
      const bridge = new m.DaemonEventBridge({ stream: () => rx.NEVER, call: async () => [] });
      const server = require('node:http').createServer(http.createGateway(bridge, METRICS)).listen(0, '127.0.0.1', async () => {
        const res = await fetch('http://127.0.0.1:' + server.address().port + '/metrics');
        console.log(res.status);
        server.close();
      });`;
    const load = `const m = require('daemon-event-bridge'); const http = require('daemon-event-bridge/http'); const rx = require('rxjs');`;
    expect(run(`${load} ${gateway.replace('METRICS', '{}')}`, 'commonjs')).toBe('404');
    expect(() => run(`require('daemon-event-bridge/metrics')`, 'commonjs')).toThrow(
      /Cannot find module 'prom-client'/,
    );
    symlinkSync(
      join(root, 'node_modules', 'prom-client'),
      join(project, 'node_modules', 'prom-client'),
      'dir',
    );
    // prom-client's own dependencies resolve from its real path in our node_modules.
    const metrics = `{ metrics: require('daemon-event-bridge/metrics').prometheusMetrics() }`;
    expect(run(`${load} ${gateway.replace('METRICS', metrics)}`, 'commonjs')).toBe('200');
    expect(
      run(
        `const m = await import('daemon-event-bridge/metrics'); console.log(typeof m.prometheusMetrics)`,
        'module',
      ),
    ).toBe('function');
  });
});
