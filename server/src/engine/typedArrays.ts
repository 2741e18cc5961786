/** Typed arrays that grow by copying: one helper for the engine's id-indexed tables. */
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
