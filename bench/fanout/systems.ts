/**
 * The servers the fan-out bench compares, each behind the same
 * {@link RunningSystem} handle: fed the same daemon events in-process, read by
 * the same clients in another process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createChannel, createSession, type Channel } from 'better-sse';
import { filter, firstValueFrom, map, Subject } from 'rxjs';
import { DaemonEventBridge } from '../../src/bridge/bridge';
import type { DaemonClient } from '../../src/daemon/daemon-client';
import { UnixSocketDaemonClient } from '../../src/daemon/unix-socket-client';
import { createGateway } from '../../src/http/gateway';
import type { JsonObject } from '../../src/json';
import { encodeSse } from '../../src/sse/encode';
import { startFakeDaemon } from '../../src/testing/fake-daemon';

/** One server under test, listening on 127.0.0.1. */
export interface RunningSystem {
  readonly port: number;
  /** The URL path of a job's stream, or of every event when `jobId` is undefined. */
  path(jobId: string | undefined): string;
  /** Hands one daemon event to the server (as the daemon would). */
  publish(event: JsonObject): void;
  /** SSE clients the server has registered. */
  connected(): number;
  /** Bytes queued in Node for every open response (`writableLength` summed). */
  buffered(): number;
  close(): Promise<void>;
}

export interface SystemSpec {
  readonly key: string;
  readonly label: string;
  start(): Promise<RunningSystem>;
}

const MiB = 1024 * 1024;

/** An HTTP server on 127.0.0.1 that tracks its open responses and sockets. */
async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Pick<RunningSystem, 'port' | 'buffered'> & { close(): Promise<void> }> {
  const responses = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    responses.add(res);
    res.once('close', () => responses.delete(res));
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    buffered() {
      let bytes = 0;
      for (const res of responses) bytes += res.writableLength;
      return bytes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `/jobs/<id>` or `/all` → the job id, or undefined for every event. */
function jobOf(url: string | undefined): string | undefined {
  return url?.startsWith('/jobs/') ? decodeURIComponent(url.slice('/jobs/'.length)) : undefined;
}

const plainPath = (jobId: string | undefined) =>
  jobId === undefined ? '/all' : `/jobs/${encodeURIComponent(jobId)}`;

function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  res.write('retry: 3000\n\n');
}

/** The frame a floor writes for one event: the gateway's format, encoded once. */
function frameOf(event: JsonObject, seq: number): Buffer {
  return Buffer.from(
    encodeSse({ event: String(event['event']), id: `b-${seq}`, data: JSON.stringify(event) }),
  );
}

/** Sets of responses per job and for all, filled and emptied by requests. */
class Registry<C> {
  readonly byJob = new Map<string, Set<C>>();
  readonly all = new Set<C>();
  size = 0;

  add(jobId: string | undefined, client: C): () => void {
    let set = this.all;
    if (jobId !== undefined) {
      set = this.byJob.get(jobId) ?? new Set();
      this.byJob.set(jobId, set);
    }
    set.add(client);
    this.size++;
    return () => {
      if (set.delete(client)) this.size--;
    };
  }

  forEach(jobId: string | undefined, each: (client: C) => void): void {
    if (jobId !== undefined) this.byJob.get(jobId)?.forEach(each);
    this.all.forEach(each);
  }
}

/** The raw floor: bare node:http, frames encoded once, one `write` per frame. */
const rawFloor: SystemSpec = {
  key: 'raw',
  label: 'raw floor (write per frame)',
  async start() {
    const clients = new Registry<ServerResponse>();
    const server = await listen((req, res) => {
      startSse(res);
      res.once('close', clients.add(jobOf(req.url), res));
    });
    let seq = 0;
    return {
      ...server,
      path: plainPath,
      connected: () => clients.size,
      publish(event) {
        const frame = frameOf(event, ++seq);
        clients.forEach(event['job_id'] as string, (res) => res.write(frame));
      },
    };
  },
};

/** The batched raw floor: as {@link rawFloor}, one `write` per client per event-loop turn. */
const batchedFloor: SystemSpec = {
  key: 'batched',
  label: 'raw floor (write per client per turn)',
  async start() {
    interface Client {
      readonly res: ServerResponse;
      pending: Buffer[];
    }
    const clients = new Registry<Client>();
    let dirty: Client[] = [];
    const flush = () => {
      const flushing = dirty;
      dirty = [];
      for (const client of flushing) {
        const { pending } = client;
        client.pending = [];
        client.res.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
      }
    };
    const server = await listen((req, res) => {
      startSse(res);
      res.once('close', clients.add(jobOf(req.url), { res, pending: [] }));
    });
    let seq = 0;
    return {
      ...server,
      path: plainPath,
      connected: () => clients.size,
      publish(event) {
        const frame = frameOf(event, ++seq);
        clients.forEach(event['job_id'] as string, (client) => {
          if (client.pending.push(frame) !== 1) return;
          if (dirty.push(client) === 1) process.nextTick(flush);
        });
      },
    };
  },
};

/** better-sse 0.16: one session per client, one channel per job plus one for all. */
const betterSse: SystemSpec = {
  key: 'better-sse',
  label: 'better-sse 0.16 channels',
  async start() {
    const channels = new Map<string, Channel>();
    const all = createChannel();
    const channelOf = (jobId: string) => {
      let channel = channels.get(jobId);
      if (channel === undefined) channels.set(jobId, (channel = createChannel()));
      return channel;
    };
    const server = await listen((req, res) => {
      const jobId = jobOf(req.url);
      createSession(req, res)
        .then((session) => (jobId === undefined ? all : channelOf(jobId)).register(session))
        .catch(() => res.destroy());
    });
    let seq = 0;
    return {
      ...server,
      path: plainPath,
      connected() {
        let sessions = all.sessionCount;
        for (const channel of channels.values()) sessions += channel.sessionCount;
        return sessions;
      },
      publish(event) {
        const eventId = `b-${++seq}`;
        const name = String(event['event']);
        channels.get(event['job_id'] as string)?.broadcast(event, name, { eventId });
        all.broadcast(event, name, { eventId });
      },
    };
  },
};

/**
 * The naive NestJS `@Sse()` pattern: one shared `Subject`, and per client a
 * `filter` on it and a frame encoded for that client alone.
 */
const naiveNest: SystemSpec = {
  key: 'naive',
  label: 'naive Subject + filter per client',
  async start() {
    const events$ = new Subject<{ seq: number; event: JsonObject }>();
    let connected = 0;
    const server = await listen((req, res) => {
      const jobId = jobOf(req.url);
      startSse(res);
      connected++;
      const subscription = events$
        .pipe(
          filter(({ event }) => jobId === undefined || event['job_id'] === jobId),
          map(({ seq, event }) =>
            encodeSse({ event: String(event['event']), id: `b-${seq}`, data: JSON.stringify(event) }),
          ),
        )
        .subscribe((frame) => res.write(frame));
      res.once('close', () => {
        connected--;
        subscription.unsubscribe();
      });
    });
    let seq = 0;
    return {
      ...server,
      path: plainPath,
      connected: () => connected,
      publish: (event) => events$.next({ seq: ++seq, event }),
    };
  },
};

function feedClient(feed: Subject<JsonObject>): DaemonClient {
  return { stream: () => feed, call: () => Promise.resolve([]) };
}

/** Options that keep the gateway from dropping bench clients that lag for a moment. */
const GATEWAY_OPTIONS = { maxClients: 100_000, maxBufferedBytes: 256 * MiB };

async function gatewayOn(bridge: DaemonEventBridge): Promise<Omit<RunningSystem, 'publish'>> {
  const gateway = createGateway(bridge, GATEWAY_OPTIONS);
  const server = await listen(gateway);
  return {
    ...server,
    path: (jobId) =>
      jobId === undefined ? '/api/events/stream?limit=1' : `/api/jobs/${encodeURIComponent(jobId)}/events`,
    connected: () => gateway.stats().clients,
    async close() {
      gateway.close();
      bridge.stop();
      await server.close();
    },
  };
}

/** This library: bridge + gateway, fed in-process like the others. */
const gatewaySystem: SystemSpec = {
  key: 'gateway',
  label: 'daemon-event-bridge gateway',
  async start() {
    const feed = new Subject<JsonObject>();
    const bridge = new DaemonEventBridge(feedClient(feed), { replaySize: 1_000 });
    bridge.start();
    return { ...(await gatewayOn(bridge)), publish: (event) => feed.next(event) };
  },
};

/** This library fed by a fake daemon over its Unix socket: the latency figure's real path. */
export const gatewayViaDaemon: SystemSpec = {
  key: 'gateway-daemon',
  label: 'gateway, via the daemon socket',
  async start() {
    const daemon = await startFakeDaemon({ streamQueueSize: 1_000_000 });
    const client = new UnixSocketDaemonClient(daemon.socketPath);
    const bridge = new DaemonEventBridge(client, { replaySize: 1_000 });
    bridge.start();
    await firstValueFrom(bridge.state$.pipe(filter((state) => state === 'connected')));
    const system = await gatewayOn(bridge);
    return {
      ...system,
      publish: (event) => daemon.publish(event),
      async close() {
        await system.close();
        await client.close();
        await daemon.stop();
      },
    };
  },
};

/** The systems of the fan-out figures, the floors first. */
export const FANOUT_SYSTEMS: readonly SystemSpec[] = [
  rawFloor,
  batchedFloor,
  gatewaySystem,
  betterSse,
  naiveNest,
];
