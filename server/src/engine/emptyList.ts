/**
 * An empty array made to hold strings or objects. A `[]` literal starts as an array of small
 * integers and changes its hidden class at its first string or object; per-line code
 * optimised on arrays that held some already is thrown away when it meets one that gets its
 * first, or one still empty ("wrong map" with --trace-deopt). This one starts with the hidden
 * class such an array keeps.
 */
export function emptyList<T extends object | string>(): T[] {
  const list: unknown[] = [''];
  list.pop();
  return list as T[];
}
