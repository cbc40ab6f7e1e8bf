import { DaemonEventBridge } from '../../bridge/bridge.js';
import type { BridgeLogger } from '../../logger.js';
import { UnixSocketDaemonClient } from '../../daemon/unix-socket-client.js';
import type { ServeOptions } from '../args/command-schemas.js';
import { logBridgeState, serveCommand, type RunningCommand } from './command.js';
import { loadMetrics } from '../server/metrics.js';

/**
 * The `serve` command: a bridge on the daemon's socket, the gateway routes
 * and the dashboard on `host:port`. It starts whether or not the daemon is
 * running (`/healthz` then says `reconnecting`) and connects when it
 * appears. Listening on a non-loopback host without a token is refused
 * earlier, by {@link parseCli}.
 */
export async function runServe(options: ServeOptions, logger: BridgeLogger): Promise<RunningCommand> {
  const client = new UnixSocketDaemonClient(options.socket, { ...options.daemon, logger });
  const bridge = new DaemonEventBridge(client, { ...options.bridge, logger });
  return serveBridge(bridge, options, logger, () => client.close(), { socket: options.socket });
}

/**
 * Runs `serve` for a bridge already built on its source: starts it, serves
 * the gateway (with `/metrics` when prom-client is installed) and the
 * dashboard with the CLI's options, and logs where. `closeSource` runs after
 * the bridge stops.
 */
export async function serveBridge(
  bridge: DaemonEventBridge,
  options: ServeOptions,
  logger: BridgeLogger,
  closeSource: () => Promise<void>,
  source: Readonly<Record<string, string>>,
): Promise<RunningCommand> {
  const metrics = await loadMetrics(logger);
  const states = logBridgeState(bridge, logger);
  bridge.start();
  const release = async (): Promise<void> => {
    bridge.stop();
    states.unsubscribe();
    await closeSource();
  };
  const { token } = options;
  const { running, http } = await serveCommand(
    {
      ...{ bridge, host: options.host, port: options.port, token, logger },
      gateway: { ...options.gateway, ...(metrics ? { metrics } : {}) },
      limits: options.server,
    },
    release,
  );
  logger.info('serving', { url: http.url, ...source, auth: token ? 'token' : 'none' });
  return running;
}
