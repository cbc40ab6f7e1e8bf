import { DaemonEventBridge } from '../../bridge/bridge.js';
import { UnixSocketDaemonClient } from '../../daemon/unix-socket-client.js';
import type { BridgeLogger } from '../../logger.js';
import { connectNats } from '../../nats/connect.js';
import { JetStreamEventLog } from '../../nats/jetstream-log.js';
import { NatsRelay } from '../../nats/relay.js';
import type { NatsLogOptions, RelayOptions, ServeOptions } from '../args/command-schemas.js';
import type { RunningCommand } from './command.js';
import { serveBridge } from './serve.js';

/**
 * The `relay` command: the daemon's events into JetStream, history requests
 * answered. Loaded only for `relay` and `serve --nats`, so the other commands
 * never need the NATS packages.
 */
export async function runRelay(
  options: RelayOptions,
  logger: BridgeLogger,
): Promise<{ stop(): Promise<void> }> {
  const client = new UnixSocketDaemonClient(options.socket, { logger });
  const nc = await connectNats(options.nats, `relay ${options.relay.conductor}`, logger);
  const relay = new NatsRelay(client, nc, { ...options.relay, logger });
  try {
    await relay.start();
  } catch (error) {
    await relay.stop(0);
    await nc.close();
    await client.close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        await relay.stop(1_000);
        await nc.drain().catch(() => nc.close());
        await client.close();
      })()),
  };
}

/**
 * `serve --nats`: the gateway and dashboard, fed by the JetStream stream
 * instead of a daemon socket; SSE ids are stream sequences, the same on
 * every replica.
 */
export async function runServeNats(
  options: ServeOptions & { readonly nats: NatsLogOptions },
  logger: BridgeLogger,
): Promise<RunningCommand> {
  const nc = await connectNats(options.nats.servers, 'gateway', logger);
  const bridge = new DaemonEventBridge(
    new JetStreamEventLog(nc, { prefix: options.nats.prefix, stream: options.nats.stream, logger }),
    {
      ...options.bridge,
      logger,
    },
  );
  return serveBridge(bridge, options, logger, () => nc.close(), { nats: options.nats.servers });
}
