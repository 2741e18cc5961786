/**
 * Evidence line numbers as one compact BLOB: the first line, then the differences between
 * consecutive lines, each zigzag-mapped (so an unsorted list still round-trips) and written as
 * an LEB128 varint. Sorted evidence lines are close together, so most take one byte: 40 lines
 * cost ~40 bytes instead of ~200 as JSON text or 160 as Uint32s.
 */
export function encodeLines(lines: readonly number[]): Uint8Array {
  const out = new Uint8Array(lines.length * 6); // 2^35 > any line number; 5 bytes hold 35 bits
  let n = 0;
  let previous = 0;
  for (const line of lines) {
    if (!Number.isSafeInteger(line) || line < 0 || line > 0xffffffff) throw new RangeError(`line number out of range: ${line}`);
    const delta = line - previous;
    previous = line;
    // zigzag: 0, -1, 1, -2, 2 ... → 0, 1, 2, 3, 4 (arithmetic, not bit operators: deltas reach ±2^32)
    let v = delta >= 0 ? delta * 2 : -delta * 2 - 1;
    while (v >= 0x80) {
      out[n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    out[n++] = v;
  }
  return out.slice(0, n);
}

export function decodeLines(blob: Uint8Array | null | undefined): number[] {
  const lines: number[] = [];
  if (!blob) return lines;
  let previous = 0;
  let i = 0;
  while (i < blob.length) {
    let v = 0;
    let scale = 1;
    let byte: number;
    do {
      if (i >= blob.length) throw new RangeError('truncated line list');
      byte = blob[i++];
      v += (byte & 0x7f) * scale;
      scale *= 0x80;
    } while (byte & 0x80);
    const delta = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    previous += delta;
    lines.push(previous);
  }
  return lines;
}
