// The live dashboard of daemon-event-bridge. Plain browser JavaScript, no build
// step, nothing loaded from elsewhere. Every piece of daemon text reaches the
// page through textContent or setAttribute, never through HTML parsing.
'use strict';

(() => {
  const TIMELINE_LIMIT = 50; // events replayed on load
  const TIMELINE_MAX_ROWS = 250;
  const PANEL_MAX_ROWS = 500;
  const HISTORY_LIMIT = 50;
  const SPARK_SECONDS = 60;
  const IDLE_AFTER_S = 30;

  const token = new URLSearchParams(location.search).get('token');
  const $ = (id) => document.getElementById(id);

  const ui = {
    badge: $('badge'),
    badgeLabel: $('badge-label'),
    badgeDetail: $('badge-detail'),
    rate: $('rate'),
    sparkLine: document.querySelector('#sparkline .line'),
    sparkArea: document.querySelector('#sparkline .area'),
    statEvents: $('stat-events'),
    statJobs: $('stat-jobs'),
    statFailures: $('stat-failures'),
    statCost: $('stat-cost'),
    jobs: $('jobs'),
    alerts: $('alerts'),
    timeline: $('timeline'),
    panel: $('job-panel'),
    panelTitle: $('panel-title'),
    panelMeta: $('panel-meta'),
    panelEvents: $('panel-events'),
    health: $('health'),
  };

  const state = {
    gateway: 'connecting', // open | connecting | down | unauthorized
    everOpen: false,
    bridge: undefined, // the bridge's state$, from bridge_state or /healthz
    jobs: new Map(),
    selected: undefined,
    timelineKeys: new Set(),
    totalEvents: 0,
    failures: 0,
    perSecond: new Map(),
    health: undefined,
    loadedAt: Math.floor(Date.now() / 1000),
  };

  // ---------------------------------------------------------------- helpers

  /** A same-origin URL for an API path, with the page's ?token= when it has one. */
  function api(path, query) {
    const url = new URL(path, document.baseURI);
    for (const [key, value] of Object.entries(query || {})) url.searchParams.set(key, String(value));
    if (token) url.searchParams.set('token', token);
    return url.pathname + url.search;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /** The SSE name of a raw daemon event, as the bridge names it. */
  function nameOf(raw) {
    if (typeof raw.event === 'string' && raw.event) return raw.event;
    if (typeof raw.event_type === 'string' && raw.event_type) return raw.event_type;
    return 'daemon_event';
  }

  function parseData(text) {
    try {
      const value = JSON.parse(text);
      return isObject(value) ? value : { data: value };
    } catch {
      return { data: text };
    }
  }

  /** Identifies one daemon event across the global stream, a job stream and history. */
  function keyOf(raw, name) {
    return [raw.job_id ?? '', raw.sheet_num ?? '', name, raw.timestamp ?? ''].join('\u0000');
  }

  function jobIdOf(raw) {
    return typeof raw.job_id === 'string' && raw.job_id !== '' ? raw.job_id : undefined;
  }

  function nowSeconds() {
    return Date.now() / 1000;
  }

  function formatTime(seconds) {
    const date =
      typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : new Date();
    return date.toLocaleTimeString([], {
      hour12: false,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  function money(value) {
    return typeof value === 'number' && Number.isFinite(value) ? `$${value.toFixed(2)}` : '';
  }

  function ago(seconds) {
    const s = Math.max(0, Math.round(nowSeconds() - seconds));
    if (s < 60) return `${s} s ago`;
    if (s < 3600) return `${Math.floor(s / 60)} min ago`;
    return `${Math.floor(s / 3600)} h ago`;
  }

  function kindOf(name) {
    if (name === 'rate_limit.active') return 'rate-limit';
    if (name === 'monitor.anomaly') return 'anomaly';
    if (name === 'job.cost_update') return 'cost';
    const last = name.split('.').pop();
    return ['started', 'completed', 'failed', 'retrying', 'skipped', 'partial'].includes(last)
      ? last
      : 'other';
  }

  /** One human line about an event; only plain text, shortened. */
  function summarize(name, raw) {
    const d = isObject(raw.data) ? raw.data : {};
    const parts = [];
    const add = (value) => {
      if (value !== undefined && value !== null && value !== '') parts.push(String(value));
    };
    switch (name) {
      case 'sheet.started':
        add(d.instrument);
        if (typeof d.attempt === 'number' && d.attempt > 1) add(`attempt ${d.attempt}`);
        break;
      case 'sheet.completed':
        add(d.instrument);
        add(d.model_used);
        if (typeof d.duration_seconds === 'number') add(`${Math.round(d.duration_seconds)} s`);
        add(money(d.cost_usd));
        if (d.rate_limited === true) add('after a rate limit');
        break;
      case 'sheet.failed':
      case 'sheet.partial':
        add(d.error_classification);
        if (typeof d.validation_pass_rate === 'number')
          add(`${Math.round(d.validation_pass_rate)}% validations passed`);
        add(d.instrument);
        break;
      case 'sheet.retrying':
        if (d.attempt !== undefined) add(`attempt ${d.attempt}`);
        if (typeof d.delay_seconds === 'number') add(`in ${d.delay_seconds} s`);
        break;
      case 'sheet.skipped':
        add(d.reason);
        break;
      case 'job.cost_update':
        if (typeof d.total_cost_usd === 'number') add(`total ${money(d.total_cost_usd)}`);
        break;
      case 'job.iteration':
        if (d.iteration !== undefined) add(`iteration ${d.iteration} begins`);
        break;
      case 'rate_limit.active':
        add(d.instrument ? `${d.instrument} is rate-limited` : 'rate-limited');
        if (typeof d.seconds_remaining === 'number') add(`${d.seconds_remaining} s remaining`);
        break;
      case 'monitor.anomaly':
        add(d.severity);
        add(d.anomaly_type);
        add(d.description);
        break;
      default:
        if (typeof d.path === 'string') add(d.path);
        else if (Object.keys(d).length > 0) add(JSON.stringify(d));
    }
    const text = parts.join(' · ');
    return text.length > 240 ? `${text.slice(0, 239)}…` : text;
  }

  // ---------------------------------------------------------------- rows

  /** A collapsible event row; `withJob` adds the job column (timeline). */
  function eventRow(name, raw, options) {
    const li = el('li', `event ${options.className || ''}`.trim());
    const details = el('details');
    const summary = el('summary');
    const time = el('time', 'time', formatTime(raw.timestamp));
    if (typeof raw.timestamp === 'number') time.dateTime = new Date(raw.timestamp * 1000).toISOString();
    const badge = el('span', 'name', name);
    badge.dataset.kind = kindOf(name);
    badge.title = name;
    summary.append(time, badge);
    if (options.withJob) {
      const jobId = jobIdOf(raw);
      const link = el('button', jobId ? 'job-link' : 'job-link daemon', jobId || 'daemon');
      link.type = 'button';
      if (jobId) {
        link.title = `Show ${jobId}`;
        link.addEventListener('click', (event) => {
          event.preventDefault();
          selectJob(jobId);
        });
      } else {
        link.tabIndex = -1;
      }
      summary.append(link);
    }
    const sheet = typeof raw.sheet_num === 'number' && raw.sheet_num > 0 ? `#${raw.sheet_num}` : '';
    summary.append(el('span', 'sheet', sheet));
    // a gateway fed by NATS names each event's conductor
    const text = (typeof raw.conductor === 'string' ? `${raw.conductor} · ` : '') + summarize(name, raw);
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

  function clearEmpty(list) {
    const empty = list.querySelector(':scope > .empty');
    if (empty) empty.remove();
  }

  function trim(list, max, fromTop) {
    while (list.children.length > max) (fromTop ? list.firstElementChild : list.lastElementChild).remove();
  }

  function isFresh(raw) {
    return typeof raw.timestamp !== 'number' || nowSeconds() - raw.timestamp < 5;
  }

  // ---------------------------------------------------------------- streams

  /**
   * Feeds every daemon event of `source` to `onEvent(name, raw)`. The streams
   * are opened with `unnamed=1`, so the gateway sends daemon events as plain
   * `message` events (EventSource has no wildcard listener) and the name is
   * read from the event itself: no event is missed, whatever its name.
   */
  function track(source, onEvent) {
    source.addEventListener('message', (message) => {
      const raw = parseData(message.data);
      onEvent(nameOf(raw), raw);
    });
    return () => source.close();
  }

  // ---------------------------------------------------------------- global stream

  let global;
  let globalRetryMs = 1000;

  function openGlobal() {
    if (global) global.stop();
    const source = new EventSource(api('api/events/stream', { limit: TIMELINE_LIMIT, unnamed: 1 }));
    const stop = track(source, onGlobalEvent);
    const current = { source, stop };
    global = current;
    source.addEventListener('open', () => {
      globalRetryMs = 1000;
      state.everOpen = true;
      setGateway('open');
      refreshHealth();
    });
    source.addEventListener('error', () => {
      if (global !== current) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an HTTP error such as 401 or 503): retry ourselves.
        checkAuthorization();
        setTimeout(() => {
          if (global === current) openGlobal();
        }, globalRetryMs);
        globalRetryMs = Math.min(globalRetryMs * 2, 15000);
      }
      if (state.gateway !== 'unauthorized') setGateway('down');
    });
    source.addEventListener('bridge_state', (message) => {
      const data = parseData(message.data);
      if (typeof data.state === 'string') setBridge(data.state);
    });
    source.addEventListener('bridge_stopped', () => setBridge('stopped'));
    source.addEventListener('stream_reset', () => {
      // Our Last-Event-ID could not be resumed (the gateway restarted, or we fell too far behind):
      // mark the gap, fetch the recent events again, and refetch the open job's history.
      insertGapMarker(ui.timeline, 'prepend');
      setTimeout(() => {
        if (global === current) openGlobal();
      }, 0);
      if (panel) reloadHistory(panel);
    });
  }

  function onGlobalEvent(name, raw) {
    if (name === 'message' || name === 'heartbeat') return;
    const key = keyOf(raw, name);
    if (state.timelineKeys.has(key)) return;
    state.timelineKeys.add(key);
    if (state.timelineKeys.size > 4 * TIMELINE_MAX_ROWS) {
      state.timelineKeys = new Set([...state.timelineKeys].slice(-2 * TIMELINE_MAX_ROWS));
    }
    state.totalEvents++;
    if (name === 'sheet.failed') state.failures++;
    if (name === 'monitor.anomaly' || name === 'rate_limit.active') addAlert(name, raw);
    countForSparkline(raw);
    const row = eventRow(name, raw, { withJob: true, className: isFresh(raw) ? 'fresh' : '' });
    clearEmpty(ui.timeline);
    ui.timeline.prepend(row);
    trim(ui.timeline, TIMELINE_MAX_ROWS, false);
    const jobId = jobIdOf(raw);
    if (jobId) {
      updateJob(jobId, name, raw);
      if (state.selected === undefined) selectJob(jobId);
    }
    scheduleRender();
  }

  const ALERTS_MAX = 6;

  function addAlert(name, raw) {
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
    clearEmpty(ui.alerts);
    ui.alerts.prepend(li);
    trim(ui.alerts, ALERTS_MAX, false);
  }

  function insertGapMarker(list, where) {
    const marker = el('li', 'divider gap', `gap · reconnected at ${formatTime(nowSeconds())}`);
    if (where === 'prepend') list.prepend(marker);
    else list.append(marker);
  }

  // ---------------------------------------------------------------- connection badge

  function setGateway(next) {
    state.gateway = next;
    renderBadge();
  }

  function setBridge(next) {
    const recovered = next === 'connected' && state.bridge !== undefined && state.bridge !== 'connected';
    state.bridge = next;
    renderBadge();
    renderHealth();
    // History fetched while the daemon was away came back empty: fetch it again.
    if (recovered && panel && panel.ready && panel.historyCount === 0) reloadHistory(panel);
  }

  function renderBadge() {
    let status;
    let label;
    let detail = '';
    if (state.gateway === 'unauthorized') {
      status = 'unauthorized';
      label = 'Unauthorized';
      detail = 'open the page with ?token=…';
    } else if (state.gateway !== 'open') {
      status = state.everOpen ? 'reconnecting' : 'connecting';
      label = state.everOpen ? 'Reconnecting…' : 'Connecting…';
      detail = state.everOpen ? 'gateway unreachable' : '';
    } else if (state.bridge === 'connected') {
      status = 'connected';
      label = 'Connected';
    } else if (state.bridge === undefined) {
      status = 'connecting';
      label = 'Connecting…';
    } else {
      status = 'reconnecting';
      label = 'Reconnecting…';
      detail = state.bridge === 'stopped' ? 'gateway stopping' : 'daemon unavailable';
    }
    ui.badge.dataset.state = status;
    ui.badgeLabel.textContent = label;
    ui.badgeDetail.textContent = detail;
  }

  async function checkAuthorization() {
    try {
      const response = await fetch(api('healthz'), { cache: 'no-store' });
      if (response.status === 401) setGateway('unauthorized');
    } catch {
      // The gateway is down; the badge already says so.
    }
  }

  // ---------------------------------------------------------------- health footer

  async function refreshHealth() {
    try {
      const response = await fetch(api('healthz'), { cache: 'no-store' });
      if (response.status === 401) return setGateway('unauthorized');
      const health = await response.json();
      if (!isObject(health)) return;
      const bridgeState = typeof health.state === 'string' ? health.state : undefined;
      if (bridgeState && state.bridge === undefined) setBridge(bridgeState);
      state.health = health;
      renderHealth();
    } catch {
      ui.health.textContent = 'gateway unreachable';
    }
  }

  /** One line from /healthz: { state, counters: { eventsIn, invalidEvents, reconnects, ... }, clients: { open } }. */
  function renderHealth() {
    if (state.health) ui.health.textContent = describeHealth(state.health, state.bridge);
  }

  function describeHealth(health, bridgeState) {
    const counters = isObject(health.counters) ? health.counters : {};
    const clients = isObject(health.clients) ? health.clients : {};
    const parts = [`bridge ${bridgeState || 'unknown'}`];
    const add = (value, label) => {
      if (typeof value === 'number') parts.push(`${value.toLocaleString()} ${label}`);
    };
    add(counters.eventsIn, 'events in');
    add(counters.invalidEvents, 'invalid');
    add(counters.reconnects, 'reconnects');
    add(clients.open, 'SSE clients');
    return parts.join(' · ');
  }

  // ---------------------------------------------------------------- jobs

  function updateJob(jobId, name, raw) {
    let job = state.jobs.get(jobId);
    if (!job) {
      job = {
        id: jobId,
        status: 'running',
        sheet: 0,
        completed: 0,
        failed: 0,
        skipped: 0,
        cost: undefined,
        lastSeen: 0,
      };
      state.jobs.set(jobId, job);
    }
    const d = isObject(raw.data) ? raw.data : {};
    if (typeof raw.sheet_num === 'number' && raw.sheet_num > 0) job.sheet = raw.sheet_num;
    const seen = typeof raw.timestamp === 'number' ? raw.timestamp : nowSeconds();
    job.lastSeen = Math.max(job.lastSeen, seen);
    switch (name) {
      case 'sheet.started':
      case 'job.iteration':
        job.status = 'running';
        break;
      case 'sheet.completed':
        job.completed++;
        job.status = 'running';
        break;
      case 'sheet.failed':
        job.failed++;
        job.status = 'failing';
        break;
      case 'sheet.partial':
        job.status = 'failing';
        break;
      case 'sheet.retrying':
        job.status = 'retrying';
        break;
      case 'sheet.skipped':
        job.skipped++;
        break;
      case 'rate_limit.active':
        job.status = 'rate-limited';
        break;
      case 'job.cost_update':
        if (typeof d.total_cost_usd === 'number') job.cost = d.total_cost_usd;
        break;
    }
  }

  let renderQueued = false;
  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      renderJobs();
      renderStats();
    });
  }

  function renderJobs() {
    const jobs = [...state.jobs.values()].sort((a, b) => a.id.localeCompare(b.id));
    if (jobs.length === 0) return;
    const items = jobs.map((job) => {
      const li = el('li');
      const button = el('button', 'job');
      button.type = 'button';
      button.dataset.job = job.id;
      button.setAttribute('aria-current', String(job.id === state.selected));
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
      button.addEventListener('click', () => selectJob(job.id));
      li.append(button);
      return li;
    });
    ui.jobs.replaceChildren(...items);
  }

  function renderStats() {
    ui.statEvents.textContent = state.totalEvents.toLocaleString();
    ui.statJobs.textContent = String(state.jobs.size);
    ui.statFailures.textContent = state.failures.toLocaleString();
    let cost = 0;
    for (const job of state.jobs.values()) cost += job.cost || 0;
    ui.statCost.textContent = money(cost);
    if (panel) renderPanelMeta(panel);
  }

  // ---------------------------------------------------------------- job panel

  let panel; // { jobId, stop, ready, buffer, keys, generation }
  let generation = 0;

  function selectJob(jobId) {
    if (panel && panel.jobId === jobId) return;
    if (panel) panel.stop();
    state.selected = jobId;
    history.replaceState(null, '', `${location.pathname}${location.search}#job=${encodeURIComponent(jobId)}`);
    const current = {
      jobId,
      stop: () => {},
      ready: false,
      buffer: [],
      keys: new Set(),
      generation: ++generation,
    };
    panel = current;
    ui.panel.dataset.job = jobId;
    ui.panel.dataset.ready = 'false';
    ui.panelTitle.textContent = jobId;
    renderPanelMeta(current);
    ui.panelEvents.replaceChildren(el('li', 'empty', 'Loading history…'));
    openPanelStream(current);
    loadHistory(current);
    renderJobs();
  }

  /** The job's live events; reopened (with its history refetched) if the browser gives up on it. */
  function openPanelStream(current) {
    const source = new EventSource(
      api(`api/jobs/${encodeURIComponent(current.jobId)}/events`, { unnamed: 1 }),
    );
    current.stop = track(source, (name, raw) => {
      if (panel !== current) return;
      const item = { name, raw };
      if (current.ready) appendLive(current, item);
      else current.buffer.push(item);
    });
    source.addEventListener('stream_reset', () => {
      if (panel === current) reloadHistory(current);
    });
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
      setTimeout(() => {
        if (panel !== current || current.invalid) return;
        current.stop();
        openPanelStream(current);
        reloadHistory(current);
      }, 3000);
    });
  }

  function renderPanelMeta(current) {
    const job = state.jobs.get(current.jobId);
    const parts = [];
    if (job) {
      if (job.sheet) parts.push(`sheet ${job.sheet}`);
      parts.push(`${job.completed} completed`, `${job.failed} failed`);
      if (job.cost !== undefined) parts.push(money(job.cost));
    }
    ui.panelMeta.textContent = parts.join(' · ');
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
      const response = await fetch(
        api(`api/jobs/${encodeURIComponent(current.jobId)}/observer`, { limit: HISTORY_LIMIT }),
        {
          cache: 'no-store',
        },
      );
      const body = await response.json();
      if (response.ok && Array.isArray(body)) events = body.filter(isObject);
      if (response.status === 400) {
        // The gateway refuses this job id (for example characters it does not route): say so, stop trying.
        if (panel !== current) return;
        current.invalid = true;
        current.stop();
        const reason = isObject(body) && typeof body.error === 'string' ? body.error : 'invalid job id';
        ui.panelEvents.replaceChildren(el('li', 'empty', `This job cannot be followed: ${reason}.`));
        return;
      }
    } catch {
      // No history: live events still come.
    }
    if (panel !== current || current.generation !== loading) return;
    events = events
      .map((raw, index) => ({ raw, index }))
      .sort((a, b) => (a.raw.timestamp ?? 0) - (b.raw.timestamp ?? 0) || a.index - b.index)
      .map(({ raw }) => raw);
    current.keys = new Set();
    current.historyCount = events.length;
    const rows = [];
    for (const raw of events) {
      const name = nameOf(raw);
      current.keys.add(keyOf(raw, name));
      rows.push(eventRow(name, raw, { withJob: false, className: 'history' }));
    }
    if (rows.length === 0) rows.push(el('li', 'empty history-empty', 'No history for this job yet.'));
    else rows.unshift(el('li', 'divider history-divider', `history · last ${rows.length}`));
    rows.push(el('li', 'divider live-divider', 'live'));
    ui.panelEvents.replaceChildren(...rows);
    ui.panelEvents.scrollTop = ui.panelEvents.scrollHeight;
    current.ready = true;
    ui.panel.dataset.ready = 'true';
    const buffered = current.buffer;
    current.buffer = [];
    for (const item of buffered) appendLive(current, item);
  }

  function appendLive(current, { name, raw }) {
    if (name === 'heartbeat' || name === 'bridge_stopped') return;
    const key = keyOf(raw, name);
    if (current.keys.has(key)) return; // already shown by the history
    current.keys.add(key);
    const list = ui.panelEvents;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(eventRow(name, raw, { withJob: false, className: 'live fresh' }));
    trim(list, PANEL_MAX_ROWS, true);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  // ---------------------------------------------------------------- sparkline

  function countForSparkline(raw) {
    const now = nowSeconds();
    const ts = raw.timestamp;
    // Daemon time when it is plausible (replayed events land in the past), else arrival time.
    const at = typeof ts === 'number' && ts <= now + 5 && ts > now - SPARK_SECONDS - 5 ? ts : now;
    const second = Math.floor(Math.min(at, now));
    state.perSecond.set(second, (state.perSecond.get(second) || 0) + 1);
  }

  function renderSparkline() {
    const last = Math.floor(nowSeconds()) - 1; // the last complete second
    const first = last - SPARK_SECONDS + 1;
    for (const second of state.perSecond.keys()) if (second < first) state.perSecond.delete(second);
    // Seconds before the page's data begins have no line (unknown is not zero).
    const since = Math.max(first, Math.min(state.loadedAt, ...state.perSecond.keys()));
    const width = 600;
    const height = 48;
    const counts = [];
    for (let s = since; s <= last; s++) counts.push(state.perSecond.get(s) || 0);
    const max = Math.max(4, ...counts);
    const points = counts.map((count, i) => {
      const x = ((since + i - first) / (SPARK_SECONDS - 1)) * width;
      const y = height - 3 - (count / max) * (height - 8);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    ui.sparkLine.setAttribute('points', points.join(' '));
    const start = points.length > 0 ? points[0].split(',')[0] : width;
    ui.sparkArea.setAttribute(
      'd',
      points.length > 1 ? `M${start},${height} L${points.join(' L')} L${width},${height} Z` : '',
    );
    const recent = counts.slice(-5);
    ui.rate.textContent = recent.length
      ? (recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(1)
      : '0.0';
  }

  // ---------------------------------------------------------------- start

  function initialJobFromHash() {
    const match = /^#job=(.+)$/.exec(location.hash);
    if (!match) return undefined;
    try {
      return decodeURIComponent(match[1]);
    } catch {
      return undefined;
    }
  }

  if (token) {
    for (const link of document.querySelectorAll('.footer-links a')) {
      link.href = api(link.getAttribute('href'));
    }
  }
  renderBadge();
  openGlobal();
  const fromHash = initialJobFromHash();
  if (fromHash) selectJob(fromHash);
  renderSparkline();
  setInterval(() => {
    renderSparkline();
    scheduleRender();
  }, 1000);
  setInterval(refreshHealth, 5000);
})();
