/**
 * Short lists of line numbers for many owners (each source's first evidence lines), packed in
 * byte pages: each list is a chain of 64-byte blocks holding the gaps between its lines as
 * varints (a source's lines are close to one another: one or two bytes a line instead of
 * four), and no array object per owner. (A JavaScript array of numbers costs 8 bytes a line
 * plus its growth slack and header: for 100K sources, tens of megabytes.)
 */
import { doubledToHold, grownCopy, INITIAL_SLOTS } from '../typedArrays';

/** Bytes per block: a 4-byte link to the next block, then 60 bytes of varints. */
const BLOCK = 64;
const LINK = 4;

/** Blocks per page (2^12): pages of 256 KB are added as needed (no copying, little slack). */
const PAGE_SHIFT = 12;
const PAGE_BLOCKS = 1 << PAGE_SHIFT;
const PAGE_BYTES = PAGE_BLOCKS * BLOCK;

export class LineArena {
  private readonly pages: Uint8Array[] = [];
  private blocks = 0;
  /** Per owner (a dense id): its first and last blocks (-1: none yet), the bytes used in the last, its line count and last line. */
  private heads = new Int32Array(INITIAL_SLOTS).fill(-1);
  private tails = new Int32Array(INITIAL_SLOTS).fill(-1);
  private fills = new Uint8Array(INITIAL_SLOTS);
  private counts = new Int32Array(INITIAL_SLOTS);
  private lasts = new Int32Array(INITIAL_SLOTS);

  /** Lines pushed for the owner. */
  count(owner: number): number {
    return owner < this.counts.length ? this.counts[owner] : 0;
  }

  /** Appends a line to an owner's list. */
  push(owner: number, line: number): void {
    if (owner >= this.counts.length) this.room(owner);
    // the gap to the owner's last line, zigzag-coded (a list may go back, as a file's lines never do)
    const gap = this.counts[owner] === 0 ? line : line - this.lasts[owner];
    let v = gap >= 0 ? gap * 2 : -gap * 2 - 1;
    for (;;) {
      const more = v >= 0x80;
      this.putByte(owner, more ? (v & 0x7f) | 0x80 : v);
      if (!more) break;
      v = Math.floor(v / 0x80);
    }
    this.lasts[owner] = line;
    this.counts[owner]++;
  }

  /** The owner's lines, in the order pushed. */
  read(owner: number): number[] {
    const count = this.count(owner);
    const out: number[] = new Array(count);
    let block = count > 0 ? this.heads[owner] : -1;
    let at = LINK;
    let line = 0;
    for (let i = 0; i < count; i++) {
      let v = 0;
      let scale = 1;
      for (;;) {
        if (at === BLOCK) {
          block = this.linkOf(block);
          at = LINK;
        }
        const byte = this.pages[block >>> PAGE_SHIFT][(block & (PAGE_BLOCKS - 1)) * BLOCK + at++];
        v += (byte & 0x7f) * scale;
        if (byte < 0x80) break;
        scale *= 0x80;
      }
      const gap = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
      line = i === 0 ? gap : line + gap;
      out[i] = line;
    }
    return out;
  }

  private putByte(owner: number, byte: number): void {
    let tail = this.tails[owner];
    if (tail < 0 || this.fills[owner] === BLOCK) {
      const block = this.newBlock();
      if (tail >= 0) this.setLink(tail, block);
      else this.heads[owner] = block;
      this.tails[owner] = tail = block;
      this.fills[owner] = LINK;
    }
    this.pages[tail >>> PAGE_SHIFT][(tail & (PAGE_BLOCKS - 1)) * BLOCK + this.fills[owner]++] = byte;
  }

  private linkOf(block: number): number {
    const page = this.pages[block >>> PAGE_SHIFT];
    const at = (block & (PAGE_BLOCKS - 1)) * BLOCK;
    return page[at] | (page[at + 1] << 8) | (page[at + 2] << 16) | (page[at + 3] << 24);
  }

  private setLink(block: number, next: number): void {
    const page = this.pages[block >>> PAGE_SHIFT];
    const at = (block & (PAGE_BLOCKS - 1)) * BLOCK;
    page[at] = next & 0xff;
    page[at + 1] = (next >>> 8) & 0xff;
    page[at + 2] = (next >>> 16) & 0xff;
    page[at + 3] = next >>> 24;
  }

  private room(owner: number): void {
    const size = doubledToHold(this.counts.length, owner);
    this.heads = grownCopy(this.heads, size, -1);
    this.tails = grownCopy(this.tails, size, -1);
    this.fills = grownCopy(this.fills, size);
    this.counts = grownCopy(this.counts, size);
    this.lasts = grownCopy(this.lasts, size);
  }

  private newBlock(): number {
    const block = this.blocks++;
    if ((block & (PAGE_BLOCKS - 1)) === 0) this.pages.push(new Uint8Array(PAGE_BYTES));
    return block;
  }
}
