/**
 * Every library option `serve` uses has a flag, a DAEMON_EVENT_BRIDGE_*
 * variable and a --help line, and is checked with the library's own message.
 * The walk below reads the library schemas themselves, so an option added to
 * a schema without a flag (or a description) fails here.
 */
import { z } from 'zod';
import { InvalidOptionsError } from '../../../src/errors';
import { parseOptions } from '../../../src/options';
import { commandFlags, COMMAND_SCHEMAS } from '../../../src/cli/args/command-schemas';
import { deriveFlags, envName, type SectionMeta } from '../../../src/cli/args/flags';
import { usage } from '../../../src/cli/args/help';
import { SERVE_LIBRARIES } from '../../../src/cli/args/library-options';
import { parseCli, type CliCommand } from '../../../src/cli/args/parse-cli';
import { UsageError } from '../../../src/cli/args/usage-error';
import { buildCli, removeCliBuild, runCli } from '../support/cli-process';

/** A library options schema of `serve`, with the key its options have in serve's. */
interface Group {
  readonly key: string;
  readonly schema: z.ZodType;
  readonly noFlag: Readonly<Record<string, string>>;
}

/** The option paths of a schema: leaves, nested objects walked into (`reconnect.maxDelayMs`). */
function optionPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  const inner =
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodReadonly
      ? schema.unwrap()
      : schema instanceof z.ZodPipe
        ? schema.in
        : undefined;
  if (inner !== undefined) return optionPaths(inner as z.ZodType, prefix);
  if (!(schema instanceof z.ZodObject)) return [prefix];
  return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
    optionPaths(child, [...prefix, key]),
  );
}

/** The value at `path` in `source`, or `undefined`. */
function readPath(source: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
    source,
  );
}

const groups: Group[] = Object.entries(SERVE_LIBRARIES).map(([key, schema]) => ({
  key,
  schema,
  noFlag: (schema.meta() as SectionMeta | undefined)?.noFlag ?? {},
}));

const serveFlags = commandFlags('serve');
/** The flags of serve's library options (as opposed to its own). */
const libraryFlags = serveFlags.filter((f) => f.path[0]! in SERVE_LIBRARIES);
const settingFlags = (command: 'serve' | 'demo' | 'relay') => commandFlags(command).map((f) => f.flag);

const options = groups.flatMap((group) =>
  optionPaths(group.schema)
    .filter((path) => !(path[0]! in group.noFlag))
    .map((path) => ({ group, path, name: `${group.key}.${path.join('.')}` })),
);

function serve(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const command: CliCommand = parseCli(['serve', ...argv], env);
  if (command.command !== 'serve') throw new Error(`expected serve, got ${command.command}`);
  return command.options;
}

function usageMessage(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseCli(['serve', ...argv], env);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`parseCli(${JSON.stringify(argv)}) did not throw`);
}

/** The library's own message for a bad value, as `parseOptions` words it (after the option's name). */
function libraryMessage(group: Group, path: readonly string[], value: unknown): string {
  const given: Record<string, unknown> = {};
  let target = given;
  for (const key of path.slice(0, -1)) target = target[key] = {};
  target[path.at(-1)!] = value;
  try {
    parseOptions(group.schema, given, group.key);
  } catch (error) {
    if (!(error instanceof InvalidOptionsError)) throw error;
    return error.message.replace(/^Invalid [^"]+ option "[^"]+": /, '').replace(/, got .*$/, '');
  }
  throw new Error(`the ${group.key} accepted ${JSON.stringify(value)} for ${path.join('.')}`);
}

/** A value the library accepts for the option and that differs from its default, as flag text. */
function probeValue(group: Group, path: readonly string[], kind: string, defaultValue: unknown) {
  const accepts = (value: unknown): boolean => {
    const given: Record<string, unknown> = {};
    let target = given;
    for (const key of path.slice(0, -1)) target = target[key] = {};
    target[path.at(-1)!] = value;
    return group.schema.safeParse(given).success;
  };
  const candidates: Array<[text: string, value: unknown]> =
    kind === 'number'
      ? [typeof defaultValue === 'number' ? [String(defaultValue + 1), defaultValue + 1] : ['7', 7]]
      : kind === 'list'
        ? [['https://a.example,https://b.example', ['https://a.example', 'https://b.example']]]
        : kind === 'boolean'
          ? [[String(!defaultValue), !defaultValue]]
          : [
              ['/probe', '/probe'],
              ['probe_1', 'probe_1'],
            ];
  const found = candidates.find(([, value]) => value !== defaultValue && accepts(value));
  if (!found) throw new Error(`no probe value for ${group.key}.${path.join('.')}`);
  return { text: found[0], value: found[1] };
}

describe('serve: every library option from the command line and the environment', () => {
  it('walks a non-trivial set of options, and no group has an option the CLI cannot express', () => {
    expect(options.map((o) => o.name)).toEqual(
      expect.arrayContaining([
        'daemon.timeoutMs',
        'daemon.poolSize',
        'bridge.heartbeatMs',
        'bridge.reconnect.maxDelayMs',
        'bridge.replaySize',
        'gateway.maxClients',
        'gateway.corsOrigins',
        'gateway.basePath',
        'gateway.retryMs',
        'gateway.maxBufferedBytes',
      ]),
    );
    for (const schema of Object.values(COMMAND_SCHEMAS)) expect(deriveFlags(schema).unsupported).toEqual([]);
  });

  it('gives every flag one name: no two options (or a CLI flag) share one', () => {
    const names = [...settingFlags('serve'), 'help', 'print-config'];
    expect(new Set(names).size).toBe(names.length);
    expect(settingFlags('serve')).toEqual(expect.arrayContaining(libraryFlags.map((f) => f.flag)));
  });

  describe.each(options)('$name', ({ group, path }) => {
    const flag = libraryFlags.find((f) => f.path.join('.') === [group.key, ...path].join('.'));

    it('has a flag and a variable that set it, the flag winning', () => {
      expect(flag).toBeDefined();
      const { text, value } = probeValue(group, path, flag!.kind, flag!.defaultValue);
      const args =
        flag!.kind === 'boolean'
          ? [value ? `--${flag!.flag}` : `--no-${flag!.flag}`]
          : [`--${flag!.flag}`, text];
      expect(readPath(serve(args), [group.key, ...path])).toEqual(value);
      expect(readPath(serve([], { [flag!.env]: text }), [group.key, ...path])).toEqual(value);
      expect(flag!.env).toBe(envName(flag!.flag));
      const fromDefault = readPath(serve([]), [group.key, ...path]);
      expect(fromDefault).toEqual(flag!.defaultValue);
      // The flag wins over a variable that would not even be valid.
      const badEnv = { [flag!.env]: 'not valid at all' };
      expect(readPath(serve(args, badEnv), [group.key, ...path])).toEqual(value);
    });

    it('has a --help line with a description, its default and its variable', () => {
      const lines = usage('serve').split('\n');
      const at = lines.findIndex((line) => new RegExp(`^  --${flag!.flag}( <[^>]+>)?\\s{2,}\\S`).test(line));
      expect(at).toBeGreaterThan(-1);
      expect(flag!.description).toMatch(/\w{3}/);
      expect(lines[at]).toContain(flag!.description);
      expect(lines[at + 1]).toContain(`env ${flag!.env}`);
      if (flag!.defaultValue !== undefined) expect(lines[at + 1]).toContain('default ');
    });

    it("rejects a bad value with the library's own message, naming the flag or the variable", () => {
      if (flag!.kind === 'list') return; // every text is a list; the element checks are below
      const bad = flag!.kind === 'number' ? 'many' : flag!.kind === 'boolean' ? 'maybe' : '';
      if (flag!.kind === 'string' && group.schema.safeParse({ [path[0]!]: '' }).success) return;
      const expected = libraryMessage(group, path, bad === '' ? '' : bad);
      if (flag!.kind === 'boolean') {
        expect(usageMessage([], { [flag!.env]: bad })).toBe(`${flag!.env}: expected a boolean, got "${bad}"`);
        return;
      }
      expect(usageMessage([`--${flag!.flag}=${bad}`])).toBe(`--${flag!.flag}: ${expected}, got "${bad}"`);
      if (bad !== '') {
        expect(usageMessage([], { [flag!.env]: bad })).toBe(`${flag!.env}: ${expected}, got "${bad}"`);
      }
    });
  });

  it('checks rules across options with the library (reconnect delays)', () => {
    expect(usageMessage(['--reconnect-initial-delay-ms', '5000', '--reconnect-max-delay-ms', '100'])).toBe(
      '--reconnect-max-delay-ms: maxDelayMs must be at least initialDelayMs, got "100"',
    );
    expect(usageMessage(['--daemon-pool-size', '501'])).toBe(
      '--daemon-pool-size: expected an integer from 1 to 500, got "501"',
    );
  });

  it('reads lists from repeated flags and comma-separated text', () => {
    expect(
      serve(['--cors-origins', 'https://a.example', '--cors-origins', 'https://b.example, https://c.example'])
        .gateway.corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example', 'https://c.example']);
    expect(serve([], { DAEMON_EVENT_BRIDGE_CORS_ORIGINS: '*' }).gateway.corsOrigins).toEqual(['*']);
  });
});

describe("the CLI's own settings from the environment", () => {
  it('reads each of them from its variable; a flag wins; an empty variable counts as unset', () => {
    const env = {
      DAEMON_EVENT_BRIDGE_SOCKET: '/run/env.sock',
      DAEMON_EVENT_BRIDGE_HOST: '0.0.0.0',
      DAEMON_EVENT_BRIDGE_PORT: '9100',
      DAEMON_EVENT_BRIDGE_INSECURE: 'yes',
      DAEMON_EVENT_BRIDGE_LOG_LEVEL: 'warn',
    };
    expect(serve([], env)).toMatchObject({
      socket: '/run/env.sock',
      host: '0.0.0.0',
      port: 9100,
      logLevel: 'warn',
    });
    expect(serve(['--port', '9200', '--host', '127.0.0.1'], env)).toMatchObject({
      port: 9200,
      host: '127.0.0.1',
    });
    expect(serve([], { DAEMON_EVENT_BRIDGE_PORT: '' })).toMatchObject({ port: 8787 });
    expect(
      parseCli(['demo'], { DAEMON_EVENT_BRIDGE_RESTART_EVERY: '0', DAEMON_EVENT_BRIDGE_SEED: '7' }),
    ).toMatchObject({
      options: { restartEverySeconds: 0, seed: 7 },
    });
  });

  it('names the variable in messages, and --no-<flag> overrides a true variable', () => {
    expect(usageMessage([], { DAEMON_EVENT_BRIDGE_PORT: 'x' })).toBe(
      'DAEMON_EVENT_BRIDGE_PORT: expected an integer from 0 to 65535, got "x"',
    );
    expect(usageMessage([], { DAEMON_EVENT_BRIDGE_INSECURE: 'sometimes' })).toBe(
      'DAEMON_EVENT_BRIDGE_INSECURE: expected a boolean, got "sometimes"',
    );
    const env = { DAEMON_EVENT_BRIDGE_HOST: '0.0.0.0', DAEMON_EVENT_BRIDGE_INSECURE: 'true' };
    expect(serve([], env).host).toBe('0.0.0.0');
    expect(usageMessage(['--no-insecure'], env)).toMatch(
      /^refusing to listen on non-loopback host 0\.0\.0\.0/,
    );
    expect(usageMessage(['--insecure', '--no-insecure'])).toBe(
      '--insecure and --no-insecure contradict each other',
    );
  });

  it('lists every setting flag of each command in --help with its variable', () => {
    for (const command of ['serve', 'demo', 'relay'] as const) {
      const text = usage(command);
      for (const flag of settingFlags(command)) {
        expect(text).toMatch(new RegExp(`^  --${flag}\\b.*\\S\n.*env ${envName(flag)}\\b`, 'm'));
      }
      expect(text).toContain('--print-config');
    }
  });
});

describe('--print-config', () => {
  let build: string;
  beforeAll(() => {
    build = buildCli();
  });
  afterAll(() => removeCliBuild(build));

  it('prints the effective configuration as JSON, secrets redacted, and exits 0', async () => {
    const secret = 'print-config-secret-42';
    const result = await runCli(build, ['serve', '--print-config', '--max-clients', '12', '--port', '0'], {
      DAEMON_EVENT_BRIDGE_TOKEN: secret,
      DAEMON_EVENT_BRIDGE_HEARTBEAT_MS: '1500',
      DAEMON_EVENT_BRIDGE_MAX_CLIENTS: '99',
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).not.toContain(secret);
    const config = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(config).toMatchObject({
      port: 0,
      token: '[redacted]',
      socket: '/tmp/marianne.sock',
      gateway: { maxClients: 12, basePath: '' },
      bridge: { heartbeatMs: 1500, instanceId: null, reconnect: { initialDelayMs: 1000 } },
      daemon: { poolSize: 8 },
    });
    for (const flag of libraryFlags) expect(readPath(config, flag.path)).not.toBeUndefined();
    expect(Object.keys(config['bridge'] as object)).not.toContain('scheduler');
  });

  it('prints null for an unset token, and refuses a bad setting like a normal start', async () => {
    const ok = await runCli(build, ['demo', '--print-config']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ token: null, restartEverySeconds: 120, logLevel: 'warn' });
    const bad = await runCli(build, ['serve', '--print-config'], { DAEMON_EVENT_BRIDGE_REPLAY_SIZE: '-1' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'DAEMON_EVENT_BRIDGE_REPLAY_SIZE: expected an integer from 0 to 1000000, got "-1"',
    );
  });
});
