import { bridgeOptionsSchema } from '../../bridge/bridge-options.js';
import { unixSocketDaemonClientOptionsSchema } from '../../daemon/unix-socket-client.js';
import { gatewayOptionsSchema } from '../../http/gateway-options.js';
import { hardenServerOptionsSchema } from '../../http/harden-server.js';
import { natsLogOptionsSchema, natsRelayOptionsSchema } from '../../nats/relay-options.js';
import type { z } from 'zod';
import type { FlagMeta, SectionMeta } from './flags.js';

/*
 * The library options the commands expose, with the libraries' own schemas
 * (and so their defaults and messages). Every leaf option gets a flag and a
 * DAEMON_EVENT_BRIDGE_* variable: a new option needs only a line in its
 * section's `flags` below (spec/cli/args/flags.spec.ts fails without one).
 * An option the command line cannot express (a function, a logger) goes into
 * `noFlag` with the reason.
 */

/** Typed `.meta()` content of a section. */
const section = (meta: SectionMeta): z.GlobalMeta => ({ ...meta });

/** Options the CLI sets in code, never from a flag. */
const HOOK_KEYS = ['logger', 'scheduler', 'authorize', 'metrics'] as const;
type Hook = (typeof HOOK_KEYS)[number];

const HOOKS = {
  logger: 'logs go to stderr as JSON lines, see --log-level',
  scheduler: 'the CLI runs on the real clock',
} as const;

/** The parsed options of a library without its hooks (a defaulted `scheduler`, say). */
export function withoutHooks<T extends object>(options: T): Omit<T, Hook> {
  const hooks: readonly string[] = HOOK_KEYS;
  return Object.fromEntries(Object.entries(options).filter(([key]) => !hooks.includes(key))) as Omit<T, Hook>;
}

/** The daemon stream's options, alike in the bridge and the relay. */
const DAEMON_STREAM_FLAGS = {
  'reconnect.initialDelayMs': 'first wait before resubscribing to the daemon, in ms (doubles each try)',
  'reconnect.maxDelayMs': 'longest wait between resubscriptions, in ms',
  streamMethod: "the daemon's streaming method",
  observerMethod: "the daemon's history method",
} as const satisfies Record<string, string | FlagMeta>;

const NATS_LOG_FLAGS = {
  prefix: { arg: 'p', description: 'NATS subject prefix' },
  stream: { arg: 'name', description: 'JetStream stream' },
} as const satisfies Record<string, FlagMeta>;

/** `serve`'s library options: `--daemon-*`, the bridge's, the gateway's and the HTTP server's. */
export const SERVE_LIBRARIES = {
  daemon: unixSocketDaemonClientOptionsSchema.meta(
    section({
      title: 'Daemon client options',
      flagPrefix: 'daemon-',
      noFlag: HOOKS,
      flags: {
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
    }),
  ),
  bridge: bridgeOptionsSchema.meta(
    section({
      title: 'Bridge options',
      flagPrefix: '',
      noFlag: HOOKS,
      flags: {
        ...DAEMON_STREAM_FLAGS,
        heartbeatMs: 'idle time after which SSE clients get a heartbeat message, in ms',
        replaySize: 'recent events kept for ?limit= and Last-Event-ID resume (0 = none)',
        connectOnDemand: 'hold the daemon subscription only while SSE clients listen',
        disconnectGraceMs: 'with --connect-on-demand: stay connected this long after the last client, in ms',
        instanceId: 'prefix of event ids, 1-32 of [A-Za-z0-9_] (default: 8 random hex characters)',
      },
    }),
  ),
  gateway: gatewayOptionsSchema.meta(
    section({
      title: 'Gateway options',
      flagPrefix: '',
      noFlag: {
        authorize: 'see --token',
        metrics: 'serve has /metrics whenever prom-client is installed',
        logger: HOOKS.logger,
      },
      flags: {
        basePath: 'path prefix of every route and of the dashboard, e.g. /bridge',
        maxClients: 'open SSE responses allowed at once; beyond, 503',
        corsOrigins: "origins allowed to read the gateway cross-origin, comma-separated ('*' = any)",
        retryMs: 'the retry: sent to SSE clients, in ms',
        maxBufferedBytes: 'bytes held for an SSE client that does not read before it is dropped',
        maxTotalBufferedBytes:
          'bytes held across all SSE clients; past it, those holding the most are dropped',
      },
    }),
  ),
  server: hardenServerOptionsSchema.meta(
    section({
      title: 'HTTP server options',
      flagPrefix: '',
      flags: {
        headersTimeoutMs: 'a request must send its headers within this time, in ms (slowloris bound)',
        requestTimeoutMs:
          'a request must arrive whole within this time, in ms (SSE streams are not cut by it)',
        keepAliveTimeoutMs: 'an idle keep-alive connection is closed after this time, in ms',
        checkIntervalMs: 'how often the header and request timeouts are checked, in ms',
        maxConnections: 'open sockets allowed at once (SSE streams included); beyond, new ones are closed',
        maxHeaderBytes: 'the largest request head accepted; beyond, 431',
        maxHeadersCount: 'the most request headers read',
      },
    }),
  ),
};

/** `--prefix` and `--stream` of `serve --nats`. */
export const natsLogOptions = natsLogOptionsSchema.meta(
  section({ flagPrefix: '', noFlag: HOOKS, flags: NATS_LOG_FLAGS }),
);

/** The relay's options; its flags are listed with `relay`'s own. */
export const relayOptions = natsRelayOptionsSchema.meta(
  section({
    flagPrefix: '',
    noFlag: HOOKS,
    flags: {
      ...NATS_LOG_FLAGS,
      ...DAEMON_STREAM_FLAGS,
      conductor: { arg: 'name', description: "this conductor's name: letters, digits, _ and - (required)" },
      bufferMaxEvents: { flag: 'buffer-events', arg: 'n', description: 'events kept while NATS is away' },
      bufferMaxBytes: { flag: 'buffer-bytes', description: 'bytes kept while NATS is away' },
      maxInFlight: 'publishes awaiting their ack at once',
      maxMsgs: 'new stream: most messages, -1 = unlimited',
      maxAgeMs: {
        flag: 'max-age',
        arg: 's',
        scale: 1000,
        description: 'new stream: oldest age in seconds, 0 = unlimited',
      },
      maxBytes: 'new stream: most bytes, -1 = unlimited',
      replicas: 'new stream: replicas in a cluster',
    },
  }),
);
