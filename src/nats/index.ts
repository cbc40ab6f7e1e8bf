export { connectNats } from './connect.js';
export { JetStreamEventLog, type JetStreamEventLogOptions } from './jetstream-log.js';
export { NatsRelay, type NatsRelayStats } from './relay.js';
export { DEFAULT_PREFIX, DEFAULT_STREAM, type NatsRelayOptions } from './relay-options.js';
export { ensureStream, type StreamRetention } from './stream.js';
export {
  DAEMON_WIDE_TOKEN,
  decodeJobToken,
  encodeJobToken,
  eventFilter,
  eventSubject,
  observerSubject,
  parseEventSubject,
} from './subjects.js';
