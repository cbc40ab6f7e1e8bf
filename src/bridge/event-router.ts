import type { EventSelection } from '../events/event-selection.js';
import {
  addToBucket,
  deliver,
  deliverAll,
  removeFromBucket,
  type Routable,
  type Route,
  type RouteBucket,
} from './route.js';
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
  /** Each job's routes (see {@link RouteBucket}). */
  private readonly byJob = new Map<string, RouteBucket<T>>();
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
    if (event.jobId !== undefined && this.byJob.size !== 0) deliverAll(this.byJob.get(event.jobId), event);
    for (const route of this.global) deliver(route, event);
    if (this.selectedRoutes !== 0) this.dispatchSelected(event);
  }

  private dispatchSelected(event: T): void {
    const { jobId } = event;
    if (jobId !== undefined && this.selectedByJob.size !== 0) this.selectedByJob.get(jobId)?.dispatch(event);
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
    addToBucket(this.byJob, jobId, route);
    this.jobRoutes++;
  }

  /** Takes out a route registered with {@link addRoute} for the same `jobId`; a no-op when it is not there. */
  removeRoute(jobId: string | undefined, route: Route<T>): void {
    if (route.selection !== undefined) return this.removeSelected(jobId, route, route.selection);
    if (jobId === undefined) {
      this.global.delete(route);
      return;
    }
    if (removeFromBucket(this.byJob, jobId, route)) this.jobRoutes--;
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
