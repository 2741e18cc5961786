import type { LogRecord } from '../model';
import type { RecordIds } from './types';
import type { WorkingHoursClock } from '../time/workingHours';
import { StringIds } from './stringIds';
import { PairSet } from './pairTables';
import { LineArena, type LineList } from './lineArena';

/** Distinct paths / agents counted exactly up to this many per source, then saturated. */
const DISTINCT_CAP = 4096;
/** Line numbers kept per source for evidence (first ones); totals are counted separately. */
const LINES_CAP = 1000;

/** What one source did over the whole file: the population the statistical rules compare. */
export interface SourceProfile {
  source: string;
  /** Records of any kind with this source. */
  events: number;
  /** HTTP requests. */
  requests: number;
  status4xx: number;
  status5xx: number;
  posts: number;
  bytesTotal: number;
  bytesMax: number;
  /** 0-based line of the largest response. */
  bytesMaxLine: number;
  offHours: number;
  firstTime: number;
  lastTime: number;
  /** Highest number of requests within one clock minute. */
  peakPerMinute: number;
  /** 0-based line at which the peak minute's count was reached. */
  peakLine: number;
  /** Distinct request paths (query strings aside), counted exactly up to DISTINCT_CAP. */
  distinctPaths: number;
  /** Distinct user agents, counted exactly up to DISTINCT_CAP. */
  distinctAgents: number;
  /**
   * First LINES_CAP 0-based lines of this source. Made on each read from the packed store
   * (see LineArena): read it for the sources reported, not in a loop over all of them.
   */
  readonly lines: number[];
  /** How many lines `lines` holds. */
  readonly lineCount: number;
  /** @internal dense index of this profile (for the pair sets) */
  index: number;
  /** @internal running minute counter */
  minute: number;
  minuteCount: number;
  /** @internal the last user agent's id, and whether its pair is counted */
  lastAgentId: number;
  lastAgentPaired: boolean;
}

/** A profile's state; its evidence lines live in the shared arena. */
class ProfileState implements SourceProfile, LineList {
  events = 0;
  requests = 0;
  status4xx = 0;
  status5xx = 0;
  posts = 0;
  bytesTotal = 0;
  bytesMax = 0;
  bytesMaxLine: number;
  offHours = 0;
  firstTime = NaN;
  lastTime = NaN;
  peakPerMinute = 0;
  peakLine: number;
  distinctPaths = 0;
  distinctAgents = 0;
  minute = NaN;
  minuteCount = 0;
  lastAgentId = -1;
  lastAgentPaired = false;
  /** The evidence lines' list in the arena (see LineList). */
  linesHead = -1;
  linesTail = -1;
  lineCount = 0;

  constructor(
    readonly source: string,
    readonly index: number,
    line: number,
    private readonly arena: LineArena,
  ) {
    this.bytesMaxLine = line;
    this.peakLine = line;
  }

  get lines(): number[] {
    return this.arena.read(this);
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
  readonly bySource = new Map<string, SourceProfile>();
  private readonly arena = new LineArena();
  /** The string tables. A reader that interns in another thread fills them (see pushInterned). */
  readonly sources = new StringIds();
  readonly paths = new StringIds();
  readonly agents = new StringIds();
  /** Profile by source id. */
  private readonly byId: (ProfileState | undefined)[] = [];
  /** The ids of the record observed last (what the detectors then read, see RecordIds). */
  readonly current: RecordIds = { source: -1, path: -1, agent: -1 };
  // Sized for a mid-sized log (~100K pairs) so that big ones grow a few times, not a dozen.
  private readonly sourcePaths = new PairSet(1 << 16);
  private readonly sourceAgents = new PairSet(1 << 12);

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
      const last = sourceId >= 0 ? this.byId[sourceId]?.lastAgentId ?? -1 : -1;
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
  observeInterned(record: LogRecord, sourceId: number, pathId: number, agentId: number, newPairs = -1): void {
    if (record.kind === 'meta') return;
    const current = this.current;
    current.source = sourceId;
    current.path = pathId;
    current.agent = agentId;
    if (pathId >= 0) record.path = this.paths.strings[pathId];
    if (agentId >= 0) record.userAgent = this.agents.strings[agentId];
    if (sourceId < 0) return;
    let p = this.byId[sourceId];
    if (!p) {
      p = new ProfileState(this.sources.strings[sourceId], sourceId, record.line, this.arena);
      this.byId[sourceId] = p;
      this.bySource.set(p.source, p);
    }
    record.source = p.source;
    p.events++;
    if (p.lineCount < LINES_CAP) this.arena.push(p, record.line);
    const t = record.time;
    if (Number.isFinite(t)) {
      if (!(t >= p.firstTime)) p.firstTime = t;
      if (!(t <= p.lastTime)) p.lastTime = t;
      if (this.clock.isOffHours(t, record.offsetMinutes)) p.offHours++;
    }
    // the source's agent, and whether its pair is already counted
    let agentPaired = false;
    if (agentId >= 0) {
      if (agentId === p.lastAgentId) agentPaired = p.lastAgentPaired;
      else {
        p.lastAgentId = agentId;
        p.lastAgentPaired = false;
      }
    }
    if (record.kind !== 'http') return;
    p.requests++;
    const status = record.status ?? 0;
    if (status >= 400 && status < 500) p.status4xx++;
    else if (status >= 500 && status < 600) p.status5xx++;
    if (record.method === 'POST') p.posts++;
    const bytes = record.bytes ?? 0;
    if (bytes > 0) {
      p.bytesTotal += bytes;
      if (bytes > p.bytesMax) {
        p.bytesMax = bytes;
        p.bytesMaxLine = record.line;
      }
    }
    // (Counting only first sightings while under the cap gives min(cap, distinct) either way.)
    if (pathId >= 0 && p.distinctPaths < DISTINCT_CAP && (newPairs >= 0 ? (newPairs & 1) !== 0 : this.sourcePaths.add(sourceId, pathId))) p.distinctPaths++;
    if (agentId >= 0 && !agentPaired && p.distinctAgents < DISTINCT_CAP) {
      if (newPairs >= 0 ? (newPairs & 2) !== 0 : this.sourceAgents.add(sourceId, agentId)) p.distinctAgents++;
      p.lastAgentPaired = true;
    }
    if (Number.isFinite(t)) {
      const minute = Math.floor(t / 60_000);
      if (minute === p.minute) p.minuteCount++;
      else {
        p.minute = minute;
        p.minuteCount = 1;
      }
      if (p.minuteCount > p.peakPerMinute) {
        p.peakPerMinute = p.minuteCount;
        p.peakLine = record.line;
      }
    }
  }

  /** Profiles with at least one HTTP request. */
  httpProfiles(): SourceProfile[] {
    const out: SourceProfile[] = [];
    for (const p of this.bySource.values()) if (p.requests > 0) out.push(p);
    return out;
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
