import assert from 'node:assert/strict';
import {
  isolationScoresOfMatrix,
  mulberry32,
  PARALLEL_MIN_ROWS,
  walkForestJob,
  type ForestThread,
  type ForestWalkJob,
} from '../../../server/src/engine/detect/isolationForest';

/** A population of `rows` 10-feature rows, a few far out (what ml-outlier scores), row-major. */
function population(rows: number, seed = 5): Float64Array {
  const random = mulberry32(seed);
  const m = new Float64Array(rows * 10);
  for (let i = 0; i < m.length; i++) m[i] = random() + random();
  for (let i = 0; i < rows; i += 97) for (let c = 0; c < 3; c++) m[i * 10 + ((i + c) % 10)] = 20 + random();
  return m;
}

/** A second thread in this one: it walks the job with the other thread's own code when asked for the answer. */
class ThreadInProcess implements ForestThread {
  jobs: ForestWalkJob[] = [];
  constructor(private readonly answer: 'walk' | 'fail' | 'refuse' = 'walk') {}
  begin(job: ForestWalkJob): boolean {
    if (this.answer === 'refuse') return false;
    // the job's matrix may be a view of the caller's: keep a copy, as the real thread does
    this.jobs.push({ ...job, matrix: job.matrix.slice() });
    return true;
  }
  end(): Float64Array | null {
    return this.answer === 'fail' ? null : walkForestJob(this.jobs[this.jobs.length - 1]);
  }
}

const OPTIONS = { trees: 100, sampleSize: 256, seed: 7, minScore: 0.6 };

describe('Isolation Forest on two threads', () => {
  const rows = PARALLEL_MIN_ROWS + 1001;
  const matrix = population(rows);
  const alone = isolationScoresOfMatrix(matrix, rows, 10, OPTIONS);

  it('hands the second half of a big population over, and the scores are the same to the bit', () => {
    const thread = new ThreadInProcess();
    const both = isolationScoresOfMatrix(matrix, rows, 10, { ...OPTIONS, thread });
    assert.equal(thread.jobs.length, 1);
    assert.equal(thread.jobs[0].matrix.length, (rows - (rows >> 1)) * 10);
    assert.deepEqual(both.scores, alone.scores);
    assert.deepEqual(both.pathLengths, alone.pathLengths);
    const reported = Array.from(alone.scores).filter((s) => s >= 0.6).length;
    assert.ok(reported > 10 && reported < rows / 10, `some rows, not all, reach the threshold (${reported})`);
    assert.ok(alone.scores.some((s) => Number.isNaN(s)), 'rows that cannot reach it left the walk');
  });

  it('walks the rows itself when the thread fails or is busy', () => {
    for (const answer of ['fail', 'refuse'] as const) {
      const both = isolationScoresOfMatrix(matrix, rows, 10, { ...OPTIONS, thread: new ThreadInProcess(answer) });
      assert.deepEqual(both.scores, alone.scores, answer);
    }
  });

  it('keeps small populations on one thread', () => {
    const thread = new ThreadInProcess();
    const small = PARALLEL_MIN_ROWS - 1;
    isolationScoresOfMatrix(population(small), small, 10, { ...OPTIONS, thread });
    assert.equal(thread.jobs.length, 0);
  });
});
