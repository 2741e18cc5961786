/**
 * Splits a byte stream into lines without ever holding more than one line (capped) and one
 * chunk in memory. Handles LF, CRLF and lone CR line ends, a UTF-8 BOM, a last line without
 * a line end, and lines far longer than anything worth parsing: only the first `maxLineBytes`
 * bytes of a line are decoded, the rest is dropped and counted.
 */
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

  constructor(
    private readonly onLine: (text: string, line: number) => void,
    private readonly maxLineBytes = 256 * 1024,
  ) {}

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.stats.bytes += buf.length;
    let start = 0;
    if (this.lastWasCR && buf.length > 0 && buf[0] === LF) start = 1; // CRLF split across chunks
    this.lastWasCR = false;
    for (;;) {
      const end = nextLineEnd(buf, start);
      if (end < 0) break;
      this.append(buf, start, end);
      this.emit();
      if (buf[end] === CR) {
        if (end + 1 < buf.length) start = buf[end + 1] === LF ? end + 2 : end + 1;
        else {
          this.lastWasCR = true;
          start = end + 1;
        }
      } else start = end + 1;
    }
    if (start < buf.length) this.append(buf, start, buf.length);
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
    this.onLine(text, this.stats.lines++);
  }
}

function nextLineEnd(buf: Buffer, from: number): number {
  const lf = buf.indexOf(LF, from);
  // Lone CRs are rare; only look for one when the chunk has any before the next LF.
  const cr = buf.indexOf(CR, from);
  if (cr < 0) return lf;
  if (lf < 0) return cr;
  return cr < lf ? cr : lf;
}

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
