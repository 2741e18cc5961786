/**
 * Repeatable randomness for the generated logs: the same seed always writes the same bytes,
 * so figures from two machines (or two commits) are about the same input.
 */

/** The engine's seeded generator (mulberry32), so a seed means the same draws everywhere. */
export { mulberry32 as seededRandom } from '../server/src/engine/detect/isolationForest';

/** An integer in [0, n). */
export function pick(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/** One element, weighted by the cumulative weights `cdf` (ascending, last = total). */
export function pickWeighted<T>(random: () => number, items: readonly T[], cdf: Float64Array): T {
  const x = random() * cdf[cdf.length - 1];
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return items[lo];
}

export function cumulative(weights: readonly number[]): Float64Array {
  const cdf = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) cdf[i] = sum += weights[i];
  return cdf;
}

/**
 * Zipf-distributed ranks in [0, n): rank k drawn with weight 1/(k+1)^s. Web traffic per
 * client and per URL follows this shape (a few heavy hitters, a long tail of one-off visitors).
 */
export class Zipf {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    s: number,
  ) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) this.cdf[k] = sum += 1 / Math.pow(k + 1, s);
  }

  draw(random: () => number): number {
    const x = random() * this.cdf[this.n - 1];
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
