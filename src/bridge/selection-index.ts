import type { EventSelection } from '../events/event-selection.js';
import {
  addToBucket,
  deliverAll,
  removeFromBucket,
  type Routable,
  type Route,
  type RouteBucket,
} from './route.js';

/**
 * The routes of one scope (a job, or every event) that select events by
 * name: indexed by exact name and by pattern prefix, so an event reaches the
 * routes that selected it in O(those routes + the dots in its name), never
 * visiting the others. A selection is normalised (no name under one of its
 * patterns, no pattern under another), so a route gets each event once.
 */
export class SelectionIndex<T extends Routable> {
  private readonly byName = new Map<string, RouteBucket<T>>();
  private readonly byPrefix = new Map<string, RouteBucket<T>>();
  private routes = 0;

  get size(): number {
    return this.routes;
  }

  add(route: Route<T>, selection: EventSelection): void {
    for (const name of selection.names) addToBucket(this.byName, name, route);
    for (const prefix of selection.prefixes) addToBucket(this.byPrefix, prefix, route);
    this.routes++;
  }

  /** Takes `route` out; false when it was not there. */
  remove(route: Route<T>, selection: EventSelection): boolean {
    let found = false;
    for (const name of selection.names) found = removeFromBucket(this.byName, name, route) || found;
    for (const prefix of selection.prefixes) found = removeFromBucket(this.byPrefix, prefix, route) || found;
    if (found) this.routes--;
    return found;
  }

  dispatch(event: T): void {
    const name = event.name;
    if (name === undefined) return;
    if (this.byName.size !== 0) deliverAll(this.byName.get(name), event);
    if (this.byPrefix.size === 0) return;
    for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
      deliverAll(this.byPrefix.get(name.slice(0, dot + 1)), event);
    }
  }
}
