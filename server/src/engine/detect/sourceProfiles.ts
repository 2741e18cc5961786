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
 * order they were first seen, and each column is indexed by id (SourceProfiles.profile(id)
 * gives one source's profile). Read-only; valid until the next record is observed.
 */
export interface ProfileFigures {
  readonly ids: Int32Array;
  readonly events: Int32Array;
  readonly requests: Int32Array;
  readonly status4xx: Int32Array;
  readonly status5xx: Int32Array;
  readonly posts: Int32Array;
  readonly offHours: Int32Array;
  readonly bytesTotal: Float64Array;
  readonly bytesMax: Float64Array;
  readonly firstTime: Float64Array;
  readonly lastTime: Float64Array;
  readonly peakPerMinute: Int32Array;
  readonly distinctPaths: Int32Array;
  readonly distinctAgents: Int32Array;
}

/**
 * The profiles' figures, a typed array per figure indexed by source id: no object per source
 * (a log has sources by the hundred thousand; an object each, with its boxed doubles, costs
 * three times the memory and is work for every garbage collection).
 */
class ProfileColumns {
  size = 0;
  events = new Int32Array(0);
  requests = new Int32Array(0);
  status4xx = new Int32Array(0);
  status5xx = new Int32Array(0);
  posts = new Int32Array(0);
  offHours = new Int32Array(0);
  bytesTotal = new Float64Array(0);
  bytesMax = new Float64Array(0);
  bytesMaxLine = new Int32Array(0);
  firstTime = new Float64Array(0);
  lastTime = new Float64Array(0);
  peakPerMinute = new Int32Array(0);
  peakLine = new Int32Array(0);
  distinctPaths = new Int32Array(0);
  distinctAgents = new Int32Array(0);
  /** The running clock minute and its count of requests. */
  minute = new Float64Array(0);
  minuteCount = new Int32Array(0);
  /** The last user agent's id (-1: none), and whether its pair is counted (1). */
  lastAgentId = new Int32Array(0);
  lastAgentPaired = new Uint8Array(0);

  /** Room for ids below `id + 1`. */
  reserve(id: number): void {
    if (id < this.size) return;
    const size = doubledToHold(Math.max(1024, this.size), id);
    this.events = grownCopy(this.events, size);
    this.requests = grownCopy(this.requests, size);
    this.status4xx = grownCopy(this.status4xx, size);
    this.status5xx = grownCopy(this.status5xx, size);
    this.posts = grownCopy(this.posts, size);
    this.offHours = grownCopy(this.offHours, size);
    this.bytesTotal = grownCopy(this.bytesTotal, size);
    this.bytesMax = grownCopy(this.bytesMax, size);
    this.bytesMaxLine = grownCopy(this.bytesMaxLine, size);
    this.firstTime = grownCopy(this.firstTime, size);
    this.lastTime = grownCopy(this.lastTime, size);
    this.peakPerMinute = grownCopy(this.peakPerMinute, size);
    this.peakLine = grownCopy(this.peakLine, size);
    this.distinctPaths = grownCopy(this.distinctPaths, size);
    this.distinctAgents = grownCopy(this.distinctAgents, size);
    this.minute = grownCopy(this.minute, size);
    this.minuteCount = grownCopy(this.minuteCount, size);
    this.lastAgentId = grownCopy(this.lastAgentId, size);
    this.lastAgentPaired = grownCopy(this.lastAgentPaired, size);
    this.size = size;
  }

  /** A new profile's starting values (the others start at 0). */
  start(id: number, line: number): void {
    this.bytesMaxLine[id] = line;
    this.peakLine[id] = line;
    this.firstTime[id] = NaN;
    this.lastTime[id] = NaN;
    this.minute[id] = NaN;
    this.lastAgentId[id] = -1;
  }
}

/** One source's profile as the rules read it: a view of its columns (made when asked for). */
class ProfileView implements SourceProfile {
  constructor(
    private readonly c: ProfileColumns,
    private readonly arena: LineArena,
    private readonly id: number,
    readonly source: string,
  ) {}

  get events(): number {
    return this.c.events[this.id];
  }
  get requests(): number {
    return this.c.requests[this.id];
  }
  get status4xx(): number {
    return this.c.status4xx[this.id];
  }
  get status5xx(): number {
    return this.c.status5xx[this.id];
  }
  get posts(): number {
    return this.c.posts[this.id];
  }
  get bytesTotal(): number {
    return this.c.bytesTotal[this.id];
  }
  get bytesMax(): number {
    return this.c.bytesMax[this.id];
  }
  get bytesMaxLine(): number {
    return this.c.bytesMaxLine[this.id];
  }
  get offHours(): number {
    return this.c.offHours[this.id];
  }
  get firstTime(): number {
    return this.c.firstTime[this.id];
  }
  get lastTime(): number {
    return this.c.lastTime[this.id];
  }
  get peakPerMinute(): number {
    return this.c.peakPerMinute[this.id];
  }
  get peakLine(): number {
    return this.c.peakLine[this.id];
  }
  get distinctPaths(): number {
    return this.c.distinctPaths[this.id];
  }
  get distinctAgents(): number {
    return this.c.distinctAgents[this.id];
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
  private readonly columns = new ProfileColumns();
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
      const last = sourceId >= 0 && sourceId < this.known.length && this.known[sourceId] === 1 ? this.columns.lastAgentId[sourceId] : -1;
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
    const c = this.columns;
    if (sourceId >= this.known.length || this.known[sourceId] === 0) this.create(sourceId, record.line);
    const id = sourceId;
    record.source = this.sources.strings[id];
    c.events[id]++;
    if (this.arena.count(id) < LINES_CAP) this.arena.push(id, record.line);
    const t = record.time;
    if (Number.isFinite(t)) {
      if (!(t >= c.firstTime[id])) c.firstTime[id] = t;
      if (!(t <= c.lastTime[id])) c.lastTime[id] = t;
      if (this.clock.isOffHours(t, record.offsetMinutes)) c.offHours[id]++;
    }
    // the source's agent, and whether its pair is already counted
    let agentPaired = false;
    if (agentId >= 0) {
      if (agentId === c.lastAgentId[id]) agentPaired = c.lastAgentPaired[id] === 1;
      else {
        c.lastAgentId[id] = agentId;
        c.lastAgentPaired[id] = 0;
      }
    }
    if (record.kind !== 'http') return;
    c.requests[id]++;
    // Added on every request (0 or 1), not under a branch: the first 5xx can come late in a
    // log, and a branch first taken then makes V8 throw away this function's optimised code.
    const statusClass = Math.trunc((record.status ?? 0) / 100);
    c.status4xx[id] += statusClass === 4 ? 1 : 0;
    c.status5xx[id] += statusClass === 5 ? 1 : 0;
    if (record.method === 'POST') c.posts[id]++;
    const bytes = record.bytes ?? 0;
    if (bytes > 0) {
      c.bytesTotal[id] += bytes;
      if (bytes > c.bytesMax[id]) {
        c.bytesMax[id] = bytes;
        c.bytesMaxLine[id] = record.line;
      }
    }
    if (pathId >= 0) {
      if (newPairs >= 0) {
        if ((newPairs & 1) !== 0 && c.distinctPaths[id] < DISTINCT_CAP) c.distinctPaths[id]++;
      } else {
        const at = 2 * this.pendingCount;
        this.pendingPaths[at] = id;
        this.pendingPaths[at + 1] = pathId;
        if (++this.pendingCount === PENDING_PAIRS) this.countPendingPaths();
      }
    }
    if (agentId >= 0 && !agentPaired && c.distinctAgents[id] < DISTINCT_CAP) {
      if (newPairs >= 0 ? (newPairs & 2) !== 0 : this.sourceAgents.add(sourceId, agentId)) c.distinctAgents[id]++;
      c.lastAgentPaired[id] = 1;
    }
    if (Number.isFinite(t)) {
      const minute = Math.floor(t / 60_000);
      if (minute === c.minute[id]) c.minuteCount[id]++;
      else {
        c.minute[id] = minute;
        c.minuteCount[id] = 1;
      }
      if (c.minuteCount[id] > c.peakPerMinute[id]) {
        c.peakPerMinute[id] = c.minuteCount[id];
        c.peakLine[id] = record.line;
      }
    }
  }

  private create(id: number, line: number): void {
    if (id >= this.known.length) this.known = grownCopy(this.known, doubledToHold(this.known.length, id));
    if (this.profiles === this.order.length) this.order = grownCopy(this.order, this.order.length * 2);
    this.known[id] = 1;
    this.order[this.profiles++] = id;
    this.columns.reserve(id);
    this.columns.start(id, line);
  }

  /** Counts the pending pairs' paths, in line order. (Counting only first sightings while under the cap gives min(cap, distinct) either way.) */
  private countPendingPaths(): void {
    const pending = this.pendingPaths;
    const distinct = this.columns.distinctPaths;
    const n = 2 * this.pendingCount;
    for (let at = 0; at < n; at += 2) {
      const id = pending[at];
      if (distinct[id] < DISTINCT_CAP && this.sourcePaths.add(id, pending[at + 1])) distinct[id]++;
    }
    this.pendingCount = 0;
  }

  /** The profile of one source id (one that has a profile: from httpFigures' ids). */
  profile(id: number): SourceProfile {
    if (this.pendingCount > 0) this.countPendingPaths();
    return new ProfileView(this.columns, this.arena, id, this.sources.strings[id]);
  }

  /**
   * The sources with at least one HTTP request, in the order they were first seen, with
   * their figures as columns (see ProfileFigures): the population the statistical rules
   * compare, without an object per source.
   */
  httpFigures(): ProfileFigures {
    if (this.figures) return this.figures;
    if (this.pendingCount > 0) this.countPendingPaths();
    const c = this.columns;
    const ids = new Int32Array(this.profiles);
    let count = 0;
    for (let k = 0; k < this.profiles; k++) {
      const id = this.order[k];
      if (c.requests[id] > 0) ids[count++] = id;
    }
    // The columns as they are now (they are replaced when they grow), listed one by one: an
    // object spread from the columns came out with another shape once httpFigures had been
    // deoptimised, and V8 threw away the code reading it (seen with --trace-deopt at an
    // editor's first append).
    this.figures = {
      ids: ids.subarray(0, count),
      events: c.events,
      requests: c.requests,
      status4xx: c.status4xx,
      status5xx: c.status5xx,
      posts: c.posts,
      offHours: c.offHours,
      bytesTotal: c.bytesTotal,
      bytesMax: c.bytesMax,
      firstTime: c.firstTime,
      lastTime: c.lastTime,
      peakPerMinute: c.peakPerMinute,
      distinctPaths: c.distinctPaths,
      distinctAgents: c.distinctAgents,
    };
    return this.figures;
  }
}
