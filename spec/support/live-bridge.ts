import { Subject } from 'rxjs';
import { DaemonEventBridge } from '../../src/bridge/bridge';
import type { BridgeOptions } from '../../src/bridge/bridge-options';
import type { JsonObject } from '../../src/json';
import { MemoryDaemonClient } from './memory-daemon-client';

/** A started bridge fed by a Subject standing for the daemon's event stream. */
export interface LiveBridge {
  readonly bridge: DaemonEventBridge;
  readonly client: MemoryDaemonClient;
  /** The daemon side: `next` an event, `error` to drop the stream. */
  readonly daemon: Subject<unknown>;
  /** Publishes one daemon event (default job `job-a`); returns the raw event. */
  publish(fields?: JsonObject): JsonObject;
}

/**
 * Starts a {@link DaemonEventBridge} (instance id `t`, so event ids are
 * `t-1`, `t-2`, …) on an in-memory daemon client. Observer history answers
 * with `history(jobId, limit)`. Stop it with `bridge.stop()`.
 */
export function liveBridge(
  options: BridgeOptions = {},
  history: (jobId: unknown, limit: unknown) => unknown = () => ({ events: [] }),
): LiveBridge {
  const daemon = new Subject<unknown>();
  const client = new MemoryDaemonClient(
    () => daemon,
    (_method, params) => Promise.resolve(history(params?.['job_id'], params?.['limit'])),
  );
  client.reportOpen = true;
  const bridge = new DaemonEventBridge(client, { instanceId: 't', ...options });
  bridge.start();
  let sheet = 0;
  return {
    bridge,
    client,
    daemon,
    publish(fields = {}) {
      sheet++;
      const event = {
        job_id: 'job-a',
        sheet_num: sheet,
        event: 'sheet.started',
        timestamp: 1_764_000_000 + sheet,
        ...fields,
      };
      daemon.next(event);
      return event;
    },
  };
}
