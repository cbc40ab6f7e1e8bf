import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildCli, removeCliBuild, runCli } from './support/cli-process';

/** The bin entry, run as a child process from a private build of src/. */
describe('daemon-event-bridge (bin)', () => {
  let build: string;

  beforeAll(() => {
    build = buildCli();
  });

  afterAll(() => removeCliBuild(build));

  it('starts with a node shebang, as a package bin must', () => {
    expect(readFileSync(join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/,
    );
    expect(readFileSync(join(build, 'cli', 'main.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it.each([[[]], [['--help']], [['-h']]])('prints the usage for %j and exits 0', async (args) => {
    const { code, stdout, stderr } = await runCli(build, args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: daemon-event-bridge <command> \[options\]/);
    expect(stdout).toContain('serve');
    expect(stdout).toContain('demo');
    expect(stderr).toBe('');
  });

  it.each(['serve', 'demo'])('prints the options of %s for --help', async (command) => {
    const { code, stdout } = await runCli(build, [command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: daemon-event-bridge ${command} \\[options\\]`));
    expect(stdout).toContain('--log-level');
  });

  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    const { code, stdout } = await runCli(build, ['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });

  it.each([
    [['serve', '--port', 'nope'], '--port: expected an integer from 0 to 65535, got "nope"', 'serve'],
    [['serve', '--frobnicate'], 'unknown option --frobnicate', 'serve'],
    [
      ['demo', '--log-level', 'chatty'],
      '--log-level: expected one of debug, info, warn, error, silent, got "chatty"',
      'demo',
    ],
    [
      ['serve', '--host', '0.0.0.0'],
      'refusing to listen on non-loopback host 0.0.0.0 without --token',
      'serve',
    ],
    [['explode'], 'unknown command "explode" (expected serve, demo or relay)', undefined],
  ])('rejects %j with one line on stderr and exit code 2', async (args, message, topic) => {
    const { code, stdout, stderr } = await runCli(build, args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toEqual([expect.stringContaining(message), '']);
    expect(stderr).toMatch(/^daemon-event-bridge: /);
    expect(stderr).toContain(
      topic ? `(see daemon-event-bridge ${topic} --help)` : '(see daemon-event-bridge --help)',
    );
  });

  it('exits 1 with one line when it cannot listen', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const { code, stdout, stderr } = await runCli(build, [
        'serve',
        '--port',
        String(port),
        '--log-level',
        'silent',
      ]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `daemon-event-bridge: port ${port} on 127.0.0.1 is already in use (try --port 0 for any free port)\n`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
