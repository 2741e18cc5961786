import assert from 'node:assert/strict';
import {
  averagePathLength,
  growTree,
  Mulberry32,
  isolationScores,
  libraryAveragePathLength,
  libraryTree,
  mulberry32,
} from '../../../server/src/engine/detect/isolationForest';

const OPTIONS = { trees: 100, sampleSize: 256, seed: 42 };

/** Standard normal draws (Box–Muller) from a seeded generator. */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** 2,000 normal 6-dimensional vectors, then `outliers` vectors planted 5–7 σ out on a random axis pair. */
function plantedData(outliers: number, seed = 11): { rows: number[][]; isOutlier: boolean[] } {
  const random = mulberry32(seed);
  const g = gaussian(random);
  const rows: number[][] = [];
  const isOutlier: boolean[] = [];
  for (let i = 0; i < 2000; i++) {
    rows.push(Array.from({ length: 6 }, g));
    isOutlier.push(false);
  }
  for (let i = 0; i < outliers; i++) {
    const row = Array.from({ length: 6 }, () => g() * 0.5);
    const a = Math.floor(random() * 6);
    const b = (a + 1 + Math.floor(random() * 5)) % 6;
    row[a] = (random() < 0.5 ? -1 : 1) * (5 + 2 * random());
    row[b] = (random() < 0.5 ? -1 : 1) * (5 + 2 * random());
    // Planted in the middle, so that order cannot matter.
    const at = Math.floor(random() * rows.length);
    rows.splice(at, 0, row);
    isOutlier.splice(at, 0, true);
  }
  return { rows, isOutlier };
}

/** Probability that a random outlier scores above a random normal point. */
function auc(scores: ArrayLike<number>, isOutlier: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!isOutlier[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (isOutlier[j]) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

function medianOf(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[sorted.length >> 1];
}

describe('isolation forest wrapper', () => {
  it('gives planted outliers the top scores (AUC ≥ 0.9)', () => {
    const { rows, isOutlier } = plantedData(20);
    const { scores, sampleSize } = isolationScores(rows, OPTIONS);
    assert.equal(sampleSize, 256);
    const a = auc(scores, isOutlier);
    assert.ok(a >= 0.9, `AUC ${a}`);
    const outlierScores = Array.from(scores).filter((_, i) => isOutlier[i]);
    const normalScores = Float64Array.from(Array.from(scores).filter((_, i) => !isOutlier[i])).sort();
    const p99 = normalScores[Math.floor(normalScores.length * 0.99)];
    assert.ok(medianOf(outlierScores) > p99, `median outlier ${medianOf(outlierScores)} vs normal p99 ${p99}`);
    assert.ok(medianOf(normalScores) < 0.5, `normal points are not inflated: median ${medianOf(normalScores)}`);
  });

  it('gives identical scores on repeated runs, different ones for another seed, and restores Math.random', () => {
    const { rows } = plantedData(5);
    const random = Math.random;
    const first = isolationScores(rows, OPTIONS);
    assert.equal(Math.random, random);
    const second = isolationScores(rows, OPTIONS);
    assert.deepEqual(second.scores, first.scores);
    const other = isolationScores(rows, { ...OPTIONS, seed: 43 });
    assert.notDeepEqual(other.scores, first.scores);
    // ...but only by the noise of the draws.
    let maxDiff = 0;
    for (let i = 0; i < rows.length; i++) maxDiff = Math.max(maxDiff, Math.abs(other.scores[i] - first.scores[i]));
    assert.ok(maxDiff < 0.1, `seeds change scores by ${maxDiff}`);
  });

  it('ignores constant columns', () => {
    const { rows } = plantedData(5);
    const padded = rows.map((r) => [7, ...r.slice(0, 3), 0, ...r.slice(3), 7]);
    const plain = isolationScores(rows, OPTIONS);
    const withConstants = isolationScores(padded, OPTIONS);
    assert.deepEqual(withConstants.columns, [1, 2, 3, 5, 6, 7]);
    assert.deepEqual(withConstants.scores, plain.scores);
  });

  it('scores an average point ≈ 0.5 with the paper’s normaliser', () => {
    const random = mulberry32(3);
    const rows = Array.from({ length: 4000 }, () => [random(), random(), random()]);
    const { scores, pathLengths } = isolationScores(rows, OPTIONS);
    const m = medianOf(scores);
    assert.ok(Math.abs(m - 0.5) < 0.03, `median score of uniform data ${m}`);
    // The average path length is ≈ c(ψ), which is what makes s = 0.5 "ordinary".
    const meanPath = Array.from(pathLengths).reduce((a, b) => a + b) / pathLengths.length;
    assert.ok(Math.abs(meanPath - averagePathLength(256)) < 0.6, `mean path ${meanPath} vs c(256) ${averagePathLength(256)}`);
  });

  it('uses c(n) = 2·H(n − 1) − 2(n − 1)/n, where the library has Euler’s constant once', () => {
    let harmonic = 0;
    for (let i = 1; i < 256; i++) harmonic += 1 / i;
    assert.ok(Math.abs(averagePathLength(256) - (2 * harmonic - (2 * 255) / 256)) < 0.01);
    assert.ok(Math.abs(averagePathLength(256) - libraryAveragePathLength(256) - 0.5772) < 0.001);
    assert.equal(averagePathLength(2), 1);
    assert.equal(averagePathLength(1), 0);
  });

  it('grows exactly the library’s trees: same draws, splits, leaves and layout', () => {
    const shapes: [string, (random: () => number) => number[]][] = [
      ['gaussian', (random) => Array.from({ length: 6 }, gaussian(random))],
      // few distinct values: ties, and columns constant inside deeper nodes
      ['discrete', (random) => Array.from({ length: 4 }, () => Math.floor(random() * 3))],
      ['one column varies', (random) => [7, random() < 0.1 ? 100 : 1, 7]],
    ];
    let trees = 0;
    for (const [shape, row] of shapes) {
      for (const [rows, psi] of [[2000, 256], [300, 256], [40, 40], [5, 3]]) {
        for (let seed = 1; seed <= 8; seed++) {
          const random = mulberry32(seed * 7919 + rows);
          const width = row(random).length;
          const matrix = new Float64Array(rows * width);
          for (let i = 0; i < rows; i++) matrix.set(row(random), i * width);
          const sample = Array.from({ length: psi }, (_, i) => (i * 7 + seed) % rows);
          const columns = Array.from({ length: width }, (_, c) => c);
          const ours = growTree(matrix, width, sample, columns, new Mulberry32(seed));
          const theirs = libraryTree(matrix, width, sample, columns, mulberry32(seed));
          assert.ok(theirs, 'the library tree reads');
          const what = `${shape}, ${rows} rows, ψ ${psi}, seed ${seed}`;
          for (const key of ['child', 'column', 'split', 'depth', 'leafValue'] as const) {
            assert.deepEqual(Array.from(ours[key]), Array.from(theirs[key]), `${what}: ${key}`);
          }
          trees++;
        }
      }
    }
    assert.equal(trees, 96);
  });

  it('agrees with the library’s own predict, turned back into path lengths (the fallback)', () => {
    const { rows, isOutlier } = plantedData(20);
    const walked = isolationScores(rows, OPTIONS);
    const predicted = isolationScores(rows, { ...OPTIONS, scoring: 'library' });
    let maxDiff = 0;
    for (let i = 0; i < rows.length; i++) maxDiff = Math.max(maxDiff, Math.abs(walked.scores[i] - predicted.scores[i]));
    // Same trees; only the leaf term differs (c vs c_lib, ≤ 0.58 per tree).
    assert.ok(maxDiff < 0.05, `max difference ${maxDiff}`);
    assert.ok(auc(predicted.scores, isOutlier) >= 0.9);
  });

  it('handles degenerate input: too few rows, all rows alike, fewer rows than ψ', () => {
    assert.deepEqual(Array.from(isolationScores([[1, 2]], OPTIONS).scores), [0.5]);
    assert.deepEqual(Array.from(isolationScores([], OPTIONS).scores), []);
    const same = isolationScores(Array.from({ length: 50 }, () => [3, 4]), OPTIONS);
    assert.ok(same.scores.every((s) => s === 0.5));
    const small = isolationScores(
      Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 11]).concat([[100, 100]]),
      OPTIONS,
    );
    assert.equal(small.sampleSize, 41);
    assert.equal(Math.max(...small.scores), small.scores[40]);
  });
});
