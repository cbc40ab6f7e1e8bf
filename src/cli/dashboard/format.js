// Plain-text formatting of daemon events for people.

export function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nowSeconds() {
  return Date.now() / 1000;
}

export function formatTime(seconds) {
  const date =
    typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : new Date();
  return date.toLocaleTimeString([], {
    hour12: false,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function money(value) {
  return typeof value === 'number' && Number.isFinite(value) ? `$${value.toFixed(2)}` : '';
}

export function ago(seconds) {
  const s = Math.max(0, Math.round(nowSeconds() - seconds));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** The colour class of an event name. */
export function kindOf(name) {
  if (name === 'rate_limit.active') return 'rate-limit';
  if (name === 'monitor.anomaly') return 'anomaly';
  if (name === 'job.cost_update') return 'cost';
  const last = name.split('.').pop();
  return ['started', 'completed', 'failed', 'retrying', 'skipped', 'partial'].includes(last) ? last : 'other';
}

/** The parts of the summary line of each known event name, from its data `d`. */
const SUMMARIES = {
  'sheet.started': (d, add) => {
    add(d.instrument);
    if (typeof d.attempt === 'number' && d.attempt > 1) add(`attempt ${d.attempt}`);
  },
  'sheet.completed': (d, add) => {
    add(d.instrument);
    add(d.model_used);
    if (typeof d.duration_seconds === 'number') add(`${Math.round(d.duration_seconds)} s`);
    add(money(d.cost_usd));
    if (d.rate_limited === true) add('after a rate limit');
  },
  'sheet.failed': (d, add) => {
    add(d.error_classification);
    if (typeof d.validation_pass_rate === 'number')
      add(`${Math.round(d.validation_pass_rate)}% validations passed`);
    add(d.instrument);
  },
  'sheet.retrying': (d, add) => {
    if (d.attempt !== undefined) add(`attempt ${d.attempt}`);
    if (typeof d.delay_seconds === 'number') add(`in ${d.delay_seconds} s`);
  },
  'sheet.skipped': (d, add) => add(d.reason),
  'job.cost_update': (d, add) => {
    if (typeof d.total_cost_usd === 'number') add(`total ${money(d.total_cost_usd)}`);
  },
  'job.iteration': (d, add) => {
    if (d.iteration !== undefined) add(`iteration ${d.iteration} begins`);
  },
  'rate_limit.active': (d, add) => {
    add(d.instrument ? `${d.instrument} is rate-limited` : 'rate-limited');
    if (typeof d.seconds_remaining === 'number') add(`${d.seconds_remaining} s remaining`);
  },
  'monitor.anomaly': (d, add) => {
    add(d.severity);
    add(d.anomaly_type);
    add(d.description);
  },
};
SUMMARIES['sheet.partial'] = SUMMARIES['sheet.failed'];

function summarizeOther(d, add) {
  if (typeof d.path === 'string') add(d.path);
  else if (Object.keys(d).length > 0) add(JSON.stringify(d));
}

/** One human line about an event; only plain text, shortened. */
export function summarize(name, raw) {
  const parts = [];
  const add = (value) => {
    if (value !== undefined && value !== null && value !== '') parts.push(String(value));
  };
  const summary = Object.hasOwn(SUMMARIES, name) ? SUMMARIES[name] : summarizeOther;
  summary(isObject(raw.data) ? raw.data : {}, add);
  const text = parts.join(' · ');
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}
