export { DaemonEventBridge, type BridgeState, type BridgeStats, type ResumeOptions } from './bridge.js';
export { BRIDGE_STOPPED, type StreamResetReason } from './control-messages.js';
export { heartbeat } from './heartbeat.js';
export { readObserverEvents } from './observer-history.js';
export { bridgeOptionsSchema, type BridgeOptions } from './options.js';
export { reconnect, type ReconnectConfig } from './reconnect.js';
