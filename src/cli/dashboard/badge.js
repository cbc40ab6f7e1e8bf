// The connection badge: the gateway's reachability and the bridge's state in one word.

/**
 * The badge in `{ badge, label, detail }`. `gateway` is `connecting`, `open`,
 * `down` or `unauthorized`; `bridge` is the bridge's state (`connected`,
 * `reconnecting`, `stopped` …, from `bridge_state` or /healthz).
 */
export function createBadge(ui) {
  const state = { gateway: 'connecting', everOpen: false, bridge: undefined };
  const badge = {
    get bridge() {
      return state.bridge;
    },
    get unauthorized() {
      return state.gateway === 'unauthorized';
    },
    setGateway(next) {
      if (next === 'open') state.everOpen = true;
      state.gateway = next;
      render();
    },
    /** Sets the bridge's state; returns whether the bridge just came back (to refetch what it missed). */
    setBridge(next) {
      const recovered = next === 'connected' && state.bridge !== undefined && state.bridge !== 'connected';
      state.bridge = next;
      render();
      return recovered;
    },
  };
  render();
  return badge;

  function render() {
    const [status, label, detail] = describe(state);
    ui.badge.dataset.state = status;
    ui.label.textContent = label;
    ui.detail.textContent = detail;
  }
}

/** [data-state, label, detail] of a connection state. */
function describe({ gateway, everOpen, bridge }) {
  if (gateway === 'unauthorized') return ['unauthorized', 'Unauthorized', 'open the page with ?token=…'];
  if (gateway !== 'open') {
    return everOpen
      ? ['reconnecting', 'Reconnecting…', 'gateway unreachable']
      : ['connecting', 'Connecting…', ''];
  }
  if (bridge === 'connected') return ['connected', 'Connected', ''];
  if (bridge === undefined) return ['connecting', 'Connecting…', ''];
  return ['reconnecting', 'Reconnecting…', bridge === 'stopped' ? 'gateway stopping' : 'daemon unavailable'];
}
