/**
 * The Isolation Forest's second thread (see forestThread.ts): computes the forest's scores
 * for each job it is sent, posts them, then counts the answer in the shared signal and wakes
 * the analysing thread.
 */
import { workerData } from 'node:worker_threads';
import { forestScores, madeUpPopulation, type OutlierAnswer, type OutlierJob } from '../engine/detect/outlierScores';
import { ANSWERS, READY, type ForestWorkerData } from './forestThread';

/** Jobs done before the thread says it is ready: by the fifth job of a fresh thread its code ran at full speed. */
const WARM_UP_ROUNDS = 6;

const { port, signal } = workerData as ForestWorkerData;
const slots = new Int32Array(signal);

port.on('message', (job: OutlierJob) => {
  let answer: OutlierAnswer;
  try {
    // computed on a copy of its own: typed arrays over shared memory are slower to work on
    answer = { scores: forestScores({ ...job, raw: job.raw.slice() }) };
  } catch (err) {
    answer = { scores: null, error: err instanceof Error ? err.message : String(err) };
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
 * Scores a made-up population a few times before saying it is ready, so that the first real
 * job finds the code compiled: cold, this thread took several times as long as the analysing
 * thread for the same job. ~0.2 s of the other core, once, when it starts.
 */
function warmUp(): void {
  const rows = 4096;
  const population = madeUpPopulation(rows);
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    forestScores({ raw: population.slice(), rows, trees: 100, sampleSize: 256, seed: round, minScore: 0.6 });
  }
}
