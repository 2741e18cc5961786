import assert from 'node:assert/strict';
import { isolationScores, mulberry32 } from '../../../server/src/engine/detect/isolationForest';

/** 3,000 rows: a skewed population (counts, shares, byte totals) with a few far-out rows. */
function population(seed: number): number[][] {
  const random = mulberry32(seed);
  const rows: number[][] = [];
  for (let i = 0; i < 3000; i++) {
    const far = i % 500 === 7;
    rows.push([
      Math.log1p(Math.floor(random() * random() * 50) + (far ? 5000 : 0)),
      random() < 0.9 ? 0 : random(),
      Math.log1p(random() * 2e6 * (far ? 1000 : 1)),
      Math.floor(random() * 3),
      far ? 1 : random() * 0.2,
    ]);
  }
  return rows;
}

describe('isolation forest cut-off (minScore)', () => {
  for (const minScore of [0.6, 0.55, 0.5]) {
    it(`gives the rows that may reach ${minScore} exactly their full scores, and skips only rows below it`, () => {
      const rows = population(5);
      const options = { trees: 100, sampleSize: 256, seed: 42 };
      const full = isolationScores(rows, options);
      const cut = isolationScores(rows, { ...options, minScore });
      let skipped = 0;
      let reported = 0;
      for (let i = 0; i < rows.length; i++) {
        if (Number.isNaN(cut.scores[i])) {
          skipped++;
          assert.ok(full.scores[i] < minScore, `row ${i} skipped but scores ${full.scores[i]}`);
          assert.ok(Number.isNaN(cut.pathLengths[i]));
          continue;
        }
        assert.equal(cut.scores[i], full.scores[i], `row ${i}`);
        assert.equal(cut.pathLengths[i], full.pathLengths[i], `row ${i}`);
        if (cut.scores[i] >= minScore) reported++;
      }
      const expected = Array.from(full.scores).filter((s) => s >= minScore).length;
      assert.equal(reported, expected);
      // the cut-off did something: ordinary rows stopped being walked (none at 0.5, which about half of the rows reach)
      if (minScore > 0.5) assert.ok(skipped > rows.length / 2, `only ${skipped} rows skipped`);
    });
  }
});
