import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DaemonEventBridge } from '../../../src/bridge/bridge';
import { UnixSocketDaemonClient } from '../../../src/daemon/unix-socket-client';
import { createGateway, type Gateway } from '../../../src/http/gateway';
import type { JsonObject } from '../../../src/json';
import { JetStreamEventLog } from '../../../src/nats/jetstream-log';
import { NatsRelay } from '../../../src/nats/relay';
import type { NatsRelayOptions } from '../../../src/nats/relay-options';
import { startFakeDaemon, type FakeDaemon } from '../../../src/testing/fake-daemon';
import { startServer, type TestServer } from '../../support/http-server';

/** NATS client options every spec uses: never give up, retry quickly. */
const NATS_CLIENT = { maxReconnectAttempts: -1, reconnectTimeWait: 100 } as const;

/** One conductor host: a fake daemon on a Unix socket and its relay. */
export interface Conductor {
  readonly name: string;
  readonly daemon: FakeDaemon;
  readonly client: UnixSocketDaemonClient;
  readonly nc: NatsConnection;
  readonly relay: NatsRelay;
  /** Publishes one event on the daemon; returns it. */
  publish(jobId: string | undefined, fields?: JsonObject): JsonObject;
  stop(): Promise<void>;
}

/** Starts a fake daemon and a relay for `name` into `servers`. */
export async function startConductor(
  servers: string | string[],
  name: string,
  options: Partial<NatsRelayOptions> = {},
): Promise<Conductor> {
  const daemon = await startFakeDaemon();
  const client = new UnixSocketDaemonClient(daemon.socketPath, { timeoutMs: 5_000 });
  const nc = await connect({ servers, ...NATS_CLIENT });
  const relay = new NatsRelay(client, nc, {
    conductor: name,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...options,
  });
  await relay.start();
  await daemon.waitFor((counters) => counters.openStreams === 1);
  let n = 0;
  return {
    name,
    daemon,
    client,
    nc,
    relay,
    publish(jobId, fields = {}) {
      n++;
      const event = {
        ...(jobId === undefined ? {} : { job_id: jobId }),
        sheet_num: n,
        event: 'sheet.started',
        data: { n },
        timestamp: 1_764_000_000 + n,
        ...fields,
      };
      daemon.publish(event);
      return event;
    },
    async stop() {
      await relay.stop(1_000);
      await client.close();
      await daemon.stop();
      await nc.close();
    },
  };
}

/** One gateway replica fed by the JetStream log, on a real HTTP server. */
export interface Replica {
  readonly nc: NatsConnection;
  readonly bridge: DaemonEventBridge;
  readonly gateway: Gateway;
  readonly server: TestServer;
  stop(): Promise<void>;
}

/** Starts a log-fed bridge and its gateway on 127.0.0.1. */
export async function startReplica(
  servers: string | string[],
  options: { replaySize?: number; prefix?: string; stream?: string } = {},
): Promise<Replica> {
  const nc = await connect({ servers, ...NATS_CLIENT });
  const log = new JetStreamEventLog(nc, { prefix: options.prefix, stream: options.stream });
  const bridge = new DaemonEventBridge(log, {
    replaySize: options.replaySize ?? 1_000,
    heartbeatMs: 600_000,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  bridge.start();
  const gateway = createGateway(bridge);
  const server = await startServer(gateway);
  return {
    nc,
    bridge,
    gateway,
    server,
    async stop() {
      gateway.close();
      bridge.stop();
      await server.close();
      await nc.close();
    },
  };
}
