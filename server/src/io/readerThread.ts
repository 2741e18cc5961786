/**
 * Starting the reader thread of a parallel analysis (parseWorker.ts; see parallelAnalysis.ts).
 *
 * Node builtins only: the `logwarden` launcher (cliLauncher.ts) imports this before the rest
 * of the CLI is loaded, to start the thread ahead — see prestartReaderThread.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParseWorkerData } from './parallelAnalysis';

/**
 * Below this size a second thread costs more than it saves (starting it and loading the
 * engine again take ~50 ms; a 16 MB log analyses in about half a second on one thread).
 */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

const READER_SCRIPT = 'parseWorker.js';

/**
 * A small young generation: the reader's garbage is short-lived (one line's strings), and its
 * memory counts against the big-file budget (8 MB with MAX_AHEAD 8 instead of 16 and 16:
 * 5M-line peak RSS 249–263 → 248–252 MB, same time).
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** workerData of a thread started before its file is known: it waits for a ReaderStartMessage. */
export const AWAIT_START = 'await-start';

/** What a thread started ahead is sent when its file is known. */
export interface ReaderStartMessage {
  type: 'start';
  data: ParseWorkerData;
}

/** The reader's script, when it sits next to this bundle (the CLI's dist/ folder). */
function readerScript(): string | undefined {
  const script = nodePath.join(__dirname, READER_SCRIPT);
  return fs.existsSync(script) ? script : undefined;
}

/** Whether a file of this size is analysed on two threads. */
export function parallelReaderAvailable(size: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const mode = env.LOGWARDEN_PARALLEL;
  if (mode === 'never') return false;
  if (mode !== 'always' && size < PARALLEL_MIN_BYTES) return false;
  return readerScript() !== undefined;
}

/** A reader thread for `data`, its spare-batch port transferred to it. */
export function startReaderThread(data: ParseWorkerData): Worker {
  return new Worker(readerScript()!, { workerData: data, transferList: [data.spareChunks], resourceLimits: RESOURCE_LIMITS });
}

/**
 * Hands a thread started ahead its file (see prestartReaderThread); when that thread is gone
 * (it failed to start), starts a new one.
 */
export function useReaderThread(prestarted: Worker | undefined, data: ParseWorkerData): Worker {
  // threadId is -1 once a thread has stopped, even before its 'exit' event
  if (!prestarted || prestarted.threadId === -1) return startReaderThread(data);
  prestarted.ref();
  const message: ReaderStartMessage = { type: 'start', data };
  prestarted.postMessage(message, [data.spareChunks]);
  return prestarted;
}

/**
 * Starts a reader thread ahead when `logwarden analyze` is asked about a file big enough for
 * one: Node takes ~70 ms to start a thread and load the reader, and the CLI about as long to
 * load itself (compiling and initialising its bundle), so the two then overlap instead of
 * following each other. The thread waits for its file (useReaderThread); unused, it is
 * unreferenced and goes with the process.
 *
 * The arguments are only looked at, not parsed: any that names a big enough regular file
 * counts (an option's value too — a thread started for nothing costs its start-up, on the
 * other core).
 */
export function prestartReaderThread(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Worker | undefined {
  if (argv[0] !== 'analyze') return undefined;
  const worthIt = argv.slice(1).some((arg) => {
    if (arg.startsWith('-')) return false;
    try {
      const stat = fs.statSync(arg, { throwIfNoEntry: false });
      return stat !== undefined && stat.isFile() && parallelReaderAvailable(stat.size, env);
    } catch {
      return false;
    }
  });
  if (!worthIt) return undefined;
  const worker = new Worker(readerScript()!, { workerData: AWAIT_START, resourceLimits: RESOURCE_LIMITS });
  worker.unref();
  // Until it is used, a failure to start is nobody's business (useReaderThread starts another).
  worker.on('error', () => undefined);
  return worker;
}
