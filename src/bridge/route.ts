import type { EventSelection } from '../events/event-selection.js';

/** What routing needs of an event: its sequence number, its job, and (for selective routes) its name. */
export interface Routable {
  readonly seq: number;
  readonly jobId: string | undefined;
  readonly name?: string | undefined;
}

/** A consumer in the router: it gets the events with `seq > afterSeq` (of its `selection`, if any). */
export interface Route<T> {
  deliver(event: T): void;
  readonly afterSeq: number;
  readonly selection?: EventSelection | undefined;
}

/** Delivers `event` to `route` unless the route has already seen it (`seq <= afterSeq`). */
export function deliver<T extends Routable>(route: Route<T>, event: T): void {
  if (event.seq > route.afterSeq) route.deliver(event);
}
