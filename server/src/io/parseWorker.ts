/**
 * The reading thread of a parallel file analysis (see parallelAnalysis.ts): reads the file,
 * splits and parses its lines exactly as the single-threaded Analyzer does (same splitter,
 * same RecordParser), and posts them in batches — records as columns, texts as offsets
 * into the chunk (shared memory). The analysing thread runs the detectors meanwhile.
 *
 * Flow control: at most MAX_AHEAD batches are in flight; the analysing thread counts the
 * batches it finished in a shared counter, and this thread waits on it.
 */
import * as fs from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { RecordParser, type AsciiBytes } from '../engine/analyzer';
import { LineSplitter } from '../engine/lineSplitter';
import { RecordBatchWriter } from '../engine/recordBatch';
import { AccessLineFields } from '../engine/formats/accessLogFields';
import { RequestRanges } from '../engine/formats/accessLineBytes';
import { looksBinary, SNIFF_BYTES } from './binarySniff';
import type { ParseWorkerData, ParseWorkerMessage, SpareBatch } from './parallelAnalysis';
import { AWAIT_START, type ReaderStartMessage } from './readerThread';

/** Bytes per chunk (and batch): ~4,000 access-log lines. */
const CHUNK_BYTES = 1 << 20;
/**
 * The first chunk is smaller, and each next one twice as big up to CHUNK_BYTES: the analysing
 * thread starts on the first lines sooner (a megabyte read and parsed by code not yet
 * optimised takes ~0.1 s).
 */
const FIRST_CHUNK_BYTES = 1 << 15;
/**
 * Batches posted but not yet analysed: enough to never leave the analysing thread idle (8 hold
 * ~30K lines, ~70 ms of its work), few enough to bound memory.
 */
const MAX_AHEAD = 8;

function run(data: ParseWorkerData): void {
  const port = parentPort!;
  const post = (m: ParseWorkerMessage) => port.postMessage(m);
  const consumed = new Int32Array(data.progress);
  const max = data.config.maxLineLength;
  // The (source, path) and (source, agent) pairs are left to the analysing thread: this one
  // has more to do per line (measured with LOGWARDEN_DEBUG_PARALLEL=1). The columns and the
  // chunks are SharedArrayBuffers, posted back and forth, never transferred: the first buffer
  // a thread detaches (a transfer does) makes V8 drop its optimised code that reads typed
  // arrays and check every later read — both threads of this analysis are made of such code.
  const writer = new RecordBatchWriter(undefined, false, true);

  // The line being split now, and the texts of lines held back for the format decision.
  let currentLine = -1;
  let currentText = '';
  let currentStart = -1;
  let currentEnd = -1;
  const heldBack = new Map<number, string>();

  const parser = new RecordParser(
    data.config,
    data.referenceTime,
    (_capped, line, record) => {
      if (line === currentLine) {
        writer.add(currentStart >= 0 ? null : currentText, currentStart, currentEnd, record);
        if (heldBack.size > 0) heldBack.delete(line);
      } else {
        writer.add(heldBack.get(line)!, -1, -1, record);
        heldBack.delete(line);
      }
    },
    // access-log lines go to the batch as fields: no record is made for them
    (capped, line, fields) => {
      if (line === currentLine) {
        writer.addAccess(currentStart >= 0 ? null : currentText, currentStart, currentEnd, capped, line, fields);
        if (heldBack.size > 0) heldBack.delete(line);
      } else {
        writer.addAccess(heldBack.get(line)!, -1, -1, capped, line, fields);
        heldBack.delete(line);
      }
    },
  );
  // Access lines of the chosen format are read from the chunk's bytes, without a string per
  // line; the others (and any line the byte reader leaves to the text reader) as text.
  const fields = new AccessLineFields();
  const request = new RequestRanges();
  const splitter = new LineSplitter(
    (text, line, start, end) => {
      currentLine = line;
      currentText = text;
      currentStart = start;
      currentEnd = end;
      if (parser.sampling) heldBack.set(line, text);
      parser.push(text.length > max ? text.slice(0, max) : text, line);
    },
    data.maxLineBytes,
    (chunk, start, end, line) => {
      if (!parser.scanAccessBytes(chunk, start, end, fields, request)) return false;
      writer.addAccessBytes(chunk as Buffer & AsciiBytes, start, end, line, fields, request);
      return true;
    },
  );

  let posted = 0;
  let waitedMs = 0;
  const postBatch = (chunk: SharedArrayBuffer | null, chunkBytes: number, bytesRead: number) => {
    // wait until the analysing thread is at most MAX_AHEAD batches behind
    for (;;) {
      const done = Atomics.load(consumed, 0);
      if (posted - done < MAX_AHEAD) break;
      const t0 = performance.now();
      Atomics.wait(consumed, 0, done, 1000);
      waitedMs += performance.now() - t0;
    }
    const batch = writer.flush(chunk, chunkBytes);
    posted++;
    post({ type: 'batch', batch, bytesRead });
  };

  const started = performance.now();
  const fd = fs.openSync(data.path, 'r');
  // Read and scanned here, then copied into the chunk that goes with the batch: bytes read
  // from a SharedArrayBuffer cost more (this thread's work on the 1M-line bench log: +0.15 s),
  // a megabyte's copy far less.
  const reading = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  try {
    let bytesRead = 0;
    for (;;) {
      const n = fs.readSync(fd, reading, 0, Math.min(CHUNK_BYTES, FIRST_CHUNK_BYTES * 2 ** posted), null);
      if (n === 0) break;
      if (bytesRead === 0 && looksBinary(reading.subarray(0, Math.min(n, SNIFF_BYTES)))) {
        post({ type: 'binary' });
        return;
      }
      bytesRead += n;
      // lines held back by the format decision are sent as strings; none points into this chunk after it leaves
      currentLine = -1;
      splitter.push(reading.subarray(0, n));
      currentLine = -1;
      // A chunk per batch: it goes with its batch (texts point into it), and comes back with
      // the batch's columns once analysed; a new one only when none has come back yet. One
      // batch back per read: its chunk for this batch, its columns for the next one.
      const back = receiveMessageOnPort(data.spareChunks)?.message as SpareBatch | undefined;
      if (back) writer.recycle(back.columns);
      const chunk = (back?.chunk as SharedArrayBuffer | null | undefined) ?? new SharedArrayBuffer(CHUNK_BYTES);
      new Uint8Array(chunk, 0, n).set(reading.subarray(0, n));
      postBatch(chunk, n, bytesRead);
    }
    splitter.end();
    parser.end();
    postBatch(null, 0, bytesRead);
    post({
      type: 'done',
      format: parser.formatId ?? 'generic',
      truncatedLines: splitter.stats.truncatedLines,
      invalidUtf8Lines: splitter.stats.invalidUtf8Lines,
      waitedMs,
      busyMs: performance.now() - started - waitedMs,
    });
  } finally {
    fs.closeSync(fd);
  }
}

function runReporting(data: ParseWorkerData): void {
  try {
    run(data);
  } catch (err) {
    parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies ParseWorkerMessage);
  }
}

// Started ahead (see prestartReaderThread), this thread waits for its file.
if (workerData === AWAIT_START) parentPort!.once('message', (m: ReaderStartMessage) => runReporting(m.data));
else runReporting(workerData as ParseWorkerData);
