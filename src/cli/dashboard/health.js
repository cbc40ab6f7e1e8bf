// The footer line from /healthz: { state, counters: { eventsIn, invalidEvents, reconnects }, clients: { open } }.
import { isObject } from './format.js';

/** The health footer in `element`. */
export function createHealthFooter(element) {
  let health;
  return {
    /** Shows a /healthz answer, with the bridge state the page knows. */
    update(next, bridgeState) {
      health = next;
      this.render(bridgeState);
    },
    render(bridgeState) {
      if (health) element.textContent = describeHealth(health, bridgeState);
    },
    unreachable() {
      element.textContent = 'gateway unreachable';
    },
  };
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
