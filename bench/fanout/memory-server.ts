/**
 * One system in a fresh process for the idle-memory figure (forked by
 * {@link ./scenarios.ts}): so that no earlier run's garbage, sockets or
 * compiled code is counted. Argument: the system key. IPC: answers 'ready'
 * (with the port and the paths for `count` clients), then 'baseline' (after a
 * warm-up the parent ran, with no client left) and 'measure' (once `count`
 * clients are connected) with {@link MemorySample}s.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { plan } from './scenarios';
import { FANOUT_SYSTEMS } from './systems';

export type MemoryCommand = { type: 'baseline' } | { type: 'measure'; count: number };
export interface MemorySample {
  readonly heap: number;
  readonly rss: number;
}
export type MemoryReply =
  | { type: 'ready'; port: number; paths: string[] }
  | { type: 'sample'; sample: MemorySample }
  | { type: 'failed'; error: string };

const gc = (globalThis as { gc?: () => void }).gc!;

async function settle(connected: () => number, count: number): Promise<MemorySample> {
  for (let waited = 0; connected() !== count; waited += 5) {
    if (waited > 60_000) throw new Error(`${connected()} clients, expected ${count}`);
    await sleep(5);
  }
  await sleep(300);
  gc();
  await sleep(50);
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.external, rss: usage.rss };
}

async function main(): Promise<void> {
  const [key, count] = [process.argv[2], Number(process.argv[3])];
  const spec = FANOUT_SYSTEMS.find((s) => s.key === key);
  if (spec === undefined) throw new Error(`unknown system ${key}`);
  const system = await spec.start();
  const send = (reply: MemoryReply) => process.send?.(reply);
  process.on('message', (command: MemoryCommand) => {
    const expected = command.type === 'baseline' ? 0 : command.count;
    settle(() => system.connected(), expected).then(
      (sample) => send({ type: 'sample', sample }),
      (error: unknown) => send({ type: 'failed', error: String(error) }),
    );
  });
  process.on('disconnect', () => void system.close().then(() => process.exit(0)));
  const { paths } = plan(
    system,
    { jobClients: count, jobs: Math.max(1, Math.floor(count / 10)), globalClients: 0 },
    0,
  );
  send({ type: 'ready', port: system.port, paths });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', error: String(error) });
  process.exit(1);
});
