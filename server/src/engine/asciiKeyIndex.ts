/**
 * The ids of a string table, found from bytes: a field read out of an ASCII chunk is looked up
 * by its bytes, and a string is made only for a value never seen before. (Making the string
 * and hashing it in a Map costs about twice as much per field, and a busy log's fields nearly
 * always repeat.)
 *
 * An index beside the table's own Map, not instead of it: the table adds every new string here
 * too, and a value this index cannot answer for (not ASCII, too long to keep, or past the
 * probe limit) is looked up by string in the Map. The answer is the same either way.
 *
 * Hostile input: a probe stops after MAX_PROBES slots, so values crafted to collide cost a
 * bounded number of comparisons each and then take the Map's path.
 */
import { viewOf } from './byteSearch';
import { doubledToHold, grownCopy, INITIAL_SLOTS } from './typedArrays';

/** Slots probed before giving up (a full table of colliding keys still costs this at most). */
const MAX_PROBES = 32;
/** Longest value kept (user agents run to a few hundred bytes; longer ones take the Map). */
const MAX_KEY_BYTES = 512;

export class AsciiKeyIndex {
  /**
   * Four ints per slot: the id (-1: empty), its key's hash, and where its bytes are in `arena`
   * and how many. One slot is one read from memory: with the hash, position and length apart
   * (in arrays of their own, or by id) a lookup among a busy log's tens of thousands of
   * sources missed the cache three or four times (1M source lookups: 110 ms then, 77 now).
   */
  private slots = new Int32Array(4 * INITIAL_SLOTS).fill(-1);
  private slotMask = INITIAL_SLOTS - 1;
  private count = 0;
  /** Per id, two ints: where its bytes are in `arena` (-1: not indexed), and how many. */
  private byId = new Int32Array(2 * INITIAL_SLOTS).fill(-1);
  private arena: Uint8Array = new Uint8Array(64 * INITIAL_SLOTS);
  private arenaView: DataView = new DataView(this.arena.buffer);
  private used = 0;

  /** The id whose value is the ASCII b[start, end), or -1 when this index does not know it. */
  find(b: Uint8Array, start: number, end: number): number {
    const h = hashBytes(b, start, end);
    const n = end - start;
    const slots = this.slots;
    const mask = this.slotMask;
    let slot = h & mask;
    for (let probe = 0; probe < MAX_PROBES; probe++) {
      const at = slot << 2;
      const id = slots[at];
      if (id < 0) return -1;
      if (slots[at + 1] === h && slots[at + 3] === n && this.sameBytes(slots[at + 2], b, start, end)) return id;
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /** True when `id` is indexed with the value of the ASCII b[start, end). */
  holds(id: number, b: Uint8Array, start: number, end: number): boolean {
    if (2 * id >= this.byId.length) return false;
    const at = this.byId[2 * id];
    return at >= 0 && this.byId[2 * id + 1] === end - start && this.sameBytes(at, b, start, end);
  }

  /** Whether the arena from `at` holds b[start, end) (the lengths are known to be equal). */
  private sameBytes(at: number, b: Uint8Array, start: number, end: number): boolean {
    // Eight bytes at a time, read as doubles (one compare instead of two for the long user
    // agents; 1M-line reader 1.19 → 1.13 s). Exact for ASCII bytes: their top bits are clear,
    // so no NaN (needs byte 6 ≥ 0xf0) and no -0 (byte 7 = 0x80), and other doubles are equal
    // only when their bits are. Then four bytes, then the rest.
    const view = viewOf(b);
    const arena = this.arenaView;
    let i = start;
    let j = at;
    for (; i + 8 <= end; i += 8, j += 8) if (arena.getFloat64(j, true) !== view.getFloat64(i, true)) return false;
    if (i + 4 <= end) {
      if (arena.getInt32(j, true) !== view.getInt32(i, true)) return false;
      i += 4;
      j += 4;
    }
    for (; i < end; i++, j++) if (this.arena[j] !== b[i]) return false;
    return true;
  }

  /** Indexes a new id's value (skipped when it is not ASCII or too long). */
  add(id: number, value: string): void {
    const n = value.length;
    if (n > MAX_KEY_BYTES) return;
    if (this.used + n > this.arena.length) {
      this.arena = grownCopy(this.arena, doubledToHold(this.arena.length, this.used + n - 1));
      this.arenaView = new DataView(this.arena.buffer);
    }
    const arena = this.arena;
    const at = this.used;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) return; // not ASCII: bytes of an ASCII chunk never equal it
      arena[at + i] = c;
    }
    if (2 * id + 1 >= this.byId.length) this.byId = grownCopy(this.byId, doubledToHold(this.byId.length, 2 * id + 1), -1);
    this.used += n;
    this.byId[2 * id] = at;
    this.byId[2 * id + 1] = n;
    if ((this.count + 1) * 2 > this.slotMask + 1) this.rehash();
    if (this.place(this.slots, this.slotMask, id, hashBytes(arena, at, at + n), at, n)) this.count++;
  }

  /** Puts `id` in a free slot near its hash's; false when none is within reach. */
  private place(slots: Int32Array, mask: number, id: number, h: number, at: number, n: number): boolean {
    let slot = h & mask;
    for (let probe = 0; probe < MAX_PROBES; probe++) {
      const base = slot << 2;
      if (slots[base] < 0) {
        slots[base] = id;
        slots[base + 1] = h;
        slots[base + 2] = at;
        slots[base + 3] = n;
        return true;
      }
      slot = (slot + 1) & mask;
    }
    return false;
  }

  private rehash(): void {
    const old = this.slots;
    const mask = this.slotMask * 2 + 1;
    const slots = new Int32Array((mask + 1) * 4).fill(-1);
    this.count = 0;
    for (let base = 0; base < old.length; base += 4) {
      if (old[base] >= 0 && this.place(slots, mask, old[base], old[base + 1], old[base + 2], old[base + 3])) this.count++;
    }
    this.slots = slots;
    this.slotMask = mask;
  }
}


/**
 * A 32-bit hash of b[start, end), four bytes per multiply (the multiplier and shifts are
 * MurmurHash2's and its finaliser's).
 */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  const view = viewOf(b);
  let h = 0x9747b28c ^ (end - start);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const w = view.getInt32(i, true);
    h = Math.imul(h ^ Math.imul(w, 0x5bd1e995), 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ b[i], 0x5bd1e995);
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  return h ^ (h >>> 15);
}
