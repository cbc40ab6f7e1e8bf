import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import ts from 'typescript';
import { UnixSocketDaemonClient } from '../../src/daemon/unix-socket-client';

const SRC = join(__dirname, '..', '..', 'src');
const ENTRY = join(SRC, 'testing', 'fake-daemon-cli.ts');

/**
 * Compiles the CLI and the modules it imports to CommonJS in `out` (what
 * `npm run build` emits for dist/cjs, without the type check), so the test
 * runs it as a real standalone process.
 */
function compile(entry: string, out: string): void {
  const pending = [entry];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: file,
    });
    const target = join(out, relative(SRC, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    for (const [, specifier] of source.matchAll(/from '(\.[^']+)\.js'/g)) {
      pending.push(resolve(dirname(file), `${specifier!}.ts`));
    }
  }
  writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}\n');
  symlinkSync(join(SRC, '..', 'node_modules'), join(out, 'node_modules'), 'dir');
}

/** Resolves with the first line `child` prints. */
function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) resolveLine(text.slice(0, text.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)} before printing a line`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

describe('fake-daemon-cli', () => {
  let build: string;
  let dir: string;
  let child: ChildProcessWithoutNullStreams | undefined;
  let client: UnixSocketDaemonClient | undefined;

  const run = (...args: string[]) => {
    child = spawn(process.execPath, [join(build, 'testing', 'fake-daemon-cli.js'), ...args]);
    return child;
  };

  beforeAll(() => {
    build = mkdtempSync(join(tmpdir(), 'fake-daemon-cli-build-'));
    compile(ENTRY, build);
  });

  afterAll(() => rmSync(build, { recursive: true, force: true }));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-daemon-cli-'));
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its socket path, publishes NDJSON from stdin, and stops when stdin closes', async () => {
    const socketPath = join(dir, 'cli.sock');
    const daemon = run('--socket', socketPath);
    expect(await firstLine(daemon)).toBe(socketPath);

    client = new UnixSocketDaemonClient(socketPath);
    let opened = false;
    const events = firstValueFrom(
      client.stream('daemon.monitor.stream', {}, { onOpen: () => (opened = true) }).pipe(take(2), toArray()),
    );
    // The stream is registered once the daemon reports it.
    for (let streams = 0; streams === 0;) {
      streams = opened ? ((await client.call('daemon.health')) as { streams: number }).streams : 0;
      if (streams === 0) await new Promise((wait) => setTimeout(wait, 5));
    }
    daemon.stdin.write('{"job_id":"a","event":"sheet.started","sheet_num":1}\r\n');
    daemon.stdin.write('not json at all\n\n');
    daemon.stdin.write('{"job_id":"a","event":"sheet.completed"');
    daemon.stdin.write(',"sheet_num":1}\n');
    await expect(events).resolves.toEqual([
      { job_id: 'a', event: 'sheet.started', sheet_num: 1 },
      { job_id: 'a', event: 'sheet.completed', sheet_num: 1 },
    ]);
    expect(client.stats().counters.notJsonLines).toBe(1);
    await expect(client.call('daemon.observer_events', { job_id: 'a', limit: 1 })).resolves.toEqual({
      events: [{ job_id: 'a', event: 'sheet.completed', sheet_num: 1 }],
    });

    daemon.stdin.end();
    expect(await exited(daemon)).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
  });

  it('makes its own temp socket without --socket, and stops on SIGTERM', async () => {
    const daemon = run();
    const socketPath = await firstLine(daemon);
    expect(socketPath.startsWith(tmpdir())).toBe(true);
    client = new UnixSocketDaemonClient(socketPath);
    await expect(client.call('daemon.health')).resolves.toMatchObject({ status: 'ok' });
    daemon.kill('SIGTERM');
    expect(await exited(daemon)).toBe(0);
    expect(existsSync(dirname(socketPath))).toBe(false);
  });

  it('prints usage for --help, and fails with usage on an unknown option', async () => {
    const help = run('--help');
    expect(await firstLine(help)).toBe('usage: fake-daemon [--socket PATH]');
    expect(await exited(help)).toBe(0);
    const bad = run('--sockt', 'x');
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    expect(await exited(bad)).toBe(1);
    expect(stderr).toMatch(/--sockt[\s\S]*usage: fake-daemon/);
  });
});
