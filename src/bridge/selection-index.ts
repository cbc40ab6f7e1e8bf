import type { EventSelection } from '../events/event-selection.js';
import { deliver, type Routable, type Route } from './route.js';

/**
 * The routes of one scope (a job, or every event) that select events by
 * name: indexed by exact name and by pattern prefix, so an event reaches the
 * routes that selected it in O(those routes + the dots in its name), never
 * visiting the others. A selection is normalised (no name under one of its
 * patterns, no pattern under another), so a route gets each event once.
 */
export class SelectionIndex<T extends Routable> {
  private readonly byName = new Map<string, Set<Route<T>>>();
  private readonly byPrefix = new Map<string, Set<Route<T>>>();
  private routes = 0;

  get size(): number {
    return this.routes;
  }

  add(route: Route<T>, selection: EventSelection): void {
    for (const name of selection.names) bucket(this.byName, name).add(route);
    for (const prefix of selection.prefixes) bucket(this.byPrefix, prefix).add(route);
    this.routes++;
  }

  /** Takes `route` out; false when it was not there. */
  remove(route: Route<T>, selection: EventSelection): boolean {
    let found = false;
    for (const name of selection.names) found = unbucket(this.byName, name, route) || found;
    for (const prefix of selection.prefixes) found = unbucket(this.byPrefix, prefix, route) || found;
    if (found) this.routes--;
    return found;
  }

  dispatch(event: T): void {
    const name = event.name;
    if (name === undefined) return;
    const named = this.byName.get(name);
    if (named !== undefined) for (const route of named) deliver(route, event);
    if (this.byPrefix.size === 0) return;
    for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
      const routes = this.byPrefix.get(name.slice(0, dot + 1));
      if (routes !== undefined) for (const route of routes) deliver(route, event);
    }
  }
}

function bucket<R>(map: Map<string, Set<R>>, key: string): Set<R> {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  return set;
}

function unbucket<R>(map: Map<string, Set<R>>, key: string, route: R): boolean {
  const set = map.get(key);
  if (set === undefined || !set.delete(route)) return false;
  if (set.size === 0) map.delete(key);
  return true;
}
