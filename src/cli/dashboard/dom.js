// Small DOM helpers. Daemon text only ever goes through textContent.

/** The element with this id. */
export const byId = (id) => document.getElementById(id);

/** A new element with an optional class and text (set as textContent, never parsed). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Removes the list's "nothing yet" placeholder. */
export function clearEmpty(list) {
  const empty = list.querySelector(':scope > .empty');
  if (empty) empty.remove();
}

/** Keeps at most `max` children, removing from the top or the bottom. */
export function trim(list, max, fromTop) {
  while (list.children.length > max) (fromTop ? list.firstElementChild : list.lastElementChild).remove();
}
