import { strict as assert } from 'node:assert';
import { medianInPlace, selectInPlace } from '../../../server/src/engine/detect/orderStatistics';
import { mad, median, robustScale } from '../../../server/src/engine/detect/robustStats';

/** A small seeded generator (repeatable cases). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** The k-th smallest by sorting: what selection must equal. */
function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

function sortMedian(values: ArrayLike<number>): number {
  const s = sortedCopy(values);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const random = lcg(11);
/** Populations shaped like per-source values, and orders that defeat naive pivots. */
const SHAPES: Record<string, (n: number) => number[]> = {
  counts: (n) => Array.from({ length: n }, () => Math.log1p(Math.floor(1 / (random() + 1e-3)))),
  signed: (n) => Array.from({ length: n }, () => (random() - 0.3) * 1e3),
  ties: (n) => Array.from({ length: n }, () => Math.floor(random() * 3)),
  allEqual: (n) => Array.from({ length: n }, () => 7),
  ascending: (n) => Array.from({ length: n }, (_, i) => i),
  descending: (n) => Array.from({ length: n }, (_, i) => n - i),
  organPipe: (n) => Array.from({ length: n }, (_, i) => Math.min(i, n - 1 - i)),
  sawtooth: (n) => Array.from({ length: n }, (_, i) => i % 17),
  // Musser's median-of-3 killer: quadratic for a plain median-of-three quickselect
  medianOf3Killer: (n) => {
    const k = n >> 1;
    const a = new Array<number>(n);
    for (let i = 1; i <= k; i++) {
      a[i - 1] = i % 2 ? i : k + i - 1;
      a[i - 1 + k] = 2 * i;
    }
    if (n % 2) a[n - 1] = n;
    return a;
  },
};

describe('order statistics by selection', () => {
  it('selects exactly the k-th smallest value, every k, on every shape', () => {
    for (const [shape, make] of Object.entries(SHAPES)) {
      for (const n of [1, 2, 3, 4, 5, 10, 33, 64]) {
        const values = make(n);
        const sorted = sortedCopy(values);
        for (let k = 0; k < n; k++) {
          const work = Float64Array.from(values);
          const got = selectInPlace(work, k);
          assert.equal(got, sorted[k], `${shape} n=${n} k=${k}`);
          for (let i = 0; i < k; i++) assert.ok(work[i] <= got, `${shape} n=${n} k=${k}: a larger value before`);
          for (let i = k + 1; i < n; i++) assert.ok(work[i] >= got, `${shape} n=${n} k=${k}: a smaller value after`);
          assert.deepEqual(sortedCopy(work), sorted, 'the values are only reordered');
        }
      }
    }
  });

  it('gives the sorted median on large populations, also when it falls back to sorting the rest', () => {
    for (const [shape, make] of Object.entries(SHAPES)) {
      for (const n of [999, 10_000, 10_001]) {
        const values = make(n);
        assert.equal(medianInPlace(Float64Array.from(values)), sortMedian(values), `${shape} ${n}`);
        const work = Float64Array.from(values);
        assert.equal(selectInPlace(work, n >> 1, 0), sortedCopy(values)[n >> 1], `${shape} ${n}, no partition allowed`);
        assert.equal(selectInPlace(Float64Array.from(values), n >> 1, 1), sortedCopy(values)[n >> 1], `${shape} ${n}, one partition`);
      }
    }
  });

  it('robustScale finds the median and MAD that sorting gives, on skewed, tied and signed populations', () => {
    for (const n of [1, 2, 3, 10, 257, 5000]) {
      for (const shape of ['counts', 'signed', 'ties', 'medianOf3Killer']) {
        const values = SHAPES[shape](n);
        const center = sortMedian(values);
        const scale = robustScale(values, 1e-9);
        assert.equal(scale.median, center, `${shape} ${n} median`);
        assert.equal(median(values), center, `${shape} ${n} median()`);
        const expectedMad = sortMedian(values.map((x) => Math.abs(x - center)));
        assert.equal(scale.mad, expectedMad, `${shape} ${n} mad`);
        assert.equal(mad(values), expectedMad, `${shape} ${n} mad()`);
      }
    }
  });

  it('still answers with NaNs in the population (sorted the ordinary way: NaN last)', () => {
    const values = [1, 2, NaN, 4, 5];
    assert.equal(median(values), 4);
    const scale = robustScale(values, 1e-9);
    assert.equal(scale.median, 4);
    // deviations 3, 2, NaN, 0, 1 sort to 0, 1, 2, 3, NaN
    assert.equal(scale.mad, 2);
    assert.ok(Object.is(mad(values), 2));
    assert.ok(Number.isNaN(medianInPlace(Float64Array.from([3, NaN, 1, NaN]))), 'the middle falls on a NaN');
    assert.equal(medianInPlace(Float64Array.from([NaN, 2, 9, 1, 5])), 5);
  });

  it('takes infinities: deviations from an infinite median are NaN, and the MAD is read as sorting gives it', () => {
    const scale = robustScale([Infinity, Infinity, Infinity, 1], 1e-9);
    assert.equal(scale.median, Infinity);
    // deviations NaN, NaN, NaN, Infinity sort to Infinity, NaN, NaN, NaN: the middle two are NaN
    assert.ok(Number.isNaN(scale.mad));
    assert.equal(scale.sigma, 1e-9);
  });
});
