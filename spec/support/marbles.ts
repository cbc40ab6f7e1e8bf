import { TestScheduler } from 'rxjs/testing';
import { DaemonEventBridge } from '../../src/bridge/bridge';
import type { BridgeOptions } from '../../src/bridge/bridge-options';
import type { MemoryDaemonClient } from './memory-daemon-client';

/**
 * A `TestScheduler` whose frames are compared with Jest's `toStrictEqual`:
 * the one matcher every marble spec shares.
 */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toStrictEqual(expected));
}

/**
 * A bridge on virtual time for marble specs: instance id `t` (ids `t-1`,
 * `t-2`, …), heartbeats every 1,000 frames, reconnect after 10 frames
 * doubling up to 40; `options` override.
 */
export function marbleBridge(
  scheduler: TestScheduler,
  client: MemoryDaemonClient,
  options: BridgeOptions = {},
): DaemonEventBridge {
  return new DaemonEventBridge(client, {
    scheduler,
    instanceId: 't',
    heartbeatMs: 1_000,
    reconnect: { initialDelayMs: 10, maxDelayMs: 40 },
    ...options,
  });
}
