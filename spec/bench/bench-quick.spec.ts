/**
 * `npm run bench -- --quick` as CI runs it: a smoke test that the fan-out
 * bench works end to end (server, clients in a forked process, every system)
 * and that no client lost or gained a frame. Counts only, never times.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FanoutResults } from '../../bench/fanout/run';

const ROOT = join(__dirname, '..', '..');

interface BenchJson {
  results: FanoutResults;
  losses: string[];
}

describe('npm run bench -- --quick', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every system and every figure, and every client gets exactly its frames', async () => {
    dir = mkdtempSync(join(tmpdir(), 'deb-bench-'));
    const json = join(dir, 'fanout.json');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = execFile(
        'npm',
        ['run', 'bench', '--silent', '--', '--quick', '--json', json],
        { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (error.code as number) : 0, output: stdout + stderr }),
      );
      child.stdin?.end();
    });
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain('quick: nothing lost');

    const { results, losses } = JSON.parse(readFileSync(json, 'utf8')) as BenchJson;
    expect(losses).toEqual([]);
    expect(results.runs).toHaveLength(1);
    const [run] = results.runs;
    const systems = ['raw', 'batched', 'gateway', 'better-sse', 'naive'];
    for (const figure of [run!.broadcast, run!.mixed]) {
      expect(Object.keys(figure).sort()).toEqual([...systems].sort());
      for (const delivery of Object.values(figure)) {
        expect(delivery.expectedFrames).toBeGreaterThan(0);
        expect(delivery).toMatchObject({
          receivedFrames: delivery.expectedFrames,
          clientsShort: 0,
          clientErrors: 0,
        });
        expect(delivery.framesPerCpuSecond).toBeGreaterThan(0);
      }
    }
    // broadcast: every client gets every event; mixed: each event reaches its job's clients and the global ones
    const { broadcast, mixed } = results.sizes;
    expect(run!.broadcast['gateway']!.expectedFrames).toBe(
      broadcast.events * broadcast.topology.globalClients,
    );
    expect(run!.mixed['gateway']!.expectedFrames).toBe(
      mixed.events * (mixed.topology.jobClients / mixed.topology.jobs + mixed.topology.globalClients),
    );
    expect(Object.keys(run!.latency)).toEqual(expect.arrayContaining([...systems, 'gateway-daemon']));
    for (const latency of Object.values(run!.latency)) {
      expect(latency).toMatchObject({ receivedFrames: latency.expectedFrames, clientsShort: 0 });
      expect(latency.samples).toBe(latency.expectedFrames);
    }
    for (const memory of Object.values(run!.memory)) expect(memory.clients).toBe(results.sizes.memoryClients);
    for (const dispatch of Object.values(run!.dispatch)) {
      expect(dispatch.deliveries).toBe(dispatch.expectedDeliveries);
      expect(dispatch.expectedDeliveries).toBeGreaterThan(0);
    }
  }, 180_000);
});
