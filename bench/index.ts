/**
 * npm run bench: measures the speed and memory targets of the library and
 * prints one line per figure. Exits 1 when a figure misses its target or a
 * client lost a frame.
 *
 *   npm run bench                  every suite; fan-out 3 runs, medians;
 *                                  rewrites BENCHMARKS.md's table and docs/bench-fanout.svg
 *   npm run bench -- --quick       small fan-out sizes, 1 run, writes nothing
 *                                  (a smoke test: it works and loses nothing)
 *   npm run bench -- --repeat 5    fan-out runs to take the median of
 *   npm run bench -- --no-write    do not touch BENCHMARKS.md or docs/
 *   npm run bench -- --json FILE   also write the raw fan-out results as JSON
 *   npm run bench -- --fanout-only skip the older per-part suites
 *
 * The machine is shared: repeat runs and read the ratios within one run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { encodeThroughput } from './encode';
import { fanoutChart, fanoutTables, fanoutTargets, replaceSection } from './fanout/report';
import { FULL, losses, QUICK, runFanout } from './fanout/run';
import { pipelineThroughput } from './pipeline';
import { natsFigures } from './nats';
import { meets, type Result } from './result';
import { memoryPerConsumer, naiveFilterThroughput, resumeCost, routingThroughput } from './routing';

const ROOT = join(__dirname, '..');

const classic: (() => Result[] | Promise<Result[]>)[] = [
  routingThroughput,
  naiveFilterThroughput,
  memoryPerConsumer,
  resumeCost,
  encodeThroughput,
  pipelineThroughput,
  natsFigures,
];

function print(result: Result): boolean {
  const ok = meets(result);
  const target =
    result.target === undefined
      ? ''
      : ` (target ${result.better === 'higher' ? '≥' : '≤'} ${result.target.toLocaleString('en-US')})`;
  const verdict = result.target === undefined ? 'info' : ok ? 'ok  ' : 'MISS';
  console.log(
    `${verdict} ${result.name}: ${result.value.toLocaleString('en-US')} ${result.unit}${target}${result.note ? ` — ${result.note}` : ''}`,
  );
  return ok;
}

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average at start ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const repeatAt = args.indexOf('--repeat');
  const repeat = repeatAt === -1 ? (quick ? 1 : 3) : Number(args[repeatAt + 1]);
  const write = !quick && !args.includes('--no-write');
  let missed = 0;

  if (!quick && !args.includes('--fanout-only'))
    for (const suite of classic) for (const result of await suite()) if (!print(result)) missed++;

  const host = machine();
  const results = await runFanout(quick ? QUICK : FULL, repeat, (line) => console.error(`fan-out: ${line}`));
  const tables = fanoutTables(results);
  const targets = fanoutTargets(results);
  console.log(`\nFan-out (${host})\n\n${tables}\n`);
  for (const result of targets) if (!print(result)) missed++;
  const lost = losses(results);
  const jsonAt = args.indexOf('--json');
  if (jsonAt !== -1)
    writeFileSync(args[jsonAt + 1]!, JSON.stringify({ results, targets, losses: lost }, null, 1));
  for (const line of lost) console.log(`LOSS ${line}`);

  if (write) {
    writeFileSync(join(ROOT, 'docs', 'bench-fanout.svg'), fanoutChart(results));
    const verdicts = targets
      .map(
        (r) =>
          `- ${meets(r) ? 'met' : '**missed**'}: ${r.name}: **${r.value.toLocaleString('en-US')} ${r.unit}** (target ${r.better === 'higher' ? '≥' : '≤'} ${r.target})`,
      )
      .join('\n');
    const section = `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${host}; ${repeat} run(s).\n\n${tables}\n\nTargets:\n\n${verdicts}\n`;
    const path = join(ROOT, 'BENCHMARKS.md');
    writeFileSync(path, replaceSection(readFileSync(path, 'utf8'), section));
    console.log('wrote BENCHMARKS.md and docs/bench-fanout.svg');
  }
  const failed = (quick ? 0 : missed) + lost.length; // quick: a smoke test, never timed
  if (quick)
    console.log(
      lost.length === 0
        ? 'quick: nothing lost (figures at quick sizes are not judged)'
        : `quick: ${lost.length} loss(es)`,
    );
  else
    console.log(
      failed === 0 ? 'all targets met, nothing lost' : `${missed} target(s) missed, ${lost.length} loss(es)`,
    );
  process.exitCode = failed === 0 ? 0 : 1;
}

void main();
