import type { Subscription } from 'rxjs';
import type { DaemonEventBridge } from '../bridge/bridge.js';
import type { BridgeLogger } from '../logger.js';

/**
 * A started CLI command (`serve` or `demo`).
 *
 * @example
 * ```ts
 * const running: RunningCommand = await runServe(options, logger);
 * console.log(running.url);
 * process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
 * ```
 */
export interface RunningCommand {
  /** The base URL the gateway listens on, e.g. `http://127.0.0.1:8787/`. */
  readonly url: string;
  /**
   * Stops gracefully: the bridge stops (every SSE client gets
   * `bridge_stopped`), the HTTP server and the daemon connections close.
   * Idempotent.
   */
  stop(): Promise<void>;
}

/** Logs each change of the bridge's state (`connected`, `reconnecting`...) at info. */
export function logBridgeState(bridge: DaemonEventBridge, logger: BridgeLogger): Subscription {
  return bridge.state$.subscribe((state) => logger.info('bridge state', { state }));
}
