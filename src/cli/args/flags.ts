import { z } from 'zod';

/*
 * Every flag of a command is derived from the command's zod schema, read
 * through its JSON Schema (`z.toJSONSchema`): each leaf option gets
 * `--<kebab-path>` and `DAEMON_EVENT_BRIDGE_<FLAG>`, its kind from its type,
 * its default from the schema, its description and `--help` argument name
 * from `.meta()` (the CLI's own options) or from the section table of a
 * library's options object (see library-options.ts).
 */

/** The prefix of every environment variable the CLI reads. */
const ENV_PREFIX = 'DAEMON_EVENT_BRIDGE_';

/** How a flag's text becomes the option's value. */
type FlagKind = 'number' | 'string' | 'boolean' | 'list' | 'choice';

/** What the CLI says about one option beyond its type and default. */
export interface FlagMeta {
  readonly description?: string;
  /** The flag's name when it is not the option's path in kebab case. */
  readonly flag?: string;
  /** The value's name in `--help`, e.g. `path` for `--socket <path>`. */
  readonly arg?: string;
  /** The option's value is the flag's times this (`--max-age` in s for `maxAgeMs`). */
  readonly scale?: number;
}

/** The meta of a library's options object within a command's schema. */
export interface SectionMeta {
  /** Its `--help` section; absent, its flags join the enclosing one. */
  readonly title?: string;
  /** Prepended to its flags' names (`daemon-`), or `''`. */
  readonly flagPrefix: string;
  /** Options (top-level keys) the CLI sets in code, never from a flag, and why. */
  readonly noFlag?: Readonly<Record<string, string>>;
  /** What each option is, by dotted path: a description, or {@link FlagMeta}. */
  readonly flags?: Readonly<Record<string, string | FlagMeta>>;
}

/** One option of a command with its flag and variable. */
export interface Flag {
  /** The option's path in the command's options, e.g. `['bridge', 'reconnect', 'maxDelayMs']`. */
  readonly path: readonly string[];
  /** Without dashes, e.g. `reconnect-max-delay-ms`. */
  readonly flag: string;
  readonly env: string;
  readonly kind: FlagKind;
  /** The schema's default, in the flag's unit; `undefined` when none. */
  readonly defaultValue: unknown;
  readonly description: string | undefined;
  readonly arg: string | undefined;
  readonly scale: number;
  /** The `--help` section it is listed in. */
  readonly section: string;
  readonly choices?: readonly string[];
}

/** A command's flags, and the options it cannot give one (not in a `noFlag`). */
export interface DerivedFlags {
  readonly flags: readonly Flag[];
  readonly unsupported: readonly string[];
}

/** The parts of a JSON Schema node the walk reads, with the CLI's meta. */
interface JsonNode extends FlagMeta, Partial<SectionMeta> {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonNode>>;
  readonly items?: JsonNode;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
}

/** Where the walk is: the path in the options, and the path within the current section. */
interface Place {
  readonly path: readonly string[];
  readonly inSection: readonly string[];
  readonly section: SectionMeta & { readonly title: string };
}

/** The root section of every command. */
const OPTIONS = { title: 'Options', flagPrefix: '' };

/** Derives one flag per leaf option of a command's schema, in the schema's order. */
export function deriveFlags(schema: z.ZodType): DerivedFlags {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonNode;
  const flags: Flag[] = [];
  const unsupported: string[] = [];
  const visit = (node: JsonNode, place: Place): void => {
    if (node.type === 'object' && node.properties) {
      for (const [key, child] of Object.entries(node.properties)) visitChild(node, child, key, place);
      return;
    }
    const kind = kindOf(node);
    if (kind === undefined) unsupported.push(place.path.join('.'));
    else flags.push(flagOf(node, kind, place));
  };
  const visitChild = (parent: JsonNode, child: JsonNode, key: string, place: Place): void => {
    const { title = place.section.title, flagPrefix, noFlag, flags: table } = parent;
    const section = flagPrefix === undefined ? place.section : { title, flagPrefix, noFlag, flags: table };
    const inSection = [...(flagPrefix === undefined ? place.inSection : []), key];
    if (inSection.length === 1 && key in (section.noFlag ?? {})) return;
    visit(child, { path: [...place.path, key], inSection, section });
  };
  visit(root, { path: [], inSection: [], section: OPTIONS });
  return { flags, unsupported };
}

function flagOf(node: JsonNode, kind: FlagKind, { path, inSection, section }: Place): Flag {
  const entry = section.flags?.[inSection.join('.')];
  const meta: FlagMeta = {
    ...(typeof entry === 'string' ? { description: entry } : entry),
    ...ownMeta(node),
  };
  const flag = meta.flag ?? `${section.flagPrefix}${inSection.map(kebab).join('-')}`;
  const scale = meta.scale ?? 1;
  return {
    path,
    flag,
    env: envName(flag),
    kind,
    defaultValue: typeof node.default === 'number' ? node.default / scale : node.default,
    description: meta.description,
    arg: meta.arg ?? argName(kind, node, path.at(-1) ?? ''),
    scale,
    section: section.title,
    ...(kind === 'choice' ? { choices: (node.enum ?? []).map(String) } : {}),
  };
}

/** The {@link FlagMeta} set with `.meta()` on the option's own schema. */
function ownMeta({ description, flag, arg, scale }: JsonNode): FlagMeta {
  const meta = { description, flag, arg, scale };
  return Object.fromEntries(Object.entries(meta).filter(([, value]) => value !== undefined));
}

function kindOf(node: JsonNode): FlagKind | undefined {
  if (node.enum) return 'choice';
  if (node.type === 'integer' || node.type === 'number') return 'number';
  if (node.type === 'string' || node.type === 'boolean') return node.type;
  if (node.type === 'array' && node.items?.type === 'string') return 'list';
  return undefined;
}

/** The value's name in `--help` when no `arg` is given: `ms`, `bytes`, `n`, `a|b`... */
function argName(kind: FlagKind, node: JsonNode, key: string): string | undefined {
  if (kind === 'boolean') return undefined;
  if (kind === 'choice') return (node.enum ?? []).join('|');
  if (kind === 'list') return 'a,b,...';
  if (kind === 'number') return key.endsWith('Ms') ? 'ms' : key.endsWith('Bytes') ? 'bytes' : 'n';
  return 'text';
}

/** `DAEMON_EVENT_BRIDGE_` + the flag in upper snake case: `max-clients` → `DAEMON_EVENT_BRIDGE_MAX_CLIENTS`. */
export function envName(flag: string): string {
  return `${ENV_PREFIX}${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** `maxDelayMs` → `max-delay-ms`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
