import type { GatewayMetrics } from '../http/metrics.js';
import type { BridgeLogger } from '../logger.js';

/**
 * The `serve` command's metrics: prom-client's default process metrics and
 * the gateway's, in one registry served at `/metrics`; `undefined` (and an
 * info log) when prom-client is not installed, since it is an optional peer
 * dependency.
 *
 * @example
 * ```ts
 * import { createGateway } from 'daemon-event-bridge/http';
 * import { loadMetrics } from './metrics.js';
 *
 * const metrics = await loadMetrics(logger);
 * createGateway(bridge, metrics ? { metrics } : {});
 * ```
 */
export async function loadMetrics(logger: BridgeLogger): Promise<GatewayMetrics | undefined> {
  const loaded = await Promise.all([import('prom-client'), import('../http/metrics-prometheus.js')]).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'MODULE_NOT_FOUND') throw error;
      logger.info('prom-client is not installed: no /metrics (npm install prom-client to add it)');
      return undefined;
    },
  );
  if (loaded === undefined) return undefined;
  const [promClient, entry] = loaded;
  const registry = new promClient.Registry();
  promClient.collectDefaultMetrics({ register: registry });
  return entry.prometheusMetrics({ registry });
}
