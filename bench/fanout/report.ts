/**
 * Turns {@link FanoutResults} into the printed table, the target verdicts,
 * the SVG chart and the BENCHMARKS.md section.
 */
import type { Result } from '../result';
import { SELECTIVE_CONSUMERS } from './dispatch';
import { median, type FanoutResults, type FanoutRun } from './run';

const FLOORS = ['raw', 'batched'];
const PEERS = ['gateway', 'better-sse', 'naive'];
const THROUGHPUT_KEYS = [...FLOORS, ...PEERS];

const n = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const ratio = (value: number) => `${n(value, 2)}×`;

function labelOf(results: FanoutResults, key: string): string {
  return results.systems.find((s) => s.key === key)?.label ?? key;
}

/** The target figures, as {@link Result}s (medians of within-run ratios). */
export function fanoutTargets(results: FanoutResults): Result[] {
  const m = (pick: (run: FanoutRun) => number) => median(results, pick);
  const bc = (run: FanoutRun, key: string) => run.broadcast[key]!.framesPerCpuSecond;
  const mx = (run: FanoutRun, key: string) => run.mixed[key]!.framesPerCpuSecond;
  const { broadcast, mixed, memoryClients, latency, dispatch } = results.sizes;
  const bcClients = broadcast.topology.globalClients;
  const mixClients = mixed.topology.jobClients + mixed.topology.globalClients;
  return [
    {
      name: `broadcast ${bcClients} clients: gateway / batched raw floor (frames per CPU-s)`,
      value: round2(m((run) => bc(run, 'gateway') / bc(run, 'batched'))),
      unit: '×',
      target: 0.85,
      better: 'higher',
    },
    {
      name: `broadcast ${bcClients} clients: gateway / better-sse`,
      value: round2(m((run) => bc(run, 'gateway') / bc(run, 'better-sse'))),
      unit: '×',
      target: 3,
      better: 'higher',
    },
    {
      name: `${mixClients} clients (${mixed.topology.jobClients} on ${mixed.topology.jobs} jobs + ${mixed.topology.globalClients} global): gateway / batched raw floor`,
      value: round2(m((run) => mx(run, 'gateway') / mx(run, 'batched'))),
      unit: '×',
      target: 1,
      better: 'higher',
    },
    {
      name: `idle memory per client (${memoryClients} clients): gateway / raw floor (heap + external)`,
      value: round2(
        m((run) => run.memory['gateway']!.heapBytesPerClient / run.memory['raw']!.heapBytesPerClient),
      ),
      unit: '×',
      target: 1.1,
      better: 'lower',
    },
    {
      name: `idle memory per client (${memoryClients} clients): gateway / raw floor (RSS growth)`,
      value: round2(
        m((run) => run.memory['gateway']!.rssBytesPerClient / run.memory['raw']!.rssBytesPerClient),
      ),
      unit: '×',
      target: 1.25,
      better: 'lower',
    },
    {
      name: `in-process dispatch, ${dispatch.events} events over ${dispatch.jobs} job consumers + ${dispatch.globalConsumers} global`,
      value: Math.round(m((run) => run.dispatch.bridge.eventsPerSecond)),
      unit: 'events/s',
      target: 450_000,
      better: 'higher',
    },
    {
      name: `in-process dispatch: bridge / bare router (events per CPU-s)`,
      value: round3(m((run) => run.dispatch.bridge.eventsPerSecond / run.dispatch.router.eventsPerSecond)),
      unit: '×',
      target: 0.07,
      better: 'higher',
    },
    {
      name: `event selection, ${SELECTIVE_CONSUMERS} consumers each selecting one name: selective / unselected (one match per event)`,
      value: round2(
        m((run) => run.dispatch.selective.eventsPerSecond / run.dispatch.unselected.eventsPerSecond),
      ),
      unit: '×',
      target: 1,
      better: 'higher',
    },
    {
      name: `p99 daemon write → client read, ${latency.rate} events/s over ${latency.topology.jobClients + latency.topology.globalClients} clients`,
      value: round2(m((run) => run.latency['gateway-daemon']!.p99)),
      unit: 'ms',
      target: 5,
      better: 'lower',
    },
  ];
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** The markdown tables of every figure (medians over the runs). */
export function fanoutTables(results: FanoutResults): string {
  const m = (pick: (run: FanoutRun) => number) => median(results, pick);
  const { broadcast, mixed, memoryClients, latency, dispatch } = results.sizes;
  const header = (cols: string[]) => `| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`;
  const rows: string[] = [];

  rows.push(
    `Frames delivered per second of server CPU (median of ${results.runs.length} run(s); ratios are medians of within-run ratios):`,
    '',
    header([
      'workload',
      ...THROUGHPUT_KEYS.map((k) => labelOf(results, k)),
      'gateway / batched floor',
      'gateway / better-sse',
    ]),
  );
  const throughputRow = (title: string, pick: (run: FanoutRun) => FanoutRun['broadcast']) =>
    `| ${title} | ${THROUGHPUT_KEYS.map((k) => n(m((run) => pick(run)[k]!.framesPerCpuSecond))).join(' | ')} | ${ratio(
      m((run) => pick(run)['gateway']!.framesPerCpuSecond / pick(run)['batched']!.framesPerCpuSecond),
    )} | ${ratio(m((run) => pick(run)['gateway']!.framesPerCpuSecond / pick(run)['better-sse']!.framesPerCpuSecond))} |`;
  rows.push(
    throughputRow(
      `broadcast, ${broadcast.topology.globalClients} clients, ${n(broadcast.events)} events`,
      (run) => run.broadcast,
    ),
    throughputRow(
      `${n(mixed.topology.jobClients + mixed.topology.globalClients)} clients: ${n(mixed.topology.jobClients)} on ${mixed.topology.jobs} jobs + ${mixed.topology.globalClients} global, ${n(mixed.events)} events`,
      (run) => run.mixed,
    ),
  );

  rows.push(
    '',
    `Idle memory per connected SSE client, ${n(memoryClients)} clients (bytes per client: the slope of heap + external after gc, and of RSS, over 5 steps of clients after a warm-up with as many):`,
    '',
    header(['figure', ...THROUGHPUT_KEYS.map((k) => labelOf(results, k)), 'gateway / raw floor']),
    `| heap + external | ${THROUGHPUT_KEYS.map((k) => n(m((run) => run.memory[k]!.heapBytesPerClient))).join(' | ')} | ${ratio(
      m((run) => run.memory['gateway']!.heapBytesPerClient / run.memory['raw']!.heapBytesPerClient),
    )} |`,
    `| RSS | ${THROUGHPUT_KEYS.map((k) => n(m((run) => run.memory[k]!.rssBytesPerClient))).join(' | ')} | ${ratio(
      m((run) => run.memory['gateway']!.rssBytesPerClient / run.memory['raw']!.rssBytesPerClient),
    )} |`,
  );

  const latencyKeys = [...THROUGHPUT_KEYS, 'gateway-daemon'];
  rows.push(
    '',
    `Latency, publish → client read, ${n(latency.rate)} events/s for ${latency.seconds} s over ${n(latency.topology.jobClients + latency.topology.globalClients)} clients (ms; in-process source, and the gateway fed through the fake daemon's Unix socket):`,
    '',
    header(['percentile', ...latencyKeys.map((k) => labelOf(results, k))]),
    ...(['p50', 'p99', 'max'] as const).map(
      (p) =>
        `| ${p} | ${latencyKeys
          .map((k) =>
            n(
              m((run) => run.latency[k]![p]),
              2,
            ),
          )
          .join(' | ')} |`,
    ),
  );

  rows.push(
    '',
    `In-process dispatch, ${n(dispatch.events)} events over ${n(dispatch.jobs)} job consumers (one per job) + ${dispatch.globalConsumers} global (events/s):`,
    '',
    header([
      'bare router, plain callbacks',
      'bridge (validate, number, ring, route, Observables)',
      'naive filter per consumer',
      'bridge / router',
    ]),
    `| ${n(m((run) => run.dispatch.router.eventsPerSecond))} | ${n(m((run) => run.dispatch.bridge.eventsPerSecond))} | ${n(
      m((run) => run.dispatch.naive.eventsPerSecond),
    )} | ${ratio(m((run) => run.dispatch.bridge.eventsPerSecond / run.dispatch.router.eventsPerSecond))} |`,
    '',
    `Event selection, ${n(dispatch.events)} events, each matching one of ${n(SELECTIVE_CONSUMERS)} consumers: global consumers that each select one event name (\`events: [name]\`), against as many unselected consumers of one job each (events/s):`,
    '',
    header(['bridge, selective consumers', 'bridge, unselected job consumers', 'selective / unselected']),
    `| ${n(m((run) => run.dispatch.selective.eventsPerSecond))} | ${n(
      m((run) => run.dispatch.unselected.eventsPerSecond),
    )} | ${ratio(m((run) => run.dispatch.selective.eventsPerSecond / run.dispatch.unselected.eventsPerSecond))} |`,
  );
  return rows.join('\n');
}

const COLORS: Record<string, string> = {
  raw: '#9aa5b1',
  batched: '#52606d',
  gateway: '#2f80ed',
  'better-sse': '#f2994a',
  naive: '#eb5757',
};

/** A bar chart of frames per server-CPU-second, per workload and system. */
export function fanoutChart(results: FanoutResults): string {
  const m = (pick: (run: FanoutRun) => number) => median(results, pick);
  const groups = [
    {
      title: `broadcast, ${results.sizes.broadcast.topology.globalClients} clients`,
      pick: (run: FanoutRun) => run.broadcast,
    },
    {
      title: `${results.sizes.mixed.topology.jobClients + results.sizes.mixed.topology.globalClients} clients on ${results.sizes.mixed.topology.jobs} jobs + global`,
      pick: (run: FanoutRun) => run.mixed,
    },
  ];
  const width = 760;
  const left = 250;
  const bar = 18;
  const gap = 6;
  const groupHeight = THROUGHPUT_KEYS.length * (bar + gap) + 34;
  const height = 50 + groups.length * groupHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">Frames delivered per second of server CPU (higher is better)</text>`,
  ];
  groups.forEach((group, g) => {
    const values = THROUGHPUT_KEYS.map((k) => m((run) => group.pick(run)[k]!.framesPerCpuSecond));
    const max = Math.max(...values);
    const top = 45 + g * groupHeight;
    parts.push(`<text x="10" y="${top + 12}" font-weight="bold">${escape(group.title)}</text>`);
    THROUGHPUT_KEYS.forEach((key, i) => {
      const y = top + 22 + i * (bar + gap);
      const w = Math.max(1, ((width - left - 110) * values[i]!) / max);
      parts.push(
        `<text x="${left - 8}" y="${y + 13}" text-anchor="end">${escape(labelOf(results, key))}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${COLORS[key] ?? '#888'}"/>`,
        `<text x="${(left + w + 6).toFixed(1)}" y="${y + 13}">${n(values[i]! / 1000)}k</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const SECTION_START = '<!-- bench:fanout:start -->';
const SECTION_END = '<!-- bench:fanout:end -->';

/** `document` with the text between the bench markers replaced by `section`. */
export function replaceSection(document: string, section: string): string {
  const start = document.indexOf(SECTION_START);
  const end = document.indexOf(SECTION_END);
  if (start === -1 || end < start) throw new Error('BENCHMARKS.md has no bench:fanout markers');
  return `${document.slice(0, start + SECTION_START.length)}\n${section}\n${document.slice(end)}`;
}
