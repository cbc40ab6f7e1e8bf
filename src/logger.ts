import { z } from 'zod';
import type { JsonObject } from './json.js';

/**
 * Where the library writes its logs. Any structured logger fits (pino,
 * winston, `console`); the default everywhere is {@link silentLogger}.
 *
 * @example
 * ```ts
 * import type { BridgeLogger } from 'daemon-event-bridge';
 *
 * const logger: BridgeLogger = { debug() {}, info: console.info, warn: console.warn, error: console.error };
 * ```
 */
export interface BridgeLogger {
  debug(message: string, fields?: JsonObject): void;
  info(message: string, fields?: JsonObject): void;
  warn(message: string, fields?: JsonObject): void;
  error(message: string, fields?: JsonObject): void;
}

/** A logger that drops everything: the default of every `logger` option. */
export const silentLogger: BridgeLogger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** The zod schema of a `logger` option: an object with the four level functions. */
export const loggerSchema = z.custom<BridgeLogger>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    LEVELS.every((level) => typeof (value as Record<string, unknown>)[level] === 'function'),
  { error: 'expected an object with debug, info, warn and error functions' },
);
