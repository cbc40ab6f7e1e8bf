import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * One minute of `npm run soak` with real processes: the gateway here in a
 * child, the fake daemon and the SSE clients in its own child. CI load is
 * lighter than the 30-minute run (200 clients at 250 events/s, so the rest of
 * the suite is not starved) and the daemon restarts every 20 s, so the minute
 * holds two restarts.
 */
describe('npm run soak', () => {
  let out: string;
  beforeAll(() => (out = mkdtempSync(join(tmpdir(), 'soak-'))));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('holds for one minute: nothing grows after warm-up and every event reaches every connected client', async () => {
    const args = [
      '--minutes',
      '1',
      '--clients',
      '200',
      '--rate',
      '250',
      '--restart-seconds',
      '20',
      '--out',
      out,
    ];
    const child = spawn(
      process.execPath,
      ['--expose-gc', '-r', 'ts-node/register', 'bench/soak.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: 'bench/tsconfig.json' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));

    expect(output).toContain('soak verdict: PASS');
    expect(code).toBe(0);
    expect(output).toMatch(/daemonRestarts=[23] /);
    expect(output).toMatch(/missed=0 duplicates=0 missingTail=0 /);
    const csv = readFileSync(join(out, 'soak.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('t,rssMiB,heapMiB,fds,eldP99Ms,clients');
    expect(csv).toHaveLength(7);
    expect(readFileSync(join(out, 'soak.svg'), 'utf8')).toMatch(/^<svg[\s\S]*verdict PASS[\s\S]*<\/svg>\n$/);
  }, 180_000);
});
