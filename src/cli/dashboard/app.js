// The live dashboard of daemon-event-bridge: plain ES modules, loaded as they are, nothing from
// elsewhere. The streams come from the package's browser client (daemon-event-bridge/browser),
// the event names from its SSE vocabulary (src/sse/vocabulary.ts), both served under lib/. Every piece of daemon text reaches the page through textContent or
// setAttribute, never through HTML parsing.
import { addAlert, isAlert } from './alerts.js';
import { addTokenToLinks, api, getJson } from './api.js';
import { createBadge } from './badge.js';
import { jobIdOf, rawOf } from './daemon-event.js';
import { byId } from './dom.js';
import { isObject, money } from './format.js';
import { createHealthFooter } from './health.js';
import { createJobs } from './jobs.js';
import { createPanel } from './panel.js';
import { createSparkline } from './sparkline.js';
import { followStream } from './stream.js';
import { createTimeline } from './timeline.js';
import {
  BRIDGE_STATE_EVENT,
  BRIDGE_STOPPED_EVENT,
  STREAM_RESET_EVENT,
  isControlEvent,
} from './lib/sse/vocabulary.js';

const TIMELINE_LIMIT = 50; // events replayed on load

const badge = createBadge({ badge: byId('badge'), label: byId('badge-label'), detail: byId('badge-detail') });
const health = createHealthFooter(byId('health'));
const sparkline = createSparkline({
  line: document.querySelector('#sparkline .line'),
  area: document.querySelector('#sparkline .area'),
  rate: byId('rate'),
});
const jobs = createJobs(byId('jobs'), selectJob);
const timeline = createTimeline(byId('timeline'), selectJob);
const panel = createPanel(
  {
    panel: byId('job-panel'),
    title: byId('panel-title'),
    meta: byId('panel-meta'),
    events: byId('panel-events'),
  },
  jobs,
);
const totals = { events: 0, failures: 0 };
let selected;

function selectJob(jobId) {
  if (jobId === selected) return;
  selected = jobId;
  history.replaceState(null, '', `${location.pathname}${location.search}#job=${encodeURIComponent(jobId)}`);
  panel.select(jobId);
  jobs.render(selected);
}

// ------------------------------------------------------------------ the global stream

const global = followStream(api('api/events/stream', { limit: TIMELINE_LIMIT }), (event) =>
  event.type === 'state' ? onConnection(event.state) : onMessage(event),
);

function onConnection(state) {
  if (state === 'open') {
    badge.setGateway('open');
    refreshHealth();
    return;
  }
  // The browser gave up (an HTTP error such as 401 or 503): is it the token? followStream retries.
  if (state === 'closed') checkAuthorization();
  if ((state === 'closed' || state === 'reconnecting') && !badge.unauthorized) badge.setGateway('down');
}

function onMessage(message) {
  if (message.event === BRIDGE_STATE_EVENT) {
    if (isObject(message.data) && typeof message.data.state === 'string') setBridge(message.data.state);
  } else if (message.event === BRIDGE_STOPPED_EVENT) {
    setBridge('stopped');
  } else if (message.event === STREAM_RESET_EVENT) {
    // Our Last-Event-ID could not be resumed (the gateway restarted, or we fell too far behind):
    // mark the gap, fetch the recent events again, and refetch the open job's history.
    timeline.markGap();
    setTimeout(() => global.restart(), 0);
    panel.reload();
  } else if (!isControlEvent(message.event)) {
    onDaemonEvent(message.event, rawOf(message), message.id);
  }
}

function onDaemonEvent(name, raw, id) {
  if (name === 'message' || !timeline.add(name, raw)) return;
  totals.events++;
  if (name === 'sheet.failed') totals.failures++;
  if (isAlert(name)) addAlert(byId('alerts'), name, raw);
  sparkline.count(raw);
  const jobId = jobIdOf(raw);
  if (jobId) {
    jobs.update(jobId, name, raw, id);
    if (selected === undefined) selectJob(jobId);
  }
  scheduleRender();
}

function setBridge(state) {
  const recovered = badge.setBridge(state);
  health.render(badge.bridge);
  // History fetched while the daemon was away came back empty: fetch it again.
  if (recovered) panel.reloadIfEmpty();
}

// ------------------------------------------------------------------ /healthz

async function refreshHealth() {
  try {
    const { status, body } = await getJson('healthz');
    if (status === 401) return badge.setGateway('unauthorized');
    if (!isObject(body)) return;
    if (typeof body.state === 'string' && badge.bridge === undefined) setBridge(body.state);
    health.update(body, badge.bridge);
  } catch {
    health.unreachable();
  }
}

async function checkAuthorization() {
  try {
    const { status } = await getJson('healthz');
    if (status === 401) badge.setGateway('unauthorized');
  } catch {
    // The gateway is down; the badge already says so.
  }
}

// ------------------------------------------------------------------ rendering

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    jobs.render(selected);
    renderStats();
  });
}

function renderStats() {
  byId('stat-events').textContent = totals.events.toLocaleString();
  byId('stat-jobs').textContent = String(jobs.size);
  byId('stat-failures').textContent = totals.failures.toLocaleString();
  byId('stat-cost').textContent = money(jobs.totalCost());
  panel.renderMeta();
}

function jobFromHash() {
  const match = /^#job=(.+)$/.exec(location.hash);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

addTokenToLinks(document.querySelectorAll('.footer-links a'));
const fromHash = jobFromHash();
if (fromHash) selectJob(fromHash);
sparkline.render();
setInterval(() => {
  sparkline.render();
  scheduleRender();
}, 1000);
setInterval(refreshHealth, 5000);
