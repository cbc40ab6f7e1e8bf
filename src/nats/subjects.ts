import { InvalidArgumentError } from '../errors.js';

/**
 * The token of daemon-wide events (no `job_id`) in a subject. A job token
 * never equals it: `%` alone is never produced by {@link encodeJobToken}.
 */
export const DAEMON_WIDE_TOKEN = '%';

const SAFE = /^[A-Za-z0-9_-]$/;
const ALL_SAFE = /^[A-Za-z0-9_-]+$/;

/**
 * A job id as one NATS subject token, reversibly: letters, digits, `_` and
 * `-` stay; every other UTF-8 byte (`.`, `*`, `>`, spaces, `%`…) becomes
 * `%XX`. The empty id, like a missing one, is a daemon-wide event.
 */
export function encodeJobToken(jobId: string | undefined): string {
  if (jobId === undefined || jobId === '') return DAEMON_WIDE_TOKEN;
  // the usual job id needs no escape: one regex test instead of one per character
  if (ALL_SAFE.test(jobId)) return jobId;
  let token = '';
  for (const char of jobId) {
    if (SAFE.test(char)) token += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        token += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return token;
}

/**
 * The inverse of {@link encodeJobToken}: the job id, or undefined for the
 * daemon-wide token. Throws {@link InvalidArgumentError} on a token it could
 * not have produced.
 */
export function decodeJobToken(token: string): string | undefined {
  if (token === DAEMON_WIDE_TOKEN) return undefined;
  if (!/^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})+$/.test(token)) {
    throw new InvalidArgumentError(`not a job token: ${JSON.stringify(token)}`);
  }
  try {
    return decodeURIComponent(token);
  } catch {
    throw new InvalidArgumentError(`not a job token (bad UTF-8): ${JSON.stringify(token)}`);
  }
}

/** The subject of one event: `<prefix>.<conductor>.events.<job token>`. */
export function eventSubject(prefix: string, conductor: string, jobId: string | undefined): string {
  return `${prefix}.${conductor}.events.${encodeJobToken(jobId)}`;
}

/**
 * The subject filter of events: every conductor's (`*`) or one's, every
 * job's (`*`) or one's.
 */
export function eventFilter(prefix: string, conductor?: string, jobId?: string): string {
  return `${prefix}.${conductor ?? '*'}.events.${jobId === undefined ? '*' : encodeJobToken(jobId)}`;
}

/** The subject a relay answers history requests on: `<prefix>.<conductor>.rpc.observer_events`. */
export function observerSubject(prefix: string, conductor: string): string {
  return `${prefix}.${conductor}.rpc.observer_events`;
}

/** Where an event came from, read back from its subject. */
export interface SubjectParts {
  readonly conductor: string;
  readonly jobId: string | undefined;
}

/**
 * Reads the conductor and job id of an event subject under `prefix`; undefined
 * when the subject is not one.
 */
export function parseEventSubject(prefix: string, subject: string): SubjectParts | undefined {
  if (!subject.startsWith(`${prefix}.`)) return undefined;
  const parts = subject.slice(prefix.length + 1).split('.');
  if (parts.length !== 3 || parts[1] !== 'events' || parts[0] === '' || parts[2] === undefined)
    return undefined;
  try {
    return { conductor: parts[0]!, jobId: decodeJobToken(parts[2]) };
  } catch {
    return undefined;
  }
}
