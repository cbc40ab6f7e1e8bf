import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { DEFAULT_SOCKET_PATH } from '../daemon/unix-socket-client.js';
import { DaemonEventBridgeError, errorMessage } from '../errors.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

/**
 * A bad command line: an unknown command or flag, a missing or malformed
 * value, or a combination the CLI refuses (a public `--host` without
 * `--token` or `--insecure`). The message is one line; the CLI prints it and
 * exits with code 2.
 *
 * @example
 * ```ts
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
export const TOKEN_ENV = 'DAEMON_EVENT_BRIDGE_TOKEN';

const portSchema = z
  .string()
  .regex(/^\d{1,5}$/, { error: 'expected an integer from 0 to 65535' })
  .transform(Number)
  .refine((port) => port <= 65_535, { error: 'expected an integer from 0 to 65535' });

const hostSchema = z
  .string()
  .regex(/^[A-Za-z0-9.:_-]{1,253}$/, { error: 'expected a host name or an IP address' });

const tokenSchema = z
  .string()
  .min(1, { error: 'expected a non-empty secret' })
  .max(4096, { error: 'expected at most 4096 characters' })
  .regex(/^[\x21-\x7e]+$/, { error: 'expected printable ASCII without spaces' });

const logLevelSchema = z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` });

const listenFlags = {
  host: hostSchema.default('127.0.0.1'),
  port: portSchema.default(DEFAULT_PORT),
  token: tokenSchema.optional(),
  insecure: z.boolean().default(false),
};

/** The zod schema of `serve`'s flags (after `node:util` parsing); defaults are applied here. */
const serveFlagsSchema = z.strictObject({
  ...listenFlags,
  'log-level': logLevelSchema.default('info'),
  socket: z
    .string()
    .min(1, { error: 'expected a socket path' })
    .max(1024, { error: 'expected at most 1024 characters' })
    .default(DEFAULT_SOCKET_PATH),
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

/** The options of the `serve` command. */
export interface ServeOptions extends ListenOptions {
  /** The daemon's Unix socket. */
  readonly socket: string;
}

/** The options of the `demo` command. */
export interface DemoOptions extends ListenOptions {
  /** Seconds between simulated daemon restarts; 0 = never. */
  readonly restartEverySeconds: number;
  /** The simulator's random seed; random when absent. */
  readonly seed: number | undefined;
}

/**
 * A parsed command line.
 *
 * @example
 * ```ts
 * const command: CliCommand = { command: 'help', topic: 'serve' };
 * ```
 */
export type CliCommand =
  | { readonly command: 'help'; readonly topic: 'serve' | 'demo' | undefined }
  | { readonly command: 'version' }
  | { readonly command: 'serve'; readonly options: ServeOptions }
  | { readonly command: 'demo'; readonly options: DemoOptions };

const commonFlags = {
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  insecure: { type: 'boolean' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const commandFlags = {
  serve: { ...commonFlags, socket: { type: 'string' } },
  demo: { ...commonFlags, 'restart-every': { type: 'string' }, seed: { type: 'string' } },
} as const satisfies Record<string, NonNullable<ParseArgsConfig['options']>>;

/**
 * Parses `argv` (without `node` and the script) into a command, validating
 * every flag with zod. `env` supplies the token when `--token` is absent
 * ({@link TOKEN_ENV}). Throws {@link UsageError} with a one-line message.
 *
 * @example
 * ```ts
 * parseCli(['serve', '--port', '9000']);
 * // { command: 'serve', options: { socket: '/tmp/marianne.sock', host: '127.0.0.1', port: 9000, ... } }
 * ```
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && topic !== 'serve' && topic !== 'demo') {
      throw new UsageError(`unknown command "${topic}" (expected serve or demo)`);
    }
    return { command: 'help', topic };
  }
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (first !== 'serve' && first !== 'demo') {
    throw new UsageError(
      first.startsWith('-')
        ? `expected a command before ${first} (serve or demo)`
        : `unknown command "${first}" (expected serve or demo)`,
    );
  }
  const values = parseFlags(first, rest);
  if (values['help'] === true) return { command: 'help', topic: first };
  delete values['help'];
  if (values['token'] === undefined && env[TOKEN_ENV] !== undefined && env[TOKEN_ENV] !== '') {
    values['token'] = env[TOKEN_ENV];
  }
  if (first === 'serve') {
    const flags = validate(serveFlagsSchema, values);
    return {
      command: 'serve',
      options: { ...listenOptions(flags), socket: flags.socket },
    };
  }
  const flags = validate(demoFlagsSchema, values);
  return {
    command: 'demo',
    options: { ...listenOptions(flags), restartEverySeconds: flags['restart-every'], seed: flags.seed },
  };
}

/**
 * True for host names that only accept connections from this machine:
 * `localhost`, `127.0.0.0/8`, `::1` (and its IPv4-mapped form).
 *
 * @example
 * ```ts
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

function parseFlags(command: 'serve' | 'demo', args: string[]): Record<string, unknown> {
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

function validate<S extends z.ZodType>(schema: S, values: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const flag = `--${issue.path.join('.')}`;
  const got = values[String(issue.path[0])];
  throw new UsageError(`${flag}: ${issue.message}${typeof got === 'string' ? `, got "${got}"` : ''}`);
}

function listenOptions(flags: z.output<typeof serveFlagsSchema> | z.output<typeof demoFlagsSchema>) {
  if (!isLoopbackHost(flags.host) && flags.token === undefined && !flags.insecure) {
    throw new UsageError(
      `refusing to listen on non-loopback host ${flags.host} without --token <secret> (or --insecure to allow anyone on the network)`,
    );
  }
  return { host: flags.host, port: flags.port, token: flags.token, logLevel: flags['log-level'] };
}

/** The text of `--help`, per topic. */
export function usage(topic: 'serve' | 'demo' | undefined): string {
  const common = [
    '  --host <host>        interface to listen on (default 127.0.0.1; a non-loopback host',
    '                       needs --token or --insecure)',
    `  --port <port>        TCP port, 0 for any free port (default ${DEFAULT_PORT})`,
    '  --token <secret>     require "Authorization: Bearer <secret>" or ?token=<secret>',
    `                       on /api and /healthz (or set ${TOKEN_ENV})`,
    '  --insecure           allow a non-loopback --host without a token',
    `  --log-level <level>  ${LOG_LEVELS.join(' | ')} (default: serve info, demo warn);`,
    '                       logs are JSON lines on stderr',
    '  -h, --help           show this help',
  ];
  const serve = [
    'Usage: daemon-event-bridge serve [options]',
    '',
    "Serves a running conductor's events over Server-Sent Events, with a live dashboard at /.",
    'Starts even when the daemon is down, and connects when it appears.',
    '',
    'Options:',
    `  --socket <path>      the daemon's Unix socket (default ${DEFAULT_SOCKET_PATH})`,
    ...common,
  ];
  const demo = [
    'Usage: daemon-event-bridge demo [options]',
    '',
    'Runs a simulated conductor on a private Unix socket, the SSE gateway and the live',
    'dashboard, and prints the URL to open.',
    '',
    'Options:',
    `  --restart-every <s>  restart the simulated daemon every <s> seconds, 0 = never`,
    `                       (default ${DEFAULT_RESTART_EVERY_S})`,
    '  --seed <n>           make the simulated workload repeatable',
    ...common,
  ];
  if (topic === 'serve') return serve.join('\n');
  if (topic === 'demo') return demo.join('\n');
  return [
    'Usage: daemon-event-bridge <command> [options]',
    '',
    "Bridges a job conductor's Unix-socket event bus to browsers over Server-Sent Events.",
    '',
    'Commands:',
    `  serve   gateway for a running daemon (default socket ${DEFAULT_SOCKET_PATH})`,
    '  demo    simulated conductor + gateway + live dashboard, for a first look',
    '',
    "Run 'daemon-event-bridge <command> --help' for a command's options.",
    'Routes: /  /api/events/stream  /api/jobs/:jobId/events  /api/jobs/:jobId/observer  /healthz',
  ].join('\n');
}
