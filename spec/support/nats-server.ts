import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from './wait-until.js';

/** Where Debian's `nats-server` package puts the server; `NATS_SERVER_PATH` overrides it. */
const NATS_SERVER_PATH = process.env['NATS_SERVER_PATH'] ?? '/usr/sbin/nats-server';

/** True when a `nats-server` executable is installed at {@link NATS_SERVER_PATH}. */
export const natsServerInstalled = existsSync(NATS_SERVER_PATH);

/**
 * `describe` for specs that need real `nats-server` processes: runs them when
 * the binary is installed. When it is missing they fail under CI (`CI` set)
 * and are reported as skipped elsewhere, so the gap stays visible.
 */
export function describeNats(name: string, body: () => void): void {
  if (natsServerInstalled) {
    describe(name, body);
  } else if (process.env['CI']) {
    describe(name, () => {
      it('needs nats-server', () => {
        throw new Error(
          `nats-server is required under CI but ${NATS_SERVER_PATH} does not exist (apt-get install nats-server)`,
        );
      });
    });
  } else {
    describe.skip(`${name} (skipped: no nats-server at ${NATS_SERVER_PATH})`, body);
  }
}

/** One `nats-server` process on 127.0.0.1 with JetStream and a temp store. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly name: string;
  /** The PID of the running process, or undefined while stopped. */
  readonly pid: number | undefined;
  /** True between `start()` (or creation) and `stop()`. */
  readonly running: boolean;
  /** (Re)starts the process on the same port and store; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Kills the process by PID (SIGKILL: a crash, as clients see it) and waits for it to exit. Keeps the store. */
  stop(): Promise<void>;
  /** Stops the process and removes its temp dir. */
  dispose(): Promise<void>;
}

/** A JetStream cluster of `nats-server` processes routed to each other. */
export interface NatsCluster {
  readonly servers: readonly NatsServer[];
  /** Every node's client URL, for `servers:` in a client. */
  readonly urls: string[];
  /** Stops every node and removes their temp dirs. */
  dispose(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; it is closed again at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Starts one standalone JetStream server (`-js -sd <tempdir> -a 127.0.0.1 -p <free port>`). */
export async function startNatsServer(): Promise<NatsServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'deb-nats-'));
  const server = natsProcess(`n-${port}`, port, dir, () => [
    '-js',
    '-sd',
    join(dir, 'store'),
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
  ]);
  await server.start();
  return server;
}

/**
 * Starts `size` JetStream servers in one cluster (`server_name`, `--cluster`,
 * `--routes`), each with its own temp store. Resolves once every node accepts
 * clients; the JetStream meta leader may take a few more seconds to be elected.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const clusterPorts = await Promise.all(Array.from({ length: size }, () => freePort()));
  const routes = clusterPorts.map((p) => `nats://127.0.0.1:${p}`).join(',');
  const servers = ports.map((port, i) => {
    const dir = mkdtempSync(join(tmpdir(), 'deb-nats-'));
    const name = `n${i + 1}`;
    const config = join(dir, 'nats.conf');
    writeFileSync(config, `server_name: ${name}\njetstream { store_dir: "${join(dir, 'store')}" }\n`);
    return natsProcess(name, port, dir, () => [
      '-c',
      config,
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '--cluster_name',
      'deb',
      '--cluster',
      `nats://127.0.0.1:${clusterPorts[i]}`,
      '--routes',
      routes,
    ]);
  });
  await Promise.all(servers.map((server) => server.start()));
  return {
    servers,
    urls: servers.map((server) => server.url),
    dispose: async () => {
      await Promise.all(servers.map((server) => server.dispose()));
    },
  };
}

function natsProcess(name: string, port: number, dir: string, args: () => string[]): NatsServer {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const output: string[] = [];
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    name,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined;
    },
    async start() {
      if (child !== undefined) return;
      const proc = spawn(NATS_SERVER_PATH, args(), { stdio: ['ignore', 'ignore', 'pipe'] });
      child = proc;
      proc.stderr?.setEncoding('utf8');
      proc.stderr?.on('data', (chunk: string) => {
        output.push(chunk);
        if (output.length > 200) output.shift();
      });
      exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      void exited.then(() => {
        if (child === proc) child = undefined;
      });
      try {
        await waitUntil(
          async () => {
            if (child !== proc) throw new Error(`nats-server ${name} exited:\n${output.join('')}`);
            return accepts(port);
          },
          `nats-server ${name} on port ${port}`,
          15_000,
        );
      } catch (error) {
        await server.stop();
        throw error;
      }
    },
    async stop() {
      const proc = child;
      if (proc?.pid === undefined) return;
      process.kill(proc.pid, 'SIGKILL');
      await exited;
      child = undefined;
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** True when the server answers a TCP connection with its `INFO` line. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setEncoding('utf8');
    socket.once('data', (chunk: string) => done(chunk.startsWith('INFO')));
    socket.once('error', () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}
