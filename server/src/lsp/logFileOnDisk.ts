import * as fs from 'node:fs';
import { LineSplitter } from '../engine/lineSplitter';

/** Bytes read per chunk (as the analysis reads them). */
const CHUNK_BYTES = 1 << 20;

/**
 * The text of a few 0-based lines of a file on disk, numbered exactly as the analysis
 * numbered them (same splitter), reading no further than the last line wanted. Used to put
 * diagnostic ranges on the evidence of files too big to be open in the editor.
 */
export async function readLinesAt(path: string, wanted: ReadonlySet<number>, maxLineLength: number): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  if (wanted.size === 0) return found;
  let last = -1;
  for (const l of wanted) if (l > last) last = l;
  const splitter = new LineSplitter((text, line) => {
    if (wanted.has(line)) found.set(line, text);
  }, maxLineLength * 4);
  const handle = await fs.promises.open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      splitter.push(buffer.subarray(0, bytesRead));
      if (splitter.stats.lines > last) return found;
    }
    splitter.end();
    return found;
  } finally {
    await handle.close();
  }
}
