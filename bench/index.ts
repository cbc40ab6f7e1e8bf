/**
 * npm run bench: measures the speed and memory targets of the library and
 * prints one line per figure. Exits 1 when a figure misses its target.
 * Run it on an idle machine; figures vary with load.
 */
import { encodeThroughput } from './encode';
import { pipelineThroughput } from './pipeline';
import { natsFigures } from './nats';
import { meets, type Result } from './result';
import { memoryPerConsumer, naiveFilterThroughput, resumeCost, routingThroughput } from './routing';

const suites: (() => Result[] | Promise<Result[]>)[] = [
  routingThroughput,
  naiveFilterThroughput,
  memoryPerConsumer,
  resumeCost,
  encodeThroughput,
  pipelineThroughput,
  natsFigures,
];

async function main(): Promise<void> {
  let missed = 0;
  for (const suite of suites) {
    for (const result of await suite()) {
      const ok = meets(result);
      if (!ok) missed++;
      const target =
        result.target === undefined
          ? ''
          : ` (target ${result.better === 'higher' ? '≥' : '≤'} ${result.target.toLocaleString('en-US')})`;
      const verdict = result.target === undefined ? 'info' : ok ? 'ok  ' : 'MISS';
      console.log(
        `${verdict} ${result.name}: ${result.value.toLocaleString('en-US')} ${result.unit}${target}${result.note ? ` — ${result.note}` : ''}`,
      );
    }
  }
  console.log(missed === 0 ? 'all targets met' : `${missed} target(s) missed`);
  process.exitCode = missed === 0 ? 0 : 1;
}

void main();
