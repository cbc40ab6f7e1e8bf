import type { EventSelection } from '../events/event-selection.js';
import { deliver, type Routable, type Route } from './route.js';
import { SelectionIndex } from './selection-index.js';

/**
 * A keyed demultiplexer. Routing an event costs O(consumers of its job +
 * global consumers), never O(all consumers): job routes are kept in a map
 * from job id to that job's routes.
 *
 * A route registered with `afterSeq` never receives an event whose `seq` is
 * not greater, so a consumer that replays the ring and then registers (even
 * while an event is being dispatched) gets no duplicate.
 */
export class EventRouter<T extends Routable> {
  /**
   * Each job's routes: the route itself while it is the job's only one (the
   * common case), else a set of them. An event then reaches a lone route with
   * no set and no set table to load: with thousands of jobs those are cache
   * misses, not hits.
   */
  private readonly byJob = new Map<string, Route<T> | Set<Route<T>>>();
  private readonly global = new Set<Route<T>>();
  private jobRoutes = 0;
  /** Routes with an event selection, indexed by name (see {@link SelectionIndex}). */
  private readonly selectedByJob = new Map<string, SelectionIndex<T>>();
  private readonly selectedGlobal = new SelectionIndex<T>();
  private selectedRoutes = 0;

  /** Consumers of one job, summed over jobs. */
  get jobConsumers(): number {
    return this.jobRoutes;
  }

  /** Consumers of every event. */
  get globalConsumers(): number {
    return this.global.size + this.selectedGlobal.size;
  }

  /** Jobs with at least one consumer. */
  get jobs(): number {
    let only = 0;
    for (const jobId of this.selectedByJob.keys()) if (!this.byJob.has(jobId)) only++;
    return this.byJob.size + only;
  }

  dispatch(event: T): void {
    if (event.jobId !== undefined) {
      const routes = this.byJob.get(event.jobId);
      if (routes instanceof Set) for (const route of routes) deliver(route, event);
      else if (routes !== undefined) deliver(routes, event);
    }
    for (const route of this.global) deliver(route, event);
    if (this.selectedRoutes !== 0) this.dispatchSelected(event);
  }

  private dispatchSelected(event: T): void {
    if (event.jobId !== undefined) this.selectedByJob.get(event.jobId)?.dispatch(event);
    this.selectedGlobal.dispatch(event);
  }

  /**
   * Registers a consumer of `jobId`'s events, or of every event when `jobId`
   * is undefined. Returns the function that removes it.
   */
  add(jobId: string | undefined, deliver: (event: T) => void, afterSeq: number): () => void {
    const route: Route<T> = { deliver, afterSeq };
    this.addRoute(jobId, route);
    return () => this.removeRoute(jobId, route);
  }

  /** Registers `route` (an object: no closure per consumer); {@link removeRoute} takes it out. */
  addRoute(jobId: string | undefined, route: Route<T>): void {
    if (route.selection !== undefined) return this.addSelected(jobId, route, route.selection);
    if (jobId === undefined) {
      this.global.add(route);
      return;
    }
    const routes = this.byJob.get(jobId);
    if (routes === undefined) this.byJob.set(jobId, route);
    else if (routes instanceof Set) routes.add(route);
    else if (routes !== route) this.byJob.set(jobId, new Set([routes, route]));
    this.jobRoutes++;
  }

  /** Takes out a route registered with {@link addRoute} for the same `jobId`; a no-op when it is not there. */
  removeRoute(jobId: string | undefined, route: Route<T>): void {
    if (route.selection !== undefined) return this.removeSelected(jobId, route, route.selection);
    if (jobId === undefined) {
      this.global.delete(route);
      return;
    }
    const routes = this.byJob.get(jobId);
    if (routes === route) this.byJob.delete(jobId);
    else if (!(routes instanceof Set) || !routes.delete(route)) return;
    else if (routes.size === 1) this.byJob.set(jobId, routes.values().next().value!);
    this.jobRoutes--;
  }

  private addSelected(jobId: string | undefined, route: Route<T>, selection: EventSelection): void {
    let index = this.selectedGlobal;
    if (jobId !== undefined) {
      index = this.selectedByJob.get(jobId) ?? new SelectionIndex<T>();
      this.selectedByJob.set(jobId, index);
      this.jobRoutes++;
    }
    index.add(route, selection);
    this.selectedRoutes++;
  }

  private removeSelected(jobId: string | undefined, route: Route<T>, selection: EventSelection): void {
    const index = jobId === undefined ? this.selectedGlobal : this.selectedByJob.get(jobId);
    if (index === undefined || !index.remove(route, selection)) return;
    this.selectedRoutes--;
    if (jobId === undefined) return;
    this.jobRoutes--;
    if (index.size === 0) this.selectedByJob.delete(jobId);
  }
}
