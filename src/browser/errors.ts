import { DaemonEventBridgeError } from '../errors.js';

/**
 * Emitted (as the Observable's error, at subscription) by `gatewayEvents`
 * when there is no `EventSource` to use: neither the `EventSource` option
 * nor `globalThis.EventSource` (server-side rendering, Node without a
 * polyfill, a web worker of an old browser).
 *
 * @example
 * ```ts
 * import { gatewayEvents, EventSourceUnavailableError } from 'daemon-event-bridge/browser';
 *
 * gatewayEvents('/api/events/stream').subscribe({
 *   error: (error) => {
 *     if (error instanceof EventSourceUnavailableError) console.warn('no live events here');
 *   },
 * });
 * ```
 */
export class EventSourceUnavailableError extends DaemonEventBridgeError {
  override readonly name = 'EventSourceUnavailableError';
  readonly code = 'ERR_EVENTSOURCE_UNAVAILABLE';

  constructor() {
    super(
      'No EventSource: globalThis.EventSource is not defined here; pass one as the EventSource option (for example a polyfill)',
    );
  }
}
