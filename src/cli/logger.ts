import type { BridgeLogger } from '../logger.js';
import type { JsonObject } from '../json.js';

/** The levels of {@link createJsonLogger}, most verbose first; `silent` logs nothing. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where {@link createJsonLogger} writes: anything with a `write(line)` (default `process.stderr`). */
interface LogSink {
  write(line: string): unknown;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** The least severe level written. Default `info`. */
  readonly level?: LogLevel;
  /** Default `process.stderr`. */
  readonly sink?: LogSink;
  /** The clock of the `time` field. Default `() => new Date()`. */
  readonly clock?: () => Date;
  /** Fields added to every line, e.g. `{ component: 'serve' }`. */
  readonly fields?: JsonObject;
}

const RESERVED = new Set(['time', 'level', 'msg']);

/**
 * A {@link BridgeLogger} that writes one JSON object per line:
 * `{"time":"<ISO 8601>","level":"info","msg":"...",...fields}`. Fields that
 * cannot be serialised (cycles, bigints, functions) are written as strings,
 * so a log call never throws; fields named `time`, `level` or `msg` are
 * prefixed with `field_` rather than overwriting the line's own.
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): BridgeLogger {
  const { level = 'info', sink = process.stderr, clock = () => new Date(), fields: base = {} } = options;
  const threshold = LOG_LEVELS.indexOf(level);
  const write =
    (lineLevel: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: JsonObject): void => {
      if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
      const line: JsonObject = { time: clock().toISOString(), level: lineLevel, msg: message };
      for (const source of [base, fields ?? {}]) {
        for (const [key, value] of Object.entries(source)) {
          line[RESERVED.has(key) ? `field_${key}` : key] = value;
        }
      }
      sink.write(`${toJsonLine(line)}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** JSON of a log line; never throws, never contains a raw line break. */
function toJsonLine(line: JsonObject): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(line, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return String(value);
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  });
}
