/**
 * A big file analysed on two threads: a reader thread (parseWorker.ts) reads, splits and
 * parses the lines while this thread runs the detectors on the records it posts. Parsing is
 * about half the work per line, so on two cores the analysis takes about the time of the
 * slower half. The findings are the same as a single-threaded analysis's: the same parsers
 * see the same lines in the same order, and the same detectors see equal records in order.
 *
 * Used for files of PARALLEL_MIN_BYTES and more when the reader's script sits next to this
 * bundle (dist/parseWorker.js); `LOGWARDEN_PARALLEL=never|always` overrides the choice (see
 * readerThread.ts).
 */
import type * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { Analyzer } from '../engine/analyzer';
import type { EngineConfig } from '../engine/config';
import type { FileReport, FormatId, LogRecord } from '../engine/model';
import { warmUpOutlierNumbers, type ForestThread } from '../engine/detect/outlierScores';
import { columnsOf, RecordBatchReader, type BatchColumns, type RecordBatch } from '../engine/recordBatch';
import { useReaderThread } from './readerThread';

/** What the reader thread is given. */
export interface ParseWorkerData {
  path: string;
  config: EngineConfig;
  referenceTime: number;
  maxLineBytes: number;
  /** Int32 [batches analysed], shared: the reader waits on it to stay a few batches ahead. */
  progress: SharedArrayBuffer;
  /**
   * Read chunks and batch columns come back on this port once analysed (SpareBatch), to be
   * filled again: fresh memory for every megabyte costs the reader a page fault per page
   * (and the kernel zeroing it).
   */
  spareChunks: MessagePort;
}

/** What comes back on `spareChunks`. */
export interface SpareBatch {
  chunk: ArrayBufferLike | null;
  columns: BatchColumns;
}

export type ParseWorkerMessage =
  | { type: 'batch'; batch: RecordBatch; bytesRead: number }
  | { type: 'done'; format: FormatId; truncatedLines: number; invalidUtf8Lines: number; waitedMs: number; busyMs: number }
  | { type: 'binary' }
  | { type: 'error'; message: string };

export interface ParallelOptions {
  config: EngineConfig;
  displayPath?: string;
  onProgress?: (progress: { bytesRead: number; totalBytes: number }) => void;
  isCancelled?: () => boolean;
  /** Given every record, in line order (see AnalyzerOptions.onRecord). */
  onRecord?: (record: LogRecord, line: number) => void;
  /** A reader thread started ahead, waiting for its file (see prestartReaderThread). */
  readerThread?: Worker;
  /** See AnalyzerOptions.forestThread. */
  forestThread?: ForestThread;
}

/** Whether this process has warmed up the findings' code (see warmUpOutlierNumbers). */
let findingsWarmedUp = false;

export class ParallelInputError extends Error {}
export class ParallelCancelled extends Error {}

export function analyzeFileInParallel(
  path: string,
  stat: fs.Stats,
  options: ParallelOptions,
): Promise<FileReport & { truncatedLines: number; invalidUtf8Lines: number }> {
  const analyzer = new Analyzer({
    path: options.displayPath ?? path,
    config: options.config,
    referenceTime: stat.mtimeMs,
    onRecord: options.onRecord,
    forestThread: options.forestThread,
  });
  const reader = new RecordBatchReader([analyzer.profiles.sources, analyzer.profiles.paths, analyzer.profiles.agents]);
  const progress = new SharedArrayBuffer(4);
  const analysed = new Int32Array(progress);
  const spare = new MessageChannel();
  const data: ParseWorkerData = {
    path,
    config: options.config,
    referenceTime: stat.mtimeMs,
    // the same cap as Analyzer.createSplitter: 4 bytes per character at most
    maxLineBytes: options.config.maxLineLength * 4,
    progress,
    spareChunks: spare.port2,
  };
  const worker = useReaderThread(options.readerThread, data);
  // While the reader starts (this thread waits ~50–130 ms for its first batch): the findings'
  // code, once per process. (A caller with a forest thread computes the forest there, and
  // has warmed the statistics up already: see ForestWorkerThread.start.)
  if (!findingsWarmedUp && !options.forestThread) {
    findingsWarmedUp = true;
    warmUpOutlierNumbers();
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      spare.port1.close();
      void worker.terminate();
      reject(err);
    };
    worker.on('message', (m: ParseWorkerMessage) => {
      if (settled) return;
      try {
        switch (m.type) {
          case 'batch':
            if (options.isCancelled?.()) return fail(new ParallelCancelled());
            reader.read(m.batch, analyzer);
            // the texts were copied out of the chunk: it can be read into again, and the columns filled again
            {
              // (shared memory: posted, not transferred — see parseWorker.ts)
              const back: SpareBatch = { chunk: m.batch.chunk, columns: columnsOf(m.batch) };
              spare.port1.postMessage(back);
            }
            Atomics.add(analysed, 0, 1);
            Atomics.notify(analysed, 0);
            options.onProgress?.({ bytesRead: m.bytesRead, totalBytes: stat.size });
            return;
          case 'done': {
            settled = true;
            spare.port1.close();
            // the reader's heap (its tables) goes before the findings are made
            void worker.terminate();
            // LOGWARDEN_DEBUG_PARALLEL=1: how busy each side was (which one the other waited for)
            const debug = process.env.LOGWARDEN_DEBUG_PARALLEL ? performance.eventLoopUtilization() : undefined;
            const finishStart = performance.now();
            const report = analyzer.finish();
            if (debug) {
              process.stderr.write(
                `main: active ${debug.active.toFixed(0)} ms, idle ${debug.idle.toFixed(0)} ms, then findings ${(performance.now() - finishStart).toFixed(0)} ms; ` +
                  `reader busy ${m.busyMs.toFixed(0)} ms, waited ${m.waitedMs.toFixed(0)} ms\n`,
              );
            }
            report.format = m.format;
            report.durationMs = Math.round(analyzer.elapsedMs * 10) / 10;
            resolve({ ...report, truncatedLines: m.truncatedLines, invalidUtf8Lines: m.invalidUtf8Lines });
            return;
          }
          case 'binary':
            return fail(new ParallelInputError(`${path}: binary content, not a text log (skipped)`));
          case 'error':
            return fail(new ParallelInputError(`${path}: ${m.message}`));
        }
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => fail(new Error(`${path}: the reader thread stopped (exit code ${code})`)));
  });
}
