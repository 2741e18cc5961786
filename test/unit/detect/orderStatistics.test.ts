import { strict as assert } from 'node:assert';
import { mad, median, robustScale } from '../../../server/src/engine/detect/robustStats';

/** A small seeded generator (repeatable cases). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('robustScale (deviations merged, not sorted again)', () => {
  it('finds exactly the median and MAD that sorting gives, on skewed, tied and signed populations', () => {
    const random = lcg(11);
    for (const n of [1, 2, 3, 10, 257, 5000]) {
      for (const shape of ['counts', 'signed', 'ties']) {
        const values = Float64Array.from({ length: n }, () =>
          shape === 'counts' ? Math.log1p(Math.floor(1 / (random() + 1e-3))) : shape === 'signed' ? (random() - 0.3) * 1e3 : Math.floor(random() * 3),
        );
        const scale = robustScale(values, 1e-9);
        assert.ok(Object.is(scale.median, median(values)), `${shape} ${n} median`);
        assert.ok(Object.is(scale.mad, mad(values)), `${shape} ${n} mad ${scale.mad} vs ${mad(values)}`);
      }
    }
  });

  it('still answers with NaNs in the population (sorted the ordinary way)', () => {
    const scale = robustScale([1, 2, NaN, 4, 5], 1e-9);
    assert.ok(Object.is(scale.mad, mad([1, 2, NaN, 4, 5])));
  });
});
