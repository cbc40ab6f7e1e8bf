import { DEFAULT_SOCKET_PATH } from '../../../src/daemon/unix-socket-client';
import {
  DEFAULT_PORT,
  DEFAULT_RESTART_EVERY_S,
  isLoopbackHost,
  parseCli,
  TOKEN_ENV,
  usage,
  UsageError,
} from '../../../src/cli/args/parse-cli';

function usageError(argv: string[], env?: NodeJS.ProcessEnv): UsageError {
  try {
    parseCli(argv, env);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`parseCli(${JSON.stringify(argv)}) did not throw`);
}

describe('parseCli', () => {
  it('applies the contract defaults to serve', () => {
    expect(parseCli(['serve'])).toEqual({
      command: 'serve',
      options: {
        socket: DEFAULT_SOCKET_PATH,
        host: '127.0.0.1',
        port: DEFAULT_PORT,
        token: undefined,
        logLevel: 'info',
        daemon: expect.objectContaining({ timeoutMs: 30_000, poolSize: 8 }) as unknown,
        bridge: expect.objectContaining({ heartbeatMs: 30_000, replaySize: 1_000 }) as unknown,
        gateway: expect.objectContaining({ basePath: '', maxClients: 1_000, corsOrigins: [] }) as unknown,
        server: expect.objectContaining({ headersTimeoutMs: 10_000, maxConnections: 1_100 }) as unknown,
      },
    });
    expect(DEFAULT_SOCKET_PATH).toBe('/tmp/marianne.sock');
    expect(DEFAULT_PORT).toBe(8787);
  });

  it('applies the defaults to demo', () => {
    expect(parseCli(['demo'])).toEqual({
      command: 'demo',
      options: {
        host: '127.0.0.1',
        port: 8787,
        token: undefined,
        logLevel: 'warn',
        restartEverySeconds: DEFAULT_RESTART_EVERY_S,
        seed: undefined,
      },
    });
  });

  it('reads every serve flag, in both --flag value and --flag=value forms', () => {
    const parsed = parseCli([
      'serve',
      '--socket',
      '/run/conductor.sock',
      '--host=::1',
      '--port',
      '0',
      '--token=s3cret-token',
      '--log-level',
      'debug',
    ]);
    expect(parsed).toMatchObject({
      command: 'serve',
      options: {
        socket: '/run/conductor.sock',
        host: '::1',
        port: 0,
        token: 's3cret-token',
        logLevel: 'debug',
      },
    });
  });

  it('reads demo flags: fractional --restart-every, 0 to disable, --seed', () => {
    expect(parseCli(['demo', '--restart-every', '2.5', '--seed', '42', '--port', '0'])).toMatchObject({
      options: { restartEverySeconds: 2.5, seed: 42, port: 0 },
    });
    expect(parseCli(['demo', '--restart-every', '0'])).toMatchObject({ options: { restartEverySeconds: 0 } });
  });

  it.each([
    [['serve', '--port', 'x'], '--port: expected an integer from 0 to 65535, got "x"'],
    [['serve', '--port', '65536'], '--port: expected an integer from 0 to 65535, got "65536"'],
    [['serve', '--port', '-1'], '--port needs a value'],
    [['serve', '--port'], '--port needs a value'],
    [
      ['serve', '--log-level', 'loud'],
      '--log-level: expected one of debug, info, warn, error, silent, got "loud"',
    ],
    [['serve', '--bogus'], 'unknown option --bogus'],
    [['serve', '-x'], 'unknown option -x'],
    [['serve', 'extra'], 'unexpected argument "extra"'],
    [['serve', '--insecure=yes'], '--insecure does not take a value'],
    [['serve', '--socket', ''], '--socket: expected a socket path, got ""'],
    [['serve', '--token', 'has space'], '--token: expected printable ASCII without spaces, got "has space"'],
    [['serve', '--host', 'evil host'], '--host: expected a host name or an IP address, got "evil host"'],
    [
      ['demo', '--restart-every', 'soon'],
      '--restart-every: expected a number of seconds (0 = never), got "soon"',
    ],
    [
      ['demo', '--restart-every', '0.1'],
      '--restart-every: expected 0 (never) or 0.5 to 86400 seconds, got "0.1"',
    ],
    [['demo', '--socket', '/x'], 'unknown option --socket'],
    [['launch'], 'unknown command "launch" (expected serve, demo or relay)'],
    [['--port', '1'], 'expected a command before --port (serve, demo or relay)'],
    [['help', 'launch'], 'unknown command "launch" (expected serve, demo or relay)'],
  ])('rejects %j with a one-line message', (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
    expect(error).toMatchObject({ name: 'UsageError', code: 'ERR_USAGE' });
  });

  it('refuses a non-loopback host without --token or --insecure', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'example.com']) {
      expect(usageError(['serve', '--host', host]).message).toMatch(
        new RegExp(`^refusing to listen on non-loopback host ${host.replace(/\./g, '\\.')} without --token`),
      );
      expect(usageError(['demo', '--host', host]).message).toContain('--insecure');
    }
  });

  it('allows a non-loopback host with --token or --insecure', () => {
    expect(parseCli(['serve', '--host', '0.0.0.0', '--token', 'abc'])).toMatchObject({
      options: { host: '0.0.0.0', token: 'abc' },
    });
    expect(parseCli(['serve', '--host', '0.0.0.0', '--insecure'])).toMatchObject({
      options: { host: '0.0.0.0', token: undefined },
    });
  });

  it(`takes the token from ${TOKEN_ENV} when --token is absent, and prefers --token`, () => {
    const env = { [TOKEN_ENV]: 'from-env' };
    expect(parseCli(['serve', '--host', '0.0.0.0'], env)).toMatchObject({ options: { token: 'from-env' } });
    expect(parseCli(['serve', '--token', 'from-flag'], env)).toMatchObject({
      options: { token: 'from-flag' },
    });
    expect(parseCli(['serve'], { [TOKEN_ENV]: '' })).toMatchObject({ options: { token: undefined } });
  });

  it('recognises help and version in every place', () => {
    expect(parseCli([])).toEqual({ command: 'help', topic: undefined });
    expect(parseCli(['--help'])).toEqual({ command: 'help', topic: undefined });
    expect(parseCli(['-h'])).toEqual({ command: 'help', topic: undefined });
    expect(parseCli(['help', 'demo'])).toEqual({ command: 'help', topic: 'demo' });
    expect(parseCli(['serve', '--help'])).toEqual({ command: 'help', topic: 'serve' });
    expect(parseCli(['demo', '--port', '1', '-h'])).toEqual({ command: 'help', topic: 'demo' });
    expect(parseCli(['--version'])).toEqual({ command: 'version' });
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com', ''])(
    '%s is not loopback',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('usage', () => {
  it('documents every flag of each command', () => {
    for (const flag of ['--socket', '--host', '--port', '--token', '--insecure', '--log-level', '--help']) {
      expect(usage('serve')).toContain(flag);
    }
    for (const flag of ['--restart-every', '--seed', '--port', '--log-level']) {
      expect(usage('demo')).toContain(flag);
    }
    expect(usage(undefined)).toMatch(/serve[\s\S]*demo/);
  });
});
