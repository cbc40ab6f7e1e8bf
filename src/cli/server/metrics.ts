import type { GatewayMetrics } from '../../http/metrics.js';
import type { BridgeLogger } from '../../logger.js';
import { importOptionalPeer, OptionalPeerMissingError } from '../../optional-peer.js';

/**
 * The `serve` command's metrics: prom-client's default process metrics (those
 * that pass `promtool check metrics`) and the gateway's, in one registry
 * served at `/metrics`; `undefined` (and one info log naming the install
 * command) when prom-client, an optional peer dependency, is not installed. A prom-client that is installed but fails to
 * load is an error, not a missing feature.
 */
export async function loadMetrics(logger: BridgeLogger): Promise<GatewayMetrics | undefined> {
  try {
    const entry = await importOptionalPeer(
      '/metrics',
      ['prom-client'],
      () => import('../../http/metrics-prometheus.js'),
    );
    return entry.prometheusMetrics({ defaultMetrics: true });
  } catch (error) {
    if (!(error instanceof OptionalPeerMissingError)) throw error;
    logger.info(`prom-client is not installed: no /metrics (${error.install} to add it)`);
    return undefined;
  }
}
