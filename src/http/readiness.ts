import type { BridgeState, BridgeStats } from '../bridge/bridge.js';

/**
 * The `/readyz` answer: whether the gateway can serve live events now, and
 * why not. 200 with `ready: true`, or 503 with `ready: false` and a reason.
 */
export interface Readiness {
  readonly ready: boolean;
  readonly state: BridgeState;
  /** Why the gateway is not ready; absent when it is. */
  readonly reason?: string;
}

const REASONS: Readonly<Record<BridgeState, string>> = {
  idle: 'the bridge has not been started',
  connecting: 'connecting to the daemon',
  connected: '',
  reconnecting: 'the daemon connection was lost; reconnecting',
  stopped: 'the bridge is stopped',
};

/**
 * Ready when the bridge is connected to the daemon, or idle while running
 * (a `connectOnDemand` bridge connects with its first client, so turning
 * clients away would keep it idle for ever).
 */
export function ready({ state, running }: Pick<BridgeStats, 'state' | 'running'>): Readiness {
  if (state === 'connected' || (state === 'idle' && running)) return { ready: true, state };
  return { ready: false, state, reason: REASONS[state] };
}
