import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { DEFAULT_SOCKET_PATH } from '../../daemon/unix-socket-client.js';
import { DaemonEventBridgeError, errorMessage } from '../../errors.js';
import type { JsonObject } from '../../json.js';
import { prefixSchema, tokenSchema } from '../../tokens.js';
import { LOG_LEVELS, type LogLevel } from '../logger.js';
import {
  booleanText,
  deriveFlags,
  envName,
  parseGroup,
  readPath,
  setPath,
  type FlagInput,
  type OptionFlag,
} from './flags.js';
import {
  GROUP_TITLES,
  SERVE_OPTION_FLAGS,
  SERVE_OPTION_GROUPS,
  type ServeLibraryOptions,
} from './command-schemas.js';

/**
 * A bad command line: an unknown command or flag, a missing or malformed
 * value, or a combination the CLI refuses (a public `--host` without
 * `--token` or `--insecure`). The message is one line; the CLI prints it and
 * exits with code 2.
 *
 * @example
 * ```ts
 * import { parseCli } from './parse-cli.js';
 *
 * parseCli(['serve', '--port', 'x']); // throws UsageError: --port: expected an integer from 0 to 65535, got "x"
 * ```
 */
export class UsageError extends DaemonEventBridgeError {
  override readonly name = 'UsageError';
  readonly code = 'ERR_USAGE';
}

/** The default port of `serve` and `demo`. */
export const DEFAULT_PORT = 8787;
/** How often the demo restarts its daemon by default, in seconds. */
export const DEFAULT_RESTART_EVERY_S = 120;
/** The environment variable `serve` and `demo` read the token from when `--token` is absent. */
export const TOKEN_ENV = envName('token');

const portSchema = z
  .string()
  .regex(/^\d{1,5}$/, { error: 'expected an integer from 0 to 65535' })
  .transform(Number)
  .refine((port) => port <= 65_535, { error: 'expected an integer from 0 to 65535' });

const hostSchema = z
  .string()
  .regex(/^[A-Za-z0-9.:_-]{1,253}$/, { error: 'expected a host name or an IP address' });

const bearerTokenSchema = z
  .string()
  .min(1, { error: 'expected a non-empty secret' })
  .max(4096, { error: 'expected at most 4096 characters' })
  .regex(/^[\x21-\x7e]+$/, { error: 'expected printable ASCII without spaces' });

const logLevelSchema = z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` });

const listenFlags = {
  host: hostSchema.default('127.0.0.1'),
  port: portSchema.default(DEFAULT_PORT),
  token: bearerTokenSchema.optional(),
  insecure: z.boolean().default(false),
};

const socketSchema = z
  .string()
  .min(1, { error: 'expected a socket path' })
  .max(1024, { error: 'expected at most 1024 characters' })
  .default(DEFAULT_SOCKET_PATH);

const natsUrlSchema = z.string().regex(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, {
  error: 'expected nats://host:port (several separated by commas)',
});

/** `--prefix` and `--stream`: where events live in NATS (defaults of the nats entry, stated there once). */
const natsLogFlags = {
  prefix: prefixSchema.optional(),
  stream: tokenSchema.optional(),
};

const countFlag = (min: number) =>
  z
    .string()
    .regex(/^-?\d{1,15}$/, { error: `expected an integer from ${min}` })
    .transform(Number)
    .refine((n) => n >= min, { error: `expected an integer from ${min}` })
    .optional();

/** The zod schema of `serve`'s flags (after `node:util` parsing); defaults are applied here. */
const serveFlagsSchema = z.strictObject({
  ...listenFlags,
  'log-level': logLevelSchema.default('info'),
  socket: socketSchema,
  nats: natsUrlSchema.optional(),
  ...natsLogFlags,
});

/** The zod schema of `relay`'s flags (after `node:util` parsing). */
const relayFlagsSchema = z.strictObject({
  'log-level': logLevelSchema.default('info'),
  socket: socketSchema,
  nats: natsUrlSchema,
  conductor: tokenSchema,
  ...natsLogFlags,
  'buffer-events': countFlag(1),
  'buffer-bytes': countFlag(1024),
  'max-msgs': countFlag(-1),
  'max-age': countFlag(0),
  'max-bytes': countFlag(-1),
  replicas: countFlag(1),
});

/** The zod schema of `demo`'s flags (after `node:util` parsing); defaults are applied here. */
const demoFlagsSchema = z.strictObject({
  ...listenFlags,
  // The demo's terminal stays quiet unless something goes wrong; --log-level info shows it all.
  'log-level': logLevelSchema.default('warn'),
  'restart-every': z
    .string()
    .regex(/^\d+(\.\d+)?$/, { error: 'expected a number of seconds (0 = never)' })
    .transform(Number)
    .refine((s) => s === 0 || (s >= 0.5 && s <= 86_400), {
      error: 'expected 0 (never) or 0.5 to 86400 seconds',
    })
    .default(DEFAULT_RESTART_EVERY_S),
  seed: z
    .string()
    .regex(/^\d{1,9}$/, { error: 'expected an integer from 0 to 999999999' })
    .transform(Number)
    .optional(),
});

/** Where and how the HTTP server listens; shared by `serve` and `demo`. */
interface ListenOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** When set, every API route (`/api/...`, `/healthz`) requires `Authorization: Bearer <token>` or `?token=<token>`. */
  readonly token: string | undefined;
  readonly logLevel: LogLevel;
}

/** The options of the `serve` command: the CLI's own, and the library options of {@link SERVE_OPTION_GROUPS}. */
export interface ServeOptions extends ListenOptions, ServeLibraryOptions {
  /** The daemon's Unix socket. */
  readonly socket: string;
  /** With NATS: events come from the JetStream stream instead of the socket. */
  readonly nats?: NatsLogOptions | undefined;
}

/** Where events live in NATS; undefined fields take the nats entry's defaults. */
export interface NatsLogOptions {
  /** Comma-separated `nats://` URLs. */
  readonly servers: string;
  readonly prefix: string | undefined;
  readonly stream: string | undefined;
}

/** The options of the `relay` command. */
export interface RelayOptions {
  readonly socket: string;
  readonly nats: NatsLogOptions;
  readonly conductor: string;
  readonly logLevel: LogLevel;
  /** Relay buffer and stream-creation limits; undefined = the relay's defaults. */
  readonly limits: {
    readonly bufferMaxEvents: number | undefined;
    readonly bufferMaxBytes: number | undefined;
    readonly maxMsgs: number | undefined;
    readonly maxAgeMs: number | undefined;
    readonly maxBytes: number | undefined;
    readonly replicas: number | undefined;
  };
}

/** The options of the `demo` command. */
export interface DemoOptions extends ListenOptions {
  /** Seconds between simulated daemon restarts; 0 = never. */
  readonly restartEverySeconds: number;
  /** The simulator's random seed; random when absent. */
  readonly seed: number | undefined;
}

/**
 * A parsed command line. `print-config` carries the effective configuration
 * of a command, secrets redacted, ready to print as JSON.
 *
 * @example
 * ```ts
 * import type { CliCommand } from './parse-cli.js';
 *
 * const command: CliCommand = { command: 'help', topic: 'serve' };
 * ```
 */
export type CliCommand =
  | { readonly command: 'help'; readonly topic: Command | undefined }
  | { readonly command: 'version' }
  | { readonly command: 'print-config'; readonly topic: Command; readonly config: JsonObject }
  | { readonly command: 'serve'; readonly options: ServeOptions }
  | { readonly command: 'relay'; readonly options: RelayOptions }
  | { readonly command: 'demo'; readonly options: DemoOptions };

type FlagConfig = NonNullable<ParseArgsConfig['options']>;

/** The CLI's commands. */
type Command = 'serve' | 'demo' | 'relay';
const COMMANDS: readonly Command[] = ['serve', 'demo', 'relay'];

const commonFlags = {
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  insecure: { type: 'boolean' },
  'no-insecure': { type: 'boolean' },
  'log-level': { type: 'string' },
  'print-config': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagConfig;

/** Flags that are actions, not settings: no variable, not in `--print-config`. */
const ACTION_FLAGS = new Set(['help', 'print-config']);

/** Settings whose value `--print-config` hides: ours, and any library option named like a secret. */
const SECRET = /(^|-)(token|password|secret|creds|credentials|key)$/;

const commandFlags = {
  serve: {
    ...commonFlags,
    socket: { type: 'string' },
    nats: { type: 'string' },
    prefix: { type: 'string' },
    stream: { type: 'string' },
    ...libraryFlagConfig(SERVE_OPTION_FLAGS),
  },
  relay: {
    'log-level': { type: 'string' },
    'print-config': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    socket: { type: 'string' },
    nats: { type: 'string' },
    conductor: { type: 'string' },
    prefix: { type: 'string' },
    stream: { type: 'string' },
    'buffer-events': { type: 'string' },
    'buffer-bytes': { type: 'string' },
    'max-msgs': { type: 'string' },
    'max-age': { type: 'string' },
    'max-bytes': { type: 'string' },
    replicas: { type: 'string' },
  },
  demo: { ...commonFlags, 'restart-every': { type: 'string' }, seed: { type: 'string' } },
} as const satisfies Record<string, FlagConfig>;

/**
 * Parses `argv` (without `node` and the script) into a command, validating
 * every flag with zod. Each setting may also come from `env`, as
 * `DAEMON_EVENT_BRIDGE_<FLAG>` ({@link envName}; `--token` ↔ {@link TOKEN_ENV});
 * a flag wins over its variable, and an empty variable counts as unset.
 * Library options are checked by the library's own schemas (same messages).
 * Throws {@link UsageError} with a one-line message.
 *
 * @example
 * ```ts
 * import { parseCli } from './parse-cli.js';
 *
 * parseCli(['serve', '--port', '9000'], { DAEMON_EVENT_BRIDGE_MAX_CLIENTS: '50' });
 * // { command: 'serve', options: { socket: '/tmp/marianne.sock', port: 9000, gateway: { maxClients: 50, ... }, ... } }
 * ```
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) {
      throw new UsageError(`unknown command "${topic}" (expected serve, demo or relay)`);
    }
    return { command: 'help', topic };
  }
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (!isCommand(first)) {
    throw new UsageError(
      first.startsWith('-')
        ? `expected a command before ${first} (serve, demo or relay)`
        : `unknown command "${first}" (expected serve, demo or relay)`,
    );
  }
  const values = parseFlags(first, rest);
  if (values['help'] === true) return { command: 'help', topic: first };
  const inputs = flagInputs(first, values, env);
  const command =
    first === 'serve' ? serveCommand(inputs) : first === 'demo' ? demoCommand(inputs) : relayCommand(inputs);
  if (values['print-config'] === true) {
    const unset = first === 'serve' ? SERVE_OPTION_FLAGS.map((flag) => [flag.group, ...flag.path]) : [];
    return { command: 'print-config', topic: first, config: printableConfig(command.options, unset) };
  }
  return command;
}

function serveCommand(inputs: ReadonlyMap<string, FlagInput>): CliCommand & { command: 'serve' } {
  const flags = validate(serveFlagsSchema, inputs);
  const library: Record<string, unknown> = {};
  for (const group of SERVE_OPTION_GROUPS) {
    const result = parseGroup(group, deriveFlags(group).flags, inputs);
    if ('error' in result) throw new UsageError(result.error);
    library[group.key] = result.options;
  }
  return {
    command: 'serve',
    options: {
      ...listenOptions(flags),
      socket: flags.socket,
      nats:
        flags.nats === undefined
          ? undefined
          : { servers: flags.nats, prefix: flags.prefix, stream: flags.stream },
      ...(library as unknown as ServeLibraryOptions),
    },
  };
}

function isCommand(name: string): name is Command {
  return (COMMANDS as readonly string[]).includes(name);
}

function relayCommand(inputs: ReadonlyMap<string, FlagInput>): CliCommand & { command: 'relay' } {
  const flags = validate(relayFlagsSchema, inputs);
  const maxAge = flags['max-age'];
  return {
    command: 'relay',
    options: {
      socket: flags.socket,
      nats: { servers: flags.nats, prefix: flags.prefix, stream: flags.stream },
      conductor: flags.conductor,
      logLevel: flags['log-level'],
      limits: {
        bufferMaxEvents: flags['buffer-events'],
        bufferMaxBytes: flags['buffer-bytes'],
        maxMsgs: flags['max-msgs'],
        maxAgeMs: maxAge === undefined ? undefined : maxAge * 1000,
        maxBytes: flags['max-bytes'],
        replicas: flags.replicas,
      },
    },
  };
}

function demoCommand(inputs: ReadonlyMap<string, FlagInput>): CliCommand & { command: 'demo' } {
  const flags = validate(demoFlagsSchema, inputs);
  return {
    command: 'demo',
    options: { ...listenOptions(flags), restartEverySeconds: flags['restart-every'], seed: flags.seed },
  };
}

/**
 * The environment variable of a flag: `DAEMON_EVENT_BRIDGE_` and the flag in
 * upper snake case (`--max-clients` ↔ `DAEMON_EVENT_BRIDGE_MAX_CLIENTS`).
 *
 * @example
 * ```ts
 * envName('token'); // 'DAEMON_EVENT_BRIDGE_TOKEN'
 * ```
 */
export { envName };

/**
 * The flags of a command that are settings (not `--help` or
 * `--print-config`), each also read from {@link envName}.
 *
 * @example
 * ```ts
 * import { settingFlags } from './parse-cli.js';
 *
 * settingFlags('serve'); // ['host', 'port', 'token', 'insecure', 'log-level', 'socket', 'daemon-timeout-ms', ...]
 * ```
 */
export function settingFlags(command: Command): string[] {
  return Object.keys(commandFlags[command]).filter(
    (flag) => !ACTION_FLAGS.has(flag) && !flag.startsWith('no-'),
  );
}

/** The flags given on the command line, completed from the environment. */
function flagInputs(
  command: Command,
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Map<string, FlagInput> {
  const config: FlagConfig = commandFlags[command];
  const inputs = new Map<string, FlagInput>();
  for (const flag of settingFlags(command)) {
    const given = values[flag];
    const negated = values[`no-${flag}`];
    if (given !== undefined && negated !== undefined) {
      throw new UsageError(`--${flag} and --no-${flag} contradict each other`);
    }
    if (given !== undefined || negated !== undefined) {
      inputs.set(flag, { text: (given ?? false) as FlagInput['text'], source: `--${flag}` });
      continue;
    }
    const name = envName(flag);
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (config[flag]?.type === 'boolean') {
      const value = booleanText(text);
      if (value === undefined)
        throw new UsageError(`${name}: expected a boolean, got ${JSON.stringify(text)}`);
      inputs.set(flag, { text: value, source: name });
    } else {
      inputs.set(flag, { text, source: name });
    }
  }
  return inputs;
}

/**
 * The effective configuration as JSON: every setting (`null` when unset, so
 * `paths` that are absent show too), secrets replaced by `[redacted]`.
 */
function printableConfig(
  options: ServeOptions | DemoOptions | RelayOptions,
  paths: readonly string[][],
): JsonObject {
  const redact = (key: string, value: unknown): unknown =>
    SECRET.test(kebabKey(key)) && value !== undefined && value !== null && typeof value !== 'object'
      ? '[redacted]'
      : value;
  const copy = JSON.parse(JSON.stringify(options, (key, value: unknown) => value ?? null)) as JsonObject;
  for (const path of paths) {
    if (readPath(copy, path) === undefined) setPath(copy, path, null);
  }
  return JSON.parse(JSON.stringify(copy, redact)) as JsonObject;
}

function kebabKey(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function libraryFlagConfig(flags: readonly OptionFlag[]): FlagConfig {
  const config: FlagConfig = {};
  for (const { flag, kind } of flags) {
    if (kind === 'boolean') {
      config[flag] = { type: 'boolean' };
      config[`no-${flag}`] = { type: 'boolean' };
    } else {
      config[flag] = kind === 'list' ? { type: 'string', multiple: true } : { type: 'string' };
    }
  }
  return config;
}

/**
 * True for host names that only accept connections from this machine:
 * `localhost`, `127.0.0.0/8`, `::1` (and its IPv4-mapped form).
 *
 * @example
 * ```ts
 * import { isLoopbackHost } from './parse-cli.js';
 *
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0');   // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function parseFlags(command: Command, args: string[]): Record<string, unknown> {
  try {
    const { values } = parseArgs({
      args,
      options: commandFlags[command],
      strict: true,
      allowPositionals: false,
    });
    return { ...values };
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
}

/** `node:util` errors are multi-line and mention internals; keep one plain line. */
function describeParseError(error: unknown): string {
  const message = errorMessage(error);
  const unknownFlag = /Unknown option '([^']+)'/.exec(message);
  if (unknownFlag) return `unknown option ${unknownFlag[1]}`;
  const ambiguous = /Option '(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value`;
  const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument "${positional[1]}"`;
  const booleanValue = /Option '(--[\w-]+)' does not take an argument/.exec(message);
  if (booleanValue) return `${booleanValue[1]} does not take a value`;
  return message.split('\n')[0]!;
}

function validate<S extends z.ZodObject>(schema: S, inputs: ReadonlyMap<string, FlagInput>): z.output<S> {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const input = inputs.get(key);
    if (input !== undefined) values[key] = input.text;
  }
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const input = inputs.get(String(issue.path[0]));
  const source = input?.source ?? `--${issue.path.join('.')}`;
  const got = input?.text;
  throw new UsageError(`${source}: ${issue.message}${typeof got === 'string' ? `, got "${got}"` : ''}`);
}

function listenOptions(flags: z.output<typeof serveFlagsSchema> | z.output<typeof demoFlagsSchema>) {
  if (!isLoopbackHost(flags.host) && flags.token === undefined && !flags.insecure) {
    throw new UsageError(
      `refusing to listen on non-loopback host ${flags.host} without --token <secret> (or --insecure to allow anyone on the network)`,
    );
  }
  return { host: flags.host, port: flags.port, token: flags.token, logLevel: flags['log-level'] };
}

/** One row of `--help`: a flag, its value's name, what it does, its default. */
interface HelpRow {
  readonly flag: string;
  readonly arg?: string;
  readonly text: string;
  /** Shown as `default <text>`; absent for actions and options without a default. */
  readonly defaultText?: string;
}

const listenRows = (logLevelDefault: string): HelpRow[] => [
  {
    flag: 'host',
    arg: 'host',
    text: 'interface to listen on (a non-loopback host needs --token or --insecure)',
    defaultText: '127.0.0.1',
  },
  { flag: 'port', arg: 'port', text: 'TCP port, 0 for any free port', defaultText: String(DEFAULT_PORT) },
  {
    flag: 'token',
    arg: 'secret',
    text: 'require "Authorization: Bearer <secret>" or ?token=<secret> on /api and /healthz',
  },
  {
    flag: 'insecure',
    text: 'allow a non-loopback --host without a token (--no-insecure to undo)',
    defaultText: 'off',
  },
  {
    flag: 'log-level',
    arg: 'level',
    text: `${LOG_LEVELS.join(' | ')}; logs are JSON lines on stderr`,
    defaultText: logLevelDefault,
  },
];

const actionRows: HelpRow[] = [
  { flag: 'print-config', text: 'print the effective configuration as JSON (secrets redacted) and exit' },
  { flag: 'help', text: 'show this help' },
];

/**
 * The `--help` rows of derived library flags: the description, the default,
 * and `--no-<flag>` for booleans.
 */
function libraryRows(flags: readonly OptionFlag[]): HelpRow[] {
  return flags.map((flag) => ({
    flag: flag.flag,
    ...(flag.kind === 'boolean' ? {} : { arg: argName(flag) }),
    text: `${flag.description ?? ''}${flag.kind === 'boolean' ? ` (--no-${flag.flag} to turn off)` : ''}`,
    ...(flag.defaultValue === undefined ? {} : { defaultText: defaultText(flag.defaultValue) }),
  }));
}

function argName(flag: OptionFlag): string {
  if (flag.kind === 'choice') return (flag.choices ?? []).join('|');
  if (flag.kind === 'list') return 'a,b,...';
  const last = flag.path.at(-1) ?? '';
  if (flag.kind === 'number') return last.endsWith('Ms') ? 'ms' : last.endsWith('Bytes') ? 'bytes' : 'n';
  return 'text';
}

function defaultText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (value === '') return '""';
  return String(value);
}

/** `-h, --help`, `--port <port>`: the left column of a row. */
function rowHead(row: HelpRow): string {
  return `${row.flag === 'help' ? '-h, ' : ''}--${row.flag}${row.arg ? ` <${row.arg}>` : ''}`;
}

/** Two lines per option: `--flag <arg>  what it does`, then its default and variable. */
function formatRows(rows: readonly HelpRow[], width: number): string[] {
  return rows.flatMap((row) => {
    const notes = [
      row.defaultText === undefined ? undefined : `default ${row.defaultText}`,
      ACTION_FLAGS.has(row.flag) ? undefined : `env ${envName(row.flag)}`,
    ].filter((note) => note !== undefined);
    const first = `  ${rowHead(row).padEnd(width)}  ${row.text}`;
    return notes.length === 0 ? [first] : [first, `  ${' '.repeat(width)}  ${notes.join(', ')}`];
  });
}

/** Sections of rows under titles, in one column width. */
function formatSections(sections: ReadonlyArray<readonly [string, readonly HelpRow[]]>): string[] {
  const width = Math.max(...sections.flatMap(([, rows]) => rows.map((row) => rowHead(row).length)));
  return sections.flatMap(([title, rows], i) => [...(i > 0 ? [''] : []), title, ...formatRows(rows, width)]);
}

/**
 * The text of `--help`, per topic: every flag with its variable and default.
 *
 * @example
 * ```ts
 * process.stdout.write(`${usage('serve')}\n`);
 * ```
 */
export function usage(topic: Command | undefined): string {
  if (topic === 'serve') return serveUsage().join('\n');
  if (topic === 'demo') return demoUsage().join('\n');
  if (topic === 'relay') return relayUsage().join('\n');
  return [
    'Usage: daemon-event-bridge <command> [options]',
    '',
    "Bridges a job conductor's Unix-socket event bus to browsers over Server-Sent Events.",
    '',
    'Commands:',
    `  serve   gateway for a running daemon (default socket ${DEFAULT_SOCKET_PATH})`,
    '  demo    simulated conductor + gateway + live dashboard, for a first look',
    "  relay   publish a conductor's events into NATS JetStream, for gateways run with serve --nats",
    '',
    "Run 'daemon-event-bridge <command> --help' for a command's options.",
    'Routes: /  /api/events/stream  /api/jobs/:jobId/events  /api/jobs/:jobId/observer  /healthz  /readyz  /metrics',
  ].join('\n');
}

const ENV_NOTE = [
  `Every setting can also come from its ${envName('<FLAG>')} variable (booleans: true/false,`,
  '1/0, yes/no, on/off; lists: comma-separated); a flag wins over its variable.',
];

function serveUsage(): string[] {
  const own: HelpRow[] = [
    { flag: 'socket', arg: 'path', text: "the daemon's Unix socket", defaultText: DEFAULT_SOCKET_PATH },
    {
      flag: 'nats',
      arg: 'urls',
      text: 'read events from NATS JetStream instead of the socket (nats://host:port, comma-separated); ids are stream sequences',
    },
    ...natsLogRows,
    ...listenRows('info'),
    ...actionRows,
  ];
  return [
    'Usage: daemon-event-bridge serve [options]',
    '',
    "Serves a running conductor's events over Server-Sent Events, with a live dashboard at /.",
    'Starts even when the daemon is down, and connects when it appears.',
    ...ENV_NOTE,
    '',
    ...formatSections([
      ['Options:', own],
      ...SERVE_OPTION_GROUPS.map(
        (group) =>
          [
            `${GROUP_TITLES[group.key] ?? group.key} options:`,
            libraryRows(deriveFlags(group).flags),
          ] as const,
      ),
    ]),
  ];
}

const natsLogRows: HelpRow[] = [
  { flag: 'prefix', arg: 'p', text: 'NATS subject prefix', defaultText: 'deb' },
  { flag: 'stream', arg: 'name', text: 'JetStream stream', defaultText: 'DEB_EVENTS' },
];

function relayUsage(): string[] {
  const own: HelpRow[] = [
    { flag: 'socket', arg: 'path', text: "the daemon's Unix socket", defaultText: DEFAULT_SOCKET_PATH },
    { flag: 'nats', arg: 'urls', text: 'NATS servers, nats://host:port, comma-separated (required)' },
    { flag: 'conductor', arg: 'name', text: "this conductor's name: letters, digits, _ and - (required)" },
    ...natsLogRows,
    { flag: 'buffer-events', arg: 'n', text: 'events kept while NATS is away', defaultText: '100000' },
    { flag: 'buffer-bytes', arg: 'n', text: 'bytes kept while NATS is away', defaultText: '67108864' },
    { flag: 'max-msgs', arg: 'n', text: 'new stream: most messages, -1 = unlimited', defaultText: '-1' },
    {
      flag: 'max-age',
      arg: 's',
      text: 'new stream: oldest age in seconds, 0 = unlimited',
      defaultText: '86400',
    },
    {
      flag: 'max-bytes',
      arg: 'n',
      text: 'new stream: most bytes, -1 = unlimited',
      defaultText: '1073741824',
    },
    { flag: 'replicas', arg: 'n', text: 'new stream: replicas in a cluster', defaultText: '1' },
    {
      flag: 'log-level',
      arg: 'level',
      text: `${LOG_LEVELS.join(' | ')}; logs are JSON lines on stderr`,
      defaultText: 'info',
    },
    ...actionRows,
  ];
  return [
    'Usage: daemon-event-bridge relay --nats <urls> --conductor <name> [options]',
    '',
    "Relays a conductor's events into NATS JetStream (creating the stream if missing) and",
    'answers observer history requests for it; gateways run serve --nats.',
    ...ENV_NOTE,
    '',
    ...formatSections([['Options:', own]]),
  ];
}

function demoUsage(): string[] {
  const own: HelpRow[] = [
    {
      flag: 'restart-every',
      arg: 's',
      text: 'restart the simulated daemon every <s> seconds, 0 = never',
      defaultText: String(DEFAULT_RESTART_EVERY_S),
    },
    { flag: 'seed', arg: 'n', text: 'make the simulated workload repeatable', defaultText: 'random' },
    ...listenRows('warn'),
    ...actionRows,
  ];
  return [
    'Usage: daemon-event-bridge demo [options]',
    '',
    'Runs a simulated conductor on a private Unix socket, the SSE gateway and the live',
    'dashboard, and prints the URL to open.',
    ...ENV_NOTE,
    '',
    ...formatSections([['Options:', own]]),
  ];
}
