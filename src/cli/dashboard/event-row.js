// One collapsible event row of the timeline or the job panel.
import { jobIdOf } from './daemon-event.js';
import { el } from './dom.js';
import { formatTime, kindOf, summarize } from './format.js';

/**
 * A collapsible event row; `options.onJob(jobId)` adds the job column
 * (timeline), `options.className` classes the row.
 */
export function eventRow(name, raw, options) {
  const li = el('li', `event ${options.className || ''}`.trim());
  const details = el('details');
  const summary = el('summary');
  summary.append(timeOf(raw), nameBadge(name));
  if (options.onJob) summary.append(jobLink(jobIdOf(raw), options.onJob));
  const sheet = typeof raw.sheet_num === 'number' && raw.sheet_num > 0 ? `#${raw.sheet_num}` : '';
  summary.append(el('span', 'sheet', sheet));
  const text = summarize(name, raw);
  const summaryText = el('span', 'summary', text);
  summaryText.title = text;
  summary.append(summaryText);
  details.append(summary);
  details.addEventListener('toggle', () => {
    if (details.open && !details.querySelector('.raw')) {
      details.append(el('pre', 'raw', JSON.stringify(raw, null, 2)));
    }
  });
  li.append(details);
  return li;
}

function timeOf(raw) {
  const time = el('time', 'time', formatTime(raw.timestamp));
  if (typeof raw.timestamp === 'number') time.dateTime = new Date(raw.timestamp * 1000).toISOString();
  return time;
}

function nameBadge(name) {
  const badge = el('span', 'name', name);
  badge.dataset.kind = kindOf(name);
  badge.title = name;
  return badge;
}

function jobLink(jobId, onJob) {
  const link = el('button', jobId ? 'job-link' : 'job-link daemon', jobId || 'daemon');
  link.type = 'button';
  if (jobId) {
    link.title = `Show ${jobId}`;
    link.addEventListener('click', (event) => {
      event.preventDefault();
      onJob(jobId);
    });
  } else {
    link.tabIndex = -1;
  }
  return link;
}
