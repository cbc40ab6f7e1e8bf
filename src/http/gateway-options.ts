import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { loggerSchema, type BridgeLogger } from '../logger.js';
import { callbackOption, integerOption } from '../options.js';
import { gatewayMetricsSchema, type GatewayMetrics } from './metrics.js';
import { serveSseOptionsSchema } from './serve-sse.js';

/**
 * Options of {@link createGateway}. Every field is optional.
 *
 * @example
 * ```ts
 * import { createGateway } from 'daemon-event-bridge/http';
 *
 * createGateway(bridge, {
 *   basePath: '/bridge',
 *   authorize: (req) => req.headers.authorization === `Bearer ${token}`,
 *   corsOrigins: ['https://ops.example'],
 * });
 * ```
 */
export interface GatewayOptions {
  /** A path prefix for every route, e.g. `/bridge` (no trailing slash). Default `''`. */
  basePath?: string;
  /**
   * Decides whether a request may proceed (every route, `/healthz` included;
   * not CORS preflights). `false` answers 401; a throw or rejection answers 500.
   */
  authorize?: (req: IncomingMessage) => boolean | Promise<boolean>;
  /** Open SSE responses allowed at once; beyond, 503. Default 1,000. */
  maxClients?: number;
  /** Origins allowed to read the gateway cross-origin (`'*'` = any). Default: none. */
  corsOrigins?: readonly string[];
  /** The `retry:` sent to SSE clients, in ms. Default 3,000. */
  retryMs?: number;
  /** Bytes held for an SSE client that does not read before it is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * Bytes held across all SSE clients that are behind (their previous write
   * not yet taken by the kernel); past it, the clients holding the most are
   * dropped first (they reconnect and resume from the replay ring). Default
   * 64 MiB: `maxBufferedBytes` alone lets the default 1,000 clients hold
   * 1 GiB; 64 MiB still lets 64 clients stall for a full 1 MiB each, or every
   * one of 1,000 clients fall 64 KiB (a few hundred events) behind, and keeps
   * a gateway inside a small container's memory.
   */
  maxTotalBufferedBytes?: number;
  /** Where to log failures. Default: silent. */
  logger?: BridgeLogger;
  /**
   * Serve metrics at `/metrics` (behind `authorize`), e.g.
   * `prometheusMetrics({ registry })` from `daemon-event-bridge/metrics`.
   * Default: none (`/metrics` answers 404).
   */
  metrics?: GatewayMetrics;
}

const basePathError = 'expected "" or a path starting with "/" and not ending with "/"';

/** The zod schema that guards {@link GatewayOptions}; defaults are applied here. */
export const gatewayOptionsSchema = z.strictObject({
  basePath: z
    .string({ error: basePathError })
    .regex(/^(\/[^/?#\s]+)*$/, { error: basePathError })
    .default(''),
  authorize: callbackOption<GatewayOptions['authorize']>(),
  maxClients: integerOption(1, Number.MAX_SAFE_INTEGER).default(1_000),
  corsOrigins: z
    .array(z.string().min(1, { error: 'expected non-empty origins' }), {
      error: 'expected an array of origins',
    })
    .readonly()
    .default([]),
  retryMs: serveSseOptionsSchema.shape.retryMs,
  maxBufferedBytes: serveSseOptionsSchema.shape.maxBufferedBytes,
  maxTotalBufferedBytes: integerOption(1, Number.MAX_SAFE_INTEGER).default(64 * 1024 * 1024),
  logger: loggerSchema.optional(),
  metrics: gatewayMetricsSchema.optional(),
});
