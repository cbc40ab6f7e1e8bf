/**
 * Which daemon events a stream sends: exact names, and `prefix.*` patterns
 * (every name that starts with `prefix.`), normalised so that at most one
 * entry matches any name (a name under a pattern, or a pattern under a
 * shorter one, is dropped).
 */
export interface EventSelection {
  readonly names: ReadonlySet<string>;
  /** The patterns without their `*` (`'sheet.*'` → `'sheet.'`). */
  readonly prefixes: readonly string[];
}

/** The most selectors one selection may hold (each costs a consumer an index entry). */
const MAX_SELECTORS = 64;
const MAX_SELECTOR_LENGTH = 128;
const SELECTOR = /^[A-Za-z0-9_:-]+(?:\.[A-Za-z0-9_:-]+)*(?:\.\*)?$/;

/**
 * The selection of `selectors`, or the message of the first problem: each
 * selector is a name of dot-separated segments of `[A-Za-z0-9_:-]`,
 * optionally ending in `.*`; 1 to {@link MAX_SELECTORS} of them.
 */
export function parseEventSelection(selectors: readonly string[]): EventSelection | string {
  const list: unknown = selectors;
  if (!Array.isArray(list) || selectors.length === 0) return 'events must list at least one event name';
  if (selectors.length > MAX_SELECTORS) return `events may list at most ${MAX_SELECTORS} names or patterns`;
  for (const selector of selectors) {
    if (typeof selector !== 'string' || selector.length > MAX_SELECTOR_LENGTH || !SELECTOR.test(selector)) {
      return `bad event selector ${JSON.stringify(selector)}: use an event name such as "sheet.failed" or a pattern such as "sheet.*" (segments of letters, digits, _ : -, separated by dots; "*" only as the whole last segment)`;
    }
  }
  const patterns = selectors.filter((s) => s.endsWith('.*')).map((s) => s.slice(0, -1));
  const prefixes = [...new Set(patterns)].filter(
    (prefix, _, all) => !all.some((other) => other !== prefix && prefix.startsWith(other)),
  );
  const names = selectors.filter((s) => !s.endsWith('.*') && !prefixes.some((p) => s.startsWith(p)));
  return { names: new Set(names), prefixes };
}

/** True when `selection` selects the event `name` (no selection: every event). */
export function selects(selection: EventSelection | undefined, name: string): boolean {
  if (selection === undefined || selection.names.has(name)) return true;
  for (const prefix of selection.prefixes) if (name.startsWith(prefix)) return true;
  return false;
}

/** The names after which a job sends no more events (until it is resumed). */
export const TERMINAL_EVENTS: readonly string[] = Object.freeze([
  'job.completed',
  'job.failed',
  'baton.job.cancelled',
]);
