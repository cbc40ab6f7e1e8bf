/** One benchmark figure, with the target it must meet (if any). */
export interface Result {
  name: string;
  value: number;
  unit: string;
  target?: number;
  better: 'higher' | 'lower';
  note?: string;
}

/** True when the result meets its target, or has none. */
export function meets(result: Result): boolean {
  if (result.target === undefined) return true;
  return result.better === 'higher' ? result.value >= result.target : result.value <= result.target;
}
