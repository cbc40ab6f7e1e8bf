import type { ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import type { Flag } from './flags.js';
import { UsageError } from './usage-error.js';

/** What the user gave for one flag, and where (`--flag` or the variable's name), for messages. */
export interface FlagInput {
  readonly text: string | boolean | readonly string[];
  readonly source: string;
}

type ArgvConfig = NonNullable<ParseArgsConfig['options']>;

/** Flags that are actions, not settings: no variable, not in `--print-config`. */
const ACTION_FLAGS = {
  'print-config': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ArgvConfig;

/** The `node:util` `parseArgs` options of a command's flags: booleans with `--no-<flag>`, lists repeatable. */
export function argvConfig(flags: readonly Flag[]): ArgvConfig {
  const config: ArgvConfig = { ...ACTION_FLAGS };
  for (const { flag, kind } of flags) {
    if (kind === 'boolean') {
      config[flag] = { type: 'boolean' };
      config[`no-${flag}`] = { type: 'boolean' };
    } else {
      config[flag] = { type: 'string', multiple: kind === 'list' };
    }
  }
  return config;
}

/**
 * The flags given on the command line, completed from the environment: a
 * flag wins over its variable, and an empty variable counts as unset.
 * Throws {@link UsageError} for contradicting flags or a variable that is not a boolean.
 */
export function flagInputs(
  flags: readonly Flag[],
  values: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): Map<string, FlagInput> {
  const inputs = new Map<string, FlagInput>();
  for (const { flag, env: name, kind } of flags) {
    const given = values[flag] ?? values[`no-${flag}`];
    if (values[flag] !== undefined && values[`no-${flag}`] !== undefined) {
      throw new UsageError(`--${flag} and --no-${flag} contradict each other`);
    }
    if (given !== undefined) {
      inputs.set(flag, {
        text: values[flag] === undefined ? false : (given as FlagInput['text']),
        source: `--${flag}`,
      });
      continue;
    }
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value = kind === 'boolean' ? booleanText(text) : text;
    if (value === undefined) throw new UsageError(`${name}: expected a boolean, got ${JSON.stringify(text)}`);
    inputs.set(flag, { text: value, source: name });
  }
  return inputs;
}

/**
 * The options object the command's schema checks: every flag's path set, to
 * its value or to `undefined` (so unset options show in `--print-config`).
 */
export function givenOptions(
  flags: readonly Flag[],
  inputs: ReadonlyMap<string, FlagInput>,
): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const flag of flags) {
    const input = inputs.get(flag.flag);
    setPath(given, flag.path, input === undefined ? undefined : flagValue(flag, input.text));
  }
  return given;
}

/** The first problem as one line naming the flag or variable and what it got. */
export function describeIssue(
  issue: z.core.$ZodIssue,
  flags: readonly Flag[],
  inputs: ReadonlyMap<string, FlagInput>,
): string {
  const path = issue.path.map(String).join('.');
  if (path === '') return issue.message;
  const flag =
    flags.find((f) => `${path}.`.startsWith(`${f.path.join('.')}.`)) ??
    flags.find((f) => f.path.join('.').startsWith(`${path}.`));
  if (flag === undefined) return `${path}: ${issue.message}`;
  const input = inputs.get(flag.flag);
  if (input === undefined) {
    return issue.code === 'invalid_type'
      ? `--${flag.flag} is required (or ${flag.env})`
      : `--${flag.flag}: ${issue.message}`;
  }
  const got = typeof input.text === 'string' ? input.text : String(input.text);
  return `${input.source}: ${issue.message}, got ${JSON.stringify(got)}`;
}

/**
 * Turns a flag's or variable's text into the value the schema checks. Text
 * that does not fit the kind is passed on as is, so the schema's own message
 * rejects it (`expected an integer from 1 to ...`).
 */
function flagValue({ kind, scale }: Flag, text: FlagInput['text']): unknown {
  if (typeof text === 'boolean') return text;
  if (kind === 'list') {
    const parts = typeof text === 'string' ? [text] : text;
    return parts.flatMap((part) => part.split(',').map((item) => item.trim())).filter((item) => item !== '');
  }
  const one = typeof text === 'string' ? text : (text.at(-1) ?? '');
  if (kind === 'number') return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(one) ? Number(one) * scale : one;
  if (kind === 'boolean') return booleanText(one) ?? one;
  return one;
}

/** The boolean a variable's text means (`true`, `1`, `yes`, `on` and their opposites, any case), or `undefined`. */
function booleanText(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  return undefined;
}

/** Sets `value` at `path` in `target`, creating the objects on the way. */
function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) target[head] = value;
  else setPath((target[head] ??= {}) as Record<string, unknown>, rest, value);
}
