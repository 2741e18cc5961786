/**
 * The editor-side figure, run in a child process of the bench: the language server's
 * DocumentAnalysis on the first N lines of a log (a full analysis), then M more lines
 * appended at the end (what a growing log or a tail does), analysed again — and then
 * LATER_APPENDS more appends of M lines, as a log that keeps growing gets them.
 */
import * as fs from 'node:fs';
import { resolveConfig } from '../server/src/engine/config';
import { DocumentAnalysis } from '../server/src/engine/documentAnalysis';
import { ForestWorkerThread } from '../server/src/io/forestThread';

/** Appends after the first: the first one runs the end-of-analysis code a second time only, still warming up. */
const LATER_APPENDS = 9;

export interface EditorFigure {
  lines: number;
  appended: number;
  fullMs: number;
  /** The first append after the full analysis. */
  appendMs: number;
  /** Median of the LATER_APPENDS appends after it. */
  laterAppendMs: number;
  /** True when the append only fed the new lines (no rebuild of the detector state). */
  appendWasIncremental: boolean;
  findings: number;
}

/** The first `count` lines of a file (reads only as far as needed). */
function headLines(file: string, count: number): string[] {
  const fd = fs.openSync(file, 'r');
  const lines: string[] = [];
  const buf = Buffer.allocUnsafe(1 << 20);
  let rest = '';
  try {
    while (lines.length < count) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const parts = (rest + buf.toString('latin1', 0, n)).split('\n');
      rest = parts.pop()!;
      for (const p of parts) if (lines.length < count) lines.push(p);
    }
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

export async function runEditorFigure(file: string, lines: number, appended: number): Promise<EditorFigure> {
  const needed = lines + appended * (1 + LATER_APPENDS);
  const all = headLines(file, needed);
  // a shorter file would give appends of blank lines, timed as if they were the real thing
  if (all.length < needed) throw new Error(`${file}: ${all.length} lines; the editor figure needs ${needed}`);
  const config = resolveConfig(undefined);
  const referenceTime = fs.statSync(file).mtimeMs;
  // As the language server has it: started with the server, so started and warmed up long
  // before a document is analysed (its warm-up is not timed with the analysis).
  const forestThread = ForestWorkerThread.start();
  if (forestThread) await readyOrGone(forestThread);
  const doc = new DocumentAnalysis(all.slice(0, lines).join('\n') + '\n', { path: file, config, referenceTime, forestThread });
  (globalThis as { gc?: () => void }).gc?.();
  let t0 = performance.now();
  await doc.analyze();
  const fullMs = performance.now() - t0;

  const before = { ...doc.counters };
  const append = async (k: number): Promise<number> => {
    const end = doc.lineCount;
    const from = lines + k * appended;
    doc.applyChanges([{ range: { start: { line: end, character: 0 }, end: { line: end, character: 0 } }, text: all.slice(from, from + appended).join('\n') + '\n' }]);
    const t = performance.now();
    await doc.analyze();
    return performance.now() - t;
  };
  const appendMs = await append(0);
  const findings = doc.report?.findings.length ?? 0;
  const later: number[] = [];
  for (let k = 1; k <= LATER_APPENDS; k++) later.push(await append(k));
  later.sort((a, b) => a - b);
  const incremental = doc.counters.rebuilds === before.rebuilds && doc.counters.appends === before.appends + 1 + LATER_APPENDS;
  return { lines, appended, fullMs, appendMs, laterAppendMs: later[later.length >> 1], appendWasIncremental: incremental, findings };
}

/** Waits until the forest thread takes jobs (or gave up starting: the analysis then walks alone). */
async function readyOrGone(thread: ForestWorkerThread): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!thread.ready && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}
