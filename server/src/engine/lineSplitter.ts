/**
 * Splits a byte stream into lines without ever holding more than one line (capped) and one
 * chunk in memory. Handles LF, CRLF and lone CR line ends, a UTF-8 BOM, a last line without
 * a line end, and lines far longer than anything worth parsing: only the first `maxLineBytes`
 * bytes of a line are decoded, the rest is dropped and counted.
 */
import { isAscii } from 'node:buffer';
import { indexOfByte } from './byteSearch';

export interface SplitStats {
  lines: number;
  bytes: number;
  /** Lines longer than the cap (only their head was decoded). */
  truncatedLines: number;
  /** Lines whose bytes were not valid UTF-8 (decoded with U+FFFD replacements). */
  invalidUtf8Lines: number;
}

const LF = 0x0a;
const CR = 0x0d;
const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true });


export class LineSplitter {
  readonly stats: SplitStats = { lines: 0, bytes: 0, truncatedLines: 0, invalidUtf8Lines: 0 };
  /** Head of the current line when it spans chunks (never more than maxLineBytes). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflow = false;
  private lastWasCR = false;
  private first = true;

  /**
   * `onLine` gets each line's text; for a line decoded straight from the pushed chunk as
   * ASCII it also gets where it is in that chunk (`chunkStart` ≥ 0), else -1.
   * `onAsciiLine`, when given, is offered each such line first as the chunk's bytes: when it
   * returns true it took the line, and no text is made for it.
   */
  constructor(
    private readonly onLine: (text: string, line: number, chunkStart: number, chunkEnd: number) => void,
    private readonly maxLineBytes = 256 * 1024,
    private readonly onAsciiLine?: (chunk: Buffer, start: number, end: number, line: number) => boolean,
  ) {}

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.stats.bytes += buf.length;
    let start = 0;
    if (this.lastWasCR && buf.length > 0 && buf[0] === LF) start = 1; // CRLF split across chunks
    this.lastWasCR = false;
    // One native check per chunk: logs are nearly always pure ASCII, and then every line of
    // the chunk decodes as latin1 straight from the chunk, without a per-line byte loop.
    const ascii = isAscii(buf);
    const tail = this.splitFrom(buf, start, ascii);
    if (tail < buf.length) this.append(buf, tail, buf.length);
  }

  /**
   * Emits the lines of `buf` from `start` on, and returns where the unfinished tail after the
   * last line end starts. The tail is kept by push, not here: V8 compiles this loop while the
   * first chunk is still being split (on-stack replacement), when the code after the loop has
   * not run yet, and that compiled code bailed out there at the end of every chunk (in one
   * run in ten: 140–240 times on the 1M-line bench log, --trace-deopt).
   */
  private splitFrom(buf: Buffer, start: number, ascii: boolean): number {
    // Lone CRs are rare: find the next one once, not once per line (a search per line would
    // run to the end of the chunk every time when there is none).
    let cr = indexOfByte(buf, CR, start);
    const n = buf.length;
    for (;;) {
      const lf = indexOfByte(buf, LF, start);
      if (cr >= 0 && cr < start) cr = indexOfByte(buf, CR, start);
      const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      if (end < 0) break;
      if (this.pendingBytes === 0 && !this.overflow && end - start <= this.maxLineBytes) this.emitDirect(buf, start, end, ascii);
      else {
        this.append(buf, start, end);
        this.emit();
      }
      if (end === cr) {
        if (end + 1 < n) start = buf[end + 1] === LF ? end + 2 : end + 1;
        else {
          this.lastWasCR = true;
          start = end + 1;
        }
      } else start = end + 1;
    }
    return start;
  }

  /** A whole line inside one chunk: decoded from the chunk directly (the string is a copy, the chunk is not kept). */
  private emitDirect(buf: Buffer, start: number, end: number, ascii: boolean): void {
    if (this.first) {
      this.first = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    }
    if (ascii) {
      if (this.onAsciiLine?.(buf, start, end, this.stats.lines)) this.stats.lines++;
      else this.onLine((buf as LatinSlicer).latin1Slice(start, end), this.stats.lines++, start, end);
    } else this.onLine(decodeLine(buf.subarray(start, end), this.stats, false), this.stats.lines++, -1, -1);
  }

  /** Flushes a last line that has no line end. */
  end(): void {
    if (this.pendingBytes > 0 || this.overflow) this.emit();
  }

  private append(buf: Buffer, start: number, end: number): void {
    const room = this.maxLineBytes - this.pendingBytes;
    if (end - start > room) {
      this.overflow = true;
      end = start + Math.max(0, room);
    }
    if (end > start) {
      // Copy: the chunk is reused/freed by the stream, and we must not pin it.
      this.pending.push(Buffer.from(buf.subarray(start, end)));
      this.pendingBytes += end - start;
    }
  }

  private emit(): void {
    let bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    if (this.first) {
      this.first = false;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (this.overflow) this.stats.truncatedLines++;
    const text = decodeLine(bytes, this.stats, this.overflow);
    this.pending = [];
    this.pendingBytes = 0;
    this.overflow = false;
    this.onLine(text, this.stats.lines++, -1, -1);
  }
}

/** Buffer's own latin1 decoder over a range (what `toString('latin1', start, end)` calls, without its argument checks). */
type LatinSlicer = Buffer & { latin1Slice(start: number, end: number): string };

function decodeLine(bytes: Uint8Array, stats: SplitStats, truncated: boolean): string {
  // Pure ASCII is by far the common case and decodes the same under any decoder.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return UTF8_FATAL.decode(bytes);
  } catch {
    // A cut at the byte cap can split a character; only count real damage.
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    if (!truncated || text.indexOf('\ufffd') < text.length - 4) stats.invalidUtf8Lines++;
    return text;
  }
}

/** Splits an in-memory text the same way (for the editor and tests). */
export function splitText(text: string, onLine: (text: string, line: number) => void): number {
  let line = 0;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) {
      onLine(text.slice(start, i), line++);
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      start = i + 1;
    }
  }
  if (start < n) onLine(text.slice(start), line++);
  return line;
}
