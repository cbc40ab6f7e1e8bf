import type { BridgeLogger } from '../logger.js';
import type { SkippedLine, SkipReason } from './json-rpc-connection.js';
import type { JsonRpcResponse } from './json-rpc.js';

/**
 * What a daemon client skipped, per cause. The keys are stable: metrics and
 * `/healthz` use them.
 */
export interface SkippedLineCounts {
  /** Lines that are not UTF-8. */
  readonly invalidUtf8: number;
  /** Lines holding a NUL character (binary garbage: JSON text never does). */
  readonly nul: number;
  /** Other lines that are not JSON, empty ones included. */
  readonly notJson: number;
  /** JSON that is not a JSON-RPC message, or a notification whose params is not an object. */
  readonly notJsonRpc: number;
  /** Lines longer than `maxMessageBytes`. */
  readonly oversize: number;
  /** Responses whose id matched no request on their connection. */
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

/** Counts and logs what a daemon client skips, per cause. */
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
