/** Typed arrays that grow by copying: one helper for the engine's id-indexed tables. */

/**
 * Starting room of the engine's growing tables (hash tables, per-id arrays, rings). Small, so
 * that each first grows within a log's first lines: a table growing first after V8 has
 * optimised the per-line code it is inlined into makes V8 throw that code away and compile it
 * again (1M-line run: 48 deoptimisations with tables of 1K–64K slots, 39 with these).
 * Doubling up to a big log's sizes costs about a millisecond in all.
 */
export const INITIAL_SLOTS = 16;
export type GrowableArray = Int8Array | Uint8Array | Int32Array | Uint32Array | Float64Array;

/** A copy of `a` with room for `size` elements; the new slots hold `fill` (0 by default). */
export function grownCopy<T extends GrowableArray>(a: T, size: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

/** `size` doubled until index `index` fits (at least `size`). */
export function doubledToHold(size: number, index: number): number {
  while (size <= index) size *= 2;
  return size;
}
