// The jobs seen so far: each job's state folded by the package's reducer (reduceJobState, the
// function behind jobState()), the job list, and the totals.
import { reduceJobState, toConductorEvent } from './lib/browser/index.js';
import { el } from './dom.js';
import { ago, money, nowSeconds } from './format.js';

const IDLE_AFTER_S = 30;
const ENDED = new Set(['completed', 'failed', 'cancelled']);

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
      for (const job of jobs.values()) cost += job.state.costUsd || 0;
      return cost;
    },
    /** Folds one daemon event (its name, raw object and SSE id) into its job. */
    update(jobId, name, raw, id) {
      const job = jobs.get(jobId) ?? { id: jobId, state: undefined, sheet: 0, lastSeen: 0 };
      jobs.set(jobId, job);
      job.state = reduceJobState(job.state, toConductorEvent(name, raw, id));
      if (typeof raw.sheet_num === 'number' && raw.sheet_num > 0) job.sheet = raw.sheet_num;
      job.lastSeen = Math.max(job.lastSeen, job.state.updatedAt ?? nowSeconds());
    },
    render(selected) {
      const sorted = [...jobs.values()].sort((a, b) => a.id.localeCompare(b.id));
      if (sorted.length > 0)
        list.replaceChildren(...sorted.map((job) => jobItem(job, job.id === selected, onSelect)));
    },
  };
}

/** Sheets whose last attempt failed (failed, or waiting to retry). */
function failing(state) {
  return state.sheetCounts.failed + state.sheetCounts.retrying;
}

function jobItem(job, selected, onSelect) {
  const li = el('li');
  const button = el('button', 'job');
  button.type = 'button';
  button.dataset.job = job.id;
  button.setAttribute('aria-current', String(selected));
  const top = el('div', 'job-top');
  const { state } = job;
  const status =
    !ENDED.has(state.status) && nowSeconds() - job.lastSeen > IDLE_AFTER_S ? 'idle' : state.status;
  const chip = el('span', 'status', status);
  chip.dataset.status = status;
  top.append(el('span', 'job-name', job.id), chip);
  const meta = el('div', 'job-meta');
  meta.append(
    el('span', '', job.sheet ? `sheet ${job.sheet}` : '—'),
    el('span', 'ok', `✓ ${state.sheetCounts.completed}`),
    el('span', failing(state) ? 'bad' : '', `✗ ${failing(state)}`),
    el('span', '', money(state.costUsd)),
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
  const { state } = job;
  parts.push(state.status, `${state.sheetCounts.completed} completed`, `${failing(state)} failed`);
  if (state.costUsd !== undefined) parts.push(money(state.costUsd));
  return parts.join(' · ');
}
