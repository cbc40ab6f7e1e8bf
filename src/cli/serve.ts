import { DaemonEventBridge } from '../bridge/bridge.js';
import type { BridgeLogger } from '../logger.js';
import { UnixSocketDaemonClient } from '../daemon/unix-socket-client.js';
import type { ServeOptions } from './args.js';
import { logBridgeState, serveCommand, type RunningCommand } from './command.js';
import { loadMetrics } from './metrics.js';

/**
 * The `serve` command: a bridge on the daemon's socket, the gateway routes
 * and the dashboard on `host:port`. It starts whether or not the daemon is
 * running (`/healthz` then says `reconnecting`) and connects when it
 * appears. Listening on a non-loopback host without a token is refused
 * earlier, by {@link parseCli}.
 *
 * @example
 * ```ts
 * import { runServe } from './serve.js';
 *
 * const command = parseCli(['serve', '--port', '0'], process.env);
 * if (command.command === 'serve') {
 *   const running = await runServe(command.options, logger);
 *   console.log(running.url);
 *   await running.stop();
 * }
 * ```
 */
export async function runServe(options: ServeOptions, logger: BridgeLogger): Promise<RunningCommand> {
  const client = new UnixSocketDaemonClient(options.socket, { ...options.daemon, logger });
  const bridge = new DaemonEventBridge(client, { ...options.bridge, logger });
  const metrics = await loadMetrics(logger);
  const states = logBridgeState(bridge, logger);
  bridge.start();
  const release = async (): Promise<void> => {
    bridge.stop();
    states.unsubscribe();
    await client.close();
  };
  const { running, http } = await serveCommand(
    {
      bridge,
      host: options.host,
      port: options.port,
      token: options.token,
      logger,
      gateway: { ...options.gateway, ...(metrics ? { metrics } : {}) },
      limits: options.server,
    },
    release,
  );
  logger.info('serving', { url: http.url, socket: options.socket, auth: options.token ? 'token' : 'none' });
  return running;
}
