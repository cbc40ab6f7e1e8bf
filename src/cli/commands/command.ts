import type { Subscription } from 'rxjs';
import type { DaemonEventBridge } from '../../bridge/bridge.js';
import type { BridgeLogger } from '../../logger.js';
import {
  startGatewayServer,
  type GatewayServer,
  type GatewayServerOptions,
} from '../server/gateway-server.js';

/**
 * A started CLI command (`serve` or `demo`).
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

/**
 * Starts the gateway server for a command whose bridge (and daemon client)
 * are already set up, after `ready()` resolves. If anything fails, `release()`
 * tears the command's set-up down before the error propagates. The returned
 * `stop()` stops the bridge (clients get `bridge_stopped`), closes the server,
 * then releases. Idempotent.
 */
export async function serveCommand(
  options: GatewayServerOptions,
  release: () => Promise<void>,
  ready: () => Promise<void> = () => Promise.resolve(),
): Promise<{ running: RunningCommand; http: GatewayServer }> {
  let http: GatewayServer;
  try {
    await ready();
    http = await startGatewayServer(options);
  } catch (error) {
    await release();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const running: RunningCommand = {
    url: http.url,
    stop: () =>
      (stopping ??= (async () => {
        options.bridge.stop();
        await http.close();
        await release();
      })()),
  };
  return { running, http };
}
