import assert from 'node:assert/strict';
import {
  LOG_COUNT_FLOOR,
  logCount,
  mad,
  median,
  robustScale,
  robustScaleOfHistogram,
  robustZ,
} from '../../../server/src/engine/detect/robustStats';

describe('robust statistics', () => {
  it('computes median and MAD', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    assert.equal(mad([1, 2, 3, 4, 100]), 1);
  });

  it('gives the classic modified z = 0.6745 · (x − median) / MAD when the MAD is not 0', () => {
    const values = [10, 12, 11, 13, 9, 10, 12, 400];
    const scale = robustScale(values, 0.001);
    assert.equal(scale.basis, 'mad');
    const m = median(values);
    const z = robustZ(400, scale);
    assert.ok(Math.abs(z - (0.6745 * (400 - m)) / mad(values)) < 0.01, `z ${z}`);
    // One extreme value does not widen the spread.
    assert.ok(Math.abs(robustZ(13, scale)) < 2);
  });

  it('falls back to the mean absolute deviation, then to the floor, when most values are equal', () => {
    const mostlyOnes = [...Array(20).fill(1), 5, 9];
    const fallback = robustScale(mostlyOnes, 0.001);
    assert.equal(fallback.mad, 0);
    assert.equal(fallback.basis, 'mean-abs-dev');
    assert.ok(Math.abs(fallback.sigma - (1.2533 * 12) / 22) < 1e-9);
    // 999 one-request sources and one with 3: without a floor, 3 requests would be hundreds of σ out.
    const counts = [...Array(999).fill(logCount(1)), logCount(3)];
    const floored = robustScale(counts, LOG_COUNT_FLOOR);
    assert.equal(floored.basis, 'floor');
    assert.ok(Math.abs(robustZ(logCount(3), floored) - 1) < 1e-9, 'twice (1 + 1) is one "doubling" σ');
    assert.ok(robustZ(logCount(50), floored) > 3);
  });

  it('estimates the same from a histogram of whole buckets', () => {
    const hist = new Float64Array(48);
    hist[11] = 90; // ≈ 2–4 KB
    hist[12] = 10;
    hist[25] = 1; // ≈ 32–64 MB
    const scale = robustScaleOfHistogram(hist, 1);
    assert.equal(scale.median, 11.5);
    assert.equal(scale.count, 101);
    assert.equal(scale.sigma, 1, 'MAD 0 and a tiny mean deviation: the 1-octave floor');
    assert.ok(robustZ(Math.log2(50 * 1024 * 1024), scale) > 10);
    assert.ok(Number.isNaN(robustScaleOfHistogram(new Float64Array(4), 1).median));
  });
});
