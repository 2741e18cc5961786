/**
 * The Isolation Forest's second thread (ForestThread; the thread runs forestWorker.ts): at the
 * start of each finish, ml-outlier hands it the sources' raw features; it computes their
 * Isolation Forest scores while the analysing thread finishes the other detectors and
 * computes the population's statistics. The finish stays synchronous: when ml-outlier's turn
 * comes, the analysing thread blocks on a shared counter (Atomics.wait) until the answer is
 * posted, then takes it off the port (receiveMessageOnPort) — no event loop turn in between.
 *
 * Started once by the language server (and the bench's editor figure, as the server has it)
 * and kept; it holds nothing between jobs. A thread that does not answer in time is stopped
 * and the analysing thread computes the scores itself; one that failed to start is never
 * used. (The CLI has none: its one finish would meet the thread's code cold.)
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { madeUpPopulation, outlierStatistics, type ForestScores, type ForestThread, type OutlierAnswer, type OutlierJob } from '../engine/detect/outlierScores';

const FOREST_SCRIPT = 'forestWorker.js';

/**
 * Longest wait for an answer, by the size of the job: 1 s, and 0.05 ms more per source above
 * 20,000 (10,000 sources take ~20 ms, 100,000 a few tenths of a second). A thread silent for
 * this long is stuck or gone (the editor waits meanwhile), and the scores are computed here.
 */
function answerTimeoutMs(rows: number): number {
  return Math.max(1000, rows * 0.05);
}

/** A job is a few MB of shared memory; the computation allocates a few MB more. */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** workerData of the forest thread. */
export interface ForestWorkerData {
  port: MessagePort;
  /** Int32 slots: [ANSWERS] counts the answers posted, [READY] is 1 once the thread listens. */
  signal: SharedArrayBuffer;
}

export const ANSWERS = 0;
export const READY = 1;

export class ForestWorkerThread implements ForestThread {
  private readonly signal: Int32Array;
  private sent = 0;
  private pending = false;
  /** Rows of the job handed over last. */
  private rows = 0;
  private gone = false;
  /** Where a job's raw features are placed for the other thread (grown as populations grow; see shared). */
  private memory: SharedArrayBuffer | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
    /** A fixed timeout (tests), instead of answerTimeoutMs. */
    private readonly timeoutMs: number | undefined,
  ) {
    this.signal = new Int32Array(signal);
    // Not one of the things a process waits for before exiting.
    worker.unref();
    worker.on('error', () => (this.gone = true));
    worker.on('exit', () => (this.gone = true));
  }

  /**
   * A started thread, or undefined when its script is not beside this bundle (run from
   * sources). Tests name the script and a shorter timeout.
   */
  static start(options: { script?: string; timeoutMs?: number } = {}): ForestWorkerThread | undefined {
    const script = options.script ?? nodePath.join(__dirname, FOREST_SCRIPT);
    if (!fs.existsSync(script)) return undefined;
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(8);
    const data: ForestWorkerData = { port: port2, signal };
    const worker = new Worker(script, { workerData: data, transferList: [port2], resourceLimits: RESOURCE_LIMITS });
    warmUpStatistics();
    return new ForestWorkerThread(worker, port1, signal, options.timeoutMs);
  }

  /** Whether the thread has loaded and takes jobs (it says so a few tens of ms after start). */
  get ready(): boolean {
    return !this.gone && Atomics.load(this.signal, READY) === 1;
  }

  /** Jobs it answered. */
  get answered(): number {
    return Atomics.load(this.signal, ANSWERS);
  }

  begin(job: OutlierJob): boolean {
    // still loading (it takes tens of ms): this finish computes alone
    if (this.pending || !this.ready) return false;
    this.port.postMessage(this.shared(job));
    this.rows = job.rows;
    this.sent++;
    this.pending = true;
    return true;
  }

  end(): ForestScores | null {
    if (!this.pending) return null;
    this.pending = false;
    const deadline = performance.now() + (this.timeoutMs ?? answerTimeoutMs(this.rows));
    for (;;) {
      const answered = Atomics.load(this.signal, ANSWERS);
      if (answered >= this.sent) break;
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(this.signal, ANSWERS, answered, left) === 'timed-out') {
        this.stop();
        return null;
      }
    }
    const received = receiveMessageOnPort(this.port);
    const answer = received?.message as OutlierAnswer | undefined;
    return answer?.scores ?? null;
  }

  /**
   * The job with its raw features copied into memory both threads see. Neither transferred
   * nor cloned: transferring detaches the buffer, and the first buffer ever detached in a
   * thread makes V8 throw away its optimised code that reads typed arrays and check every
   * later read (measured: an editor's first append went from 5% to 13% of a full analysis);
   * a clone copies into a fresh buffer at every finish.
   */
  private shared(job: OutlierJob): OutlierJob {
    const bytes = job.raw.byteLength;
    if (!this.memory || this.memory.byteLength < bytes) this.memory = new SharedArrayBuffer(Math.max(bytes, 2 * (this.memory?.byteLength ?? 0)));
    const raw = new Float64Array(this.memory, 0, job.raw.length);
    raw.set(job.raw);
    return { ...job, raw };
  }

  /** Stops the thread; later scores are computed by the analysing thread. */
  stop(): void {
    this.gone = true;
    this.port.close();
    void this.worker.terminate();
  }
}

/** Rounds of the warm-up below: after three, the statistics of 10,228 sources took 7 ms, not 18–25. */
const STATISTICS_WARM_UP_ROUNDS = 3;

/**
 * With a forest thread, this thread computes the population's statistics while the other
 * scores: a few rounds on a small made-up population when the thread starts (~3 ms, once)
 * find that code compiled by the first analysis that needs it.
 */
function warmUpStatistics(): void {
  const rows = 300;
  const population = madeUpPopulation(rows);
  for (let round = 0; round < STATISTICS_WARM_UP_ROUNDS; round++) outlierStatistics(population, rows);
}
