import * as fs from 'node:fs';
import { Analyzer } from '../engine/analyzer';
import type { EngineConfig } from '../engine/config';
import type { FileReport, LogRecord } from '../engine/model';
import type { ForestThread } from '../engine/detect/outlierScores';
import type { Worker } from 'node:worker_threads';
import { looksBinary, SNIFF_BYTES } from './binarySniff';
import { analyzeFileInParallel, ParallelCancelled, ParallelInputError } from './parallelAnalysis';
import { parallelReaderAvailable } from './readerThread';

export { looksBinary } from './binarySniff';
import { TimelineCollector } from './timeline';

/** Bytes read per chunk: large enough to amortise the syscalls, small enough to stay bounded. */
const CHUNK_BYTES = 1 << 20;

export interface FileProgress {
  bytesRead: number;
  totalBytes: number;
}

export interface AnalyzeFileOptions {
  config: EngineConfig;
  /** Path shown in the report (defaults to the path read). */
  displayPath?: string;
  onProgress?: (progress: FileProgress) => void;
  /** Checked between chunks; when it returns true the analysis stops and rejects. */
  isCancelled?: () => boolean;
  /** Also count the records per minute while reading (for the results panel), from the analysis' own records. */
  timeline?: boolean;
  /** A reader thread started ahead, for a file analysed on two threads (asked for only then; see prestartReaderThread). */
  takeReaderThread?: () => Worker | undefined;
  /** See AnalyzerOptions.forestThread. */
  forestThread?: ForestThread;
}

export class CancelledError extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

/** Reports with a problem the user can act on (unreadable file, binary content). */
export class InputError extends Error {}

/**
 * Streams one file from disk through an Analyzer: the file is never held in memory whole,
 * whatever its size.
 */
export async function analyzeFile(
  path: string,
  options: AnalyzeFileOptions,
): Promise<FileReport & { truncatedLines: number; invalidUtf8Lines: number; timeline?: TimelineCollector }> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(path);
  } catch (err) {
    throw new InputError(`${path}: cannot read (${describeIoError(err)})`);
  }
  if (!stat.isFile()) throw new InputError(`${path}: not a regular file`);
  const handle = await fs.promises.open(path, 'r').catch((err: unknown) => {
    throw new InputError(`${path}: cannot open (${describeIoError(err)})`);
  });
  const timeline = options.timeline ? new TimelineCollector(options.config, stat.mtimeMs) : undefined;
  const onRecord = timeline ? (record: LogRecord, line: number) => timeline.observeRecord(record, line) : undefined;
  try {
    if (parallelReaderAvailable(stat.size)) {
      try {
        const report = await analyzeFileInParallel(path, stat, { ...options, onRecord, readerThread: options.takeReaderThread?.() });
        return timeline ? { ...report, timeline } : report;
      } catch (err) {
        if (err instanceof ParallelInputError) throw new InputError(err.message);
        if (err instanceof ParallelCancelled) throw new CancelledError();
        throw err;
      }
    }
    const analyzer = new Analyzer({ path: options.displayPath ?? path, config: options.config, referenceTime: stat.mtimeMs, onRecord, forestThread: options.forestThread });
    const splitter = analyzer.createSplitter();
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let bytesRead = 0;
    let first = true;
    for (;;) {
      if (options.isCancelled?.()) throw new CancelledError();
      const { bytesRead: n } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      if (first) {
        first = false;
        if (looksBinary(chunk.subarray(0, SNIFF_BYTES))) {
          throw new InputError(`${path}: binary content, not a text log (skipped)`);
        }
      }
      splitter.push(chunk);
      bytesRead += n;
      options.onProgress?.({ bytesRead, totalBytes: stat.size });
    }
    splitter.end();
    const report = analyzer.finish();
    report.durationMs = Math.round(analyzer.elapsedMs * 10) / 10;
    const stats = { truncatedLines: splitter.stats.truncatedLines, invalidUtf8Lines: splitter.stats.invalidUtf8Lines };
    return timeline ? { ...report, ...stats, timeline } : { ...report, ...stats };
  } finally {
    await handle.close();
  }
}

/** Same, over any byte stream (stdin). */
export async function analyzeStream(
  stream: AsyncIterable<Uint8Array | string>,
  options: AnalyzeFileOptions & { displayPath: string },
): Promise<FileReport> {
  const analyzer = new Analyzer({ path: options.displayPath, config: options.config, forestThread: options.forestThread });
  const splitter = analyzer.createSplitter();
  let first = true;
  for await (const part of stream) {
    const chunk = typeof part === 'string' ? Buffer.from(part) : part;
    if (first && chunk.length > 0) {
      first = false;
      if (looksBinary(chunk.subarray(0, SNIFF_BYTES))) throw new InputError(`${options.displayPath}: binary content, not a text log`);
    }
    splitter.push(chunk);
  }
  splitter.end();
  const report = analyzer.finish();
  report.durationMs = Math.round(analyzer.elapsedMs * 10) / 10;
  return report;
}

function describeIoError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
