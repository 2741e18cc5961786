/**
 * Short lists of line numbers for many owners (each source's first evidence lines), packed in
 * Int32Array pages in linked blocks of 15 lines: ~4.3 bytes a line, and no array object per
 * owner. (A JavaScript array of numbers costs 8 bytes a line plus its growth slack and
 * header: for 100K sources, tens of megabytes.)
 */
const BLOCK = 16; // a link to the next block, then 15 lines
const PER_BLOCK = BLOCK - 1;

/** Blocks per page (2^12): pages of 256 KB are added as needed (no copying, little slack). */
const PAGE_SHIFT = 12;
const PAGE_BLOCKS = 1 << PAGE_SHIFT;
const PAGE_INTS = PAGE_BLOCKS * BLOCK;

export class LineArena {
  private readonly pages: Int32Array[] = [];
  private blocks = 0;
  /** Per owner (a dense id): block indexes of its first and last blocks (-1: none yet), and its line count. */
  private heads = new Int32Array(1024).fill(-1);
  private tails = new Int32Array(1024).fill(-1);
  private counts = new Int32Array(1024);

  /** Lines pushed for the owner. */
  count(owner: number): number {
    return owner < this.counts.length ? this.counts[owner] : 0;
  }

  /** Appends a line to an owner's list. */
  push(owner: number, line: number): void {
    if (owner >= this.counts.length) this.room(owner);
    const count = this.counts[owner];
    const at = count % PER_BLOCK;
    if (at === 0) {
      const block = this.newBlock();
      const tail = this.tails[owner];
      if (tail >= 0) this.pages[tail >>> PAGE_SHIFT][(tail & (PAGE_BLOCKS - 1)) * BLOCK] = block;
      else this.heads[owner] = block;
      this.tails[owner] = block;
    }
    const tail = this.tails[owner];
    this.pages[tail >>> PAGE_SHIFT][(tail & (PAGE_BLOCKS - 1)) * BLOCK + 1 + at] = line;
    this.counts[owner] = count + 1;
  }

  /** The owner's lines, in the order pushed. */
  read(owner: number): number[] {
    const count = this.count(owner);
    const out: number[] = new Array(count);
    let block = count > 0 ? this.heads[owner] : -1;
    for (let i = 0; i < count; i++) {
      const at = i % PER_BLOCK;
      if (i > 0 && at === 0) block = this.pages[block >>> PAGE_SHIFT][(block & (PAGE_BLOCKS - 1)) * BLOCK];
      out[i] = this.pages[block >>> PAGE_SHIFT][(block & (PAGE_BLOCKS - 1)) * BLOCK + 1 + at];
    }
    return out;
  }

  private room(owner: number): void {
    let size = this.counts.length;
    while (size <= owner) size *= 2;
    const grown = (a: Int32Array, fill: number) => {
      const b = new Int32Array(size).fill(fill);
      b.set(a);
      return b;
    };
    this.heads = grown(this.heads, -1);
    this.tails = grown(this.tails, -1);
    this.counts = grown(this.counts, 0);
  }

  private newBlock(): number {
    const block = this.blocks++;
    if ((block & (PAGE_BLOCKS - 1)) === 0) this.pages.push(new Int32Array(PAGE_INTS));
    this.pages[block >>> PAGE_SHIFT][(block & (PAGE_BLOCKS - 1)) * BLOCK] = -1;
    return block;
  }
}
