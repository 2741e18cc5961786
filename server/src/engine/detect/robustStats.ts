/**
 * Robust statistics for the population rules (high-volume, data-exfiltration, error-rate,
 * ml-outlier): a source is compared with the median of all sources, in units of a spread
 * that one extreme source cannot inflate.
 *
 * Robust z (Iglewicz & Hoaglin's modified z-score):
 *   z = 0.6745 · (x − median) / MAD  =  (x − median) / (1.4826 · MAD)
 * 1.4826 · MAD estimates the standard deviation of normal data, so z reads like a classic z.
 *
 * When more than half of the population has the same value (everyone made one request,
 * nobody got an error) the MAD is 0 and z would be infinite for anyone who differs at all.
 * The fallback, in order:
 *  1. 1.2533 · mean absolute deviation from the median (√(π/2): the same σ estimate for normal
 *     data, and non-zero as soon as anyone differs);
 *  2. then never below `floor`, a spread the caller states in the units of the value
 *     ("a doubling" for log-counts, "5 points" for shares). Without the floor, a population
 *     of 999 one-request sources would make a 3-request source thousands of σ away from the
 *     rest: the mean absolute deviation is tiny because almost everyone sits on the median.
 */

import { medianInPlace } from './orderStatistics';

/** σ ≈ 1.4826 · MAD for normal data (1 / Φ⁻¹(3/4)). */
export const MAD_TO_SIGMA = 1.4826;
/** σ ≈ 1.2533 · mean absolute deviation for normal data (√(π/2)). */
export const MEAN_AD_TO_SIGMA = 1.2533;

/** Median of the values (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: ArrayLike<number>): number {
  return medianInPlace(new Float64Array(values as ArrayLike<number>));
}

/** Median absolute deviation from `center` (the median when omitted). */
export function mad(values: ArrayLike<number>, center = median(values)): number {
  const n = values.length;
  if (n === 0) return NaN;
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(values[i] - center);
  return median(dev);
}

/** Location and spread of a population, ready to turn values into robust z-scores. */
export interface RobustScale {
  median: number;
  /** Raw MAD (may be 0). */
  mad: number;
  /** The σ estimate used for z: 1.4826·MAD, else 1.2533·mean |x − median|, never below the floor. */
  sigma: number;
  /** Which estimate `sigma` came from. */
  basis: 'mad' | 'mean-abs-dev' | 'floor';
  count: number;
}

/**
 * The population's median and robust σ (see the file comment for the fallback).
 * `floor` must be > 0: it is the smallest spread that still means something for this value.
 */
export function robustScale(values: ArrayLike<number>, floor: number): RobustScale {
  return robustScaleInPlace(new Float64Array(values as ArrayLike<number>), floor);
}

/**
 * The same, using `values` as working memory: they are left reordered and replaced by their
 * absolute deviations. Median and MAD are selected, not sorted for (orderStatistics.ts).
 */
export function robustScaleInPlace(values: Float64Array, floor: number): RobustScale {
  const n = values.length;
  if (n === 0) return { median: NaN, mad: NaN, sigma: floor, basis: 'floor', count: 0 };
  const center = medianInPlace(values);
  const sumDev = toAbsoluteDeviations(values, center);
  const rawMad = medianInPlace(values);
  let sigma = MAD_TO_SIGMA * rawMad;
  let basis: RobustScale['basis'] = 'mad';
  if (!(sigma > 0)) {
    sigma = (MEAN_AD_TO_SIGMA * sumDev) / n;
    basis = 'mean-abs-dev';
  }
  if (!(sigma >= floor)) {
    sigma = floor;
    basis = 'floor';
  }
  return { median: center, mad: rawMad, sigma, basis, count: n };
}

/**
 * Replaces each value by |value − center|; returns their sum. A function of its own: a long
 * loop gets compiled on its own while it runs (on-stack replacement), and a caller compiled
 * that way before its code after the loop ever ran would fall back to the interpreter there.
 */
function toAbsoluteDeviations(values: Float64Array, center: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const d = Math.abs(values[i] - center);
    values[i] = d;
    sum += d;
  }
  return sum;
}

/** Robust z of one value against a population's scale. */
export function robustZ(x: number, scale: RobustScale): number {
  return (x - scale.median) / scale.sigma;
}

/** ln(1 + x): counts and byte totals span orders of magnitude, so they are compared in logs. */
export function logCount(x: number): number {
  return Math.log1p(x > 0 ? x : 0);
}

/**
 * The spread floor for log-counts: ln 2, "a doubling". With it, z ≥ 3 needs at least
 * 2³ = 8× the median, whatever the population looks like.
 */
export const LOG_COUNT_FLOOR = Math.LN2;

/**
 * The same estimate over a histogram whose bucket i stands for the value i + 0.5 (e.g. log2 of
 * a response size in whole octaves): median bucket centre, MAD in buckets, same fallback and
 * floor. Used where keeping every value would cost too much memory (per-path response sizes).
 */
export function robustScaleOfHistogram(counts: ArrayLike<number>, floor: number): RobustScale {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  if (n === 0) return { median: NaN, mad: NaN, sigma: floor, basis: 'floor', count: 0 };
  const center = quantileBucket(counts, n) + 0.5;
  // Deviations |i + 0.5 − center| are whole numbers of buckets: histogram them too.
  const dev = new Float64Array(counts.length);
  let sumDev = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    const d = Math.abs(i + 0.5 - center);
    dev[d] += counts[i];
    sumDev += d * counts[i];
  }
  const rawMad = quantileBucket(dev, n);
  let sigma = MAD_TO_SIGMA * rawMad;
  let basis: RobustScale['basis'] = 'mad';
  if (!(sigma > 0)) {
    sigma = (MEAN_AD_TO_SIGMA * sumDev) / n;
    basis = 'mean-abs-dev';
  }
  if (!(sigma >= floor)) {
    sigma = floor;
    basis = 'floor';
  }
  return { median: center, mad: rawMad, sigma, basis, count: n };
}

/** Index of the bucket holding the median of `n` counted values. */
function quantileBucket(counts: ArrayLike<number>, n: number): number {
  const half = n / 2;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i];
    if (cumulative >= half) return i;
  }
  return counts.length - 1;
}
