import type { LogRecord } from '../model';
import type { WorkingHoursClock } from '../time/workingHours';

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
  paths: Set<string>;
  agents: Set<string>;
  /** First LINES_CAP 0-based lines of this source. */
  lines: number[];
  /** @internal running minute counter */
  minute: number;
  minuteCount: number;
}

/**
 * Per-source aggregates, fed once per record by the analyzer and shared by the statistical
 * detectors (volume, error rate, exfiltration, outliers) so no detector keeps its own copy.
 */
export class SourceProfiles {
  readonly bySource = new Map<string, SourceProfile>();

  constructor(private readonly clock: WorkingHoursClock) {}

  observe(record: LogRecord): void {
    const source = record.source;
    if (source === undefined || record.kind === 'meta') return;
    let p = this.bySource.get(source);
    if (!p) {
      p = {
        source: copyString(source),
        events: 0,
        requests: 0,
        status4xx: 0,
        status5xx: 0,
        posts: 0,
        bytesTotal: 0,
        bytesMax: 0,
        bytesMaxLine: record.line,
        offHours: 0,
        firstTime: NaN,
        lastTime: NaN,
        peakPerMinute: 0,
        peakLine: record.line,
        paths: new Set(),
        agents: new Set(),
        lines: [],
        minute: NaN,
        minuteCount: 0,
      };
      this.bySource.set(p.source, p);
    }
    p.events++;
    if (p.lines.length < LINES_CAP) p.lines.push(record.line);
    const t = record.time;
    if (Number.isFinite(t)) {
      if (!(t >= p.firstTime)) p.firstTime = t;
      if (!(t <= p.lastTime)) p.lastTime = t;
      if (this.clock.isOffHours(t, record.offsetMinutes)) p.offHours++;
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
    if (record.path !== undefined && p.paths.size < DISTINCT_CAP) p.paths.add(record.path);
    if (record.userAgent !== undefined && p.agents.size < DISTINCT_CAP) p.agents.add(record.userAgent);
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

/** Copies a string out of the big line it was sliced from, so the line can be freed. */
export function copyString(s: string): string {
  return (' ' + s).slice(1);
}
