/**
 * Rule `url-scan`: one source requesting many distinct paths within a sliding window, most of
 * them answered 4xx — forced browsing and content discovery (T1595.003).
 *
 * Trigger (configurable): ≥ `distinctPaths` distinct paths (query strings ignored) and a 4xx
 * share ≥ `minErrorRatio` among the source's requests in `windowSeconds`. The window slides
 * over the requests in line order; its right edge is the latest time seen, so a log that is
 * only roughly sorted (seconds of jitter) gets an exact window and a shuffled log a fair
 * approximation. Lines without a time stay in the window of the source's previous line.
 *
 * Confidence of the reported (busiest) window:
 *   0.45                                        at the thresholds: medium
 * + 0.20 · saturate(paths / threshold − 1, 1)   how far past the path threshold
 * + 0.15 · (4xx share − min) / (1 − min)        how far past the error threshold
 * + 0.10 · saturate(paths per minute / 30, 1)   speed: tools, not people
 * + 0.10 · saturate(well-known probe paths / 3, 1)  /.env, /.git/config, /wp-admin ...
 * A crawler at normal rates gets 2xx answers and never reaches the error threshold.
 *
 * Small probes: a source below the path threshold that still asked, within one window, for
 * ≥ 5 distinct well-known sensitive paths (/.env, /.git/config, /phpmyadmin, /backup.zip ...)
 * and was refused (4xx) each time is reported with low-to-medium confidence:
 *   0.30 + 0.15 · saturate(probe paths − 5, 5) + 0.05 · [every request in the window was 4xx]
 * Nobody types five of these by accident, but five refusals also show nothing was found.
 */
import type { EvidenceValue, Finding, LogRecord } from '../model';
import type { Detector, DetectorContext, DetectorFactory } from './types';
import { formatDuration, makeFinding, saturate } from '../score';
import { copyString, StringIds } from './stringIds';
import { PairMap } from './pairTables';
import { doubledToHold, grownCopy, INITIAL_SLOTS } from '../typedArrays';

/** Well-known probe paths answered 4xx that make a small probe worth reporting. */
export const SMALL_PROBE_MIN_PATHS = 5;

/**
 * Paths scanners ask every server for: dot-files and VCS metadata, admin consoles, backups
 * and dumps, configuration files, debug pages, and known-vulnerable components.
 */
const PROBE_PATH =
  /(?:^|\/)(?:\.env(?:\.[\w-]{1,20})?$|\.(?:git|svn|hg|bzr|aws|ssh|docker)(?:\/|$)|\.ds_store$|\.ht(?:access|passwd)$|\.bash_history$|\.npmrc$|wp-admin(?:\/|$)|wp-login\.php$|wp-config\.php|xmlrpc\.php$|php-?my-?admin|pma(?:\/|$)|myadmin(?:\/|$)|mysqladmin|adminer[\w.-]{0,10}\.php$|admin(?:istrator)?(?:\/|$|\.php$)|backups?(?:\/|$)|(?:backup|back|bak|site|www|db|database|dump|data|old|web|html|public_html|wwwroot|archive)[\w.-]{0,20}\.(?:zip|tar|tar\.gz|tgz|sql|bak|rar|7z|gz)$|config(?:uration)?\.(?:php|inc|json|ya?ml|bak|old)$|web\.config$|server-(?:status|info)$|(?:php)?info\.php$|phpinfo|test\.php$|shell\.php$|cgi-bin(?:\/|$)|manager\/html|actuator(?:\/|$)|jmx-console|vendor\/phpunit|solr\/admin|boaform|hnap1|owa\/auth|telescope\/requests|_profiler|\.vscode\/|\.idea\/)/i;

export function isProbePath(path: string): boolean {
  return PROBE_PATH.test(path);
}

/** The busiest window that met the trigger (or the small-probe condition). */
interface WindowSnapshot {
  distinct: number;
  requests: number;
  errors: number;
  probes: number;
  durationMs: number;
  /** 0-based line at which this window was reached. */
  line: number;
}

/**
 * What a source that met the trigger (or the small-probe condition) has shown: made only for
 * those. Its window's counters are in Windows' rows.
 */
class SourceReport {
  /** First line that met the trigger, the busiest window, and the lines of triggering windows. */
  crossLine = -1;
  best: WindowSnapshot | null = null;
  evidence: number[] | null = null;
  /** Sequence number of the last request added to the evidence (-1: none). */
  evidenceLast = -1;
  /** Same for small probes. */
  probeBest: WindowSnapshot | null = null;
  probeEvidence: number[] | null = null;
  probeLast = -1;
  probeExamples: string[] | null = null;
  otherExamples: string[] | null = null;

  constructor(
    readonly source: string | undefined,
    /** Source key (source id + 1). */
    readonly key: number,
  ) {}

  noteExample(path: string, probe: boolean): void {
    const list = probe ? (this.probeExamples ??= []) : (this.otherExamples ??= []);
    if (list.length < 3 && !list.includes(path)) list.push(copyString(path));
  }
}

/**
 * A source's window counters, ROW doubles a source in one array (64 bytes, a cache line's
 * size): its requests, 4xx answers, distinct paths and distinct refused probe paths in the
 * window, the sequence numbers of its oldest and newest request there (-1: none), its newest
 * time in the window and its last time (its untimed records take it). An object per source,
 * dropped when its window emptied, cost two or three cache misses a request and as many
 * allocations as a busy log has returning clients (1M-line run: 68K).
 */
const REQUESTS = 0;
const ERRORS = 1;
const DISTINCT = 2;
const PROBE_DISTINCT = 3;
const HEAD_SEQ = 4;
const TAIL_SEQ = 5;
const MAX_TIME = 6;
const LAST_TIME = 7;
const ROW = 8;

/**
 * The distinct (source, path) pairs that have requests in the window, as slots of parallel
 * arrays (no object per pair), found by their interned ids in a PairMap. A slot is freed as
 * soon as its last request leaves the window.
 */
class PathEntries {
  readonly slotOf = new PairMap();
  /** Per slot: the path, its requests and 4xx answers in the window, probe verdict (1, 0, -1: not yet). */
  path: (string | undefined)[] = [];
  inWindow = new Int32Array(INITIAL_SLOTS);
  refused = new Int32Array(INITIAL_SLOTS);
  probe = new Int8Array(INITIAL_SLOTS);
  /** The pair a slot belongs to. */
  sourceKey = new Int32Array(INITIAL_SLOTS);
  pathId = new Int32Array(INITIAL_SLOTS);
  private free: number[] = [];

  /** The slot of (sourceKey, pathId), taken when new. */
  slot(sourceKey: number, pathId: number, path: string): number {
    let slot = this.slotOf.get(sourceKey, pathId);
    if (slot >= 0) return slot;
    slot = this.free.length > 0 ? this.free.pop()! : this.path.length;
    if (slot >= this.inWindow.length) this.grow();
    // Not copied: the path is the analyzer's canonical string (or lives only while in the window).
    this.path[slot] = path;
    this.inWindow[slot] = 0;
    this.refused[slot] = 0;
    this.probe[slot] = -1;
    this.sourceKey[slot] = sourceKey;
    this.pathId[slot] = pathId;
    this.slotOf.set(sourceKey, pathId, slot);
    return slot;
  }

  release(slot: number): void {
    this.slotOf.delete(this.sourceKey[slot], this.pathId[slot]);
    this.path[slot] = undefined;
    this.free.push(slot);
  }

  private grow(): void {
    const n = this.inWindow.length * 2;
    this.inWindow = grownCopy(this.inWindow, n);
    this.refused = grownCopy(this.refused, n);
    this.probe = grownCopy(this.probe, n);
    this.sourceKey = grownCopy(this.sourceKey, n);
    this.pathId = grownCopy(this.pathId, n);
  }
}

/**
 * The window of every source at once: requests in arrival order in one ring of typed arrays,
 * each linked to the same source's next request, so evicting by time and walking one
 * source's requests are both cheap and memory follows the window, not the file. A request
 * is known by its sequence number; it sits at `seq & mask` while in the window.
 * Sources and paths are known by their interned ids (see RecordIds); a source's counters
 * are a row of `rows` by its key (source id + 1; 0 for records without a source).
 */
class Windows {
  private rows = new Float64Array(ROW * INITIAL_SLOTS);
  /** By key: what the sources that met a trigger have shown. */
  private readonly reports: (SourceReport | undefined)[] = [];
  /** Per key: the rank at which the source was first seen (+1; 0: never) — the order findings are made in. */
  private firstSeen = new Int32Array(INITIAL_SLOTS);
  private seen = 0;
  private readonly entries = new PathEntries();
  /** The ring, by `seq & mask`: time, owner's key, entry slot, line, 4xx answer, and the owner's next request's seq (-1: none yet). */
  private times = new Float64Array(INITIAL_SLOTS);
  private owners = new Int32Array(INITIAL_SLOTS);
  private slots = new Int32Array(INITIAL_SLOTS);
  private lines = new Int32Array(INITIAL_SLOTS);
  private refused = new Uint8Array(INITIAL_SLOTS);
  private next = new Float64Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  /** Sequence numbers of the oldest request in the window and of the next one to come. */
  private head = 0;
  private tail = 0;
  private maxTime = -Infinity;

  constructor(
    private readonly distinctPaths: number,
    private readonly minErrorRatio: number,
    private readonly windowMs: number,
    private readonly maxLines: number,
  ) {}

  add(sourceId: number, source: string | undefined, pathId: number, path: string, status: number, time: number, line: number): void {
    const key = sourceId + 1;
    if (key >= this.firstSeen.length) {
      const size = doubledToHold(this.firstSeen.length, key);
      this.firstSeen = grownCopy(this.firstSeen, size);
      this.rows = grownCopy(this.rows, size * ROW);
    }
    const rows = this.rows;
    const r = key * ROW;
    if (this.firstSeen[key] === 0) {
      this.firstSeen[key] = ++this.seen;
      rows[r + HEAD_SEQ] = -1;
      rows[r + TAIL_SEQ] = -1;
      rows[r + MAX_TIME] = -Infinity;
    }
    const t = Number.isFinite(time) ? time : rows[r + LAST_TIME];
    rows[r + LAST_TIME] = t;
    if (t < this.maxTime - this.windowMs) return; // older than the window: a shuffled log
    if (t > this.maxTime) {
      this.maxTime = t;
      this.evict(t - this.windowMs);
    }
    if (t > rows[r + MAX_TIME] || rows[r + HEAD_SEQ] < 0) rows[r + MAX_TIME] = t;

    const entries = this.entries;
    const slot = entries.slot(key, pathId, path);
    if (entries.inWindow[slot]++ === 0) rows[r + DISTINCT]++;
    const refused = status >= 400 && status < 500;
    rows[r + REQUESTS]++;
    if (refused) {
      rows[r + ERRORS]++;
      if (entries.probe[slot] < 0) entries.probe[slot] = isProbePath(path) ? 1 : 0;
      // counted as 0 or 1, not under a branch: the first refused probe path comes late in a log,
      // and a branch first taken then makes V8 throw away this function's optimised code
      rows[r + PROBE_DISTINCT] += entries.refused[slot]++ === 0 && entries.probe[slot] === 1 ? 1 : 0;
    }
    if (this.tail - this.head > this.mask) this.grow();
    const seq = this.tail++;
    const at = seq & this.mask;
    this.times[at] = t;
    this.owners[at] = key;
    this.slots[at] = slot;
    this.lines[at] = line;
    this.refused[at] = refused ? 1 : 0;
    this.next[at] = -1;
    const newest = rows[r + TAIL_SEQ];
    if (newest >= this.head) this.next[newest & this.mask] = seq;
    else rows[r + HEAD_SEQ] = seq;
    rows[r + TAIL_SEQ] = seq;

    const distinct = rows[r + DISTINCT];
    const requests = rows[r + REQUESTS];
    const errors = rows[r + ERRORS];
    const probes = rows[r + PROBE_DISTINCT];
    const duration = rows[r + MAX_TIME] - this.times[rows[r + HEAD_SEQ] & this.mask];
    if (distinct >= this.distinctPaths && errors >= this.minErrorRatio * requests) {
      const w = this.reportOf(key, source);
      if (w.crossLine < 0) w.crossLine = line;
      const b = w.best;
      if (!b || distinct > b.distinct || (distinct === b.distinct && errors * b.requests > b.errors * requests)) {
        w.best = { distinct, requests, errors, probes, durationMs: duration, line };
      }
      this.collect(w, false);
    } else if (probes >= SMALL_PROBE_MIN_PATHS) {
      const w = this.reportOf(key, source);
      const b = w.probeBest;
      if (!b || probes > b.probes) {
        w.probeBest = { distinct, requests, errors, probes, durationMs: duration, line };
      }
      this.collect(w, true);
    }
  }

  /** The report of the source at `key`, made at its first trigger. */
  private reportOf(key: number, source: string | undefined): SourceReport {
    let w = this.reports[key];
    if (!w) {
      w = new SourceReport(source === undefined ? undefined : copyString(source), key);
      while (this.reports.length < key) this.reports.push(undefined);
      this.reports[key] = w;
    }
    return w;
  }

  /** The sources that have something to report, in the order they were first seen. */
  reportable(): SourceReport[] {
    const out: SourceReport[] = [];
    for (const w of this.reports) if (w && (w.best || w.probeBest)) out.push(w);
    return out.sort((a, b) => this.firstSeen[a.key] - this.firstSeen[b.key]);
  }

  /**
   * Adds the source's requests in the window that were not added yet (each request at most
   * once: linear overall). For small probes only the refused probe paths are evidence.
   */
  private collect(w: SourceReport, probesOnly: boolean): void {
    const list = probesOnly ? (w.probeEvidence ??= []) : (w.evidence ??= []);
    const last = probesOnly ? w.probeLast : w.evidenceLast;
    const entries = this.entries;
    const mask = this.mask;
    const oldest = this.rows[w.key * ROW + HEAD_SEQ];
    const newest = this.rows[w.key * ROW + TAIL_SEQ];
    // continue after the last request collected while it is still in the window
    let seq = last >= oldest && last >= 0 ? this.next[last & mask] : oldest;
    for (; seq >= 0; seq = this.next[seq & mask]) {
      const at = seq & mask;
      const refused = this.refused[at] === 1;
      const slot = this.slots[at];
      const probe = entries.probe[slot] === 1;
      if (!probesOnly || (refused && probe)) {
        if (list.length < this.maxLines) list.push(this.lines[at]);
        if (refused) w.noteExample(entries.path[slot]!, probe);
      }
    }
    if (probesOnly) w.probeLast = newest;
    else w.evidenceLast = newest;
  }

  private evict(oldest: number): void {
    const entries = this.entries;
    const mask = this.mask;
    const rows = this.rows;
    while (this.head < this.tail && this.times[this.head & mask] < oldest) {
      const seq = this.head;
      const at = seq & mask;
      const r = this.owners[at] * ROW;
      const slot = this.slots[at];
      rows[r + REQUESTS]--;
      if (--entries.inWindow[slot] === 0) rows[r + DISTINCT]--;
      if (this.refused[at] === 1) {
        rows[r + ERRORS]--;
        rows[r + PROBE_DISTINCT] -= --entries.refused[slot] === 0 && entries.probe[slot] === 1 ? 1 : 0;
      }
      // paths that left the window are forgotten
      if (entries.inWindow[slot] === 0 && entries.refused[slot] === 0) entries.release(slot);
      if (rows[r + HEAD_SEQ] === seq) rows[r + HEAD_SEQ] = this.next[at];
      if (rows[r + TAIL_SEQ] === seq) {
        rows[r + HEAD_SEQ] = -1;
        rows[r + TAIL_SEQ] = -1;
      }
      this.head++;
    }
  }

  /** Twice the room: every request in the window moves to its place in the bigger ring. */
  private grow(): void {
    const size = (this.mask + 1) * 2;
    const mask = size - 1;
    const times = new Float64Array(size);
    const owners = new Int32Array(size);
    const slots = new Int32Array(size);
    const lines = new Int32Array(size);
    const refused = new Uint8Array(size);
    const next = new Float64Array(size);
    for (let seq = this.head; seq < this.tail; seq++) {
      const from = seq & this.mask;
      const to = seq & mask;
      times[to] = this.times[from];
      owners[to] = this.owners[from];
      slots[to] = this.slots[from];
      lines[to] = this.lines[from];
      refused[to] = this.refused[from];
      next[to] = this.next[from];
    }
    this.times = times;
    this.owners = owners;
    this.slots = slots;
    this.lines = lines;
    this.refused = refused;
    this.next = next;
    this.mask = mask;
  }
}

export const createUrlScanDetector: DetectorFactory = (config, ids): Detector => {
  const settings = config.rules['url-scan'];
  const distinctPaths = Math.max(1, settings.distinctPaths);
  const minErrorRatio = Math.min(1, Math.max(0, settings.minErrorRatio));
  const windowMs = Math.max(1, settings.windowSeconds) * 1000;
  const windows = new Windows(distinctPaths, minErrorRatio, windowMs, Math.max(1, config.maxEvidenceLines));
  // Made without the analyzer's ids (a unit test): intern here.
  const local = ids ? undefined : { sources: new StringIds(), paths: new StringIds() };

  return {
    rule: 'url-scan',

    observe(record: LogRecord): void {
      if (record.kind !== 'http' || record.path === undefined) return;
      const source = record.source;
      const sourceId = ids ? ids.source : source === undefined ? -1 : local!.sources.id(source);
      const pathId = ids ? ids.path : local!.paths.id(record.path);
      windows.add(sourceId, source, pathId, record.path, record.status ?? 0, record.time, record.line);
    },

    finish(ctx: DetectorContext): Finding[] {
      const findings: Finding[] = [];
      for (const w of windows.reportable()) {
        if (w.source !== undefined && ctx.isAllowed(w.source)) continue;
        const draft = w.best ? scanDraft(w, w.best, distinctPaths, minErrorRatio, windowMs) : probeDraft(w, w.probeBest!);
        findings.push(makeFinding(draft, ctx.file, ctx.config.maxEvidenceLines));
      }
      return findings;
    },
  };
};

function examples(w: SourceReport): string[] {
  return [...(w.probeExamples ?? []), ...(w.otherExamples ?? [])].slice(0, 3);
}

/** A configured window as people write it: 10m, 1h, 90s. */
function windowLabel(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return formatDuration(seconds);
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function scanDraft(w: SourceReport, b: WindowSnapshot, threshold: number, minRatio: number, windowMs: number) {
  const share = b.requests > 0 ? b.errors / b.requests : 0;
  const minutes = Math.max(b.durationMs, 1000) / 60_000;
  const perMinute = b.distinct / minutes;
  const errOver = minRatio < 1 ? Math.min(1, Math.max(0, (share - minRatio) / (1 - minRatio))) : 1;
  const confidence =
    0.45 +
    0.2 * saturate(b.distinct / threshold - 1, 1) +
    0.15 * errOver +
    // 30 new paths a minute is far beyond reading pages
    0.1 * saturate(perMinute / 30, 1) +
    0.1 * saturate(b.probes / 3, 1);
  const who = w.source ?? 'an unknown source';
  const ex = examples(w);
  const message =
    `${b.distinct} distinct paths from ${who} in ${formatDuration(b.durationMs / 1000)}, ${percent(share)} answered 4xx` +
    `${ex.length ? ` (e.g. ${ex.join(', ')})` : ''}; threshold ${threshold} paths, ${percent(minRatio)} 4xx in ${windowLabel(windowMs / 1000)}`;
  const evidence: Record<string, EvidenceValue> = {
    distinctPaths: b.distinct,
    requests: b.requests,
    errorRatio: Math.round(share * 1000) / 1000,
    windowSeconds: Math.round(b.durationMs / 1000),
    pathsPerMinute: Math.round(perMinute * 10) / 10,
    probePaths: b.probes,
    examplePaths: ex,
    thresholdPaths: threshold,
    thresholdErrorRatio: minRatio,
    thresholdWindowSeconds: windowMs / 1000,
  };
  return {
    rule: 'url-scan' as const,
    title: `URL scan from ${who}`,
    confidence,
    source: w.source,
    primaryLine: w.crossLine,
    evidenceLines: w.evidence ?? [],
    message,
    evidence,
  };
}

function probeDraft(w: SourceReport, b: WindowSnapshot) {
  const allRefused = b.requests > 0 && b.errors === b.requests;
  // five probes is the floor; five more give ~63% of the remaining 0.15
  const confidence = 0.3 + 0.15 * saturate(b.probes - SMALL_PROBE_MIN_PATHS, 5) + (allRefused ? 0.05 : 0);
  const who = w.source ?? 'an unknown source';
  const ex = (w.probeExamples ?? []).slice(0, 3);
  const message =
    `${b.probes} well-known sensitive paths probed by ${who} in ${formatDuration(b.durationMs / 1000)}, all refused (4xx)` +
    `${ex.length ? ` (e.g. ${ex.join(', ')})` : ''}; below the URL-scan threshold, reported from ${SMALL_PROBE_MIN_PATHS} such paths`;
  const evidence: Record<string, EvidenceValue> = {
    probePaths: b.probes,
    distinctPaths: b.distinct,
    requests: b.requests,
    errorRatio: b.requests > 0 ? Math.round((b.errors / b.requests) * 1000) / 1000 : 0,
    windowSeconds: Math.round(b.durationMs / 1000),
    examplePaths: ex,
    smallProbe: true,
  };
  return {
    rule: 'url-scan' as const,
    title: `Probe of sensitive paths from ${who}`,
    confidence,
    source: w.source,
    primaryLine: b.line,
    evidenceLines: w.probeEvidence ?? [],
    message,
    evidence,
  };
}
