/**
 * The Isolation Forest's second thread (see forestThread.ts): walks the rows of each job it is
 * sent through the job's forest, posts their path sums, then counts the answer in the shared
 * signal and wakes the analysing thread.
 */
import { workerData } from 'node:worker_threads';
import { isolationScoresOfMatrix, Mulberry32, walkForestJob, type ForestWalkAnswer, type ForestWalkJob } from '../engine/detect/isolationForest';
import { ANSWERS, READY, type ForestWorkerData } from './forestThread';

/** Walks of the made-up job: by the fifth job of a fresh thread its walk ran at full speed. */
const WARM_UP_ROUNDS = 6;

const { port, signal } = workerData as ForestWorkerData;
const slots = new Int32Array(signal);

port.on('message', (job: ForestWalkJob) => {
  let answer: ForestWalkAnswer;
  try {
    answer = { pathLengths: walkForestJob(job) };
  } catch (err) {
    answer = { pathLengths: null, error: err instanceof Error ? err.message : String(err) };
  }
  // Posted before it is counted: the analysing thread reads it as soon as it wakes. Copied,
  // not transferred (see ForestWorkerThread.begin).
  port.postMessage(answer);
  Atomics.add(slots, ANSWERS, 1);
  Atomics.notify(slots, ANSWERS);
});
warmUp();
Atomics.store(slots, READY, 1);

/**
 * Walks a made-up population a few times before saying it is ready, so that the first real
 * job finds the walk compiled: cold, this thread walked the first jobs several times slower
 * than the analysing thread walks its half (measured: an editor's first append took 12% of a
 * full analysis instead of 5%). ~0.1 s of the other core, once, when the thread starts.
 */
function warmUp(): void {
  const rows = 4096;
  const width = 10;
  const matrix = new Float64Array(rows * width);
  const random = new Mulberry32(1);
  for (let i = 0; i < matrix.length; i++) matrix[i] = random.next() * random.next() * 10;
  let job: ForestWalkJob | undefined;
  // the job ml-outlier would hand over for this population, kept instead of sent
  const keep = { begin: (j: ForestWalkJob) => ((job = j), false), end: () => null };
  isolationScoresOfMatrix(matrix, rows, width, { trees: 100, sampleSize: 256, seed: 1, minScore: 0.6, thread: keep });
  for (let round = 0; job && round < WARM_UP_ROUNDS; round++) walkForestJob(job);
}
