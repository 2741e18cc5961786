import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mulberry32 } from '../../../server/src/engine/detect/isolationForest';
import { forestScores, WIDTH, type OutlierJob } from '../../../server/src/engine/detect/outlierScores';
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

/** Raw features of `rows` sources, a few far out. */
function population(rows: number): Float64Array {
  const random = mulberry32(3);
  const m = new Float64Array(rows * WIDTH);
  for (let i = 0; i < m.length; i++) m[i] = (i % WIDTH) % 3 === 0 ? random() : Math.floor(random() * random() * 400);
  for (let i = 0; i < rows; i += 53) m[i * WIDTH] = 1e6;
  return m;
}

const rows = 5000;
const job = (): OutlierJob => ({ raw: population(rows), rows, trees: 100, sampleSize: 256, seed: 9, minScore: 0.6 });

describe('the forest thread (worker)', function () {
  this.timeout(60_000);
  const here = forestScores(job());

  it('computes the same scores as this thread, job after job, and leaves the caller\'s features alone', async () => {
    const thread = ForestWorkerThread.start({ script: SCRIPT });
    assert.ok(thread, `${SCRIPT} is built`);
    try {
      await readyOrFail(thread);
      for (let k = 1; k <= 3; k++) {
        const mine = job();
        assert.equal(thread.begin(mine), true);
        assert.equal(thread.begin(job()), false, 'one job at a time');
        const there = thread.end();
        assert.equal(thread.answered, k);
        assert.deepEqual(there, here);
        assert.deepEqual(mine.raw, population(rows), 'the caller keeps its raw features');
      }
      assert.ok(Array.from(here.scores).some((s) => s >= 0.6), 'some rows reach the threshold');
    } finally {
      thread.stop();
    }
  });

  it('gives up on a thread that does not answer in time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-forest-'));
    const silent = path.join(dir, 'silent.js');
    // ready, listening, never answering
    fs.writeFileSync(silent, "const { workerData } = require('node:worker_threads'); workerData.port.on('message', () => {}); Atomics.store(new Int32Array(workerData.signal), 1, 1);");
    const thread = ForestWorkerThread.start({ script: silent, timeoutMs: 300 });
    assert.ok(thread);
    try {
      await readyOrFail(thread);
      assert.equal(thread.begin(job()), true);
      const t0 = performance.now();
      assert.equal(thread.end(), null);
      assert.ok(performance.now() - t0 >= 290, 'it waited for the answer');
      assert.equal(thread.ready, false, 'stopped: later jobs stay with the caller');
      assert.equal(thread.begin(job()), false);
    } finally {
      thread.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not found when run from the sources (no script beside the module)', () => {
    assert.equal(ForestWorkerThread.start(), undefined);
  });
});
