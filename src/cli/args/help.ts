import { DEFAULT_SOCKET_PATH } from '../../daemon/unix-socket-client.js';
import { commandFlags, type Command } from './command-schemas.js';
import { envName, type Flag } from './flags.js';

/** One row of `--help`: a flag, its value's name, what it does, its notes (default, variable). */
interface HelpRow {
  readonly head: string;
  readonly text: string;
  readonly notes: readonly string[];
}

const ACTION_ROWS: readonly HelpRow[] = [
  {
    head: '--print-config',
    text: 'print the effective configuration as JSON (secrets redacted) and exit',
    notes: [],
  },
  { head: '-h, --help', text: 'show this help', notes: [] },
];

/** What each command's `--help` says above its flags. */
const INTRO: Readonly<Record<Command, readonly string[]>> = {
  serve: [
    'Usage: daemon-event-bridge serve [options]',
    '',
    "Serves a running conductor's events over Server-Sent Events, with a live dashboard at /.",
    'Starts even when the daemon is down, and connects when it appears.',
  ],
  demo: [
    'Usage: daemon-event-bridge demo [options]',
    '',
    'Runs a simulated conductor on a private Unix socket, the SSE gateway and the live',
    'dashboard, and prints the URL to open.',
  ],
  relay: [
    'Usage: daemon-event-bridge relay --nats <urls> --conductor <name> [options]',
    '',
    "Relays a conductor's events into NATS JetStream (creating the stream if missing) and",
    'answers observer history requests for it; gateways run serve --nats.',
  ],
};

const ENV_NOTE = [
  `Every setting can also come from its ${envName('<FLAG>')} variable (booleans: true/false,`,
  '1/0, yes/no, on/off; lists: comma-separated); a flag wins over its variable.',
];

const OVERVIEW = [
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
];

/** The text of `--help`, per topic: every flag with its default and variable. */
export function usage(topic: Command | undefined): string {
  if (topic === undefined) return OVERVIEW.join('\n');
  return [...INTRO[topic], ...ENV_NOTE, '', ...formatSections(sections(commandFlags(topic)))].join('\n');
}

/** The rows of each `--help` section, in the flags' order; the actions close the first. */
function sections(flags: readonly Flag[]): Map<string, HelpRow[]> {
  const bySection = new Map<string, HelpRow[]>();
  for (const flag of flags) {
    const rows = bySection.get(flag.section) ?? [];
    bySection.set(flag.section, [...rows, helpRow(flag)]);
  }
  const [first] = bySection.keys();
  if (first !== undefined) bySection.get(first)!.push(...ACTION_ROWS);
  return bySection;
}

function helpRow(flag: Flag): HelpRow {
  const boolean = flag.kind === 'boolean';
  return {
    head: `--${flag.flag}${flag.arg === undefined ? '' : ` <${flag.arg}>`}`,
    text: `${flag.description ?? ''}${boolean ? ` (--no-${flag.flag} to turn off)` : ''}`,
    notes: [
      ...(flag.defaultValue === undefined ? [] : [`default ${defaultText(flag.defaultValue)}`]),
      `env ${flag.env}`,
    ],
  };
}

function defaultText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (value === '') return '""';
  return String(value);
}

/** Sections under their titles, in one column width; two lines per flag: what it does, then its notes. */
function formatSections(sections: ReadonlyMap<string, readonly HelpRow[]>): string[] {
  const width = Math.max(...[...sections.values()].flat().map((row) => row.head.length));
  const format = (row: HelpRow): string[] => {
    const first = `  ${row.head.padEnd(width)}  ${row.text}`;
    return row.notes.length === 0 ? [first] : [first, `  ${' '.repeat(width)}  ${row.notes.join(', ')}`];
  };
  return [...sections].flatMap(([title, rows], i) => [
    ...(i > 0 ? [''] : []),
    `${title}:`,
    ...rows.flatMap(format),
  ]);
}
