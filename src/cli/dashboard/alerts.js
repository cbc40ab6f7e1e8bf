// The alerts list: anomalies and rate limits, newest first.
import { jobIdOf } from './daemon-event.js';
import { clearEmpty, el, trim } from './dom.js';
import { formatTime, isObject } from './format.js';

const MAX_ALERTS = 6;

/** Whether an event is an alert. */
export const isAlert = (name) => name === 'monitor.anomaly' || name === 'rate_limit.active';

/** Adds the alert of an anomaly or rate-limit event to `list`. */
export function addAlert(list, name, raw) {
  const d = isObject(raw.data) ? raw.data : {};
  const anomaly = name === 'monitor.anomaly';
  const li = el('li', 'alert');
  const severity = el('span', 'severity', anomaly ? String(d.severity || 'anomaly') : 'rate limit');
  severity.dataset.severity = anomaly ? String(d.severity || '') : 'rate-limit';
  const title = anomaly ? String(d.anomaly_type || 'anomaly') : jobIdOf(raw) || 'daemon';
  let detail = anomaly ? String(d.description || '') : `${d.instrument || 'a backend'} is rate-limited`;
  if (!anomaly && typeof d.seconds_remaining === 'number') detail += ` · ${d.seconds_remaining} s`;
  li.title = `${title}: ${detail}`;
  li.append(
    severity,
    el('span', 'alert-title', title),
    el('time', 'alert-time', formatTime(raw.timestamp)),
    el('span', 'alert-text', detail),
  );
  clearEmpty(list);
  list.prepend(li);
  trim(list, MAX_ALERTS, false);
}
