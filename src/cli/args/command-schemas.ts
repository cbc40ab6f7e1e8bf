import type { z } from 'zod';
import { bridgeOptionsSchema } from '../../bridge/bridge-options.js';
import { unixSocketDaemonClientOptionsSchema } from '../../daemon/unix-socket-client.js';
import { gatewayOptionsSchema } from '../../http/gateway-options.js';
import { hardenServerOptionsSchema } from '../../http/harden-server.js';
import { deriveFlags, type OptionFlag, type OptionGroup } from './flags.js';

/*
 * The library options `serve` exposes. Every leaf option of these schemas gets
 * a flag and a DAEMON_EVENT_BRIDGE_* variable (see option-flags.ts): a new
 * option needs only a description, as `.describe('...')` on its schema or a
 * line in the group's `help` below (spec/cli/args-options.spec.ts fails
 * without one). An option the command line cannot express (a function, a
 * logger, an object) goes into `noFlag` with the reason. A new library (NATS)
 * is one more group in SERVE_OPTION_GROUPS.
 */

/** The daemon client's options: `--daemon-*`. */
const DAEMON_GROUP = {
  key: 'daemon',
  what: 'daemon client',
  schema: unixSocketDaemonClientOptionsSchema,
  prefix: 'daemon-',
  noFlag: {
    logger: 'logs go to stderr as JSON lines, see --log-level',
    scheduler: 'the CLI runs on the real clock',
  },
  help: {
    timeoutMs: 'how long a daemon call waits for its answer, in ms',
    acquireTimeoutMs: 'how long a daemon call may wait for a pooled connection, in ms',
    healthIntervalMs: 'probe the daemon with daemon.health this often while streaming, in ms (0 = off)',
    healthTimeoutMs: 'how long one health probe waits for its answer, in ms',
    healthMaxMisses: 'unanswered probes in a row after which the stream reconnects',
    connectTimeoutMs: "how long connecting to the daemon's socket may take, in ms",
    maxMessageBytes: 'the longest line accepted from the daemon; longer ones are skipped',
    poolSize: 'how many connections daemon calls keep open at most',
    idleTimeoutMs: 'pooled connections idle for longer than this are closed, in ms',
  },
} as const satisfies OptionGroup;

/** The bridge's options. */
const BRIDGE_GROUP = {
  key: 'bridge',
  what: 'bridge',
  schema: bridgeOptionsSchema,
  prefix: '',
  noFlag: {
    logger: 'logs go to stderr as JSON lines, see --log-level',
    scheduler: 'the CLI runs on the real clock',
  },
  help: {
    heartbeatMs: 'idle time after which SSE clients get a heartbeat message, in ms',
    'reconnect.initialDelayMs': 'first wait before resubscribing to the daemon, in ms (doubles each try)',
    'reconnect.maxDelayMs': 'longest wait between resubscriptions, in ms',
    replaySize: 'recent events kept for ?limit= and Last-Event-ID resume (0 = none)',
    streamMethod: "the daemon's streaming method",
    observerMethod: "the daemon's history method",
    connectOnDemand: 'hold the daemon subscription only while SSE clients listen',
    disconnectGraceMs: 'with --connect-on-demand: stay connected this long after the last client, in ms',
    instanceId: 'prefix of event ids, 1-32 of [A-Za-z0-9_] (default: 8 random hex characters)',
  },
} as const satisfies OptionGroup;

/** The gateway's options. */
const GATEWAY_GROUP = {
  key: 'gateway',
  what: 'gateway',
  schema: gatewayOptionsSchema,
  prefix: '',
  noFlag: {
    authorize: 'see --token',
    metrics: 'serve has /metrics whenever prom-client is installed',
    logger: 'logs go to stderr as JSON lines, see --log-level',
  },
  help: {
    basePath: 'path prefix of every route and of the dashboard, e.g. /bridge',
    maxClients: 'open SSE responses allowed at once; beyond, 503',
    corsOrigins: "origins allowed to read the gateway cross-origin, comma-separated ('*' = any)",
    retryMs: 'the retry: sent to SSE clients, in ms',
    maxBufferedBytes: 'bytes held for an SSE client that does not read before it is dropped',
    maxTotalBufferedBytes: 'bytes held across all SSE clients; past it, those holding the most are dropped',
  },
} as const satisfies OptionGroup;

/** The HTTP server's timeouts and caps against slow or greedy clients (see hardenServer). */
const SERVER_GROUP = {
  key: 'server',
  what: 'server',
  schema: hardenServerOptionsSchema,
  prefix: '',
  noFlag: {},
  help: {
    headersTimeoutMs: 'a request must send its headers within this time, in ms (slowloris bound)',
    requestTimeoutMs: 'a request must arrive whole within this time, in ms (SSE streams are not cut by it)',
    keepAliveTimeoutMs: 'an idle keep-alive connection is closed after this time, in ms',
    checkIntervalMs: 'how often the header and request timeouts are checked, in ms',
    maxConnections: 'open sockets allowed at once (SSE streams included); beyond, new ones are closed',
    maxHeaderBytes: 'the largest request head accepted; beyond, 431',
    maxHeadersCount: 'the most request headers read',
  },
} as const satisfies OptionGroup;

/** Every library option group of `serve`, in `--help` order. */
export const SERVE_OPTION_GROUPS: readonly OptionGroup[] = [
  DAEMON_GROUP,
  BRIDGE_GROUP,
  GATEWAY_GROUP,
  SERVER_GROUP,
];

/** Titles of the groups in `--help`. */
export const GROUP_TITLES: Readonly<Record<string, string>> = {
  daemon: 'Daemon client',
  bridge: 'Bridge',
  gateway: 'Gateway',
  server: 'HTTP server',
};

/** The derived flags of every group of `serve`. */
export const SERVE_OPTION_FLAGS: readonly OptionFlag[] = SERVE_OPTION_GROUPS.flatMap(
  (group) => deriveFlags(group).flags,
);

type Settable<S extends z.ZodType, Omitted extends string> = Omit<z.output<S>, Omitted>;

/**
 * The library options `serve` builds from its flags and variables, defaults
 * applied (the callbacks, logger and scheduler are the CLI's own).
 */
export interface ServeLibraryOptions {
  readonly daemon: Settable<typeof DAEMON_GROUP.schema, keyof typeof DAEMON_GROUP.noFlag>;
  readonly bridge: Settable<typeof BRIDGE_GROUP.schema, keyof typeof BRIDGE_GROUP.noFlag>;
  readonly gateway: Settable<typeof GATEWAY_GROUP.schema, keyof typeof GATEWAY_GROUP.noFlag>;
  readonly server: z.output<typeof SERVER_GROUP.schema>;
}
