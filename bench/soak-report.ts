/** The soak's CSV and its SVG chart (one panel per metric, the warm-up shaded). */
import type { SoakSample, SoakVerdict } from './soak-verdict';

const COLUMNS: readonly (keyof SoakSample)[] = ['t', 'rssMiB', 'heapMiB', 'fds', 'eldP99Ms', 'clients'];

/** One header line, then one line per sample. */
export function soakCsv(samples: readonly SoakSample[]): string {
  const lines = samples.map((sample) =>
    COLUMNS.map((column) => (column === 't' ? String(sample.t) : sample[column].toFixed(2))).join(','),
  );
  return [COLUMNS.join(','), ...lines].join('\n') + '\n';
}

const PANELS: readonly { metric: Exclude<keyof SoakSample, 't'>; label: string }[] = [
  { metric: 'rssMiB', label: 'RSS (MiB)' },
  { metric: 'heapMiB', label: 'heap after GC (MiB)' },
  { metric: 'fds', label: 'open descriptors' },
  { metric: 'eldP99Ms', label: 'event-loop delay p99 (ms)' },
  { metric: 'clients', label: 'SSE clients' },
];

const WIDTH = 720;
const PANEL = 120;
const LEFT = 60;
const RIGHT = 20;
const TOP = 40;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A self-contained SVG: one line chart per metric over time, y from 0. */
export function soakChart(
  samples: readonly SoakSample[],
  options: { warmupSeconds: number; verdict: SoakVerdict },
): string {
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t: number) => LEFT + (t / tMax) * plotWidth;
  const height = TOP + PANELS.length * PANEL + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="20" font-size="13">soak: ${Math.round(tMax / 60)} min, verdict ${options.verdict.ok ? 'PASS' : 'FAIL'} (shaded: warm-up)</text>`,
  ];
  PANELS.forEach(({ metric, label }, index) => {
    const top = TOP + index * PANEL + 14;
    const bottom = top + PANEL - 35;
    const yMax = Math.max(1e-9, ...samples.map((s) => s[metric])) * 1.1;
    const y = (value: number) => bottom - (value / yMax) * (bottom - top);
    const growth = options.verdict.growth.find((g) => g.metric === metric);
    const points = samples.map((s) => `${x(s.t).toFixed(1)},${y(s[metric]).toFixed(1)}`).join(' ');
    parts.push(
      `<rect x="${LEFT}" y="${top}" width="${(x(Math.min(options.warmupSeconds, tMax)) - LEFT).toFixed(1)}" height="${bottom - top}" fill="#eee"/>`,
      `<line x1="${LEFT}" y1="${bottom}" x2="${WIDTH - RIGHT}" y2="${bottom}" stroke="#999"/>`,
      `<line x1="${LEFT}" y1="${top}" x2="${LEFT}" y2="${bottom}" stroke="#999"/>`,
      `<text x="${LEFT - 4}" y="${top + 8}" text-anchor="end">${yMax.toFixed(yMax < 10 ? 1 : 0)}</text>`,
      `<text x="${LEFT - 4}" y="${bottom}" text-anchor="end">0</text>`,
      `<text x="${LEFT}" y="${top - 4}">${escape(label)}${
        growth
          ? escape(
              ` — growth after warm-up ${growth.growth.toFixed(1)} (tolerance ${growth.tolerance.toFixed(1)})`,
            )
          : ''
      }</text>`,
      `<polyline fill="none" stroke="${growth?.growing ? '#c00' : '#06c'}" stroke-width="1.5" points="${points}"/>`,
    );
  });
  const axis = TOP + PANELS.length * PANEL;
  parts.push(
    `<text x="${LEFT}" y="${axis}">0 s</text>`,
    `<text x="${WIDTH - RIGHT}" y="${axis}" text-anchor="end">${tMax} s</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}
