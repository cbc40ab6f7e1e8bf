import type { z } from 'zod';

/** The prefix of every environment variable the CLI reads. */
const ENV_PREFIX = 'DAEMON_EVENT_BRIDGE_';

/**
 * A library options schema the CLI exposes as flags: each leaf option gets
 * `--<prefix><kebab-path>` and `DAEMON_EVENT_BRIDGE_<PREFIX><PATH>`, derived
 * from the schema (so a new option gets a flag without touching the CLI).
 *
 * @example
 * ```ts
 * import type { OptionGroup } from './flags.js';
 *
 * const group: OptionGroup = {
 *   key: 'daemon',
 *   what: 'daemon client',
 *   schema: unixSocketDaemonClientOptionsSchema,
 *   prefix: 'daemon-',
 *   noFlag: { logger: 'see --log-level' },
 *   help: { timeoutMs: 'how long a daemon call may take in all, in ms' },
 * };
 * ```
 */
export interface OptionGroup {
  /** The group's key in the parsed options and in `--print-config`. */
  readonly key: string;
  /** The options' owner, as the library's messages name it. */
  readonly what: string;
  readonly schema: z.ZodType;
  /** Prepended to each flag name (`daemon-`), or `''`. */
  readonly prefix: string;
  /** Options (dotted paths) without a flag, and why; a subtree when the path is an object. */
  readonly noFlag: Readonly<Record<string, string>>;
  /** One-line descriptions by dotted path; a `.describe()` on the schema wins. */
  readonly help: Readonly<Record<string, string>>;
}

/** How a flag's text becomes the option's value. */
type FlagKind = 'number' | 'string' | 'boolean' | 'list' | 'choice';

/**
 * One option of an {@link OptionGroup} with its flag and variable.
 *
 * @example
 * ```ts
 * import { deriveFlags } from './flags.js';
 *
 * const [flag] = deriveFlags(group).flags;
 * console.log(`--${flag.flag}`, flag.env, flag.defaultValue);
 * ```
 */
export interface OptionFlag {
  readonly group: string;
  /** The option's path in the group's options object, e.g. `['reconnect', 'maxDelayMs']`. */
  readonly path: readonly string[];
  /** The flag without dashes, e.g. `reconnect-max-delay-ms`. */
  readonly flag: string;
  readonly env: string;
  readonly kind: FlagKind;
  /** The schema's default; `undefined` when the option has none. */
  readonly defaultValue: unknown;
  /** From the schema's description, else the group's `help`; `undefined` when neither says. */
  readonly description: string | undefined;
  /** The accepted values of a `choice`. */
  readonly choices?: readonly string[];
}

/**
 * The flags of a group, and the options it cannot give a flag to (not
 * listed in `noFlag` and of a type the command line cannot express).
 */
export interface DerivedFlags {
  readonly flags: readonly OptionFlag[];
  readonly unsupported: readonly string[];
}

/** The parts of a zod 4 definition the walk reads. */
interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly defaultValue?: unknown;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly in?: z.ZodType;
  readonly entries?: Readonly<Record<string, string | number>>;
}

const WRAPPERS = new Set(['optional', 'nullable', 'readonly', 'nonoptional', 'catch']);
const LEAVES: Readonly<Record<string, FlagKind>> = { number: 'number', string: 'string', boolean: 'boolean' };

/**
 * Walks a group's schema and derives one flag per leaf option.
 *
 * @example
 * ```ts
 * import { deriveFlags } from './flags.js';
 *
 * deriveFlags(group).flags.map((f) => f.flag); // ['daemon-timeout-ms', 'daemon-connect-timeout-ms', ...]
 * ```
 */
export function deriveFlags(group: OptionGroup): DerivedFlags {
  const flags: OptionFlag[] = [];
  const unsupported: string[] = [];
  const visit = (schema: z.ZodType, path: string[], inherited: unknown): void => {
    const dotted = path.join('.');
    if (path.length > 0 && dotted in group.noFlag) return;
    const leaf = unwrap(schema);
    const defaultValue = leaf.defaultValue ?? inherited;
    const def = leaf.def;
    if (def.type === 'object' && def.shape) {
      for (const [key, child] of Object.entries(def.shape)) {
        visit(child, [...path, key], (defaultValue as Record<string, unknown> | undefined)?.[key]);
      }
      return;
    }
    const kind = kindOf(def);
    if (kind === undefined || path.length === 0) {
      unsupported.push(dotted);
      return;
    }
    const flag = `${group.prefix}${path.map(kebab).join('-')}`;
    flags.push({
      group: group.key,
      path,
      flag,
      env: envName(flag),
      kind,
      defaultValue,
      description: leaf.description ?? group.help[dotted],
      ...(kind === 'choice' ? { choices: Object.values(def.entries ?? {}).map(String) } : {}),
    });
  };
  visit(group.schema, [], undefined);
  return { flags, unsupported };
}

/** `DAEMON_EVENT_BRIDGE_` + the flag in upper snake case: `max-clients` → `DAEMON_EVENT_BRIDGE_MAX_CLIENTS`. */
export function envName(flag: string): string {
  return `${ENV_PREFIX}${flag.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * Turns a flag's or variable's text into the value the library's schema
 * checks. Text that does not fit the kind is passed on as is, so the
 * library's own message rejects it (`expected an integer from 1 to ...`).
 *
 * @example
 * ```ts
 * flagValue('number', '250');        // 250
 * flagValue('list', ['a,b', 'c']);   // ['a', 'b', 'c']
 * flagValue('boolean', 'yes');       // true
 * ```
 */
function flagValue(kind: FlagKind, text: string | boolean | readonly string[]): unknown {
  if (typeof text === 'boolean') return text;
  if (kind === 'list') {
    const parts = typeof text === 'string' ? [text] : text;
    return parts.flatMap((part) => part.split(',').map((item) => item.trim())).filter((item) => item !== '');
  }
  const one = typeof text === 'string' ? text : (text.at(-1) ?? '');
  if (kind === 'number') return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(one) ? Number(one) : one;
  if (kind === 'boolean') return booleanText(one) ?? one;
  return one;
}

/**
 * The boolean a variable's text means (`true`, `1`, `yes`, `on` and their
 * opposites, any case), or `undefined`.
 *
 * @example
 * ```ts
 * import { booleanText } from './flags.js';
 *
 * booleanText('ON'); // true
 * ```
 */
export function booleanText(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  return undefined;
}

/**
 * Sets `value` at `path` in `target`, creating the objects on the way.
 *
 * @example
 * ```ts
 * import { setPath } from './flags.js';
 *
 * const options = {};
 * setPath(options, ['reconnect', 'maxDelayMs'], 10_000); // { reconnect: { maxDelayMs: 10000 } }
 * ```
 */
export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = (target[head] ??= {}) as Record<string, unknown>;
  setPath(child, rest, value);
}

/**
 * The value at `path` in `source`, or `undefined`.
 *
 * @example
 * ```ts
 * import { readPath } from './flags.js';
 *
 * readPath({ reconnect: { maxDelayMs: 10 } }, ['reconnect', 'maxDelayMs']); // 10
 * ```
 */
export function readPath(source: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
    source,
  );
}

/**
 * A copy of parsed options without the paths the command line does not set
 * (a group's `noFlag`), e.g. the default `scheduler`.
 *
 * @example
 * ```ts
 * withoutPaths({ heartbeatMs: 1, scheduler }, ['scheduler']); // { heartbeatMs: 1 }
 * ```
 */
function withoutPaths(value: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const copy = { ...value };
  for (const path of paths) {
    const [head, ...rest] = path.split('.');
    if (head === undefined || !(head in copy)) continue;
    if (rest.length === 0) delete copy[head];
    else copy[head] = withoutPaths(copy[head] as Record<string, unknown>, [rest.join('.')]);
  }
  return copy;
}

function unwrap(schema: z.ZodType): {
  def: SchemaDef;
  defaultValue: unknown;
  description: string | undefined;
} {
  let current = schema;
  let defaultValue: unknown;
  let description = current.description;
  for (;;) {
    const def = current.def as unknown as SchemaDef;
    if (def.type === 'default' || def.type === 'prefault') defaultValue ??= def.defaultValue;
    const next =
      WRAPPERS.has(def.type) || def.type === 'default' || def.type === 'prefault'
        ? def.innerType
        : def.type === 'pipe'
          ? def.in
          : undefined;
    if (next === undefined) return { def, defaultValue, description };
    current = next;
    description ??= current.description;
  }
}

function kindOf(def: SchemaDef): FlagKind | undefined {
  if (def.type === 'enum') return 'choice';
  if (def.type === 'array')
    return def.element && unwrap(def.element).def.type === 'string' ? 'list' : undefined;
  return LEAVES[def.type];
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * What the user gave for one flag: its text and where it came from (`--flag`
 * or the variable's name), for messages.
 */
export interface FlagInput {
  readonly text: string | boolean | readonly string[];
  readonly source: string;
}

/**
 * Builds a group's options from the given flags and checks them with the
 * group's own schema (the library's messages, cross-option rules included).
 * Returns the options with defaults applied, without the `noFlag` paths, or
 * the first problem as a one-line message naming the flag or variable.
 *
 * @example
 * ```ts
 * import { parseGroup } from './flags.js';
 *
 * parseGroup(group, flags, new Map([['daemon-pool-size', { text: '0', source: '--daemon-pool-size' }]]));
 * // { error: '--daemon-pool-size: expected an integer from 1 to 500, got "0"' }
 * ```
 */
export function parseGroup(
  group: OptionGroup,
  flags: readonly OptionFlag[],
  inputs: ReadonlyMap<string, FlagInput>,
): { readonly options: Record<string, unknown> } | { readonly error: string } {
  const given: Record<string, unknown> = {};
  for (const flag of flags) {
    const input = inputs.get(flag.flag);
    if (input !== undefined) setPath(given, flag.path, flagValue(flag.kind, input.text));
  }
  const result = group.schema.safeParse(given);
  if (result.success) {
    return { options: withoutPaths(result.data as Record<string, unknown>, Object.keys(group.noFlag)) };
  }
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  const flag =
    flags.find((f) => f.path.join('.') === path) ??
    flags.find((f) => f.path.join('.').startsWith(`${path}.`));
  const input = flag && inputs.get(flag.flag);
  const source = input?.source ?? (flag ? `--${flag.flag}` : `${group.what} options`);
  const got =
    input === undefined
      ? ''
      : `, got ${JSON.stringify(typeof input.text === 'string' ? input.text : String(input.text))}`;
  return { error: `${source}: ${issue.message}${got}` };
}
