import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { UnixSocketDaemonClient } from '../../src/daemon/unix-socket-client';
import { buildSrc, removeBuild } from '../support/build-src';
import { exited, firstLine, killChild } from '../support/child-process';

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
    build = buildSrc();
  });

  afterAll(() => removeBuild(build));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-daemon-cli-'));
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await killChild(child);
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
    expect(await firstLine(help)).toBe('usage: fake-daemon [--socket PATH] [--stream-queue-size N]');
    expect(await exited(help)).toBe(0);
    const bad = run('--sockt', 'x');
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    expect(await exited(bad)).toBe(1);
    expect(stderr).toMatch(/--sockt[\s\S]*usage: fake-daemon/);
  });

  it('takes --stream-queue-size, and fails with usage on a value the daemon refuses', async () => {
    const daemon = run('--stream-queue-size', '5000');
    client = new UnixSocketDaemonClient(await firstLine(daemon));
    await expect(client.call('daemon.health')).resolves.toMatchObject({ status: 'ok' });
    daemon.kill('SIGTERM');
    expect(await exited(daemon)).toBe(0);

    const bad = run('--stream-queue-size', 'many');
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    expect(await exited(bad)).toBe(1);
    expect(stderr).toMatch(/streamQueueSize[\s\S]*usage: fake-daemon/);
  });
});
