import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { BridgeLogger } from '../logger.js';

/**
 * Connects to NATS the way the relay and the gateway need: never giving up
 * on reconnecting (`maxReconnectAttempts: -1`; the default stops after about
 * 20 s), and logging each disconnect and reconnect.
 *
 * @example
 * ```ts
 * import { connectNats } from 'daemon-event-bridge/nats';
 *
 * const nc = await connectNats('nats://10.0.0.5:4222,nats://10.0.0.6:4222', 'relay host-a', logger);
 * ```
 */
export async function connectNats(
  servers: string | string[],
  name: string,
  logger: BridgeLogger,
): Promise<NatsConnection> {
  const list = typeof servers === 'string' ? servers.split(',') : servers;
  const nc = await connect({ servers: list, name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000 });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') logger.warn('NATS disconnected', { server: status.server });
      else if (status.type === 'reconnect') logger.info('NATS reconnected', { server: status.server });
    }
  })();
  return nc;
}
