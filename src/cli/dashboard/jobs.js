// The jobs seen so far: their status from their events, the job list, and the totals.
import { el } from './dom.js';
import { ago, isObject, money, nowSeconds } from './format.js';

const IDLE_AFTER_S = 30;

/** How each event name changes a job (status and counts). */
const EFFECTS = {
  'sheet.started': (job) => (job.status = 'running'),
  'job.iteration': (job) => (job.status = 'running'),
  'sheet.completed': (job) => {
    job.completed++;
    job.status = 'running';
  },
  'sheet.failed': (job) => {
    job.failed++;
    job.status = 'failing';
  },
  'sheet.partial': (job) => (job.status = 'failing'),
  'sheet.retrying': (job) => (job.status = 'retrying'),
  'sheet.skipped': (job) => job.skipped++,
  'rate_limit.active': (job) => (job.status = 'rate-limited'),
  'job.cost_update': (job, d) => {
    if (typeof d.total_cost_usd === 'number') job.cost = d.total_cost_usd;
  },
};

/** The job list in `list`; `onSelect(jobId)` is called when a job is clicked. */
export function createJobs(list, onSelect) {
  const jobs = new Map();
  return {
    get: (jobId) => jobs.get(jobId),
    get size() {
      return jobs.size;
    },
    totalCost() {
      let cost = 0;
      for (const job of jobs.values()) cost += job.cost || 0;
      return cost;
    },
    update(jobId, name, raw) {
      const job = jobs.get(jobId) ?? newJob(jobId);
      jobs.set(jobId, job);
      if (typeof raw.sheet_num === 'number' && raw.sheet_num > 0) job.sheet = raw.sheet_num;
      job.lastSeen = Math.max(job.lastSeen, typeof raw.timestamp === 'number' ? raw.timestamp : nowSeconds());
      if (Object.hasOwn(EFFECTS, name)) EFFECTS[name](job, isObject(raw.data) ? raw.data : {});
    },
    render(selected) {
      const sorted = [...jobs.values()].sort((a, b) => a.id.localeCompare(b.id));
      if (sorted.length > 0)
        list.replaceChildren(...sorted.map((job) => jobItem(job, job.id === selected, onSelect)));
    },
  };
}

function newJob(id) {
  return {
    id,
    status: 'running',
    sheet: 0,
    completed: 0,
    failed: 0,
    skipped: 0,
    cost: undefined,
    lastSeen: 0,
  };
}

function jobItem(job, selected, onSelect) {
  const li = el('li');
  const button = el('button', 'job');
  button.type = 'button';
  button.dataset.job = job.id;
  button.setAttribute('aria-current', String(selected));
  const top = el('div', 'job-top');
  const status = nowSeconds() - job.lastSeen > IDLE_AFTER_S ? 'idle' : job.status;
  const chip = el('span', 'status', status);
  chip.dataset.status = status;
  top.append(el('span', 'job-name', job.id), chip);
  const meta = el('div', 'job-meta');
  meta.append(
    el('span', '', job.sheet ? `sheet ${job.sheet}` : '—'),
    el('span', 'ok', `✓ ${job.completed}`),
    el('span', job.failed ? 'bad' : '', `✗ ${job.failed}`),
    el('span', '', money(job.cost)),
    el('span', '', job.lastSeen ? ago(job.lastSeen) : ''),
  );
  button.append(top, meta);
  button.addEventListener('click', () => onSelect(job.id));
  li.append(button);
  return li;
}

/** One line about a job for the panel's header. */
export function describeJob(job) {
  if (!job) return '';
  const parts = [];
  if (job.sheet) parts.push(`sheet ${job.sheet}`);
  parts.push(`${job.completed} completed`, `${job.failed} failed`);
  if (job.cost !== undefined) parts.push(money(job.cost));
  return parts.join(' · ');
}
