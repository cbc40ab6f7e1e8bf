// What the page needs to know about a raw daemon event.
import { isObject, nowSeconds } from './format.js';

/** The raw daemon event of a gateway message (data that is not a JSON object is wrapped). */
export function rawOf(message) {
  if (isObject(message.data)) return message.data;
  return { data: message.data === undefined ? message.raw : message.data };
}

/** Identifies one daemon event across the global stream, a job stream and history. */
export function keyOf(raw, name) {
  return [raw.job_id ?? '', raw.sheet_num ?? '', name, raw.timestamp ?? ''].join('\u0000');
}

export function jobIdOf(raw) {
  return typeof raw.job_id === 'string' && raw.job_id !== '' ? raw.job_id : undefined;
}

/** Whether an event happened in the last 5 s (or says not when). */
export function isFresh(raw) {
  return typeof raw.timestamp !== 'number' || nowSeconds() - raw.timestamp < 5;
}
