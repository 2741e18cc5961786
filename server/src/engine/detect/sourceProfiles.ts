import type { LogRecord } from '../model';
import type { RecordIds } from './types';
import type { WorkingHoursClock } from '../time/workingHours';
import { StringIds } from './stringIds';
import { PairSet } from './pairTables';
import { LineArena } from './lineArena';
import { doubledToHold, grownCopy } from '../typedArrays';

/** Distinct paths / agents counted exactly up to this many per source, then saturated. */
const DISTINCT_CAP = 4096;
/** Line numbers kept per source for evidence (first ones); totals are counted separately. */
const LINES_CAP = 1000;
/** (source, path) pairs held back before they are looked up, all at once (see pendingPaths). */
const PENDING_PAIRS = 512;

/** What one source did over the whole file: the population the statistical rules compare. */
export interface SourceProfile {
  readonly source: string;
  /** Records of any kind with this source. */
  readonly events: number;
  /** HTTP requests. */
  readonly requests: number;
  readonly status4xx: number;
  readonly status5xx: number;
  readonly posts: number;
  readonly bytesTotal: number;
  readonly bytesMax: number;
  /** 0-based line of the largest response. */
  readonly bytesMaxLine: number;
  readonly offHours: number;
  readonly firstTime: number;
  readonly lastTime: number;
  /** Highest number of requests within one clock minute. */
  readonly peakPerMinute: number;
  /** 0-based line at which the peak minute's count was reached. */
  readonly peakLine: number;
  /** Distinct request paths (query strings aside), counted exactly up to DISTINCT_CAP. */
  readonly distinctPaths: number;
  /** Distinct user agents, counted exactly up to DISTINCT_CAP. */
  readonly distinctAgents: number;
  /**
   * First LINES_CAP 0-based lines of this source. Made on each read from the packed store
   * (see LineArena): read it for the sources reported, not in a loop over all of them.
   */
  readonly lines: number[];
  /** How many lines `lines` holds. */
  readonly lineCount: number;
}

/**
 * The HTTP sources' figures for a loop over the whole population: `ids` lists them in the
 * order they were first seen, and `rows` gives each one's figures by id
 * (SourceProfiles.profile(id) gives one source's profile). Read-only; valid until the next
 * record is observed.
 */
export interface ProfileFigures {
  readonly ids: Int32Array;
  readonly rows: ProfileRows;
}

// A source's figures are one row of 96 bytes: 24 int32 slots, over which doubles are read at
// even slots (double k = slots 2k, 2k + 1). What every request touches is in the row's first
// 64 bytes. A busy log's profiles outgrow the cache, and with a column per figure each request
// waited for a dozen cache lines (one per column); a row is two at most. (128-byte rows, the
// first 64 bytes always one line, were no faster on the 1M-line bench log and cost 4 MB more
// on the 5M-line one.) 1M-line run: analysing thread 1,204 → 1,149 ms.
const ROW_INTS = 24;
const ROW_DOUBLES = ROW_INTS / 2;
// first 64 bytes: doubles 0–3, int slots 8–15
const LAST_TIME = 0;
const BYTES_TOTAL = 1;
const BYTES_MAX = 2;
/** The running clock minute (its count is MINUTE_COUNT). */
const MINUTE = 3;
const EVENTS = 8;
const REQUESTS = 9;
const STATUS_4XX = 10;
const STATUS_5XX = 11;
/**
 * The last user agent's id × 2, plus 1 once its (source, agent) pair is counted; −2: none.
 * (Two figures in one slot, so that the first 64 bytes hold all a request touches.)
 */
const LAST_AGENT = 12;
const MINUTE_COUNT = 13;
const PEAK_PER_MINUTE = 14;
const OFF_HOURS = 15;
// the rest: double 8, int slots 18–22 (read when a count changes, or at the end)
/** Read only for a record older than the source's last (see observeInterned). */
const FIRST_TIME = 8;
const POSTS = 18;
const BYTES_MAX_LINE = 19;
const PEAK_LINE = 20;
const DISTINCT_PATHS = 21;
const DISTINCT_AGENTS = 22;

/**
 * The profiles' figures, a row per source id in one buffer (see ROW_INTS): no object per
 * source (a log has sources by the hundred thousand; an object each, with its boxed doubles,
 * costs three times the memory and is work for every garbage collection).
 */
export class ProfileRows {
  /** Rows allocated (ids below it have one). */
  size = 0;
  /** The rows as int32 slots, and the same memory as doubles. */
  ints = new Int32Array(0);
  doubles = new Float64Array(0);

  /** Room for ids below `id + 1`. */
  reserve(id: number): void {
    if (id < this.size) return;
    const size = doubledToHold(Math.max(1024, this.size), id);
    this.ints = grownCopy(this.ints, size * ROW_INTS);
    this.doubles = new Float64Array(this.ints.buffer);
    this.size = size;
  }

  /** A new profile's starting values (the others start at 0). */
  start(id: number, line: number): void {
    const r = id * ROW_INTS;
    const d = id * ROW_DOUBLES;
    this.ints[r + BYTES_MAX_LINE] = line;
    this.ints[r + PEAK_LINE] = line;
    this.ints[r + LAST_AGENT] = -2;
    this.doubles[d + FIRST_TIME] = NaN;
    this.doubles[d + LAST_TIME] = NaN;
    this.doubles[d + MINUTE] = NaN;
  }

  /** Records of any kind with this source. */
  events(id: number): number {
    return this.ints[id * ROW_INTS + EVENTS];
  }
  /** HTTP requests. */
  requests(id: number): number {
    return this.ints[id * ROW_INTS + REQUESTS];
  }
  status4xx(id: number): number {
    return this.ints[id * ROW_INTS + STATUS_4XX];
  }
  status5xx(id: number): number {
    return this.ints[id * ROW_INTS + STATUS_5XX];
  }
  posts(id: number): number {
    return this.ints[id * ROW_INTS + POSTS];
  }
  offHours(id: number): number {
    return this.ints[id * ROW_INTS + OFF_HOURS];
  }
  bytesTotal(id: number): number {
    return this.doubles[id * ROW_DOUBLES + BYTES_TOTAL];
  }
  bytesMax(id: number): number {
    return this.doubles[id * ROW_DOUBLES + BYTES_MAX];
  }
  bytesMaxLine(id: number): number {
    return this.ints[id * ROW_INTS + BYTES_MAX_LINE];
  }
  firstTime(id: number): number {
    return this.doubles[id * ROW_DOUBLES + FIRST_TIME];
  }
  lastTime(id: number): number {
    return this.doubles[id * ROW_DOUBLES + LAST_TIME];
  }
  peakPerMinute(id: number): number {
    return this.ints[id * ROW_INTS + PEAK_PER_MINUTE];
  }
  peakLine(id: number): number {
    return this.ints[id * ROW_INTS + PEAK_LINE];
  }
  distinctPaths(id: number): number {
    return this.ints[id * ROW_INTS + DISTINCT_PATHS];
  }
  distinctAgents(id: number): number {
    return this.ints[id * ROW_INTS + DISTINCT_AGENTS];
  }
  /** The source's last user agent's id (-1: none). */
  lastAgent(id: number): number {
    return this.ints[id * ROW_INTS + LAST_AGENT] >> 1;
  }
}

/** One source's profile as the rules read it: a view of its row (made when asked for). */
class ProfileView implements SourceProfile {
  constructor(
    private readonly rows: ProfileRows,
    private readonly arena: LineArena,
    private readonly id: number,
    readonly source: string,
  ) {}

  get events(): number {
    return this.rows.events(this.id);
  }
  get requests(): number {
    return this.rows.requests(this.id);
  }
  get status4xx(): number {
    return this.rows.status4xx(this.id);
  }
  get status5xx(): number {
    return this.rows.status5xx(this.id);
  }
  get posts(): number {
    return this.rows.posts(this.id);
  }
  get bytesTotal(): number {
    return this.rows.bytesTotal(this.id);
  }
  get bytesMax(): number {
    return this.rows.bytesMax(this.id);
  }
  get bytesMaxLine(): number {
    return this.rows.bytesMaxLine(this.id);
  }
  get offHours(): number {
    return this.rows.offHours(this.id);
  }
  get firstTime(): number {
    return this.rows.firstTime(this.id);
  }
  get lastTime(): number {
    return this.rows.lastTime(this.id);
  }
  get peakPerMinute(): number {
    return this.rows.peakPerMinute(this.id);
  }
  get peakLine(): number {
    return this.rows.peakLine(this.id);
  }
  get distinctPaths(): number {
    return this.rows.distinctPaths(this.id);
  }
  get distinctAgents(): number {
    return this.rows.distinctAgents(this.id);
  }
  get lines(): number[] {
    return this.arena.read(this.id);
  }
  get lineCount(): number {
    return this.arena.count(this.id);
  }
}

/**
 * Per-source aggregates, fed once per record by the analyzer and shared by the statistical
 * detectors (volume, error rate, exfiltration, outliers) so no detector keeps its own copy.
 *
 * Sources, paths and user agents are interned (dense ids, see StringIds): a profile is found
 * by its source id, and distinct paths and agents are counted in two pair sets (source id,
 * id) — a few bytes per pair instead of a Set of strings per source.
 *
 * Observing a record also swaps its `source`, `path` and `userAgent` for the canonical
 * copies of the same text (equal strings): the detectors that run after it look them up by
 * strings whose hash is already computed, and what they keep is never a slice of a line.
 */
export class SourceProfiles {
  private readonly rows = new ProfileRows();
  private readonly arena = new LineArena();
  /** The string tables. A reader that interns in another thread fills them (see pushInterned). */
  readonly sources = new StringIds();
  readonly paths = new StringIds();
  readonly agents = new StringIds();
  /** Whether a source id has a profile (1), and the ids with one, in the order they got it. */
  private known = new Uint8Array(1024);
  private order = new Int32Array(1024);
  private profiles = 0;
  /** The ids of the record observed last (what the detectors then read, see RecordIds). */
  readonly current: RecordIds = { source: -1, path: -1, agent: -1, referrer: -1 };
  private readonly sourcePaths = new PairSet();
  private readonly sourceAgents = new PairSet();
  /**
   * (source id, path id) pairs not yet looked up in sourcePaths, in line order. A busy log has
   * more pairs than the cache holds, so each lookup waits for memory; one after another in a
   * loop, the processor waits for many at once, which it cannot across the other work of a
   * line (1M-line run: the analysing thread 1,413 → 1,346 ms). Counted before any count is read.
   */
  private readonly pendingPaths = new Int32Array(2 * PENDING_PAIRS);
  private pendingCount = 0;
  /** httpFigures' last answer, until the next record. */
  private figures: ProfileFigures | undefined;

  constructor(private readonly clock: WorkingHoursClock) {}

  /** Interns the record's strings, then aggregates it. */
  observe(record: LogRecord): void {
    if (record.kind === 'meta') return;
    const path = record.path;
    const pathId = path === undefined ? -1 : this.paths.id(path);
    const source = record.source;
    const sourceId = source === undefined ? -1 : this.sources.id(source);
    const agent = record.userAgent;
    let agentId = -1;
    if (agent !== undefined) {
      // A source nearly always keeps its user agent: comparing with its last one is
      // cheaper than hashing the agent again.
      const last = sourceId >= 0 && sourceId < this.known.length && this.known[sourceId] === 1 ? this.rows.lastAgent(sourceId) : -1;
      agentId = last >= 0 && agent === this.agents.strings[last] ? last : this.agents.id(agent);
    }
    this.observeInterned(record, sourceId, pathId, agentId);
  }

  /**
   * Aggregates a record whose strings are interned in this object's tables (-1: absent).
   * `newPairs`, when given (≥ 0), says whether (source, path) — bit 0 — and (source, agent) —
   * bit 1 — are seen for the first time on an HTTP record: a reader that interns in another
   * thread keeps those sets there, and these are not consulted.
   */
  observeInterned(record: LogRecord, sourceId: number, pathId: number, agentId: number, newPairs = -1, referrerId = -1): void {
    if (record.kind === 'meta') return;
    this.figures = undefined;
    const current = this.current;
    current.source = sourceId;
    current.path = pathId;
    current.agent = agentId;
    current.referrer = referrerId;
    if (pathId >= 0) record.path = this.paths.strings[pathId];
    if (agentId >= 0) record.userAgent = this.agents.strings[agentId];
    if (sourceId < 0) return;
    if (sourceId >= this.known.length || this.known[sourceId] === 0) this.create(sourceId, record.line);
    const id = sourceId;
    record.source = this.sources.strings[id];
    const ints = this.rows.ints;
    const doubles = this.rows.doubles;
    const r = id * ROW_INTS;
    const d = id * ROW_DOUBLES;
    ints[r + EVENTS]++;
    if (this.arena.count(id) < LINES_CAP) this.arena.push(id, record.line);
    const t = record.time;
    if (Number.isFinite(t)) {
      // First and last time are both NaN (no timed record yet) or first ≤ last, so a time at
      // or after the last needs no look at the first (which is outside the first 64 bytes).
      const last = doubles[d + LAST_TIME];
      if (t >= last) doubles[d + LAST_TIME] = t;
      else if (Number.isNaN(last)) {
        doubles[d + FIRST_TIME] = t;
        doubles[d + LAST_TIME] = t;
      } else if (t < doubles[d + FIRST_TIME]) doubles[d + FIRST_TIME] = t;
      if (this.clock.isOffHours(t, record.offsetMinutes)) ints[r + OFF_HOURS]++;
    }
    // the source's agent, and whether its pair is already counted
    let agentPaired = false;
    if (agentId >= 0) {
      const lastAgent = ints[r + LAST_AGENT];
      if (agentId === lastAgent >> 1) agentPaired = (lastAgent & 1) === 1;
      else ints[r + LAST_AGENT] = agentId * 2;
    }
    if (record.kind !== 'http') return;
    ints[r + REQUESTS]++;
    // Added on every request (0 or 1), not under a branch: the first 5xx can come late in a
    // log, and a branch first taken then makes V8 throw away this function's optimised code.
    const statusClass = Math.trunc((record.status ?? 0) / 100);
    ints[r + STATUS_4XX] += statusClass === 4 ? 1 : 0;
    ints[r + STATUS_5XX] += statusClass === 5 ? 1 : 0;
    if (record.method === 'POST') ints[r + POSTS]++;
    const bytes = record.bytes ?? 0;
    if (bytes > 0) {
      doubles[d + BYTES_TOTAL] += bytes;
      if (bytes > doubles[d + BYTES_MAX]) {
        doubles[d + BYTES_MAX] = bytes;
        ints[r + BYTES_MAX_LINE] = record.line;
      }
    }
    if (pathId >= 0) {
      if (newPairs >= 0) {
        if ((newPairs & 1) !== 0 && ints[r + DISTINCT_PATHS] < DISTINCT_CAP) ints[r + DISTINCT_PATHS]++;
      } else {
        const at = 2 * this.pendingCount;
        this.pendingPaths[at] = id;
        this.pendingPaths[at + 1] = pathId;
        if (++this.pendingCount === PENDING_PAIRS) this.countPendingPaths();
      }
    }
    if (agentId >= 0 && !agentPaired && ints[r + DISTINCT_AGENTS] < DISTINCT_CAP) {
      if (newPairs >= 0 ? (newPairs & 2) !== 0 : this.sourceAgents.add(sourceId, agentId)) ints[r + DISTINCT_AGENTS]++;
      ints[r + LAST_AGENT] = agentId * 2 + 1;
    }
    if (Number.isFinite(t)) {
      const minute = Math.floor(t / 60_000);
      if (minute === doubles[d + MINUTE]) ints[r + MINUTE_COUNT]++;
      else {
        doubles[d + MINUTE] = minute;
        ints[r + MINUTE_COUNT] = 1;
      }
      if (ints[r + MINUTE_COUNT] > ints[r + PEAK_PER_MINUTE]) {
        ints[r + PEAK_PER_MINUTE] = ints[r + MINUTE_COUNT];
        ints[r + PEAK_LINE] = record.line;
      }
    }
  }

  private create(id: number, line: number): void {
    if (id >= this.known.length) this.known = grownCopy(this.known, doubledToHold(this.known.length, id));
    if (this.profiles === this.order.length) this.order = grownCopy(this.order, this.order.length * 2);
    this.known[id] = 1;
    this.order[this.profiles++] = id;
    this.rows.reserve(id);
    this.rows.start(id, line);
  }

  /** Counts the pending pairs' paths, in line order. (Counting only first sightings while under the cap gives min(cap, distinct) either way.) */
  private countPendingPaths(): void {
    const pending = this.pendingPaths;
    const ints = this.rows.ints;
    const n = 2 * this.pendingCount;
    for (let at = 0; at < n; at += 2) {
      const distinct = pending[at] * ROW_INTS + DISTINCT_PATHS;
      if (ints[distinct] < DISTINCT_CAP && this.sourcePaths.add(pending[at], pending[at + 1])) ints[distinct]++;
    }
    this.pendingCount = 0;
  }

  /** The profile of one source id (one that has a profile: from httpFigures' ids). */
  profile(id: number): SourceProfile {
    if (this.pendingCount > 0) this.countPendingPaths();
    return new ProfileView(this.rows, this.arena, id, this.sources.strings[id]);
  }

  /**
   * The sources with at least one HTTP request, in the order they were first seen, with
   * their figures as columns (see ProfileFigures): the population the statistical rules
   * compare, without an object per source.
   */
  httpFigures(): ProfileFigures {
    if (this.figures) return this.figures;
    if (this.pendingCount > 0) this.countPendingPaths();
    const ids = new Int32Array(this.profiles);
    let count = 0;
    for (let k = 0; k < this.profiles; k++) {
      const id = this.order[k];
      if (this.rows.requests(id) > 0) ids[count++] = id;
    }
    this.figures = { ids: ids.subarray(0, count), rows: this.rows };
    return this.figures;
  }
}
