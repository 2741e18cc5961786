/**
 * The Isolation Forest's second thread (see forestThread.ts): computes ml-outlier's numbers
 * for each job it is sent, posts them, then counts the answer in the shared signal and wakes
 * the analysing thread.
 */
import { workerData } from 'node:worker_threads';
import { mulberry32 } from '../engine/detect/isolationForest';
import { outlierNumbers, WIDTH, type OutlierAnswer, type OutlierJob } from '../engine/detect/outlierScores';
import { ANSWERS, READY, type ForestWorkerData } from './forestThread';

/** Jobs done before the thread says it is ready: by the fifth job of a fresh thread its code ran at full speed. */
const WARM_UP_ROUNDS = 6;

const { port, signal } = workerData as ForestWorkerData;
const slots = new Int32Array(signal);

port.on('message', (job: OutlierJob) => {
  let answer: OutlierAnswer;
  try {
    // computed on a copy of its own: typed arrays over shared memory are slower to work on
    answer = { numbers: outlierNumbers({ ...job, raw: job.raw.slice() }) };
  } catch (err) {
    answer = { numbers: null, error: err instanceof Error ? err.message : String(err) };
  }
  // Posted before it is counted: the analysing thread reads it as soon as it wakes. Copied,
  // not transferred (see ForestWorkerThread.shared).
  port.postMessage(answer);
  Atomics.add(slots, ANSWERS, 1);
  Atomics.notify(slots, ANSWERS);
});
warmUp();
Atomics.store(slots, READY, 1);

/**
 * Computes the numbers of a made-up population a few times before saying it is ready, so that
 * the first real job finds the code compiled: cold, this thread took several times as long as
 * the analysing thread for the same job. ~0.2 s of the other core, once, when it starts.
 */
function warmUp(): void {
  const rows = 4096;
  const random = mulberry32(1);
  const population = new Float64Array(rows * WIDTH);
  for (let i = 0; i < population.length; i++) {
    // counts, rates and bytes spread over orders of magnitude, shares in [0, 1]
    const c = i % WIDTH;
    population[i] = c === 3 || c === 4 || c === 8 || c === 9 ? random() : Math.floor(random() ** 3 * 10 ** (1 + (c % 5)));
  }
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    outlierNumbers({ raw: population.slice(), rows, trees: 100, sampleSize: 256, seed: round, minScore: 0.6 });
  }
}
