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

/**
 * The zod schema that guards {@link GatewayOptions}; defaults are applied here.
 *
 * @example
 * ```ts
 * gatewayOptionsSchema.parse({}).maxClients; // 1000
 * ```
 */
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
  logger: loggerSchema.optional(),
  metrics: gatewayMetricsSchema.optional(),
});
