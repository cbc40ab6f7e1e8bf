import { filter, type OperatorFunction } from 'rxjs';
import { InvalidArgumentError } from '../errors.js';
import type { EventOfType, EventSelector, TypedMessage } from '../events/catalog.js';
import { parseEventSelection, selects } from '../events/event-selection.js';

/**
 * Keeps the daemon events of the given names and `prefix.*` patterns (NgRx
 * `ofType` style) and narrows their type; control items are dropped.
 *
 * @throws InvalidArgumentError when no selector is given or one is malformed.
 * @example
 * ```ts
 * import { ofEventType } from 'daemon-event-bridge';
 *
 * bridge.typedJobEvents('nightly').pipe(ofEventType('sheet.failed', 'sheet.retrying')).subscribe((e) => {
 *   console.log(e.name, e.event.sheet_num, e.event.data?.attempt);
 * });
 * ```
 */
export function ofEventType<const S extends readonly [EventSelector, ...EventSelector[]]>(
  ...selectors: S
): OperatorFunction<TypedMessage, EventOfType<S[number]>> {
  const selection = parseEventSelection(selectors);
  if (typeof selection === 'string') throw new InvalidArgumentError(`ofEventType: ${selection}`);
  return filter(
    (item: TypedMessage): item is EventOfType<S[number]> =>
      item.type === 'event' && selects(selection, item.name),
  );
}
