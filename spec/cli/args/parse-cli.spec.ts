import { DEFAULT_SOCKET_PATH } from '../../../src/daemon/unix-socket-client';
import { envName } from '../../../src/cli/args/flags';
import { usage } from '../../../src/cli/args/help';
import { DEFAULT_PORT, DEFAULT_RESTART_EVERY_S } from '../../../src/cli/args/own-options';
import { parseCli } from '../../../src/cli/args/parse-cli';
import { UsageError } from '../../../src/cli/args/usage-error';

const TOKEN_ENV = envName('token');

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

describe('parseCli for the NATS commands', () => {
  it('reads relay flags, buffer and retention limits included', () => {
    const parsed = parseCli([
      'relay',
      '--nats',
      'nats://a:4222,nats://b:4222',
      '--conductor',
      'host-a',
      '--buffer-events',
      '500',
      '--max-age',
      '3600',
      '--replicas',
      '3',
    ]);
    expect(parsed).toEqual({
      command: 'relay',
      options: {
        socket: DEFAULT_SOCKET_PATH,
        nats: 'nats://a:4222,nats://b:4222',
        logLevel: 'info',
        relay: expect.objectContaining({
          conductor: 'host-a',
          prefix: 'deb',
          stream: 'DEB_EVENTS',
          bufferMaxEvents: 500,
          bufferMaxBytes: 64 * 1024 * 1024,
          maxAgeMs: 3_600_000,
          replicas: 3,
        }) as unknown,
      },
    });
    expect(Object.keys((parsed as { options: { relay: object } }).options.relay)).not.toContain('scheduler');
  });

  it('derives every relay flag from the relay schema: --max-age in seconds, required flags named', () => {
    const argv = ['relay', '--nats', 'nats://x:1', '--conductor', 'a', '--max-in-flight', '10'];
    expect(
      parseCli([...argv, '--reconnect-max-delay-ms', '5000'], { DAEMON_EVENT_BRIDGE_MAX_AGE: '60' }),
    ).toMatchObject({
      options: { relay: { maxInFlight: 10, reconnect: { maxDelayMs: 5000 }, maxAgeMs: 60_000 } },
    });
    expect(usageError(['relay', '--nats', 'nats://x:1']).message).toBe(
      '--conductor is required (or DAEMON_EVENT_BRIDGE_CONDUCTOR)',
    );
    expect(usageError(['relay', '--conductor', 'a']).message).toBe(
      '--nats is required (or DAEMON_EVENT_BRIDGE_NATS)',
    );
    expect(
      usageError(['relay', '--nats', 'nats://x:1', '--conductor', 'a', '--max-age', 'soon']).message,
    ).toBe('--max-age: expected an integer from 0 to 9007199254740991, got "soon"');
    const help = usage('relay');
    expect(help).toMatch(/^ {2}--max-age <s> .*\n.*default 86400, env DAEMON_EVENT_BRIDGE_MAX_AGE$/m);
    expect(help).toMatch(
      /^ {2}--buffer-events <n> .*\n.*default 100000, env DAEMON_EVENT_BRIDGE_BUFFER_EVENTS$/m,
    );
  });

  it('reads serve --nats; without it serve stays on the socket', () => {
    const nats = parseCli(['serve', '--nats', 'nats://127.0.0.1:4222', '--stream', 'S1']);
    expect(nats).toMatchObject({
      options: { nats: { servers: 'nats://127.0.0.1:4222', prefix: 'deb', stream: 'S1' } },
    });
    expect(parseCli(['serve'])).toMatchObject({ options: { nats: undefined } });
  });

  it('rejects a bad conductor name and a negative buffer', () => {
    expect(() => parseCli(['relay', '--nats', 'nats://x:1', '--conductor', 'a.b'])).toThrow(UsageError);
    expect(() =>
      parseCli(['relay', '--nats', 'nats://x:1', '--conductor', 'a', '--buffer-events', '0']),
    ).toThrow('--buffer-events');
  });
});
