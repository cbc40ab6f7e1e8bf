// The timeline: every daemon event, newest first, each shown once.
import { isFresh, keyOf } from './daemon-event.js';
import { clearEmpty, el, trim } from './dom.js';
import { eventRow } from './event-row.js';
import { formatTime, nowSeconds } from './format.js';

const MAX_ROWS = 250;

/** The timeline in `list`; `onJob(jobId)` is called when a row's job is clicked. */
export function createTimeline(list, onJob) {
  let keys = new Set();
  return {
    /** Adds the event unless it is already shown; returns whether it was new. */
    add(name, raw) {
      const key = keyOf(raw, name);
      if (keys.has(key)) return false;
      keys.add(key);
      if (keys.size > 4 * MAX_ROWS) keys = new Set([...keys].slice(-2 * MAX_ROWS));
      clearEmpty(list);
      list.prepend(eventRow(name, raw, { onJob, className: isFresh(raw) ? 'fresh' : '' }));
      trim(list, MAX_ROWS, false);
      return true;
    },
    /** Marks where events may be missing (a resume that could not be exact). */
    markGap() {
      list.prepend(el('li', 'divider gap', `gap · reconnected at ${formatTime(nowSeconds())}`));
    },
  };
}
