import { exhaustMap, filter, firstValueFrom, interval, timeout, type Subscription } from 'rxjs';
import { DaemonEventBridge } from '../../bridge/bridge.js';
import { describeError } from '../../errors.js';
import type { BridgeLogger } from '../../logger.js';
import { UnixSocketDaemonClient } from '../../daemon/unix-socket-client.js';
import { startFakeDaemon } from '../../testing/fake-daemon.js';
import type { DemoOptions } from '../args/command-schemas.js';
import { logBridgeState, serveCommand, type RunningCommand } from './command.js';
import { DEMO_JOBS, startSimulator } from '../demo/simulator.js';

/** How much past workload the demo publishes at start, so the dashboard opens full. */
const DEMO_BACKFILL_MS = 45_000;

/** How long a simulated daemon restart keeps the socket away. */
const DEMO_RESTART_DOWN_MS = 2_000;

/**
 * The `demo` command: the testing daemon on a private socket in a fresh
 * temp dir, driven by the conductor simulator, restarted every
 * `restartEverySeconds`; a bridge and the gateway on `host:port`; the
 * dashboard at `/`.
 */
export async function runDemo(
  options: DemoOptions,
  logger: BridgeLogger,
  /** Where to tell a person watching the terminal what happens (the restarts). */
  announce: (line: string) => void = () => {},
): Promise<RunningCommand> {
  // The backfill arrives as one burst: give the stream a queue that holds it.
  const daemon = await startFakeDaemon({ streamQueueSize: 1_000 });
  const client = new UnixSocketDaemonClient(daemon.socketPath, { logger });
  const bridge = new DaemonEventBridge(client, { logger });
  const subscriptions: Subscription[] = [logBridgeState(bridge, logger)];
  bridge.start();

  const release = async (): Promise<void> => {
    for (const subscription of subscriptions) subscription.unsubscribe();
    bridge.stop();
    await client.close();
    await daemon.stop();
  };

  const { running, http } = await serveCommand(
    { bridge, host: options.host, port: options.port, token: options.token, logger },
    release,
    async () => {
      await daemon.waitFor((counters) => counters.openStreams >= 1);
      await firstValueFrom(
        bridge.state$.pipe(
          filter((state) => state === 'connected'),
          timeout({
            first: 5_000,
            with: () => {
              throw new Error('the bridge did not connect to the simulated daemon within 5 s');
            },
          }),
        ),
      );
    },
  );

  subscriptions.push(
    startSimulator((event) => daemon.publish(event), { seed: options.seed, backfillMs: DEMO_BACKFILL_MS }),
  );
  if (options.restartEverySeconds > 0) {
    subscriptions.push(
      interval(options.restartEverySeconds * 1000)
        .pipe(
          exhaustMap(async () => {
            logger.info('simulated daemon restart', { downMs: DEMO_RESTART_DOWN_MS });
            announce(
              `${new Date().toTimeString().slice(0, 8)}  simulated daemon restart: the socket is away for ${DEMO_RESTART_DOWN_MS / 1000} s, the dashboard shows "Reconnecting…"`,
            );
            await daemon.restart({ downMs: DEMO_RESTART_DOWN_MS }).catch((error: unknown) => {
              logger.warn('simulated daemon restart failed', { error: describeError(error) });
            });
          }),
        )
        .subscribe(),
    );
  }
  logger.info('demo running', {
    url: http.url,
    socket: daemon.socketPath,
    jobs: DEMO_JOBS.map((job) => job.id),
    restartEverySeconds: options.restartEverySeconds,
  });

  return running;
}
