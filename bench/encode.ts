import { encodeSse } from '../src/sse/encode';
import { toSseMessage } from '../src/bridge/to-sse-message';
import type { Result } from './result';

/** SSE frames encoded per second for a typical one-line JSON event. */
export function encodeThroughput(): Result[] {
  const message = toSseMessage(
    {
      job_id: 'nightly-refactor',
      sheet_num: 3,
      event: 'sheet.completed',
      data: { success: true, cost_usd: 0.0383 },
      timestamp: 1764000005.392,
    },
    'a1b2c3d4-123456',
  );
  const rounds = 500_000;
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) bytes += encodeSse(message).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (bytes === 0) throw new Error('nothing encoded');
  return [
    {
      name: 'encodeSse, one-line JSON event',
      value: Math.round(rounds / seconds),
      unit: 'frames/s',
      target: 500_000,
      better: 'higher',
    },
  ];
}
