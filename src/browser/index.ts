/**
 * `daemon-event-bridge/browser`: a gateway stream as an RxJS Observable, for
 * browsers. Depends only on `rxjs`; no Node module is imported.
 *
 * @example
 * ```ts
 * import { gatewayEvents } from 'daemon-event-bridge/browser';
 *
 * const subscription = gatewayEvents('/api/jobs/nightly/events').subscribe((event) => {
 *   if (event.type === 'message') console.log(event.event, event.data);
 * });
 * subscription.unsubscribe(); // closes the EventSource
 * ```
 *
 * @packageDocumentation
 */
export { gatewayEvents, type GatewayEventsOptions } from './gateway-events.js';
export type { GatewayConnectionState, GatewayEvent } from './gateway-event.js';
export { CONTROL_EVENTS } from '../sse/vocabulary.js';
export { EventSourceUnavailableError } from './errors.js';
export type { TypedMessage } from '../events/catalog.js';
export { jobState, reduceJobState, type JobState } from '../events/job-state.js';
export { toConductorEvent } from '../events/to-conductor-event.js';
export { ofEventType } from '../operators/of-event-type.js';
