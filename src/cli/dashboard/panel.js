// The job panel: one job's observer history, then its live events.
import { api, getJson } from './api.js';
import { keyOf, rawOf } from './daemon-event.js';
import { el, trim } from './dom.js';
import { eventRow } from './event-row.js';
import { isObject } from './format.js';
import { describeJob } from './jobs.js';
import { followStream } from './stream.js';
import { STREAM_RESET_EVENT, daemonEventName, isControlEvent } from './lib/sse/vocabulary.js';

const HISTORY_LIMIT = 50;
const MAX_ROWS = 500;
const RETRY = { retryMs: 3000, maxRetryMs: 3000 };

/**
 * The panel in `ui` (`{ panel, title, meta, events }`); `jobs` gives the
 * header's counts. Live events that arrive before the history are held and
 * shown after it; those the history already shows are skipped.
 */
export function createPanel(ui, jobs) {
  let panel; // { jobId, stream, ready, buffer, keys, generation, historyCount, invalid }
  let generation = 0;

  /** Shows a job (no-op when it is already shown). */
  function select(jobId) {
    if (panel && panel.jobId === jobId) return;
    if (panel) panel.stream.stop();
    const current = { jobId, ready: false, buffer: [], keys: new Set(), generation: ++generation };
    panel = current;
    ui.panel.dataset.job = jobId;
    ui.panel.dataset.ready = 'false';
    ui.title.textContent = jobId;
    renderMeta();
    ui.events.replaceChildren(el('li', 'empty', 'Loading history…'));
    current.stream = openStream(current);
    loadHistory(current);
  }

  /** The job's live events; when the stream is opened again after the browser gave up, the history is refetched. */
  function openStream(current) {
    let gaveUp = false;
    const url = api(`api/jobs/${encodeURIComponent(current.jobId)}/events`);
    return followStream(
      url,
      (event) => {
        if (panel !== current) return;
        if (event.type === 'state') {
          if (event.state === 'closed') gaveUp = true;
          else if (event.state === 'connecting' && gaveUp) reloadHistory(current);
          return;
        }
        if (event.event === STREAM_RESET_EVENT) return reloadHistory(current);
        if (isControlEvent(event.event)) return;
        const item = { name: event.event, raw: rawOf(event) };
        if (current.ready) appendLive(current, item);
        else current.buffer.push(item);
      },
      RETRY,
    );
  }

  function reloadHistory(current) {
    current.ready = false;
    current.generation = ++generation;
    loadHistory(current);
  }

  async function loadHistory(current) {
    const loading = current.generation;
    let events = [];
    try {
      const reply = await getJson(`api/jobs/${encodeURIComponent(current.jobId)}/observer`, {
        limit: HISTORY_LIMIT,
      });
      if (reply.ok && Array.isArray(reply.body)) events = reply.body.filter(isObject);
      if (reply.status === 400) return refuse(current, reply.body);
    } catch {
      // No history: live events still come.
    }
    if (panel !== current || current.generation !== loading) return;
    showHistory(current, oldestFirst(events));
  }

  /** The gateway refuses this job id (for example characters it does not route): say so, stop trying. */
  function refuse(current, body) {
    if (panel !== current) return;
    current.invalid = true;
    current.stream.stop();
    const reason = isObject(body) && typeof body.error === 'string' ? body.error : 'invalid job id';
    ui.events.replaceChildren(el('li', 'empty', `This job cannot be followed: ${reason}.`));
  }

  function showHistory(current, events) {
    current.keys = new Set();
    current.historyCount = events.length;
    const rows = [];
    for (const raw of events) {
      const name = daemonEventName(raw);
      current.keys.add(keyOf(raw, name));
      rows.push(eventRow(name, raw, { className: 'history' }));
    }
    if (rows.length === 0) rows.push(el('li', 'empty history-empty', 'No history for this job yet.'));
    else rows.unshift(el('li', 'divider history-divider', `history · last ${rows.length}`));
    rows.push(el('li', 'divider live-divider', 'live'));
    ui.events.replaceChildren(...rows);
    ui.events.scrollTop = ui.events.scrollHeight;
    current.ready = true;
    ui.panel.dataset.ready = 'true';
    const buffered = current.buffer;
    current.buffer = [];
    for (const item of buffered) appendLive(current, item);
  }

  function appendLive(current, { name, raw }) {
    const key = keyOf(raw, name);
    if (current.keys.has(key)) return; // already shown by the history
    current.keys.add(key);
    const list = ui.events;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(eventRow(name, raw, { className: 'live fresh' }));
    trim(list, MAX_ROWS, true);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function renderMeta() {
    ui.meta.textContent = panel ? describeJob(jobs.get(panel.jobId)) : '';
  }

  return {
    select,
    renderMeta,
    /** Refetches the shown job's history (after a gap in the streams). */
    reload() {
      if (panel) reloadHistory(panel);
    },
    /** Refetches the history when it came back empty (fetched while the daemon was away). */
    reloadIfEmpty() {
      if (panel && panel.ready && panel.historyCount === 0) reloadHistory(panel);
    },
  };
}

/** History sorted by daemon time, keeping the daemon's order for equal times. */
function oldestFirst(events) {
  return events
    .map((raw, index) => ({ raw, index }))
    .sort((a, b) => (a.raw.timestamp ?? 0) - (b.raw.timestamp ?? 0) || a.index - b.index)
    .map(({ raw }) => raw);
}
