/**
 * Short lists of line numbers for many owners (each source's first evidence lines), packed in
 * one Int32Array in linked blocks of 15 lines: ~4.3 bytes a line, and no array object per
 * owner. (A JavaScript array of numbers costs 8 bytes a line plus its growth slack and
 * header: for 100K sources, tens of megabytes.)
 */
const BLOCK = 16; // a link to the next block, then 15 lines
const PER_BLOCK = BLOCK - 1;

export interface LineList {
  /** Block indexes of the first and last blocks (-1: none yet). */
  linesHead: number;
  linesTail: number;
  lineCount: number;
}

/** Blocks per page (2^12): pages of 256 KB are added as needed (no copying, little slack). */
const PAGE_SHIFT = 12;
const PAGE_BLOCKS = 1 << PAGE_SHIFT;
const PAGE_INTS = PAGE_BLOCKS * BLOCK;

export class LineArena {
  private readonly pages: Int32Array[] = [];
  private blocks = 0;

  /** Appends a line to a list. */
  push(list: LineList, line: number): void {
    const at = list.lineCount % PER_BLOCK;
    if (at === 0) {
      const block = this.newBlock();
      if (list.linesTail >= 0) this.pages[list.linesTail >>> PAGE_SHIFT][(list.linesTail & (PAGE_BLOCKS - 1)) * BLOCK] = block;
      else list.linesHead = block;
      list.linesTail = block;
    }
    this.pages[list.linesTail >>> PAGE_SHIFT][(list.linesTail & (PAGE_BLOCKS - 1)) * BLOCK + 1 + at] = line;
    list.lineCount++;
  }

  /** The list's lines, in the order pushed. */
  read(list: LineList): number[] {
    const out: number[] = new Array(list.lineCount);
    let block = list.linesHead;
    for (let i = 0; i < list.lineCount; i++) {
      const at = i % PER_BLOCK;
      if (i > 0 && at === 0) block = this.pages[block >>> PAGE_SHIFT][(block & (PAGE_BLOCKS - 1)) * BLOCK];
      out[i] = this.pages[block >>> PAGE_SHIFT][(block & (PAGE_BLOCKS - 1)) * BLOCK + 1 + at];
    }
    return out;
  }

  private newBlock(): number {
    const block = this.blocks++;
    if ((block & (PAGE_BLOCKS - 1)) === 0) this.pages.push(new Int32Array(PAGE_INTS));
    this.pages[block >>> PAGE_SHIFT][(block & (PAGE_BLOCKS - 1)) * BLOCK] = -1;
    return block;
  }
}
