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

/**
 * The routes under one key (a job, an event name, a name prefix): the route
 * itself while it is the only one, the common case, else a set of them. An
 * event then reaches a lone route with no set and no set table to load: with
 * thousands of keys those are cache misses, not hits.
 */
export type RouteBucket<T> = Route<T> | Set<Route<T>>;

/** Adds `route` under `key`. */
export function addToBucket<T>(buckets: Map<string, RouteBucket<T>>, key: string, route: Route<T>): void {
  const routes = buckets.get(key);
  if (routes === undefined) buckets.set(key, route);
  else if (routes instanceof Set) routes.add(route);
  else if (routes !== route) buckets.set(key, new Set([routes, route]));
}

/** Takes `route` out from under `key` (a key left with no route is deleted); false when it was not there. */
export function removeFromBucket<T>(
  buckets: Map<string, RouteBucket<T>>,
  key: string,
  route: Route<T>,
): boolean {
  const routes = buckets.get(key);
  if (routes === route) buckets.delete(key);
  else if (!(routes instanceof Set) || !routes.delete(route)) return false;
  else if (routes.size === 1) buckets.set(key, routes.values().next().value!);
  return true;
}

/** Delivers `event` to each route of `routes` (see {@link deliver}). */
export function deliverAll<T extends Routable>(routes: RouteBucket<T> | undefined, event: T): void {
  if (routes instanceof Set) for (const route of routes) deliver(route, event);
  else if (routes !== undefined) deliver(routes, event);
}
