/**
 * Order statistics without a full sort: the k-th smallest value of a Float64Array by
 * quickselect, in place. The population rules take a median and a MAD of every source's
 * value; sorting 10K values costs about 1 ms (`Float64Array.prototype.sort`, ~90 ns a value),
 * selecting one about a tenth of that.
 *
 * Quickselect is quadratic on inputs built against its pivot choice, and per-source values
 * come from the log, so the number of partitions is bounded: past 2·log2(n) of them the
 * range left is sorted instead (introselect), which keeps the worst case at O(n log n).
 *
 * Selection needs values without NaN (a comparison cannot place one); the median takes values
 * with NaN too, and sorts those the ordinary way, NaN last. Zeros of either sign count as
 * equal, as in a comparison.
 */

/**
 * Reorders `values` (no NaN) so that values[k] is the k-th smallest (0-based) and nothing
 * before it is larger, nothing after it smaller; returns values[k]. `partitions` caps the
 * partitioning rounds before the rest is sorted (tests pass 0 to take that path).
 */
export function selectInPlace(values: Float64Array, k: number, partitions = 2 * (32 - Math.clz32(values.length))): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    if (partitions-- <= 0) {
      values.subarray(lo, hi + 1).sort();
      return values[k];
    }
    // median of three as the pivot: sorted or reversed input then splits in halves
    const mid = (lo + hi) >>> 1;
    if (values[mid] < values[lo]) swap(values, mid, lo);
    if (values[hi] < values[lo]) swap(values, hi, lo);
    if (values[hi] < values[mid]) swap(values, hi, mid);
    const pivot = values[mid];
    // Hoare partition: both scans stop on values equal to the pivot, so long runs of equal
    // values (most sources made one request) still split in the middle
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) swap(values, i++, j--);
    }
    // now [lo, j] ≤ pivot ≤ [i, hi], and everything between j and i equals the pivot
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/**
 * The median (the mean of the two middle values for an even count), in place: the array is
 * left reordered. NaN when empty. With NaN among the values they are sorted instead, NaN
 * last, and the median is read where it falls.
 */
export function medianInPlace(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  if (hasNaN(values)) {
    values.sort();
    return n % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }
  const upper = selectInPlace(values, mid);
  if (n % 2 === 1) return upper;
  // the lower middle value is the largest of those placed before the upper one
  return (largestBefore(values, mid) + upper) / 2;
}

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return true;
  return false;
}

function largestBefore(values: Float64Array, end: number): number {
  let max = values[0];
  for (let i = 1; i < end; i++) if (values[i] > max) max = values[i];
  return max;
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a];
  values[a] = values[b];
  values[b] = t;
}
