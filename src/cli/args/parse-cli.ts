import { parseArgs } from 'node:util';
import { errorMessage } from '../../errors.js';
import type { JsonObject } from '../../json.js';
import { COMMAND_SCHEMAS, commandFlags, type Command, type CommandOptions } from './command-schemas.js';
import { argvConfig, describeIssue, flagInputs, givenOptions } from './flag-inputs.js';
import { kebab } from './flags.js';
import { UsageError } from './usage-error.js';

/** A command to run, with its options. */
export type RunCommand = {
  [C in Command]: { readonly command: C; readonly options: CommandOptions[C] };
}[Command];

/**
 * A parsed command line. `print-config` carries the effective configuration
 * of a command, secrets redacted, ready to print as JSON.
 */
export type CliCommand =
  | { readonly command: 'help'; readonly topic: Command | undefined }
  | { readonly command: 'version' }
  | { readonly command: 'print-config'; readonly topic: Command; readonly config: JsonObject }
  | RunCommand;

/** Settings whose value `--print-config` hides: ours, and any library option named like a secret. */
const SECRET = /(^|-)(token|password|secret|creds|credentials|key)$/;

/**
 * Parses `argv` (without `node` and the script) into a command, each setting
 * from its flag, else its `DAEMON_EVENT_BRIDGE_<FLAG>` variable, checked by
 * the command's schema (library options by the library's, with its
 * messages). Throws {@link UsageError} with a one-line message.
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h')
    return { command: 'help', topic: undefined };
  if (first === 'help')
    return { command: 'help', topic: rest[0] === undefined ? undefined : command(rest[0]) };
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (first.startsWith('-'))
    throw new UsageError(`expected a command before ${first} (serve, demo or relay)`);
  const name = command(first);
  const values = readArgv(name, rest);
  if (values['help'] === true) return { command: 'help', topic: name };
  const options = parseOptions(name, values, env);
  if (values['print-config'] === true) {
    return { command: 'print-config', topic: name, config: printableConfig(options) };
  }
  return { command: name, options } as RunCommand;
}

function command(name: string): Command {
  if (Object.hasOwn(COMMAND_SCHEMAS, name)) return name as Command;
  throw new UsageError(`unknown command "${name}" (expected serve, demo or relay)`);
}

function parseOptions<C extends Command>(
  name: C,
  values: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): CommandOptions[C] {
  const flags = commandFlags(name);
  const inputs = flagInputs(flags, values, env);
  const result = COMMAND_SCHEMAS[name].safeParse(givenOptions(flags, inputs));
  if (!result.success) throw new UsageError(describeIssue(result.error.issues[0]!, flags, inputs));
  return result.data as CommandOptions[C];
}

/** The effective configuration as JSON: unset settings `null`, secrets `[redacted]`. */
function printableConfig(options: object): JsonObject {
  return JSON.parse(
    JSON.stringify(options, (key, value: unknown) =>
      SECRET.test(kebab(key)) && value !== undefined && value !== null && typeof value !== 'object'
        ? '[redacted]'
        : (value ?? null),
    ),
  ) as JsonObject;
}

function readArgv(name: Command, args: string[]): Record<string, unknown> {
  try {
    const options = argvConfig(commandFlags(name));
    return { ...parseArgs({ args, options, strict: true, allowPositionals: false }).values };
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
}

/** `node:util` errors are multi-line and mention internals; keep one plain line. */
function describeParseError(error: unknown): string {
  const message = errorMessage(error);
  const patterns: ReadonlyArray<readonly [RegExp, (name: string) => string]> = [
    [/Unknown option '([^']+)'/, (flag) => `unknown option ${flag}`],
    [/Option '(--[\w-]+)' argument is ambiguous/, (flag) => `${flag} needs a value`],
    [/Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/, (flag) => `${flag} needs a value`],
    [/Unexpected argument '([^']+)'/, (arg) => `unexpected argument "${arg}"`],
    [/Option '(--[\w-]+)' does not take an argument/, (flag) => `${flag} does not take a value`],
  ];
  for (const [pattern, describe] of patterns) {
    const match = pattern.exec(message);
    if (match) return describe(match[1]!);
  }
  return message.split('\n')[0]!;
}
