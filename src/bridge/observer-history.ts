import {
  catchError,
  defaultIfEmpty,
  defer,
  map,
  of,
  take,
  type Observable,
  type ObservableInput,
} from 'rxjs';
import { isJsonObject, type JsonObject } from '../json.js';

/**
 * Reads a `daemon.observer_events` result: a list is taken as is, an object
 * yields its `events` list, anything else yields `[]`. Items that are not JSON
 * objects are dropped and reported through `onInvalid`.
 */
function readObserverEvents(result: unknown, onInvalid: (item: unknown) => void = () => {}): JsonObject[] {
  const list = Array.isArray(result) ? result : isJsonObject(result) ? result['events'] : undefined;
  if (!Array.isArray(list)) return [];
  const events: JsonObject[] = [];
  for (const item of list as unknown[]) {
    if (isJsonObject(item)) events.push(item);
    else onInvalid(item);
  }
  return events;
}

/**
 * A deferred one-shot Observable of one job's observer history: each
 * subscription makes one `call()` (e.g. `daemon.observer_events`) and emits
 * one array, then completes. A failure, or a result of the wrong shape,
 * yields `[]`; it never errors.
 */
export function observerHistory(
  call: () => ObservableInput<unknown>,
  hooks: { onInvalid?: (item: unknown) => void; onError?: (error: unknown) => void } = {},
): Observable<JsonObject[]> {
  return defer(call).pipe(
    take(1),
    map((result) => readObserverEvents(result, hooks.onInvalid)),
    defaultIfEmpty([] as JsonObject[]),
    catchError((error: unknown) => {
      hooks.onError?.(error);
      return of([] as JsonObject[]);
    }),
  );
}
