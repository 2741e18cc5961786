import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isolationScoresOfMatrix, mulberry32, PARALLEL_MIN_ROWS } from '../../../server/src/engine/detect/isolationForest';
import { ForestWorkerThread } from '../../../server/src/io/forestThread';

/**
 * The real second thread: the built forestWorker.js (npm test builds before it runs), and a
 * thread that says it is ready but never answers.
 */
const SCRIPT = path.join(__dirname, '..', '..', '..', 'dist', 'forestWorker.js');

async function readyOrFail(thread: ForestWorkerThread): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!thread.ready) {
    if (Date.now() > deadline) throw new Error('the forest thread did not start');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function population(rows: number): Float64Array {
  const random = mulberry32(3);
  const m = new Float64Array(rows * 10);
  for (let i = 0; i < m.length; i++) m[i] = random() * random() * 4;
  for (let i = 0; i < rows; i += 53) m[i * 10 + (i % 10)] = 20;
  return m;
}

const OPTIONS = { trees: 100, sampleSize: 256, seed: 9, minScore: 0.6 };

describe('the forest thread (worker)', function () {
  this.timeout(60_000);
  const rows = 2 * PARALLEL_MIN_ROWS;
  const matrix = population(rows);
  const alone = isolationScoresOfMatrix(matrix, rows, 10, OPTIONS);

  it('walks half of the rows, job after job, with the same scores as one thread', async () => {
    const thread = ForestWorkerThread.start({ script: SCRIPT });
    assert.ok(thread, `${SCRIPT} is built`);
    try {
      await readyOrFail(thread);
      for (let job = 1; job <= 3; job++) {
        const both = isolationScoresOfMatrix(matrix, rows, 10, { ...OPTIONS, thread });
        assert.equal(thread.answered, job);
        assert.deepEqual(both.scores, alone.scores);
      }
      // the caller's matrix is left as it was (the job is a copy in shared memory)
      assert.deepEqual(matrix, population(rows));
    } finally {
      thread.stop();
    }
  });

  it('gives up on a thread that does not answer in time, and walks the rows itself', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-forest-'));
    const silent = path.join(dir, 'silent.js');
    // ready, listening, never answering
    fs.writeFileSync(silent, "const { workerData } = require('node:worker_threads'); workerData.port.on('message', () => {}); Atomics.store(new Int32Array(workerData.signal), 1, 1);");
    const thread = ForestWorkerThread.start({ script: silent, timeoutMs: 300 });
    assert.ok(thread);
    try {
      await readyOrFail(thread);
      const t0 = performance.now();
      const both = isolationScoresOfMatrix(matrix, rows, 10, { ...OPTIONS, thread });
      assert.ok(performance.now() - t0 >= 300, 'it waited for the answer');
      assert.deepEqual(both.scores, alone.scores);
      assert.equal(thread.ready, false, 'stopped: later jobs stay here');
    } finally {
      thread.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not found when run from the sources (no script beside the module)', () => {
    assert.equal(ForestWorkerThread.start(), undefined);
  });
});
