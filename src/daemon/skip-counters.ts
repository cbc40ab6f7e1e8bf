import type { BridgeLogger } from '../logger.js';
import type { SkippedLine, SkipReason } from './json-rpc-connection.js';
import type { JsonRpcResponse } from './json-rpc.js';

/**
 * What a daemon client skipped, per cause. The keys are stable (metrics and
 * `/healthz` use them): `invalidUtf8` lines not UTF-8, `nul` lines holding a
 * NUL character, `notJson` other lines that are not JSON (empty ones
 * included), `notJsonRpc` JSON that is not a JSON-RPC message (or a
 * notification whose params is not an object), `oversize` lines longer than
 * `maxMessageBytes`, `unknownId` responses whose id matched no request.
 *
 * @example
 * ```ts
 * const { skipped } = client.stats();
 * const total = Object.values(skipped).reduce((sum, n) => sum + n, 0);
 * ```
 */
export interface SkippedLineCounts {
  readonly invalidUtf8: number;
  readonly nul: number;
  readonly notJson: number;
  readonly notJsonRpc: number;
  readonly oversize: number;
  readonly unknownId: number;
}

type Counts = { -readonly [K in keyof SkippedLineCounts]: number };

const KEY_OF: Readonly<Record<SkipReason, keyof SkippedLineCounts>> = {
  invalid_utf8: 'invalidUtf8',
  nul: 'nul',
  not_json: 'notJson',
  not_json_rpc: 'notJsonRpc',
  oversize: 'oversize',
};

/**
 * Counts and logs what a daemon client skips, per cause.
 *
 * @example
 * ```ts
 * const skips = new SkipCounters(logger);
 * const handler = { ...rest, skip: (line: SkippedLine) => skips.line(line, 'daemon.monitor.stream') };
 * ```
 */
export class SkipCounters {
  private readonly counts: Counts = {
    invalidUtf8: 0,
    nul: 0,
    notJson: 0,
    notJsonRpc: 0,
    oversize: 0,
    unknownId: 0,
  };

  constructor(private readonly logger: BridgeLogger) {}

  /** Counts and logs one skipped line; `method` is the request the connection serves, if any. */
  line(line: SkippedLine, method: string | undefined): void {
    const key = KEY_OF[line.reason];
    this.counts[key]++;
    this.logger.warn(`daemon line skipped (${line.reason.replaceAll('_', ' ')})`, {
      method,
      sample: line.sample,
      [key]: this.counts[key],
    });
  }

  /** Counts and logs one response whose id matched no request on its connection. */
  unknownResponse(message: JsonRpcResponse, method: string | undefined): void {
    this.counts.unknownId++;
    this.logger.warn('daemon response with an unknown id ignored', {
      method,
      id: message.id,
      unknownId: this.counts.unknownId,
    });
  }

  snapshot(): SkippedLineCounts {
    return { ...this.counts };
  }
}
