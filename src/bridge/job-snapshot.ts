import { defer, map, of, type Observable } from 'rxjs';
import type { ConductorEvent } from '../events/catalog.js';
import { reduceJobState, type JobState } from '../events/job-state.js';
import { toConductorEvent } from '../events/to-conductor-event.js';
import type { JsonObject } from '../json.js';
import type { BridgeEvent } from './bridge-consumer.js';
import { typedEventOf } from './consumer-views.js';
import { toSseMessage } from './to-sse-message.js';

/** The state folded from a job's events, oldest first; undefined when there are none. */
function snapshotOf(events: readonly ConductorEvent[]): JobState | undefined {
  return events.reduce<JobState | undefined>(reduceJobState, undefined);
}

/**
 * Observer history items as typed events (named as the bridge names them),
 * oldest first by `timestamp` (items without one keep their place).
 */
function historyEvents(history: readonly JsonObject[]): ConductorEvent[] {
  const events = history.map((raw) => toConductorEvent(toSseMessage(raw).event, raw));
  const at = (event: ConductorEvent) => event.event.timestamp ?? undefined;
  return events.every((event) => typeof at(event) === 'number')
    ? events.sort((a, b) => at(a)! - at(b)!)
    : events;
}

/**
 * A job's state, at subscription: folded from its `recent` events (the
 * replay ring's), or when there are none from its observer `history`;
 * `undefined` when neither has any. One emission, then complete.
 */
export function jobSnapshot(
  recent: () => readonly BridgeEvent[],
  history: () => Observable<JsonObject[]>,
): Observable<JobState | undefined> {
  return defer(() => {
    const events = recent();
    if (events.length > 0) return of(snapshotOf(events.map(typedEventOf)));
    return history().pipe(map((items) => snapshotOf(historyEvents(items))));
  });
}
