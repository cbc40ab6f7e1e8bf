import { z } from 'zod';
import { DEFAULT_SOCKET_PATH } from '../../daemon/unix-socket-client.js';
import { integerOption } from '../../options.js';
import { LOG_LEVELS } from '../logger.js';
import type { FlagMeta } from './flags.js';

/*
 * The CLI's own options (those no library has), each described once, with
 * `.meta()`, where its schema is written. The default port and restart period
 * are stated here; the socket's is the daemon client's.
 */

/** Typed `.meta()` content of an option. */
const flag = (meta: FlagMeta): z.GlobalMeta => ({ ...meta });

/** The default port of `serve` and `demo`. */
export const DEFAULT_PORT = 8787;

/** How often the demo restarts its daemon by default, in seconds. */
export const DEFAULT_RESTART_EVERY_S = 120;

const host = z
  .string()
  .regex(/^[A-Za-z0-9.:_-]{1,253}$/, { error: 'expected a host name or an IP address' })
  .default('127.0.0.1')
  .meta(
    flag({
      arg: 'host',
      description: 'interface to listen on (a non-loopback host needs --token or --insecure)',
    }),
  );

const port = integerOption(0, 65_535)
  .default(DEFAULT_PORT)
  .meta(flag({ arg: 'port', description: 'TCP port, 0 for any free port' }));

const token = z
  .string()
  .min(1, { error: 'expected a non-empty secret' })
  .max(4096, { error: 'expected at most 4096 characters' })
  .regex(/^[\x21-\x7e]+$/, { error: 'expected printable ASCII without spaces' })
  .optional()
  .meta(
    flag({
      arg: 'secret',
      description: 'require "Authorization: Bearer <secret>" or ?token=<secret> on /api and /healthz',
    }),
  );

const insecure = z
  .boolean()
  .default(false)
  .meta(flag({ description: 'allow a non-loopback --host without a token' }));

/** `--host`, `--port`, `--token`, `--insecure`: where `serve` and `demo` listen. */
export const listenOptions = { host, port, token, insecure };

/** `--log-level`; each command states its default. */
export const logLevel = z
  .enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })
  .meta(flag({ arg: 'level', description: `${LOG_LEVELS.join(' | ')}; logs are JSON lines on stderr` }));

/** `--socket`: the daemon's. */
export const socket = z
  .string()
  .min(1, { error: 'expected a socket path' })
  .max(1024, { error: 'expected at most 1024 characters' })
  .default(DEFAULT_SOCKET_PATH)
  .meta(flag({ arg: 'path', description: "the daemon's Unix socket" }));

/** `--nats`: NATS server URLs; each command describes its use. */
export const natsServers = z.string().regex(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, {
  error: 'expected nats://host:port (several separated by commas)',
});

/** `--restart-every`: the demo's simulated daemon restarts. */
export const restartEverySeconds = z
  .number({ error: 'expected a number of seconds (0 = never)' })
  .refine((s) => s === 0 || (s >= 0.5 && s <= 86_400), {
    error: 'expected 0 (never) or 0.5 to 86400 seconds',
  })
  .default(DEFAULT_RESTART_EVERY_S)
  .meta(
    flag({
      flag: 'restart-every',
      arg: 's',
      description: 'restart the simulated daemon every <s> seconds, 0 = never',
    }),
  );

/** `--seed`: the demo's workload. */
export const seed = integerOption(0, 999_999_999)
  .optional()
  .meta(flag({ arg: 'n', description: 'make the simulated workload repeatable (random when absent)' }));

/**
 * True for host names that only accept connections from this machine:
 * `localhost`, `127.0.0.0/8`, `::1` (and its IPv4-mapped form).
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * The listen options without `insecure`, or an issue refusing a non-loopback
 * host without a token (unless `insecure`).
 */
export function refuseOpenListen<T extends { host: string; token?: string | undefined; insecure: boolean }>(
  { insecure, ...options }: T,
  ctx: z.RefinementCtx,
): Omit<T, 'insecure'> {
  if (!isLoopbackHost(options.host) && options.token === undefined && !insecure) {
    ctx.addIssue({
      code: 'custom',
      message: `refusing to listen on non-loopback host ${options.host} without --token <secret> (or --insecure to allow anyone on the network)`,
    });
  }
  return options;
}
