/**
 * Facts of the conductor's wire protocol that both sides of a connection
 * share: the client in this folder and the fake daemon in `testing/`.
 */

/** The conductor's default socket path. */
export const DEFAULT_SOCKET_PATH = '/tmp/marianne.sock';

/** The conductor's maximum message size: 16 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The streaming method that carries every event of the daemon's bus. */
export const MONITOR_STREAM_METHOD = 'daemon.monitor.stream';

/** The method that returns a job's recent observer events. */
export const OBSERVER_EVENTS_METHOD = 'daemon.observer_events';

/** The method that reports the daemon's health; the client's liveness probe calls it. */
export const HEALTH_METHOD = 'daemon.health';

/** The method of the notifications a stream carries, one per event. */
export const EVENT_NOTIFICATION_METHOD = 'monitor.event';
