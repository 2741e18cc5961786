/**
 * Tables keyed by pairs of non-negative 31-bit integers (source id, path id): open addressing
 * over Int32Arrays with linear probing — 8 to 12 bytes a slot, no object per entry, nothing
 * for the garbage collector to trace.
 */
import { INITIAL_SLOTS } from '../typedArrays';

/**
 * Pairs whose first member is below 2^17 and second below 2^14 (most sources and paths of a
 * log) are packed into one int32 — 4 bytes a slot — and the others kept as two. A pair
 * always goes to the same table, so membership stays exact.
 */
const PACK_A_LIMIT = 1 << 17;
const PACK_B_BITS = 14;
const PACK_B_LIMIT = 1 << PACK_B_BITS;

/** A set of pairs. */
export class PairSet {
  /** The pairs too big to pack, as keys of a map (their value unused): rare, so no table of their own. */
  private readonly wide = new PairMap();
  private readonly packed = new IntSet();

  get size(): number {
    return this.packed.size + this.wide.size;
  }

  /** Adds (a, b); true when it was not there yet. */
  add(a: number, b: number): boolean {
    if (a < PACK_A_LIMIT && b < PACK_B_LIMIT) return this.packed.add((a << PACK_B_BITS) | b);
    if (this.wide.get(a, b) >= 0) return false;
    this.wide.set(a, b, 0);
    return true;
  }

  has(a: number, b: number): boolean {
    if (a < PACK_A_LIMIT && b < PACK_B_LIMIT) return this.packed.has((a << PACK_B_BITS) | b);
    return this.wide.get(a, b) >= 0;
  }
}

/** A set of non-negative int32 keys. */
class IntSet {
  private keys = new Int32Array(INITIAL_SLOTS).fill(-1);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(key: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    let slot = mixOne(key) & mask;
    for (;;) {
      const k = keys[slot];
      if (k === -1) break;
      if (k === key) return false;
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    // 4/5 full at most: a big set (millions of pairs) takes 40% less memory than at 1/2,
    // and probes stay within a cache line or two (16 slots a line)
    if (++this.count * 5 > (mask + 1) * 4) this.grow();
    return true;
  }

  has(key: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    let slot = mixOne(key) & mask;
    for (;;) {
      const k = keys[slot];
      if (k === -1) return false;
      if (k === key) return true;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.keys;
    const keys = new Int32Array(old.length * 2).fill(-1);
    const mask = keys.length - 1;
    for (let i = 0; i < old.length; i++) {
      const key = old[i];
      if (key === -1) continue;
      let slot = mixOne(key) & mask;
      while (keys[slot] !== -1) slot = (slot + 1) & mask;
      keys[slot] = key;
    }
    this.keys = keys;
    this.mask = mask;
  }
}

/**
 * A map from pairs to non-negative int32 values, with deletion (backward-shift: no
 * tombstones, so a table whose entries come and go stays short).
 */
export class PairMap {
  private keys = new Int32Array(INITIAL_SLOTS * 2).fill(-1);
  private values = new Int32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value of (a, b), or -1. */
  get(a: number, b: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let slot = mix(a, b) & mask;
    for (;;) {
      const k = keys[slot * 2];
      if (k === -1) return -1;
      if (k === a && keys[slot * 2 + 1] === b) return this.values[slot];
      slot = (slot + 1) & mask;
    }
  }

  /** Sets (a, b) → value (value ≥ 0). */
  set(a: number, b: number, value: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let slot = mix(a, b) & mask;
    for (;;) {
      const k = keys[slot * 2];
      if (k === -1) break;
      if (k === a && keys[slot * 2 + 1] === b) {
        this.values[slot] = value;
        return;
      }
      slot = (slot + 1) & mask;
    }
    keys[slot * 2] = a;
    keys[slot * 2 + 1] = b;
    this.values[slot] = value;
    if (++this.count * 2 > mask + 1) this.grow();
  }

  delete(a: number, b: number): void {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let slot = mix(a, b) & mask;
    for (;;) {
      const k = keys[slot * 2];
      if (k === -1) return;
      if (k === a && keys[slot * 2 + 1] === b) break;
      slot = (slot + 1) & mask;
    }
    this.count--;
    // shift back the entries of the run after the hole that would no longer be found
    let hole = slot;
    let next = (hole + 1) & mask;
    for (;;) {
      const k = keys[next * 2];
      if (k === -1) break;
      const home = mix(k, keys[next * 2 + 1]) & mask;
      // The entry stays when its home lies cyclically in (hole, next]: 1 ≤ (home − hole) mod
      // size ≤ (next − hole) mod size. As one comparison of distances, not a branch on
      // whether the run wraps (first taken late in a log, that branch made V8 recompile the
      // optimised code it was inlined into).
      const stays = ((home - hole - 1) & mask) < ((next - hole) & mask);
      if (!stays) {
        keys[hole * 2] = k;
        keys[hole * 2 + 1] = keys[next * 2 + 1];
        values[hole] = values[next];
        hole = next;
      }
      next = (next + 1) & mask;
    }
    keys[hole * 2] = -1;
    keys[hole * 2 + 1] = -1;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const slots = (this.mask + 1) * 2;
    const keys = new Int32Array(slots * 2).fill(-1);
    const values = new Int32Array(slots);
    const mask = slots - 1;
    for (let i = 0; i < oldValues.length; i++) {
      const a = oldKeys[i * 2];
      if (a === -1) continue;
      const b = oldKeys[i * 2 + 1];
      let slot = mix(a, b) & mask;
      while (keys[slot * 2] !== -1) slot = (slot + 1) & mask;
      keys[slot * 2] = a;
      keys[slot * 2 + 1] = b;
      values[slot] = oldValues[i];
    }
    this.keys = keys;
    this.values = values;
    this.mask = mask;
  }
}

/** Hash of one key (murmur3's 32-bit finaliser). */
function mixOne(k: number): number {
  let h = Math.imul(k, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hash of a pair (murmur3's 32-bit finaliser over a combination of both). */
function mix(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
