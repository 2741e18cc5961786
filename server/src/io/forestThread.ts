/**
 * The Isolation Forest's second thread (ForestThread; the thread runs forestWorker.ts): at each
 * finish, ml-outlier hands it half of the sources to walk through the forest and walks the
 * other half meanwhile. The finish stays synchronous: the analysing thread blocks on a shared
 * counter (Atomics.wait) until the answer is posted, then takes it off the port
 * (receiveMessageOnPort) — no event loop turn in between.
 *
 * Started once (the language server, the CLI, the bench's editor figure) and kept; it holds
 * nothing between jobs. A thread that does not answer in time is stopped and the analysing
 * thread walks the rows itself; one that failed to start is never used.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { type ForestThread, type ForestWalkAnswer, type ForestWalkJob } from '../engine/detect/isolationForest';

const FOREST_SCRIPT = 'forestWorker.js';

/**
 * Longest wait for an answer. Half of 100K sources takes ~0.1 s to walk; a thread silent for
 * this long is stuck or gone, and the rows are walked here instead.
 */
const ANSWER_TIMEOUT_MS = 10_000;

/** The jobs are a few MB, the walk allocates next to nothing. */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4 };

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
  private gone = false;
  /** Where jobs are placed for the other thread (grown as populations grow; see shared). */
  private memory: SharedArrayBuffer | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
    private readonly timeoutMs: number,
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
    return new ForestWorkerThread(worker, port1, signal, options.timeoutMs ?? ANSWER_TIMEOUT_MS);
  }

  /** Whether the thread has loaded and takes jobs (it says so a few tens of ms after start). */
  get ready(): boolean {
    return !this.gone && Atomics.load(this.signal, READY) === 1;
  }

  /** Jobs it answered. */
  get answered(): number {
    return Atomics.load(this.signal, ANSWERS);
  }

  begin(job: ForestWalkJob): boolean {
    // still loading (it takes tens of ms): this finish walks alone
    if (this.pending || !this.ready) return false;
    this.port.postMessage(this.shared(job));
    this.sent++;
    this.pending = true;
    return true;
  }

  end(): Float64Array | null {
    if (!this.pending) return null;
    this.pending = false;
    const deadline = performance.now() + this.timeoutMs;
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
    const answer = received?.message as ForestWalkAnswer | undefined;
    return answer?.pathLengths ?? null;
  }

  /**
   * The job with its arrays copied into memory both threads see. Neither transferred nor
   * cloned: transferring detaches the buffers, and the first buffer ever detached in a thread
   * makes V8 throw away its optimised code that reads typed arrays and check every later read
   * (measured: an editor's first append went from 5% to 13% of a full analysis); a clone
   * copies a few MB into fresh buffers at every finish, on both sides.
   */
  private shared(job: ForestWalkJob): ForestWalkJob {
    const arrays = [job.matrix, job.treeStart, job.steps, job.next, job.column, job.split, job.leafValue, job.leastAfter];
    let bytes = 0;
    for (const a of arrays) bytes += roundedTo8(a.byteLength);
    if (!this.memory || this.memory.byteLength < bytes) this.memory = new SharedArrayBuffer(Math.max(bytes, 2 * (this.memory?.byteLength ?? 0)));
    const memory = this.memory;
    let at = 0;
    function place<T extends Float64Array | Int32Array>(a: T): T {
      const copy = (a instanceof Float64Array ? new Float64Array(memory, at, a.length) : new Int32Array(memory, at, a.length)) as T;
      copy.set(a);
      at += roundedTo8(a.byteLength);
      return copy;
    }
    return {
      matrix: place(job.matrix),
      width: job.width,
      treeStart: place(job.treeStart),
      steps: place(job.steps),
      next: place(job.next),
      column: place(job.column),
      split: place(job.split),
      leafValue: place(job.leafValue),
      rootValue: job.rootValue,
      leastAfter: place(job.leastAfter),
      longest: job.longest,
      firstCheck: job.firstCheck,
    };
  }

  /** Stops the thread; later jobs are walked by the analysing thread. */
  stop(): void {
    this.gone = true;
    this.port.close();
    void this.worker.terminate();
  }
}

function roundedTo8(bytes: number): number {
  return (bytes + 7) & ~7;
}
