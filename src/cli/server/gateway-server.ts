import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonEventBridge } from '../../bridge/bridge.js';
import type { BridgeLogger } from '../../logger.js';
import { DaemonEventBridgeError } from '../../errors.js';
import { createGateway, type Gateway } from '../../http/gateway.js';
import type { GatewayOptions } from '../../http/gateway-options.js';
import { hardenServer, type HardenedServer, type HardenServerOptions } from '../../http/harden-server.js';
import { defaultDashboardDir, StaticFiles } from './static-files.js';
import { bearerTokenAuthorizer } from './token-auth.js';

/**
 * The HTTP server could not listen (port in use, address not available,
 * permission denied). The message says which and what to try.
 */
export class ListenError extends DaemonEventBridgeError {
  override readonly name = 'ListenError';
  readonly code = 'ERR_LISTEN';
}

/** Options of {@link startGatewayServer}. */
export interface GatewayServerOptions {
  readonly bridge: DaemonEventBridge;
  readonly host: string;
  /** 0 picks a free port; {@link GatewayServer.url} has the real one. */
  readonly port: number;
  /**
   * When set, every gateway route (`/api/...`, `/healthz`) requires it as a
   * Bearer token or `?token=`; the dashboard's static files stay public.
   */
  readonly token?: string | undefined;
  readonly logger: BridgeLogger;
  /**
   * The gateway's options (`authorize` and `logger` come from `token` and
   * `logger`); the dashboard is served under `basePath` too.
   */
  readonly gateway?: Omit<GatewayOptions, 'authorize' | 'logger'>;
  /** Where the dashboard's files are. Default {@link defaultDashboardDir}. */
  readonly dashboardDir?: string;
  /** Timeouts and caps against slow or greedy clients; defaults of {@link hardenServer}. */
  readonly limits?: HardenServerOptions;
}

/** A listening gateway; see {@link startGatewayServer}. */
export interface GatewayServer {
  /** The base URL (the dashboard's), e.g. `http://127.0.0.1:8787/` or `http://127.0.0.1:8787/bridge/`. */
  readonly url: string;
  readonly server: Server;
  readonly gateway: Gateway;
  /** The limits applied to {@link server} and what they turned away. */
  readonly hardened: HardenedServer;
  /**
   * Ends every SSE response, stops listening and closes the remaining
   * connections (idle ones at once, busy ones after `graceMs`, 500).
   * Stop the bridge first, so clients get `bridge_stopped`. Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts an HTTP server with the bridge's gateway routes and the dashboard at
 * `/`, the gateway routes optionally behind a token (the page then reads it
 * from its own `?token=`).
 */
export async function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const { bridge, host, port, token, logger } = options;
  const basePath = options.gateway?.basePath ?? '';
  const dashboard = new StaticFiles(options.dashboardDir ?? defaultDashboardDir(), basePath);
  const authorize = token === undefined ? undefined : bearerTokenAuthorizer(token);
  const gateway = createGateway(bridge, { ...options.gateway, logger, ...(authorize ? { authorize } : {}) });

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      logger.debug('request', {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0] ?? '',
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      });
    });
    // The dashboard's files are public (they ship in the package and hold no data), so a
    // browser can load the page and its script and style; the data routes need the token.
    if (dashboard.handle(req, res)) return;
    gateway(req, res);
  };

  const server = createServer(handler);
  const hardened = hardenServer(server, options.limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
    server.listen({ host, port }, () => resolve());
  });
  server.on('error', (error) => logger.error('http server error', { error: error.message }));

  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}${basePath}/`;

  let closing: Promise<void> | undefined;
  const close = (graceMs = 500): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      gateway.close();
      server.close(() => resolve());
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      server.once('close', () => clearTimeout(force));
    });
    return closing;
  };
  return { url, server, gateway, hardened, close };
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ListenError(`port ${port} on ${host} is already in use (try --port 0 for any free port)`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(`cannot listen on ${host}: no such local address`);
    case 'EACCES':
      return new ListenError(`not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`);
    default:
      return new ListenError(`cannot listen on ${host}:${port}: ${error.message}`);
  }
}
