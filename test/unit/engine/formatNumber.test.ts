import { strict as assert } from 'node:assert';
import { formatNumber, formatNumberOneDecimal } from '../../../server/src/engine/score';

/** A small seeded generator (repeatable cases). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('formatNumber writes numbers as toLocaleString("en-US") does', () => {
  it('on edge values: zeros, signs, ties, carries, tiny and huge numbers, non-finite', () => {
    const values = [0, -0, 1, -1, 999, 1000, 1001, 1234567, -1234567.891, 0.0005, 0.0015, 0.0075, 0.0625, -0.0001, 999.9995, 999.9996, 42.05, 42.15, 1.005, 2.675, 0.1 + 0.2, 2 ** 53, 1e15, 9.999e20, 1e21, 1.5e300, 1e-7, 5e-324, NaN, Infinity, -Infinity];
    for (const v of values) {
      assert.equal(formatNumber(v), v.toLocaleString('en-US'), String(v));
      assert.equal(formatNumberOneDecimal(v), v.toLocaleString('en-US', { maximumFractionDigits: 1 }), `${v}, one decimal`);
    }
    assert.equal(formatNumber(1234567.891), '1,234,567.891');
    assert.equal(formatNumber(-0.0001), '-0');
    assert.equal(formatNumberOneDecimal(42.05), '42.1');
  });

  it('on 50,000 seeded values of every size, whole and fractional', () => {
    const random = lcg(7);
    for (let i = 0; i < 50_000; i++) {
      let v = (random() - 0.3) * 10 ** (Math.floor(random() * 24) - 7);
      if (i % 3 === 0) v = Math.round(v * 1000) / 1000;
      if (i % 7 === 0) v = Math.round(v * 2000) / 2000 + 0.0005;
      if (i % 5 === 0) v = Math.floor(v);
      assert.equal(formatNumber(v), v.toLocaleString('en-US'), String(v));
      assert.equal(formatNumberOneDecimal(v), v.toLocaleString('en-US', { maximumFractionDigits: 1 }), `${v}, one decimal`);
    }
  });
});
