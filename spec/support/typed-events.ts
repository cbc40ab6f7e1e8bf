import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toSseMessage } from '../../src/bridge/to-sse-message';
import type { ConductorEvent } from '../../src/events/catalog';
import { toConductorEvent } from '../../src/events/to-conductor-event';
import type { JsonObject } from '../../src/json';

/** A typed event of `raw`, named as the bridge names it, with id `t-<seq>` when `seq` is given. */
export function typedEvent(raw: JsonObject, seq?: number): ConductorEvent {
  return toConductorEvent(toSseMessage(raw).event, { ...raw }, seq === undefined ? undefined : `t-${seq}`);
}

/** The conductor's sample events (a copy of the project's shared sample, in spec/events/fixtures), as raw objects. */
export function sampleEvents(): JsonObject[] {
  const path = join(__dirname, '..', 'events', 'fixtures', 'conductor-events.sample.ndjson');
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonObject);
}
