/**
 * One system in a fresh process for the idle-memory figure (forked by
 * {@link ./scenarios.ts}): so that no earlier run's garbage, sockets or
 * compiled code is counted. Arguments: the system key and the client count.
 * IPC: answers 'ready' (with the port and the paths of `count` clients,
 * grouped by job), then a {@link MemorySample} for each 'sample' command, once
 * that many clients are connected.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { plan } from './scenarios';
import { FANOUT_SYSTEMS } from './systems';

export interface MemoryCommand {
  readonly type: 'sample';
  /** Sample once this many clients are connected. */
  readonly clients: number;
}
export interface MemorySample {
  readonly clients: number;
  /** JS heap used + external, after gc. */
  readonly heap: number;
  readonly rss: number;
}
export type MemoryReply =
  | { type: 'ready'; port: number; paths: string[] }
  | { type: 'sample'; sample: MemorySample }
  | { type: 'failed'; error: string };

const gc = (globalThis as { gc?: () => void }).gc!;

/**
 * Waits for `count` clients, collects, and samples. V8 gives the pages a full
 * collection emptied back to the system from a background task shortly after
 * the collection: sampling at once would count some of them, a varying
 * amount, as resident. Hence the second collection after a pause.
 */
async function settle(connected: () => number, count: number): Promise<MemorySample> {
  for (let waited = 0; connected() !== count; waited += 5) {
    if (waited > 60_000) throw new Error(`${connected()} clients, expected ${count}`);
    await sleep(5);
  }
  await sleep(300);
  gc();
  await sleep(1_000);
  gc();
  await sleep(100);
  const usage = process.memoryUsage();
  return { clients: count, heap: usage.heapUsed + usage.external, rss: usage.rss };
}

async function main(): Promise<void> {
  const [key, count] = [process.argv[2], Number(process.argv[3])];
  const spec = FANOUT_SYSTEMS.find((s) => s.key === key);
  if (spec === undefined) throw new Error(`unknown system ${key}`);
  const system = await spec.start();
  const send = (reply: MemoryReply) => process.send?.(reply);
  process.on('message', (command: MemoryCommand) => {
    settle(() => system.connected(), command.clients).then(
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
  // Sorted, the clients of a job are next to each other: each step of clients opens its own jobs'
  // streams, so the per-job state grows with the clients, in every step alike.
  send({ type: 'ready', port: system.port, paths: paths.sort() });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', error: String(error) });
  process.exit(1);
});
