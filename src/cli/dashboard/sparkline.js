// Events per second over the last minute, as a line and an area, plus the recent rate.
import { nowSeconds } from './format.js';

const SECONDS = 60;
const WIDTH = 600;
const HEIGHT = 48;

/** The sparkline drawn into `{ line, area, rate }` (a polyline, a path and a text element). */
export function createSparkline({ line, area, rate }) {
  const perSecond = new Map();
  const loadedAt = Math.floor(nowSeconds());
  return {
    /** Counts one event, at its daemon time when plausible (replayed events land in the past), else now. */
    count(raw) {
      const now = nowSeconds();
      const ts = raw.timestamp;
      const at = typeof ts === 'number' && ts <= now + 5 && ts > now - SECONDS - 5 ? ts : now;
      const second = Math.floor(Math.min(at, now));
      perSecond.set(second, (perSecond.get(second) || 0) + 1);
    },
    render() {
      const last = Math.floor(nowSeconds()) - 1; // the last complete second
      const first = last - SECONDS + 1;
      for (const second of perSecond.keys()) if (second < first) perSecond.delete(second);
      // Seconds before the page's data begins have no line (unknown is not zero).
      const since = Math.max(first, Math.min(loadedAt, ...perSecond.keys()));
      const counts = [];
      for (let s = since; s <= last; s++) counts.push(perSecond.get(s) || 0);
      draw(counts, since - first);
    },
  };

  function draw(counts, offset) {
    const max = Math.max(4, ...counts);
    const points = counts.map((count, i) => {
      const x = ((offset + i) / (SECONDS - 1)) * WIDTH;
      const y = HEIGHT - 3 - (count / max) * (HEIGHT - 8);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    line.setAttribute('points', points.join(' '));
    const start = points.length > 0 ? points[0].split(',')[0] : WIDTH;
    area.setAttribute(
      'd',
      points.length > 1 ? `M${start},${HEIGHT} L${points.join(' L')} L${WIDTH},${HEIGHT} Z` : '',
    );
    const recent = counts.slice(-5);
    rate.textContent = recent.length ? (recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(1) : '0.0';
  }
}
