/**
 * data-exfiltration: far more data leaving towards one source than towards anyone else.
 *
 * (a) Total (T1030, data moved in many responses): the bytes a source received, robust z over
 *     log(1 + bytes) against every HTTP source (floor ln 2, robustStats.ts); fires when
 *     z ≥ zThreshold and the bytes ≥ minBytes. Needs ≥ MIN_POPULATION sources.
 *     Known big files are not counted: a large response (≥ 1 MB) counts as a known big file
 *     when at least KNOWN_BY_OTHERS *other* sources received a large response from the same
 *     directory at least 1/2^zThreshold of its size (1/8 by default: the spread a z of 3
 *     allows at the 1-octave floor). That is the ISO everyone downloads at 700 MB, or a folder
 *     of 40–70 MB release jars each fetched by a few people; fetching public content sends
 *     nothing new. Only other sources count, so nobody makes their own dump "known" by
 *     repeating it or by spreading it over many paths.
 * (b) Single response (T1048): one response ≥ minBytes whose size is ≥ zThreshold σ above its
 *     path's norm (an endpoint that usually answers 2 KB sending 50 MB: a dump). The norm is an
 *     octave histogram of the path's successful responses (2xx except 206 partial content;
 *     error pages and 304s would make every file look small), spread floor 1 octave, and it
 *     counts only once it holds ≥ 5 responses to ≥ 3 distinct sources. A path without a norm
 *     has no "usual" to be far above; a big one-off download still counts in (a).
 * A source with a (b) finding gets an (a) finding only if its total without those responses
 * still meets the thresholds (otherwise both would report the same download).
 *
 * Per-path histograms (48 × 4 bytes) are kept for at most MAX_PATHS paths, large responses for
 * at most MAX_LARGE; beyond that, paths have no norm and large responses are not explained.
 *
 * Confidence:
 * (a) 0.05 + 0.25 · saturate(z − zThreshold, zThreshold)
 *          + 0.70 · saturate(log2(bytes / minBytes), 5)         (10 MB → 0, 320 MB → 0.63)
 *     The amount weighs most: z only says "unlike the others", which a heavy but ordinary
 *     visitor also is. 25 MB of slides stays low, 600 MB is high, 10 GB critical.
 * (b) 0.25 + 0.40 · saturate(z − zThreshold, zThreshold)
 *          + 0.20 · saturate(log2(bytes / minBytes), 3)
 *          + 0.15 · min(1, responses in the norm / 50)           (how sure "usual" is)
 */
import type { Finding, LogRecord } from '../model';
import { formatNumber, makeFinding, saturate } from '../score';
import type { Detector, DetectorContext, DetectorFactory } from './types';
import { copyString } from './stringIds';
import type { SourceProfile } from './sourceProfiles';
import { LOG_COUNT_FLOOR, RobustScale, logCount, median, robustScale, robustScaleOfHistogram, robustZ } from './robustStats';
import { grownCopy, INITIAL_SLOTS } from '../typedArrays';

const MIN_POPULATION = 5;
/** Octave buckets: 2^47 B = 128 TiB is more than any response. */
const BUCKETS = 48;
/** Paths whose size histogram is kept (≈ 300 B each). */
const MAX_PATHS = 50_000;
/** Large responses remembered for the norm checks of (a) and (b). */
const MAX_LARGE = 100_000;
/** "Large": at least this big (or minBytes when that is smaller). */
const LARGE_BYTES = 1024 * 1024;
/** Other sources that must have fetched comparable large files from a directory. */
const KNOWN_BY_OTHERS = 2;
/** A path norm needs this many responses ... */
const MIN_NORM_RESPONSES = 5;
/** ... to this many distinct sources. */
const MIN_NORM_SOURCES = 3;
/** Spread floor of response sizes: one octave. */
const OCTAVE_FLOOR = 1;
const MB = 1024 * 1024;

interface SizeStats {
  /** Where this path's histogram starts in the shared histogram array. */
  offset: number;
  /** Up to MIN_NORM_SOURCES distinct sources seen (copied strings). */
  sources: string[];
}

interface LargeResponse {
  line: number;
  source: string;
  path: string;
  bytes: number;
}

interface Norm {
  scale: RobustScale;
  path: string;
}

/** A copy of a typed array in a bigger one. */
function bucketOf(bytes: number): number {
  const b = bytes < 4294967296 ? 31 - Math.clz32(bytes) : Math.floor(Math.log2(bytes));
  return b < BUCKETS ? b : BUCKETS - 1;
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/', path.length - 2);
  return slash <= 0 ? '/' : path.slice(0, slash + 1);
}

export const createDataExfiltrationDetector: DetectorFactory = (config, ids): Detector => {
  const byPath = new Map<string, SizeStats>();
  /** Path stats in the order made (stats k has its histogram at k · BUCKETS). */
  const bySlot: SizeStats[] = [];
  /** Slot + 1 by the analyzer's path id (0: none yet): one typed-array read per request instead of a map lookup. */
  let slotByPathId = new Int32Array(INITIAL_SLOTS);
  /** Every path's histogram, BUCKETS counters each, one after the other (grown as paths come). */
  let hists = new Uint32Array(BUCKETS * INITIAL_SLOTS);
  /** Sources noted per slot (up to MIN_NORM_SOURCES), so that full ones are not even looked at. */
  let sourceCount = new Uint8Array(INITIAL_SLOTS);
  const histOf = (stats: SizeStats) => hists.subarray(stats.offset, stats.offset + BUCKETS);
  const large: LargeResponse[] = [];
  const largeBytes = Math.min(LARGE_BYTES, config.rules['data-exfiltration'].minBytes);

  function observe(record: LogRecord): void {
    if (record.kind !== 'http') return;
    const bytes = record.bytes;
    if (bytes === undefined || !(bytes >= 1)) return;
    const path = record.path;
    const source = record.source;
    if (path === undefined || source === undefined) return;
    if (bytes >= largeBytes && large.length < MAX_LARGE) {
      large.push({ line: record.line, source: copyString(source), path: copyString(path), bytes });
    }
    const status = record.status;
    if (status !== undefined && (status < 200 || status >= 300 || status === 206)) return;
    const pathId = ids ? ids.path : -1;
    let slot = pathId >= 0 ? (pathId < slotByPathId.length ? slotByPathId[pathId] : 0) - 1 : (byPath.get(path)?.offset ?? -BUCKETS) / BUCKETS;
    if (slot < 0) {
      if (byPath.size >= MAX_PATHS) return;
      slot = bySlot.length;
      if ((slot + 1) * BUCKETS > hists.length) {
        hists = grownCopy(hists, hists.length * 2);
        sourceCount = grownCopy(sourceCount, sourceCount.length * 2);
      }
      const stats: SizeStats = { offset: slot * BUCKETS, sources: [] };
      bySlot.push(stats);
      // The analyzer's canonical path string: kept as the key as it is.
      byPath.set(path, stats);
      if (pathId >= 0) {
        if (pathId >= slotByPathId.length) slotByPathId = grownCopy(slotByPathId, Math.max(slotByPathId.length * 2, pathId + 1));
        slotByPathId[pathId] = slot + 1;
      }
    }
    hists[slot * BUCKETS + bucketOf(bytes)]++;
    if (sourceCount[slot] < MIN_NORM_SOURCES) {
      const stats = bySlot[slot];
      if (!stats.sources.includes(source)) {
        stats.sources.push(copyString(source));
        sourceCount[slot]++;
      }
    }
  }

  function finish(ctx: DetectorContext): Finding[] {
    const settings = ctx.config.rules['data-exfiltration'];
    const { zThreshold, minBytes } = settings;
    const norms = new Map<string, Norm | null>();
    const known = new KnownBigFiles(large, zThreshold);

    // Sort the large responses into outsized for their path (b), known big files (not
    // counted in a), and the rest.
    const explained = new Map<string, number>();
    const outsized = new Map<string, { response: LargeResponse; z: number; norm: Norm }[]>();
    for (const r of large) {
      const norm = pathNorm(r.path, norms);
      const z = norm ? robustZ(Math.log2(r.bytes), norm.scale) : 0;
      if (norm && z >= zThreshold) {
        if (r.bytes >= minBytes && !ctx.isAllowed(r.source)) {
          let list = outsized.get(r.source);
          if (!list) outsized.set(r.source, (list = []));
          list.push({ response: r, z, norm });
        }
      } else if (known.isKnown(r)) {
        explained.set(r.source, (explained.get(r.source) ?? 0) + r.bytes);
      }
    }

    const out: Finding[] = [];
    const outsizedBytes = new Map<string, number>();
    for (const [source, list] of outsized) {
      out.push(singleResponseFinding(source, list, ctx));
      outsizedBytes.set(source, list.reduce((sum, o) => sum + o.response.bytes, 0));
    }

    // the population's figures from their rows; a profile view only for the sources reported
    const { ids, rows } = ctx.profiles.httpFigures();
    const sources = ctx.profiles.sources.strings;
    if (ids.length < MIN_POPULATION) return out;
    const counted = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const bytesTotal = rows.bytesTotal(id);
      counted[i] = explained.size === 0 ? bytesTotal : Math.max(0, bytesTotal - (explained.get(sources[id]) ?? 0));
    }
    const logs = counted.map(logCount);
    const scale = robustScale(logs, LOG_COUNT_FLOOR);
    let medianBytes = NaN;
    for (let i = 0; i < ids.length; i++) {
      const bytes = counted[i];
      if (bytes < minBytes) continue;
      const z = robustZ(logs[i], scale);
      if (z < zThreshold) continue;
      const p = ctx.profiles.profile(ids[i]);
      if (ctx.isAllowed(p.source)) continue;
      const alreadyReported = outsizedBytes.get(p.source) ?? 0;
      if (alreadyReported > 0) {
        const rest = bytes - alreadyReported;
        if (rest < minBytes || robustZ(logCount(rest), scale) < zThreshold) continue;
      }
      if (Number.isNaN(medianBytes)) medianBytes = median(counted);
      out.push(totalFinding(p, bytes, z, medianBytes, ids.length, ctx));
    }
    return out;
  }

  /** The path's established norm (cached in `cache` for this finish), or undefined. */
  function pathNorm(path: string, cache: Map<string, Norm | null>): Norm | undefined {
    let norm = cache.get(path);
    if (norm === undefined) {
      const stats = byPath.get(path);
      norm =
        stats && established(histOf(stats), stats.sources.length)
          ? { path, scale: robustScaleOfHistogram(histOf(stats), OCTAVE_FLOOR) }
          : null;
      cache.set(path, norm);
    }
    return norm ?? undefined;
  }

  return { rule: 'data-exfiltration', observe, finish };
};

/**
 * The finding of a source whose bytes in all are past the thresholds. Out of finish's loop:
 * that loop runs over every source and is compiled again in an editor's first appends; with
 * this code inside, each compile took ~30 ms of the other core (--trace-opt).
 */
function totalFinding(p: SourceProfile, bytes: number, z: number, medianBytes: number, population: number, ctx: DetectorContext): Finding {
  const { zThreshold, minBytes } = ctx.config.rules['data-exfiltration'];
  const confidence = 0.05 + 0.25 * saturate(z - zThreshold, zThreshold) + 0.7 * saturate(Math.log2(bytes / minBytes), 5);
  const excluded = p.bytesTotal - bytes;
  return makeFinding(
    {
      rule: 'data-exfiltration',
      title: `${formatBytes(bytes)} sent to ${p.source}`,
      confidence,
      attack: ['T1030'],
      source: p.source,
      primaryLine: p.bytesMaxLine,
      evidenceLines: p.lines,
      discriminator: 'total',
      message:
        `${formatBytes(bytes)} sent to ${p.source} in ${formatNumber(p.requests)} responses ` +
        `vs a median of ${formatBytes(medianBytes)} per source (z = ${z.toFixed(1)}); ` +
        `threshold z ≥ ${zThreshold} and ≥ ${formatBytes(minBytes)}` +
        (excluded > 0 ? `; ${formatBytes(excluded)} of known big files not counted` : ''),
      evidence: {
        kind: 'total',
        bytes,
        bytesTotal: p.bytesTotal,
        knownBigFileBytes: excluded,
        responses: p.requests,
        largestResponse: p.bytesMax,
        medianBytes,
        z: round2(z),
        population,
      },
    },
    ctx.file,
    ctx.config.maxEvidenceLines,
  );
}

function singleResponseFinding(
  source: string,
  list: { response: LargeResponse; z: number; norm: Norm }[],
  ctx: DetectorContext,
): Finding {
  const { zThreshold, minBytes } = ctx.config.rules['data-exfiltration'];
  let top = list[0];
  for (const o of list) if (o.z > top.z || (o.z === top.z && o.response.bytes > top.response.bytes)) top = o;
  const { response, z, norm } = top;
  const confidence =
    0.25 +
    0.4 * saturate(z - zThreshold, zThreshold) +
    0.2 * saturate(Math.log2(response.bytes / minBytes), 3) +
    0.15 * Math.min(1, norm.scale.count / 50);
  const usual = Math.pow(2, norm.scale.median);
  const normText = `usual size for that path ${formatBytes(usual)}`;
  const more = list.length > 1 ? ` (${list.length} such responses)` : '';
  return makeFinding(
    {
      rule: 'data-exfiltration',
      title: `Outsized response (${formatBytes(response.bytes)}) to ${source}`,
      confidence,
      attack: ['T1048'],
      source,
      primaryLine: response.line,
      evidenceLines: list.map((o) => o.response.line),
      discriminator: 'response',
      message:
        `${formatBytes(response.bytes)} response to ${source} for ${response.path}${more}, ` +
        `${normText} (z = ${z.toFixed(1)} over ${formatNumber(norm.scale.count)} responses); ` +
        `threshold z ≥ ${zThreshold} and ≥ ${formatBytes(minBytes)}`,
      evidence: {
        kind: 'response',
        bytes: response.bytes,
        path: response.path,
        responses: list.length,
        bytesInOutsizedResponses: list.reduce((s, o) => s + o.response.bytes, 0),
        usualBytes: Math.round(usual),
        normResponses: norm.scale.count,
        z: round2(z),
      },
    },
    ctx.file,
    ctx.config.maxEvidenceLines,
  );
}

/**
 * Which large responses are known big files: per directory, the largest large response each
 * source received there, sorted, so "how many sources got at least x" is a binary search.
 */
class KnownBigFiles {
  private readonly byDirectory = new Map<string, Float64Array>();
  private readonly ratio: number;

  constructor(large: readonly LargeResponse[], zThreshold: number) {
    this.ratio = Math.pow(2, Math.max(0, zThreshold) * OCTAVE_FLOOR);
    const maxima = new Map<string, Map<string, number>>();
    for (const r of large) {
      const dir = directoryOf(r.path);
      let bySource = maxima.get(dir);
      if (!bySource) maxima.set(dir, (bySource = new Map()));
      if (!((bySource.get(r.source) ?? 0) >= r.bytes)) bySource.set(r.source, r.bytes);
    }
    for (const [dir, bySource] of maxima) this.byDirectory.set(dir, Float64Array.from(bySource.values()).sort());
  }

  isKnown(r: LargeResponse): boolean {
    const sorted = this.byDirectory.get(directoryOf(r.path));
    if (!sorted) return false;
    // Sources whose largest response there is ≥ r.bytes / ratio; r's own source is one of them.
    const atLeast = sorted.length - lowerBound(sorted, r.bytes / this.ratio);
    return atLeast - 1 >= KNOWN_BY_OTHERS;
  }
}

/** First index whose value is ≥ x in an ascending array. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function established(hist: ArrayLike<number>, distinctSources: number): boolean {
  if (distinctSources < MIN_NORM_SOURCES) return false;
  let n = 0;
  for (let i = 0; i < hist.length; i++) n += hist[i];
  return n >= MIN_NORM_RESPONSES;
}

/** Bytes as a person reads them (1024-based, like the minBytes setting). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  if (bytes >= 1024 * MB) return `${(bytes / (1024 * MB)).toFixed(1)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${Math.round(bytes)} B`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
