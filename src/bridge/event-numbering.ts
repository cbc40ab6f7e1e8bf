import type { BridgeSource, SourceEvent } from './event-source.js';

/**
 * How a bridge numbers its events and names them in SSE ids, chosen once
 * from its source: `BridgeNumbering` for the daemon, `LogNumbering`
 * for a log.
 */
export interface EventNumbering {
  /** True when a resume older than the replay ring is read from the source. */
  readonly replaysFromSource: boolean;
  /** True when stats list each conductor seen. */
  readonly countsConductors: boolean;
  /** Where a (re)connection starts, given the newest sequence seen (0: none). */
  resumeAfter(newest: number): number | undefined;
  /** The sequence of a new source event, or undefined to drop it. */
  next(event: SourceEvent, newest: number): number | undefined;
  /** The SSE id of event `seq`. */
  id(seq: number): string;
  /** The sequence an SSE id names, or undefined when it is not one of these ids. */
  parse(id: string): number | undefined;
}

/** The daemon's numbering: the bridge counts events, ids are `<instanceId>-<seq>`, the ring is the only replay. */
class BridgeNumbering implements EventNumbering {
  readonly replaysFromSource = false;
  readonly countsConductors = false;
  private readonly prefix: string;

  constructor(instanceId: string) {
    this.prefix = `${instanceId}-`;
  }

  resumeAfter(): undefined {
    return undefined;
  }

  next(_event: SourceEvent, newest: number): number {
    return newest + 1;
  }

  id(seq: number): string {
    return `${this.prefix}${seq}`;
  }

  parse(id: string): number | undefined {
    return parseSequence(id, this.prefix);
  }
}

/**
 * A log's numbering: ids are the log's sequences, a reconnection resumes
 * after the newest seen, and an event at or before it (a reconnect's
 * overlap) is dropped.
 */
class LogNumbering implements EventNumbering {
  readonly replaysFromSource = true;
  readonly countsConductors = true;

  resumeAfter(newest: number): number | undefined {
    return newest > 0 ? newest : undefined;
  }

  next(event: SourceEvent, newest: number): number | undefined {
    return event.seq === undefined || event.seq <= newest ? undefined : event.seq;
  }

  id(seq: number): string {
    return String(seq);
  }

  parse(id: string): number | undefined {
    return parseSequence(id, '');
  }
}

/** The numbering of `source`'s events; `instanceId` prefixes the ids the bridge makes. */
export function eventNumbering(source: BridgeSource, instanceId: string): EventNumbering {
  return source.numbering === 'log' ? new LogNumbering() : new BridgeNumbering(instanceId);
}

function parseSequence(id: string, prefix: string): number | undefined {
  if (typeof id !== 'string' || !id.startsWith(prefix)) return undefined;
  const digits = id.slice(prefix.length);
  if (!/^\d{1,15}$/.test(digits)) return undefined;
  return Number(digits);
}
