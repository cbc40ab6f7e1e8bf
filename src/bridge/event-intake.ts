import { performance } from 'node:perf_hooks';
import type { SchedulerLike } from 'rxjs';
import { daemonEventSchema, isDaemonEvent } from '../daemon/daemon-event.js';
import { describeError } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { BridgeLogger } from '../logger.js';
import { markReceived } from '../sse/received-at.js';
import { BridgeEvent } from './bridge-consumer.js';
import type { BridgeTally } from './bridge-stats.js';
import type { EventNumbering } from './event-numbering.js';
import type { SourceEvent } from './event-source.js';
import { toSseMessage } from './to-sse-message.js';

/**
 * Turns source events into {@link BridgeEvent}s: validated, serialised once
 * with their SSE id, frozen. What it skips is counted and logged.
 */
export class EventIntake {
  constructor(
    private readonly numbering: EventNumbering,
    private readonly tally: BridgeTally,
    private readonly logger: BridgeLogger,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Validates and serialises one source event as event `seq`; undefined when skipped. */
  toBridgeEvent({ raw, conductor }: SourceEvent, seq: number): BridgeEvent | undefined {
    if (!isDaemonEvent(raw)) {
      const issue = daemonEventSchema.safeParse(raw).error?.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      this.skipInvalid(`invalid daemon event skipped (${where}${issue?.message ?? 'invalid'})`, raw);
      return undefined;
    }
    let object = raw as JsonObject;
    if (conductor !== undefined && !('conductor' in object)) object = { ...object, conductor };
    try {
      const message = toSseMessage(object, this.numbering.id(seq));
      markReceived(message, performance.now());
      Object.freeze(message);
      const jobId = typeof object['job_id'] === 'string' ? object['job_id'] : undefined;
      return new BridgeEvent(seq, jobId, conductor, message, this.scheduler.now(), object);
    } catch (error) {
      this.skipInvalid(`daemon event cannot be serialised (${describeError(error)})`, undefined);
      return undefined;
    }
  }

  /** Counts and logs one skipped item, with a short sample of it. */
  skipInvalid(reason: string, raw: unknown): void {
    this.tally.counters.invalidEvents++;
    this.logger.warn(reason, {
      invalidEvents: this.tally.counters.invalidEvents,
      sample: truncatedJson(raw),
    });
  }
}

function truncatedJson(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
