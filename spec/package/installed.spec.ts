import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processUrl, startProcess, stopProcess, type TestProcess } from '../support/child-process';
import { describeNats, startNatsServer, type NatsServer } from '../support/nats-server';
import { openSse, type SseResponse } from '../support/sse-client';
import { pollUntil, waitUntil } from '../support/wait-until';

const root = join(__dirname, '..', '..');
const PACKAGE = 'daemon-event-bridge';
const PROM = ['prom-client'];
const NATS = ['@nats-io/transport-node', '@nats-io/jetstream'];
const OPTIONAL_PEERS = [...PROM, ...NATS];
const PROMTOOL = process.env['PROMTOOL_PATH'] ?? '/usr/bin/promtool';

/** Every entry of package.json `exports` (but ./package.json), as users name it, with the optional peers it needs. */
const ENTRIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  [PACKAGE, []],
  [`${PACKAGE}/http`, []],
  [`${PACKAGE}/browser`, []],
  [`${PACKAGE}/testing`, []],
  [`${PACKAGE}/metrics`, PROM],
  [`${PACKAGE}/nats`, NATS],
];

const SAMPLE_EVENT = { job_id: 'nightly', sheet_num: 1, event: 'sheet.started', data: {}, timestamp: 1 };

/**
 * The package as `npm i` gives it to users: packed with `npm pack`, installed
 * into an empty project with only its required dependencies (no
 * devDependencies, no optional peers), and every command and entry run
 * there; then the optional peers are added and the commands that need them
 * run too. The repository's own tree always has every peer, so it cannot
 * show this.
 */
describe('the package as installed', () => {
  let project: string;
  const started: TestProcess[] = [];

  /** `npm` in the project, from npm's cache when it has the packages (npm ci filled it). */
  function npm(...args: string[]): void {
    execFileSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: project,
      stdio: 'pipe',
    });
  }

  function node(args: readonly string[], type: 'commonjs' | 'module' = 'commonjs') {
    const input = type === 'module' ? ['--input-type=module'] : [];
    return spawnSync(process.execPath, [...input, ...args], { cwd: project, encoding: 'utf8' });
  }

  function evaluate(code: string, type: 'commonjs' | 'module' = 'commonjs'): string {
    const result = node(['-e', code], type);
    if (result.status !== 0) throw new Error(result.stderr);
    return result.stdout.trim();
  }

  /** The package's bin as npx runs it (the symlink npm made in node_modules/.bin). */
  function cli(args: readonly string[]): TestProcess {
    const proc = startProcess(
      process.execPath,
      [join(project, 'node_modules', '.bin', PACKAGE), ...args],
      {},
      project,
    );
    started.push(proc);
    return proc;
  }

  /** The shipped fake daemon, on a socket in the project; publishes what is written to its stdin. */
  async function fakeDaemon(): Promise<{ socket: string; publish(event: object): void }> {
    const socket = join(project, `daemon-${started.length}.sock`);
    const script = join(project, 'node_modules', PACKAGE, 'dist', 'cjs', 'testing', 'fake-daemon-cli.js');
    const proc = startProcess(process.execPath, [script, '--socket', socket], {}, project, 'pipe');
    started.push(proc);
    await waitUntil(() => proc.stdout().includes(socket), 'the fake daemon to listen');
    return { socket, publish: (event) => proc.child.stdin!.write(`${JSON.stringify(event)}\n`) };
  }

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'deb-installed-'));
    execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(project).find((name) => name.endsWith('.tgz'))!;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    npm('install', `./${tarball}`);
  }, 300_000);

  afterEach(async () => {
    for (const proc of started.splice(0)) await stopProcess(proc);
  });

  afterAll(() => rmSync(project, { recursive: true, force: true }));

  describe('with only its required dependencies', () => {
    it('has none of the optional peers installed', () => {
      for (const peer of OPTIONAL_PEERS) expect(existsSync(join(project, 'node_modules', peer))).toBe(false);
      expect(existsSync(join(project, 'node_modules', 'rxjs'))).toBe(true);
    });

    it.each(ENTRIES)(
      'loads %s with require() and import, the same names, or names its missing peer',
      (entry, peers) => {
        const required = node(['-e', `console.log(Object.keys(require('${entry}')).sort().join())`]);
        const imported = node(
          [
            '-e',
            `const m = await import('${entry}'); console.log(Object.keys(m).filter((k) => k !== 'default').sort().join())`,
          ],
          'module',
        );
        if (peers.length === 0) {
          expect(required.stderr).toBe('');
          expect(required.stdout.trim()).not.toBe('');
          expect(imported.stdout).toBe(required.stdout);
        } else {
          for (const result of [required, imported]) {
            expect(result.status).not.toBe(0);
            expect(result.stderr).toContain(`'${peers[0]}'`);
          }
        }
      },
    );

    it('types every entry that needs no optional peer (tsc, moduleResolution node16 and bundler)', () => {
      expect(
        typecheck(
          project,
          ENTRIES.filter(([, peers]) => peers.length === 0).map(([entry]) => entry),
        ),
      ).toEqual([]);
    }, 120_000);

    it('runs the bridge from the CommonJS and the ES module builds', () => {
      const program = (load: string) => `
        ${load}
        const bridge = new m.DaemonEventBridge({ stream: () => rx.concat(rx.of({ job_id: 'j', event: 'sheet.started' }), rx.NEVER), call: async () => [] });
        bridge.start();
        const frames = [];
        bridge.allEvents(5).subscribe((msg) => frames.push(m.encodeSse(msg).split('\\n')[0]));
        bridge.stop();
        console.log(JSON.stringify(frames));`;
      const expected = JSON.stringify(['event: sheet.started', 'event: bridge_stopped']);
      expect(evaluate(program(`const m = require('${PACKAGE}'); const rx = require('rxjs');`))).toBe(
        expected,
      );
      expect(
        evaluate(program(`const m = await import('${PACKAGE}'); const rx = await import('rxjs');`), 'module'),
      ).toBe(expected);
    });

    it('ships declarations for every entry and nothing from spec/', () => {
      const listing = execFileSync('find', ['.', '-type', 'f'], {
        cwd: join(project, 'node_modules', PACKAGE),
        encoding: 'utf8',
      });
      for (const dir of ['cjs', 'esm']) {
        for (const file of ['index', 'http/index', 'browser/index', 'testing/index', 'nats/index']) {
          expect(listing).toContain(`dist/${dir}/${file}.d.ts`);
        }
      }
      expect(listing).not.toMatch(/spec\//);
    });

    it('serve --socket: events from the shipped fake daemon reach an SSE client; /healthz, /readyz; no /metrics', async () => {
      const daemon = await fakeDaemon();
      const serve = cli(['serve', '--socket', daemon.socket, '--port', '0']);
      const url = await processUrl(serve);
      const health = await pollUntil(
        async () => (await fetch(`${url}healthz`)).json() as Promise<Record<string, unknown>>,
        (body) => body['state'] === 'connected',
        'serve to connect to the daemon',
      );
      expect(health).toMatchObject({ running: true });
      expect((await fetch(`${url}readyz`)).status).toBe(200);
      const stream = await openSse(`${url}api/jobs/nightly/events`);
      expect(stream.status).toBe(200);
      daemon.publish(SAMPLE_EVENT);
      await waitUntil(() => stream.events.length > 0, 'the event over SSE');
      stream.close();
      expect(stream.events[0]).toMatchObject({ event: 'sheet.started' });
      expect(JSON.parse(stream.events[0]!.data)).toEqual(SAMPLE_EVENT);
      expect((await fetch(`${url}metrics`)).status).toBe(404);
      expect(serve.stderr()).toContain('prom-client is not installed: no /metrics (npm i prom-client');
    });

    it('demo: the dashboard and its modules answer', async () => {
      const demo = cli(['demo', '--port', '0']);
      const url = await processUrl(demo, 30_000);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<script type="module"');
      const stream = await openSse(`${url}api/events/stream?limit=1`);
      await waitUntil(
        () => stream.events.some((event) => event.id !== undefined),
        'a simulated event',
        15_000,
      );
      stream.close();
    });

    it.each([
      ['relay', ['relay', '--socket', '/tmp/none.sock', '--nats', 'nats://127.0.0.1:1', '--conductor', 'a']],
      ['serve --nats', ['serve', '--nats', 'nats://127.0.0.1:1', '--port', '0']],
    ])('%s: exits 2 with one line that names the NATS packages to install', async (_name, args) => {
      const proc = cli(args);
      expect(await proc.exited).toBe(2);
      expect(proc.stderr().trim().split('\n')).toEqual([
        expect.stringContaining(`npm i ${NATS.join(' ')}`) as unknown as string,
      ]);
    });
  });

  describe('with the optional peers added', () => {
    beforeAll(() => npm('install', ...OPTIONAL_PEERS), 300_000);

    it.each(ENTRIES)('loads %s with require() and import, the same names', (entry) => {
      const required = evaluate(`console.log(Object.keys(require('${entry}')).sort().join())`);
      const imported = evaluate(
        `const m = await import('${entry}'); console.log(Object.keys(m).filter((k) => k !== 'default').sort().join())`,
        'module',
      );
      expect(required).not.toBe('');
      expect(imported).toBe(required);
    });

    it('types every entry (tsc, moduleResolution node16 and bundler)', () => {
      expect(
        typecheck(
          project,
          ENTRIES.map(([entry]) => entry),
        ),
      ).toEqual([]);
    }, 120_000);

    it('serve serves /metrics, process metrics included', async () => {
      const daemon = await fakeDaemon();
      const serve = cli(['serve', '--socket', daemon.socket, '--port', '0']);
      const url = await processUrl(serve);
      const metrics = await fetch(`${url}metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(/^daemon_event_bridge_sse_clients\{stream="all"\} 0$/m);
      expect(text).toMatch(/^process_cpu_seconds_total /m);
      expect(serve.stderr()).not.toContain('prom-client is not installed');
      if (existsSync(PROMTOOL)) {
        const lint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
        expect(`${lint.stdout}${lint.stderr}`).toBe('');
      } else if (process.env['CI']) {
        throw new Error(`${PROMTOOL} is required under CI (apt-get install prometheus)`);
      }
    });

    describeNats('against a real nats-server', () => {
      let nats: NatsServer;
      beforeAll(async () => (nats = await startNatsServer()));
      afterAll(() => nats.dispose());

      it('relay puts the daemon events into JetStream and serve --nats streams them', async () => {
        const daemon = await fakeDaemon();
        const relay = cli(['relay', '--socket', daemon.socket, '--nats', nats.url, '--conductor', 'host-a']);
        await waitUntil(() => relay.stdout().includes('relaying into NATS'), 'the relay to start', 20_000);
        const serve = cli(['serve', '--nats', nats.url, '--port', '0']);
        const url = await processUrl(serve, 20_000);
        const stream: SseResponse = await openSse(`${url}api/jobs/nightly/events`);
        // Until the gateway's JetStream consumer is up, a published event may precede it: publish until one arrives.
        const publisher = setInterval(() => daemon.publish(SAMPLE_EVENT), 250);
        await waitUntil(() => stream.events.length > 0, 'an event through NATS', 20_000).finally(() =>
          clearInterval(publisher),
        );
        stream.close();
        expect(stream.events[0]?.event).toBe('sheet.started');
        expect(stream.events[0]?.id).toMatch(/^\d+$/);
        expect(JSON.parse(stream.events[0]!.data)).toMatchObject({ ...SAMPLE_EVENT, conductor: 'host-a' });
      }, 60_000);
    });
  });
});

/**
 * Type-checks a consumer of `entries` in `project` the ways users compile:
 * `module`/`moduleResolution` node16 (a CommonJS and an ES module file) and
 * `moduleResolution` bundler; strict, without `skipLibCheck`. Returns tsc's
 * error lines (none when every entry's types resolve and hold).
 */
function typecheck(project: string, entries: readonly string[]): string[] {
  const types = join(project, 'node_modules', '@types');
  if (!existsSync(join(types, 'node'))) {
    // Users who compile for Node have @types/node: linked from ours, for tsc only.
    mkdirSync(types, { recursive: true });
    symlinkSync(join(root, 'node_modules', '@types', 'node'), join(types, 'node'), 'dir');
  }
  const imports = entries.map((entry, n) => `import * as entry${n} from '${entry}';`).join('\n');
  const uses = entries.map((_, n) => `entry${n}`).join(', ');
  // A wrong call must be a type error: the declarations are really read, not `any`.
  const body = `${imports}\nimport { encodeSse } from '${PACKAGE}';\nexport const all = [${uses}];\n// @ts-expect-error a number is not an SseMessage\nencodeSse(42);\n`;
  writeFileSync(join(project, 'consumer.ts'), body);
  writeFileSync(join(project, 'consumer-esm.mts'), body);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const common = ['--noEmit', '--strict', '--target', 'es2022', '--types', 'node', '--skipLibCheck', 'false'];
  const runs = [
    ['--module', 'node16', '--moduleResolution', 'node16', 'consumer.ts', 'consumer-esm.mts'],
    ['--module', 'esnext', '--moduleResolution', 'bundler', 'consumer.ts'],
  ];
  return runs.flatMap((args) => {
    const result = spawnSync(process.execPath, [tsc, ...common, ...args], { cwd: project, encoding: 'utf8' });
    return result.status === 0 ? [] : [`${args[3]}: ${result.stdout}${result.stderr}`];
  });
}
