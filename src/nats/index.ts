export { connectNats } from './connect.js';
export { JetStreamEventLog, type JetStreamEventLogOptions } from './jetstream-log.js';
export { NatsRelay } from './relay.js';
export type { NatsRelayOptions } from './relay-options.js';
