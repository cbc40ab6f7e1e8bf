/**
 * A JSON object as it travels between the daemon, the bridge and the browser.
 *
 * @example
 * ```ts
 * import type { JsonObject } from 'daemon-event-bridge';
 *
 * const event: JsonObject = { job_id: 'nightly', event: 'sheet.started', timestamp: 1764000000 };
 * ```
 */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object: not `null`, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
