/** Typed arrays that grow by copying: one helper for the engine's id-indexed tables. */
export type GrowableArray = Int8Array | Uint8Array | Int32Array | Uint32Array | Float64Array;

type GrowableConstructor<T> = { new (n: number): T; new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number };

/**
 * A new array of `size` zeros, in memory other threads can be handed without a copy or a
 * transfer when `shared` (see RecordBatchWriter).
 */
export function newArray<T extends GrowableArray>(type: GrowableConstructor<T>, size: number, shared = false): T {
  return shared ? new type(new SharedArrayBuffer(size * type.BYTES_PER_ELEMENT)) : new type(size);
}

/** A copy of `a` with room for `size` elements (shared when `a` is); the new slots hold `fill` (0 by default). */
export function grownCopy<T extends GrowableArray>(a: T, size: number, fill = 0): T {
  const b = newArray(a.constructor as GrowableConstructor<T>, size, a.buffer instanceof SharedArrayBuffer);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

/** `size` doubled until index `index` fits (at least `size`). */
export function doubledToHold(size: number, index: number): number {
  while (size <= index) size *= 2;
  return size;
}
