/**
 * Dense integer ids for strings (paths, user agents), and the canonical copy of each.
 *
 * The copy is flat and owned by the table, so a record's field can be swapped for it: later
 * lookups by that string reuse its cached hash and compare by identity, and nothing stored
 * keeps a slice of a log line (or of a read chunk) alive.
 */
import { emptyList } from '../emptyList';

export class StringIds {
  /**
   * Id by string, made at the first lookup by string: a table filled only by `adopt` (a
   * reader thread interns, and its records come with ids) never needs one.
   */
  private ids: Map<string, number> | undefined;
  /** The canonical copy of each id's string. */
  readonly strings: string[] = emptyList();

  get size(): number {
    return this.strings.length;
  }

  /**
   * Appends a string interned elsewhere in the same order (a reader thread's table): it gets
   * the next id. The string must be new to this table and owned (not a slice of a line).
   */
  adopt(s: string): number {
    const id = this.strings.length;
    this.strings.push(s);
    this.ids?.set(s, id);
    return id;
  }

  /** The id of `s`, added when new. */
  id(s: string): number {
    const ids = (this.ids ??= this.indexed());
    let id = ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      const copy = flatCopy(s);
      this.strings.push(copy);
      ids.set(copy, id);
    }
    return id;
  }

  private indexed(): Map<string, number> {
    const ids = new Map<string, number>();
    for (let id = 0; id < this.strings.length; id++) ids.set(this.strings[id], id);
    return ids;
  }
}

/**
 * A copy of a string that shares no memory with the string it came from, and is flat: the
 * engine's own (internalized) copy made by using it as a property name. `(' ' + s).slice(1)`
 * would give a slice of a new string — every later read goes through the slice — while
 * this copy is read directly, and its hash is already known when it becomes a map key.
 */
export function flatCopy(s: string): string {
  const holder: Record<string, number> = Object.create(null);
  holder[s] = 0;
  for (const key in holder) return key;
  return (' ' + s).slice(1);
}

/**
 * A pure function of a string, remembered per value in a map that starts over when it
 * reaches `cap` entries (cheaper than LRU bookkeeping). A value is looked up by its text, so
 * a field that repeats through a log — a referrer, an agent — costs one map lookup after its
 * first time. The keys are flat copies (flatCopy), never slices of a line: a key made by
 * copyString is a slice of a new string, and looking values up against such keys took 3.5×
 * as long (measured: 2M lookups among 4,000 referrers, 66 against 227 ms).
 */
export class StringMemo<T> {
  private readonly byString = new Map<string, T>();
  /**
   * The string asked for last and its value: a field often repeats on the next record (a
   * page's assets share its referrer), and when the records come from a table (a reader
   * thread's batches) it is the very same string — found without hashing.
   */
  private last: string | undefined;
  private lastValue: T | undefined;

  constructor(
    private readonly compute: (s: string) => T,
    private readonly cap: number,
  ) {}

  get(s: string): T {
    if (s === this.last) return this.lastValue!;
    let v = this.byString.get(s);
    if (v === undefined) {
      v = this.compute(s);
      if (this.byString.size >= this.cap) this.byString.clear();
      this.byString.set(flatCopy(s), v);
    }
    this.last = s;
    this.lastValue = v;
    return v;
  }
}

/**
 * A pure function of an interned string, remembered per id. Without an id (-1: a detector
 * made outside an analyzer, see RecordIds) it is remembered per string instead (StringMemo).
 */
export class IdMemo<T> {
  private readonly byId: (T | undefined)[] = [];
  private readonly byString: StringMemo<T>;

  constructor(
    private readonly compute: (s: string) => T,
    cap: number,
  ) {
    this.byString = new StringMemo(compute, cap);
  }

  get(id: number, s: string): T {
    if (id < 0) return this.byString.get(s);
    let v = this.byId[id];
    if (v === undefined) {
      v = this.compute(s);
      while (this.byId.length < id) this.byId.push(undefined);
      this.byId[id] = v;
    }
    return v;
  }
}

/**
 * Copies a string out of the big line it was sliced from, so the line can be freed. (A slice
 * of a fresh string, cheap to make; the interned tables use `flatCopy`, which costs more to
 * make and less to read.)
 */
export function copyString(s: string): string {
  return (' ' + s).slice(1);
}

/**
 * A pure function of a string known by an id that never stands for another string, though
 * the string may get other ids (RecordIds.referrer), remembered in a direct-mapped table: slot
 * `id % slots` holds the value and the id it was computed for — no hashing of the string. An
 * id that meets another id in its slot is computed again. Without an id (-1: a detector made
 * outside an analyzer, or a record not interned) it is remembered per string (StringMemo).
 */
export class DirectIdMemo<T> {
  /** Per slot: the id its value is for (-1: none); made at the first lookup by id. */
  private ids: Float64Array | undefined;
  private values: (T | undefined)[] = [];
  private readonly byString: StringMemo<T>;
  /** The id asked for last and its value: a page's assets share its referrer. */
  private lastId = -1;
  private lastValue: T | undefined;

  constructor(
    private readonly compute: (s: string) => T,
    private readonly slots: number,
    cap: number,
  ) {
    this.byString = new StringMemo(compute, cap);
  }

  get(id: number, s: string): T {
    if (id < 0) return this.byString.get(s);
    if (id === this.lastId) return this.lastValue!;
    if (!this.ids) {
      this.ids = new Float64Array(this.slots).fill(-1);
      this.values = new Array<T | undefined>(this.slots);
    }
    const slot = id % this.slots;
    let v: T;
    if (this.ids[slot] === id) v = this.values[slot]!;
    else {
      v = this.compute(s);
      this.ids[slot] = id;
      this.values[slot] = v;
    }
    this.lastId = id;
    this.lastValue = v;
    return v;
  }
}
