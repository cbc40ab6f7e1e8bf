import type { Observable, ObservableInput } from 'rxjs';
import type { JsonObject } from '../json.js';
import type { SkippedLineCounts } from './skip-counters.js';

/** Optional callbacks a {@link DaemonClient} may honour for one streaming call. */
export interface StreamHooks {
  /**
   * Called once when the streaming request has been sent on an open
   * connection, before the first notification. The bridge uses it to report
   * `connected` as soon as it can know.
   */
  onOpen?(): void;
}

/**
 * What the bridge needs from a daemon connection. {@link UnixSocketDaemonClient}
 * implements it over the conductor's Unix socket; tests and in-memory sources
 * can implement it with plain Observables.
 *
 * @example
 * ```ts
 * import type { DaemonClient } from 'daemon-event-bridge';
 * import { interval, map } from 'rxjs';
 *
 * const client: DaemonClient = {
 *   stream: () => interval(1000).pipe(map((n) => ({ job_id: 'demo', event: 'tick', n }))),
 *   call: async () => ({ events: [] }),
 * };
 * ```
 */
export interface DaemonClient {
  /**
   * Cold: each subscription sends one streaming request and emits each
   * notification's params; completes on the final result or when the daemon
   * closes; errors on an error response or a broken connection.
   * Unsubscribing closes that connection.
   */
  stream(method: string, params?: JsonObject, hooks?: StreamHooks): Observable<JsonObject>;
  /** One request, one response (a Promise or an Observable). */
  call(method: string, params?: JsonObject): ObservableInput<unknown>;
  /**
   * Optional: what the client skipped of the daemon's input, per cause. The
   * bridge's `stats()` (and so the gateway's `/healthz`) includes it as `daemon`.
   */
  stats?(): { readonly skipped: SkippedLineCounts };
}
