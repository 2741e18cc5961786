/**
 * Parsed lines in a form that crosses threads cheaply: numbers in typed arrays (transferred,
 * not copied), strings as ids into tables that each side keeps (a string crosses once, the
 * first time it is seen), and the line texts as offsets into the read chunk itself.
 *
 * The reader thread parses (RecordParser) and writes batches; the analysing thread reads
 * them back into records equal, field by field, to what the parsers returned, and feeds
 * them to the detectors. Source, path and user agent ids are the ids of the analyser's own
 * SourceProfiles tables, which the reader fills in the same order, so the aggregates need
 * no string lookup at all.
 */
import type { AuthEvent, LogRecord, RecordKind } from './model';
import type { StringIds } from './detect/stringIds';
import type { AsciiBytes } from './analyzer';
import type { AccessLineFields } from './formats/accessLogFields';
import { doubledToHold, grownCopy, INITIAL_SLOTS } from './typedArrays';
import { copyString } from './detect/stringIds';
import { emptyList } from './emptyList';
import { PairSet } from './detect/pairTables';
import { AsciiKeyIndex } from './asciiKeyIndex';
import type { RequestRanges } from './formats/accessLineBytes';

const KINDS: readonly RecordKind[] = ['http', 'auth', 'firewall', 'event', 'meta'];
const KIND_CODE: Record<RecordKind, number> = { http: 0, auth: 1, firewall: 2, event: 3, meta: 4 };

/** String fields, in slot order (encode and read spell them out in this order). The first three are the profiles' interned fields. */
const STRING_FIELDS = [
  'source',
  'path',
  'userAgent',
  'destination',
  'protocol',
  'action',
  'user',
  'method',
  'referrer',
  'auth',
  'program',
  'host',
  'level',
  'query',
  'message',
] as const;
const S = STRING_FIELDS.length;
/** Slots from here on are sent as they are (queries and messages rarely repeat). */
const FIRST_RAW = STRING_FIELDS.indexOf('query');
const METHOD_SLOT = STRING_FIELDS.indexOf('method');
/** Slots before this one never reset: their ids are the profiles' ids. */
const PROFILE_TABLES = 3;
/** Strings kept per table (other than the profile tables) before it starts over. */
const TABLE_CAP = 65_536;
const REFERRER_SLOT = STRING_FIELDS.indexOf('referrer');

/** Number fields per line: status, bytes, destinationPort, attempts. */
const N = 4;

export interface RecordBatch {
  /** Lines in the batch (every line: blank and unparsed ones too). */
  count: number;
  /** The bytes `textStart`/`textEnd` point into (latin1 = ASCII there), or null; `chunkBytes` of them are used. */
  chunk: ArrayBufferLike | null;
  chunkBytes: number;
  /** Per line: offsets of its text in `chunk`, or -1 when the text is in `texts`. */
  textStart: Int32Array;
  textEnd: Int32Array;
  texts: string[];
  /** Per line: the record's kind code, -1 for no record, -2 for a record sent as is in `objects`. */
  kind: Int8Array;
  recordLine: Int32Array;
  time: Float64Array;
  offsetMinutes: Float64Array;
  /** N per line, and which of them are present (bit per field). */
  numbers: Float64Array;
  numberMask: Uint8Array;
  /** Per line: bit 0 (source, path) and bit 1 (source, agent) first seen on an HTTP record (see SourceProfiles.observeInterned). */
  newPairs: Uint8Array;
  /** False when the writer left the pairs to the reading side (newPairs is then all 0). */
  pairsCounted: boolean;
  /** S per line: -1 absent; an id into the field's table; for raw fields an index into `raw`. */
  strings: Int32Array;
  raw: string[];
  objects: LogRecord[];
  /** New strings of each table (slots before FIRST_RAW), in id order. */
  fresh: string[][];
  /** Tables (bit per slot) that start over before this batch's fresh strings. */
  resets: number;
}

const COLUMN_NAMES = ['textStart', 'textEnd', 'kind', 'recordLine', 'time', 'offsetMinutes', 'numbers', 'numberMask', 'newPairs', 'strings'] as const;

/** A batch's typed columns: sent with it, and sent back to be filled again (see RecordBatchWriter.recycle). */
export type BatchColumns = Pick<RecordBatch, (typeof COLUMN_NAMES)[number]>;

/**
 * Columns for `lines` lines, all in one buffer (a SharedArrayBuffer when `shared`): a batch
 * posted to the other thread carries one shared buffer instead of ten, and each costs its
 * share of the message (registering it on both sides).
 */
function newColumns(lines: number, shared: boolean): BatchColumns {
  // 8-byte columns first, then 4-byte ones, then bytes: every column starts aligned
  const sizes = { f64: lines * (2 + N), i32: lines * (3 + S), u8: lines * 3 };
  const bytes = sizes.f64 * 8 + sizes.i32 * 4 + sizes.u8;
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  let at = 0;
  const take = <T>(type: { new (b: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, length: number): T => {
    const column = new type(buffer, at, length);
    at += length * type.BYTES_PER_ELEMENT;
    return column;
  };
  const time = take(Float64Array, lines);
  const offsetMinutes = take(Float64Array, lines);
  const numbers = take(Float64Array, lines * N);
  const textStart = take(Int32Array, lines);
  const textEnd = take(Int32Array, lines);
  const recordLine = take(Int32Array, lines);
  const strings = take(Int32Array, lines * S);
  const kind = take(Int8Array, lines);
  const numberMask = take(Uint8Array, lines);
  const newPairs = take(Uint8Array, lines);
  // in columnsOf's order: one object shape whichever way the columns came
  return { textStart, textEnd, kind, recordLine, time, offsetMinutes, numbers, numberMask, newPairs, strings };
}

/** A read batch's columns, to send back to its writer. */
export function columnsOf(batch: RecordBatch): BatchColumns {
  const { textStart, textEnd, kind, recordLine, time, offsetMinutes, numbers, numberMask, newPairs, strings } = batch;
  return { textStart, textEnd, kind, recordLine, time, offsetMinutes, numbers, numberMask, newPairs, strings };
}

/**
 * The id of a field read from bytes, -1 when absent (start -1). One function for every such
 * field, those most lines lack (user, host) as those every line has (source, path, method),
 * for the reason given at stringAt: the first user name, late in a log, made V8 throw away
 * the optimised reader.
 */
function idOfField(table: WriterTable, bytes: Uint8Array & AsciiBytes, start: number, end: number): number {
  return start < 0 ? -1 : table.idOfBytes(bytes, start, end);
}

/** Positions kept per pending line (RecordBatchWriter.addAccessBytes): start and end of client, path, agent, user, method, referrer, host. */
const PENDING_INTS = 14;

/** A quoted referrer / user agent that counts as not there: no field (start -1), empty, or `-` (as optionalValue reads it). */
function isAbsent(bytes: Uint8Array, start: number, end: number): boolean {
  return start < 0 || end === start || (end === start + 1 && bytes[start] === 0x2d);
}

class WriterTable {
  private ids = new Map<string, number>();
  readonly strings: string[] = emptyList();
  fresh: string[] = emptyList();
  reset = false;
  /** For a table of addresses: ids of dotted-quad IPv4 texts by their 32-bit value (see ipv4Key). */
  private byIpv4: Ipv4Ids | undefined;
  /** The id returned last (-1: none, or not a table of repeating values). */
  private last = -1;
  /** The same ids, found from bytes (see idOfBytes). */
  private byBytes = new AsciiKeyIndex();

  /** `repeats`: values that repeat line after line (the method), where comparing with the last one is cheaper than a lookup. */
  constructor(
    private readonly cap: number,
    private readonly addresses = false,
    private readonly repeats = false,
  ) {
    this.byIpv4 = addresses ? new Ipv4Ids() : undefined;
  }

  id(s: string): number {
    const last = this.last;
    if (last >= 0 && this.strings[last] === s) return last;
    const ipv4 = this.byIpv4;
    if (ipv4) {
      const key = ipv4Key(s);
      if (key !== -1) {
        const id = ipv4.get(key);
        return id >= 0 ? id : this.add(s);
      }
    }
    let id = this.ids.get(s);
    if (id === undefined) id = this.add(s);
    if (this.repeats) this.last = id;
    return id;
  }

  /** The id of text[start, end): an IPv4 address is looked up by its value, without a slice. */
  idOfRange(text: string, start: number, end: number): number {
    const ipv4 = this.byIpv4;
    if (ipv4) {
      const key = ipv4KeyOf(text, start, end);
      if (key !== -1) {
        const id = ipv4.get(key);
        return id >= 0 ? id : this.add(text.slice(start, end));
      }
    }
    return this.id(text.slice(start, end));
  }

  /** The id of the ASCII bytes[start, end): a string is made only when the value is new (or not indexed). */
  idOfBytes(bytes: Uint8Array & AsciiBytes, start: number, end: number): number {
    // a repeating value (the method) is most often the last one: compared before hashing
    const last = this.last;
    if (last >= 0 && this.byBytes.holds(last, bytes, start, end)) return last;
    const id = this.byBytes.find(bytes, start, end);
    // (`id` remembers a new value as the last one itself)
    if (id < 0) return this.id(bytes.latin1Slice(start, end));
    if (this.repeats) this.last = id;
    return id;
  }

  /** True when `id`'s value is bytes[start, end) (false also when that is not known from bytes). */
  holdsBytes(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    return this.byBytes.holds(id, bytes, start, end);
  }

  /** A new value: every index learns it here. */
  private add(s: string): number {
    const id = this.strings.length;
    // a copy: a slice would keep its whole line alive for as long as the table lives. (Not
    // flatCopy, which costs more to make: the other side gets its own copy anyway.)
    const copy = copyString(s);
    this.strings.push(copy);
    this.ids.set(copy, id);
    this.fresh.push(copy);
    this.byBytes.add(id, copy);
    if (this.byIpv4) {
      const key = ipv4Key(copy);
      if (key !== -1) this.byIpv4.set(key, id);
    }
    return id;
  }

  /** At a batch boundary: start over when full (the reader does the same). */
  startBatch(): void {
    this.fresh = emptyList();
    this.reset = false;
    if (this.strings.length >= this.cap) {
      this.ids = new Map();
      this.byBytes = new AsciiKeyIndex();
      if (this.addresses) this.byIpv4 = new Ipv4Ids();
      this.strings.length = 0;
      this.last = -1;
      this.reset = true;
    }
  }
}

/**
 * The 32-bit value of an IPv4 address written the canonical way (four decimal octets ≤ 255,
 * no leading zeros), or -1 for any other text. Canonical texts and values match one to one,
 * so a source can be interned by its value — a few character reads instead of hashing the
 * text — without ever merging two different texts. (-1 is 255.255.255.255's value: that one
 * address takes the slow path.)
 */
export function ipv4Key(s: string): number {
  return ipv4KeyOf(s, 0, s.length);
}

/** ipv4Key of text[start, end). */
function ipv4KeyOf(text: string, start: number, end: number): number {
  const n = end - start;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = (value << 8) | octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || (digits === 1 && octet === 0)) return -1;
      octet = octet * 10 + d;
      if (octet > 255) return -1;
      digits++;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return (value << 8) | octet;
}

/** int32 → id, open addressing with Fibonacci hashing (the ids of IPv4 sources). */
class Ipv4Ids {
  private keys = new Int32Array(INITIAL_SLOTS);
  private values = new Int32Array(INITIAL_SLOTS).fill(-1);
  /** 32 − log2(slots): the hash's top bits pick the slot. */
  private shift = 32 - Math.log2(INITIAL_SLOTS);
  private count = 0;

  get(key: number): number {
    const mask = this.keys.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const v = this.values[slot];
      if (v < 0) return -1;
      if (this.keys[slot] === key) return v;
      slot = (slot + 1) & mask;
    }
  }

  set(key: number, id: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (this.values[slot] >= 0) slot = (slot + 1) & mask;
    this.keys[slot] = key;
    this.values[slot] = id;
    this.count++;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Int32Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2).fill(-1);
    this.shift--;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (values[i] >= 0) this.set(keys[i], values[i]);
  }
}

/** An int per source id, -1 until set (4 bytes a source: logs have sources by the hundred thousand). */
class PerSource {
  private values = new Int32Array(INITIAL_SLOTS).fill(-1);

  /** The value of `id` (-1: never set, or id < 0). */
  get(id: number): number {
    return id >= 0 && id < this.values.length ? this.values[id] : -1;
  }

  set(id: number, value: number): void {
    if (id >= this.values.length) this.values = grownCopy(this.values, doubledToHold(this.values.length, id), -1);
    this.values[id] = value;
  }
}

/** Collects lines and records (reader thread) into batches. */
export class RecordBatchWriter {
  private readonly tables: WriterTable[] = [];
  /** Per source id: its last user agent's and referrer's ids (most sources keep one agent; assets share a referrer). */
  private readonly lastAgent = new PerSource();
  private readonly lastReferrer = new PerSource();
  /** (source, path) and (source, agent) pairs seen on HTTP records, for newPairs. */
  private readonly sourcePaths = new PairSet();
  private readonly sourceAgents = new PairSet();
  private readonly lastPairedAgent = new PerSource();
  /** Where addAccess reads a request line into. */
  private readonly request: LogRecord = { line: 0, kind: 'http', time: NaN, offsetMinutes: 0, method: undefined, path: undefined, query: undefined };
  private capacity = 0;
  private count = 0;
  private batch!: RecordBatch;
  /** Columns of batches read on the other side, to fill again. */
  private readonly spare: BatchColumns[] = [];
  /**
   * Access lines read from bytes whose fields are not looked up in the tables yet (see
   * addAccessBytes): per line, its row in the batch and PENDING_INTS positions into
   * `pendingBytes` (start −1: the field is absent).
   */
  private pendingRows = new Int32Array(INITIAL_SLOTS);
  private pendingFields = new Int32Array(PENDING_INTS * INITIAL_SLOTS);
  private pendingCount = 0;
  private pendingBytes: (Uint8Array & AsciiBytes) | null = null;

  /**
   * `countPairs`: whether this side finds the (source, path) and (source, agent) pairs seen
   * first (newPairs), or leaves them to the analysing side's SourceProfiles — whichever thread
   * has time to spare. `sharedColumns`: the columns live in SharedArrayBuffers, so batches go
   * to the other thread and come back without being transferred (see parseWorker.ts).
   */
  constructor(
    private readonly expectedLines = 4096,
    private readonly countPairs = true,
    private readonly sharedColumns = false,
  ) {
    // source (0) and destination (3) are addresses
    for (let f = 0; f < FIRST_RAW; f++) this.tables.push(new WriterTable(f < PROFILE_TABLES ? Infinity : TABLE_CAP, f === 0 || f === 3, f === METHOD_SLOT));
    this.start(true);
  }

  get lines(): number {
    return this.count;
  }

  /**
   * One line: its text is chunk[start, end) (latin1) when start ≥ 0, else `text`. `record`
   * is what the parsers returned for it (null: blank or not understood).
   */
  add(text: string | null, start: number, end: number, record: LogRecord | null): void {
    // the tables learn values in line order (the ids are the same whichever way lines came)
    if (this.pendingCount > 0) this.internPending();
    const i = this.addLine(text, start, end);
    const b = this.batch;
    if (record === null) {
      b.kind[i] = -1;
      return;
    }
    if (!this.encode(record, i)) {
      b.kind[i] = -2;
      b.objects.push(record);
    }
    const sb = i * S;
    b.newPairs[i] = this.countPairs && record.kind === 'http' ? this.pairsOf(b.strings[sb], b.strings[sb + 1], b.strings[sb + 2]) : 0;
  }

  /** The batch so far (with `chunk` as the bytes its offsets point into); a new one starts. */
  flush(chunk: ArrayBufferLike | null, chunkBytes = chunk ? chunk.byteLength : 0): RecordBatch {
    if (this.pendingCount > 0) this.internPending();
    const b = this.batch;
    b.count = this.count;
    b.chunk = chunk;
    b.chunkBytes = chunkBytes;
    for (let f = 0; f < FIRST_RAW; f++) {
      b.fresh.push(this.tables[f].fresh);
      if (this.tables[f].reset) b.resets |= 1 << f;
    }
    this.start();
    return b;
  }

  /**
   * Columns of a batch the other side has read, to fill again instead of new ones (fresh
   * memory costs a page fault per page, and the garbage collector's time to free it). Every
   * slot a line uses is written for it, so what they held does not matter.
   */
  recycle(columns: BatchColumns): void {
    this.spare.push(columns);
  }

  private start(first = false): void {
    for (const t of this.tables) t.startBatch();
    // Room for as many lines as the last batch had and a little more (batches of equal
    // chunks hold about as many lines): growing copies every column. The first batch starts
    // small and grows within its first lines, while V8 still runs this code unoptimised (see
    // INITIAL_SLOTS): growing first later, in a big file's tenth batch, made V8 throw away
    // the optimised reader.
    const wanted = first ? INITIAL_SLOTS : Math.max(this.expectedLines, Math.ceil(this.count * 1.125));
    this.count = 0;
    let c = this.spare.pop();
    while (c && c.textStart.length < wanted) c = this.spare.pop();
    this.capacity = c ? c.textStart.length : wanted;
    const k = c ?? newColumns(this.capacity, this.sharedColumns);
    this.batch = {
      count: 0,
      chunk: null,
      chunkBytes: 0,
      textStart: k.textStart,
      textEnd: k.textEnd,
      texts: emptyList(),
      kind: k.kind,
      recordLine: k.recordLine,
      time: k.time,
      offsetMinutes: k.offsetMinutes,
      numbers: k.numbers,
      numberMask: k.numberMask,
      newPairs: k.newPairs,
      pairsCounted: this.countPairs,
      strings: k.strings,
      // (lists of strings and objects from their start: see emptyList)
      raw: emptyList(),
      objects: emptyList(),
      fresh: emptyList(),
      resets: 0,
    };
  }

  private grow(): void {
    const b = this.batch;
    const capacity = this.capacity * 2;
    const next = newColumns(capacity, this.sharedColumns);
    for (const name of COLUMN_NAMES) (next[name] as { set(from: ArrayLike<number>): void }).set(b[name]);
    // the batch keeps its shape: every column is already one of its properties
    Object.assign(b, next);
    this.capacity = capacity;
  }

  /**
   * False when the record holds something the columns cannot say exactly (it is then sent
   * whole). The profile fields are interned either way (their ids travel with the record).
   */
  private encode(r: LogRecord, i: number): boolean {
    const b = this.batch;
    const sb = i * S;
    // source, path, agent: interned in the profiles' id space (a non-string is treated as absent)
    const source = r.source;
    const sourceId = typeof source === 'string' ? this.tables[0].id(source) : -1;
    b.strings[sb] = sourceId;
    const path = r.path;
    b.strings[sb + 1] = typeof path === 'string' ? this.tables[1].id(path) : -1;
    const agent = r.userAgent;
    const agentId = typeof agent === 'string' ? this.lastOrId(this.lastAgent, this.tables[2], sourceId, agent) : -1;
    b.strings[sb + 2] = agentId;

    if (typeof r.time !== 'number' || typeof r.offsetMinutes !== 'number' || typeof r.line !== 'number' || (r.line | 0) !== r.line) return false;
    const kind = KIND_CODE[r.kind];
    if (kind === undefined) return false;
    if ((source !== undefined && sourceId < 0) || (path !== undefined && typeof path !== 'string') || (agent !== undefined && agentId < 0)) return false;
    // Field by field, not a loop over names: a load by a variable key is several times slower.
    const nb = i * N;
    const nums = b.numbers;
    let mask = 0;
    const status = r.status;
    if (status !== undefined) {
      if (typeof status !== 'number') return false;
      nums[nb] = status;
      mask |= 1;
    }
    const bytes = r.bytes;
    if (bytes !== undefined) {
      if (typeof bytes !== 'number') return false;
      nums[nb + 1] = bytes;
      mask |= 2;
    }
    const port = r.destinationPort;
    if (port !== undefined) {
      if (typeof port !== 'number') return false;
      nums[nb + 2] = port;
      mask |= 4;
    }
    const attempts = r.attempts;
    if (attempts !== undefined) {
      if (typeof attempts !== 'number') return false;
      nums[nb + 3] = attempts;
      mask |= 8;
    }
    const t = this.tables;
    const strs = b.strings;
    if (!(this.put(strs, sb + 3, t[3], r.destination) && this.put(strs, sb + 4, t[4], r.protocol) && this.put(strs, sb + 5, t[5], r.action))) return false;
    if (!(this.put(strs, sb + 6, t[6], r.user) && this.put(strs, sb + 7, t[7], r.method))) return false;
    const referrer = r.referrer;
    if (referrer === undefined) strs[sb + 8] = -1;
    else {
      if (typeof referrer !== 'string') return false;
      strs[sb + 8] = this.lastOrId(this.lastReferrer, this.tables[8], sourceId, referrer);
    }
    if (!(this.put(strs, sb + 9, t[9], r.auth) && this.put(strs, sb + 10, t[10], r.program) && this.put(strs, sb + 11, t[11], r.host))) return false;
    if (!this.put(strs, sb + 12, t[12], r.level)) return false;
    if (!(this.putRaw(strs, sb + 13, r.query) && this.putRaw(strs, sb + 14, r.message))) return false;
    b.kind[i] = kind;
    b.recordLine[i] = r.line;
    b.time[i] = r.time;
    b.offsetMinutes[i] = r.offsetMinutes;
    b.numberMask[i] = mask;
    return true;
  }

  /**
   * An access-log line read into fields (RecordParser's emitAccess): the columns `add` would
   * write for `accessRecord(parsed, line, f)`, without making that record. `text`, `start`,
   * `end`: the line's text, as for `add`; `parsed`: the text the fields point into.
   */
  addAccess(text: string | null, start: number, end: number, parsed: string, line: number, f: AccessLineFields): void {
    if (this.pendingCount > 0) this.internPending();
    const i = this.addLine(text, start, end);
    text = parsed;
    const t = this.tables;
    const sourceId = t[0].idOfRange(text, f.clientStart, f.clientEnd);
    const request = this.request;
    f.readRequest(text, request);
    const pathId = request.path === undefined ? -1 : t[1].id(request.path);
    const agent = f.userAgent(text);
    const agentId = agent === undefined ? -1 : this.lastOrId(this.lastAgent, this.tables[2], sourceId, agent);
    const user = f.user(text);
    const referrer = f.referrer(text);
    const s = this.batch.strings;
    const sb = i * S;
    s[sb + 6] = user === undefined ? -1 : t[6].id(user);
    s[sb + 7] = request.method === undefined ? -1 : t[7].id(request.method);
    s[sb + 8] = referrer === undefined ? -1 : this.lastOrId(this.lastReferrer, this.tables[8], sourceId, referrer);
    s[sb + 11] = f.hostStart >= 0 ? t[11].id(text.slice(f.hostStart, f.hostEnd)) : -1;
    this.putAccess(i, line, f, sourceId, pathId, agentId, request.query);
  }

  /**
   * The same for an access line read from the ASCII bytes[start, end) of the chunk the batch
   * goes out with (scanAccessBytes: `f` and `request` hold positions into `bytes`): the
   * strings are looked up by their bytes, and made only for values not seen before.
   *
   * Looked up later, with the other lines of the chunk, one table at a time (internPending):
   * a busy log's tables are bigger than the cache, and a loop of lookups alone lets the
   * processor wait for several at once (1M-line run: reader thread 1,392 → 1,298 ms).
   */
  addAccessBytes(bytes: Uint8Array & AsciiBytes, start: number, end: number, line: number, f: AccessLineFields, request: RequestRanges): void {
    if (this.pendingCount > 0 && bytes !== this.pendingBytes) this.internPending();
    const i = this.addLine(null, start, end);
    const k = this.pendingCount++;
    if (k === this.pendingRows.length) {
      this.pendingRows = grownCopy(this.pendingRows, 2 * k);
      this.pendingFields = grownCopy(this.pendingFields, 2 * k * PENDING_INTS);
    }
    this.pendingRows[k] = i;
    this.pendingBytes = bytes;
    const p = this.pendingFields;
    const at = k * PENDING_INTS;
    p[at] = f.clientStart;
    p[at + 1] = f.clientEnd;
    p[at + 2] = request.pathStart;
    p[at + 3] = request.pathEnd;
    p[at + 4] = isAbsent(bytes, f.agentStart, f.agentEnd) ? -1 : f.agentStart;
    p[at + 5] = f.agentEnd;
    p[at + 6] = f.userEnd === f.userStart + 1 && bytes[f.userStart] === 0x2d ? -1 : f.userStart;
    p[at + 7] = f.userEnd;
    p[at + 8] = request.methodStart;
    p[at + 9] = request.methodEnd;
    p[at + 10] = isAbsent(bytes, f.referrerStart, f.referrerEnd) ? -1 : f.referrerStart;
    p[at + 11] = f.referrerEnd;
    p[at + 12] = f.hostStart;
    p[at + 13] = f.hostEnd;
    this.putAccess(i, line, f, -1, -1, -1, request.queryStart < 0 ? undefined : bytes.latin1Slice(request.queryStart, request.queryEnd));
  }

  /**
   * The table fields of the pending lines (addAccessBytes), each table in line order: the
   * ids, `fresh` lists and per-source last values come out as if each line had been looked
   * up as it came.
   */
  private internPending(): void {
    const n = this.pendingCount;
    // (slot in the batch's strings, where the field's start is in a line's pendingFields)
    this.internPendingField(0, 0, n);
    this.internPendingField(1, 2, n);
    this.internPendingLast(2, 4, this.lastAgent, n);
    this.internPendingField(6, 6, n);
    this.internPendingField(7, 8, n);
    this.internPendingLast(8, 10, this.lastReferrer, n);
    this.internPendingField(11, 12, n);
    if (this.countPairs) {
      const rows = this.pendingRows;
      const strs = this.batch.strings;
      for (let k = 0; k < n; k++) {
        const sb = rows[k] * S;
        this.batch.newPairs[rows[k]] = this.pairsOf(strs[sb], strs[sb + 1], strs[sb + 2]);
      }
    }
    this.pendingCount = 0;
    this.pendingBytes = null;
  }

  /**
   * The columns an access line fills alike whichever way it was read (user, method, referrer
   * and host are in already; for a line read from bytes, they and the three ids given here as
   * -1 come with the other pending lines, see internPending).
   */
  private putAccess(i: number, line: number, f: AccessLineFields, sourceId: number, pathId: number, agentId: number, query: string | undefined): void {
    const b = this.batch;
    const strs = b.strings;
    const sb = i * S;
    strs[sb] = sourceId;
    strs[sb + 1] = pathId;
    strs[sb + 2] = agentId;
    strs[sb + 3] = -1;
    strs[sb + 4] = -1;
    strs[sb + 5] = -1;
    strs[sb + 9] = -1;
    strs[sb + 10] = -1;
    strs[sb + 12] = -1;
    if (query === undefined) strs[sb + 13] = -1;
    else {
      strs[sb + 13] = b.raw.length;
      b.raw.push(query);
    }
    strs[sb + 14] = -1;
    const nb = i * N;
    b.numbers[nb] = f.status;
    b.numbers[nb + 1] = f.bytes;
    b.numberMask[i] = 3;
    b.kind[i] = 0;
    b.recordLine[i] = line;
    b.time[i] = f.time;
    b.offsetMinutes[i] = f.offsetMinutes;
    b.newPairs[i] = this.countPairs ? this.pairsOf(sourceId, pathId, agentId) : 0;
  }

  /** A new line's slot, its text placed (see `add`). */
  private addLine(text: string | null, start: number, end: number): number {
    if (this.count === this.capacity) this.grow();
    const b = this.batch;
    const i = this.count++;
    if (start >= 0) {
      b.textStart[i] = start;
      b.textEnd[i] = end;
    } else {
      b.textStart[i] = -1;
      b.texts.push(text!);
    }
    return i;
  }

  /**
   * A user agent's or referrer's id: most often this source's last one, compared before
   * hashing. (`last` may be stale after the referrers' table started over: it is compared.)
   */
  private lastOrId(lastOf: PerSource, table: WriterTable, sourceId: number, value: string): number {
    const last = lastOf.get(sourceId);
    const id = last >= 0 && last < table.strings.length && table.strings[last] === value ? last : table.id(value);
    if (sourceId >= 0) lastOf.set(sourceId, id);
    return id;
  }

  /** One table field's ids for the n pending lines, in line order (`field`: where its start is in a line's pendingFields). */
  private internPendingField(slot: number, field: number, n: number): void {
    const table = this.tables[slot];
    const bytes = this.pendingBytes!;
    const rows = this.pendingRows;
    const p = this.pendingFields;
    const strs = this.batch.strings;
    for (let k = 0; k < n; k++) strs[rows[k] * S + slot] = idOfField(table, bytes, p[k * PENDING_INTS + field], p[k * PENDING_INTS + field + 1]);
  }

  /** The same for a field most often its source's last value (user agent, referrer; see lastOrIdOfBytes). */
  private internPendingLast(slot: number, field: number, lastOf: PerSource, n: number): void {
    const table = this.tables[slot];
    const bytes = this.pendingBytes!;
    const rows = this.pendingRows;
    const p = this.pendingFields;
    const strs = this.batch.strings;
    for (let k = 0; k < n; k++) {
      const sb = rows[k] * S;
      const at = k * PENDING_INTS + field;
      strs[sb + slot] = p[at] < 0 ? -1 : this.lastOrIdOfBytes(lastOf, table, strs[sb], bytes, p[at], p[at + 1]);
    }
  }

  /** A user agent's or referrer's id from bytes: most often this source's last one, compared before hashing. */
  private lastOrIdOfBytes(lastOf: PerSource, table: WriterTable, sourceId: number, bytes: Uint8Array & AsciiBytes, start: number, end: number): number {
    const last = lastOf.get(sourceId);
    const id = last >= 0 && table.holdsBytes(last, bytes, start, end) ? last : table.idOfBytes(bytes, start, end);
    if (sourceId >= 0) lastOf.set(sourceId, id);
    return id;
  }

  /** newPairs bits of an HTTP record (see SourceProfiles.observeInterned). */
  private pairsOf(sourceId: number, pathId: number, agentId: number): number {
    if (sourceId < 0) return 0;
    let bits = 0;
    if (pathId >= 0 && this.sourcePaths.add(sourceId, pathId)) bits |= 1;
    if (agentId >= 0) {
      // most sources keep one agent: its pair is known once it was its last agent here
      if (this.lastPairedAgent.get(sourceId) !== agentId) {
        if (this.sourceAgents.add(sourceId, agentId)) bits |= 2;
        this.lastPairedAgent.set(sourceId, agentId);
      }
    }
    return bits;
  }

  /** A table field's id into its slot (-1 when absent); false for a value that is not a string. */
  private put(strs: Int32Array, at: number, table: WriterTable, v: unknown): boolean {
    if (v === undefined) {
      strs[at] = -1;
      return true;
    }
    if (typeof v !== 'string') return false;
    strs[at] = table.id(v);
    return true;
  }

  /** A raw field's index into the batch's raw strings. */
  private putRaw(strs: Int32Array, at: number, v: unknown): boolean {
    if (v === undefined) {
      strs[at] = -1;
      return true;
    }
    if (typeof v !== 'string') return false;
    strs[at] = this.batch.raw.length;
    this.batch.raw.push(v);
    return true;
  }
}

/**
 * The analysing side's receiver of batch lines (Analyzer.pushInterned). A record it is given
 * is valid for that call only: the reader refills it for the next line (keep its fields, not it).
 */
export interface InternedSink {
  pushInterned(text: string, record: LogRecord | null, sourceId: number, pathId: number, agentId: number, newPairs: number, referrerId: number): void;
  pushInternedBytes(bytes: AsciiBytes, start: number, end: number, record: LogRecord | null, sourceId: number, pathId: number, agentId: number, newPairs: number, referrerId: number): void;
}

/** Turns batches back into texts and records (analysing thread). */
export class RecordBatchReader {
  /** Mirrors of the writer's tables; the first three are the profiles' own. */
  private readonly tables: string[][] = [];
  /**
   * Added to the referrer table's ids to make RecordIds.referrer: the size the table had, each
   * time it starts over (TABLE_CAP and the rest of that batch), so that an id never stands
   * for two referrers.
   */
  private referrerBase = 0;

  /**
   * The record of every access-log line read, refilled line after line (a million objects a
   * million lines otherwise, and their garbage collection). The sink and the detectors read a
   * record while it is observed and keep copies of its fields, never the object (the parallel
   * analysis tests compare every report with the single-threaded one, which makes a record
   * per line).
   */
  private readonly accessRecord: LogRecord = {
    line: 0,
    kind: 'http',
    time: NaN,
    offsetMinutes: 0,
    source: undefined,
    user: undefined,
    method: undefined,
    path: undefined,
    query: undefined,
    status: undefined,
    bytes: undefined,
    referrer: undefined,
    userAgent: undefined,
    host: undefined,
  };

  constructor(private readonly profileTables: readonly [StringIds, StringIds, StringIds]) {
    for (let f = 0; f < FIRST_RAW; f++) this.tables.push(f < PROFILE_TABLES ? profileTables[f].strings : emptyList());
  }

  read(b: RecordBatch, sink: InternedSink): void {
    for (let f = 0; f < FIRST_RAW; f++) {
      if (f < PROFILE_TABLES) {
        const ids = this.profileTables[f];
        for (const s of b.fresh[f]) ids.adopt(s);
      } else {
        if (b.resets & (1 << f)) {
          if (f === REFERRER_SLOT) this.referrerBase += this.tables[f].length;
          this.tables[f] = emptyList();
        }
        const table = this.tables[f];
        for (const s of b.fresh[f]) table.push(s);
      }
    }
    // Texts in the chunk are handed over as offsets: the few a detector reads are decoded
    // then, each a copy (no text keeps the chunk alive).
    const chunk: (Buffer & AsciiBytes) | null = b.chunk ? (Buffer.from(b.chunk, 0, b.chunkBytes) as Buffer & AsciiBytes) : null;
    const t = this.tables;
    const sources = t[0];
    const paths = t[1];
    const agents = t[2];
    let nextText = 0;
    let nextObject = 0;
    const pairs = b.pairsCounted;
    for (let i = 0; i < b.count; i++) {
      const start = b.textStart[i];
      const end = b.textEnd[i];
      const text = start >= 0 ? null : b.texts[nextText++];
      const kind = b.kind[i];
      if (kind === -1) {
        deliver(sink, chunk, start, end, text, null, -1, -1, -1, 0, -1);
        continue;
      }
      if (kind === -2) {
        deliver(sink, chunk, start, end, text, b.objects[nextObject++], b.strings[i * S], b.strings[i * S + 1], b.strings[i * S + 2], pairs ? b.newPairs[i] : -1, -1);
        continue;
      }
      const sb = i * S;
      const nb = i * N;
      const mask = b.numberMask[i];
      const s = b.strings;
      const raw = b.raw;
      const sourceId = s[sb];
      const pathId = s[sb + 1];
      const agentId = s[sb + 2];
      const referrerSlot = s[sb + 8];
      const referrerId = referrerSlot >= 0 ? this.referrerBase + referrerSlot : -1;
      if (kind === 0 && (mask & 12) === 0 && s[sb + 3] < 0 && s[sb + 4] < 0 && s[sb + 5] < 0 && s[sb + 9] < 0 && s[sb + 10] < 0 && s[sb + 12] < 0 && s[sb + 14] < 0) {
        // An access-log record: the fields the access parsers set, in their order (one shape
        // for the detectors to see, and a third fewer fields to write than the general one),
        // written into the one object kept for them (see accessRecord).
        const record = this.accessRecord;
        record.line = b.recordLine[i];
        record.time = b.time[i];
        record.offsetMinutes = b.offsetMinutes[i];
        record.source = stringAt(sources, sourceId);
        record.user = stringAt(t[6], s[sb + 6]);
        record.method = stringAt(t[7], s[sb + 7]);
        record.path = stringAt(paths, pathId);
        record.query = stringAt(raw, s[sb + 13]);
        record.status = mask & 1 ? b.numbers[nb] : undefined;
        record.bytes = mask & 2 ? b.numbers[nb + 1] : undefined;
        record.referrer = stringAt(t[8], referrerSlot);
        record.userAgent = stringAt(agents, agentId);
        record.host = stringAt(t[11], s[sb + 11]);
        deliver(sink, chunk, start, end, text, record, sourceId, pathId, agentId, pairs ? b.newPairs[i] : -1, referrerId);
        continue;
      }
      const record: LogRecord = {
        line: b.recordLine[i],
        kind: KINDS[kind],
        time: b.time[i],
        offsetMinutes: b.offsetMinutes[i],
        source: sourceId >= 0 ? sources[sourceId] : undefined,
        destination: s[sb + 3] >= 0 ? t[3][s[sb + 3]] : undefined,
        destinationPort: mask & 4 ? b.numbers[nb + 2] : undefined,
        protocol: s[sb + 4] >= 0 ? t[4][s[sb + 4]] : undefined,
        action: s[sb + 5] >= 0 ? (t[5][s[sb + 5]] as LogRecord['action']) : undefined,
        user: s[sb + 6] >= 0 ? t[6][s[sb + 6]] : undefined,
        method: s[sb + 7] >= 0 ? t[7][s[sb + 7]] : undefined,
        path: pathId >= 0 ? paths[pathId] : undefined,
        query: s[sb + 13] >= 0 ? raw[s[sb + 13]] : undefined,
        status: mask & 1 ? b.numbers[nb] : undefined,
        bytes: mask & 2 ? b.numbers[nb + 1] : undefined,
        userAgent: agentId >= 0 ? agents[agentId] : undefined,
        referrer: referrerSlot >= 0 ? t[8][referrerSlot] : undefined,
        auth: s[sb + 9] >= 0 ? (t[9][s[sb + 9]] as AuthEvent) : undefined,
        attempts: mask & 8 ? b.numbers[nb + 3] : undefined,
        program: s[sb + 10] >= 0 ? t[10][s[sb + 10]] : undefined,
        host: s[sb + 11] >= 0 ? t[11][s[sb + 11]] : undefined,
        level: s[sb + 12] >= 0 ? t[12][s[sb + 12]] : undefined,
        message: s[sb + 14] >= 0 ? raw[s[sb + 14]] : undefined,
      };
      deliver(sink, chunk, start, end, text, record, sourceId, pathId, agentId, pairs ? b.newPairs[i] : -1, referrerId);
    }
  }
}

/**
 * `table[id]`, or undefined for -1. One function for every field: V8 keeps what it learns
 * about a load per function, so the fields of an access log's first lines teach it the load
 * for all, and a field first present late in a log (the first user name) finds it known.
 * (Written out per field, that load made V8 throw away `read`'s optimised code when first
 * taken.)
 */
function stringAt(table: readonly string[], id: number): string | undefined {
  return id >= 0 ? table[id] : undefined;
}

/** One line to the sink: as bytes of the chunk (`text` null) or as its string. */
function deliver(
  sink: InternedSink,
  chunk: AsciiBytes | null,
  start: number,
  end: number,
  text: string | null,
  record: LogRecord | null,
  sourceId: number,
  pathId: number,
  agentId: number,
  newPairs: number,
  referrerId: number,
): void {
  if (text === null) sink.pushInternedBytes(chunk!, start, end, record, sourceId, pathId, agentId, newPairs, referrerId);
  else sink.pushInterned(text, record, sourceId, pathId, agentId, newPairs, referrerId);
}
