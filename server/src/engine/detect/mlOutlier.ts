/**
 * ml-outlier: a source whose overall behaviour an Isolation Forest isolates far sooner than
 * everyone else's (isolationForest.ts wraps ml-isolation-forest: subsampled, seeded, with the
 * paper's normaliser).
 *
 * One vector per HTTP source, from its profile: requests, rate (requests per minute over its
 * active span, at least one minute), distinct paths, 4xx share, 5xx share, bytes total, bytes
 * max, distinct user agents, off-hours share, POST share. Counts are log1p-scaled (they span
 * orders of magnitude), then every feature is turned into a robust z against the population
 * (median and 1.4826·MAD, floors ln 2 for log-counts and 0.05 for shares; robustStats.ts).
 * The forest does not need the z (its splits ignore scale); the explanation does: the message
 * names the three features with the largest |z|, raw value against the population median.
 *
 * Every source is scored; those with s ≥ scoreThreshold are reported, and only when there are
 * at least minSources sources (fewer, and there is no "usual" to be isolated from).
 * Same records and seed → same scores (seeded draws).
 *
 * Confidence = clamp((s − 0.5) / 0.5, 0, 1): s = 0.5 is an ordinary point (its path is as long
 * as the average), s → 1 is isolated at once. So 0.6 → 0.2 (low), 0.75 → 0.5 (medium),
 * 0.9 → 0.8 (high), above 0.9 critical.
 */
import type { Finding } from '../model';
import { formatNumber, makeFinding } from '../score';
import type { Detector, DetectorContext, DetectorFactory } from './types';
import type { ProfileFigures } from './sourceProfiles';
import { LOG_COUNT_FLOOR, logCount, robustScaleInPlace } from './robustStats';
import { medianInPlace } from './orderStatistics';
import { averagePathLength, isolationScoresOfMatrix } from './isolationForest';
import { formatBytes } from './dataExfiltration';

/** Spread floor of share features: 5 percentage points. */
const SHARE_FLOOR = 0.05;
/** Features named in the message. */
const EXPLAINED_FEATURES = 3;

type FeatureKind = 'count' | 'share' | 'bytes' | 'rate';

interface Feature {
  name: string;
  /** Evidence key. */
  key: string;
  kind: FeatureKind;
}

/** In the order rawMatrixInto writes them. */
const FEATURES: readonly Feature[] = [
  { name: 'requests', key: 'requests', kind: 'count' },
  { name: 'rate', key: 'perMinute', kind: 'rate' },
  { name: 'distinct paths', key: 'distinctPaths', kind: 'count' },
  { name: '4xx share', key: 'share4xx', kind: 'share' },
  { name: '5xx share', key: 'share5xx', kind: 'share' },
  { name: 'bytes total', key: 'bytesTotal', kind: 'bytes' },
  { name: 'largest response', key: 'bytesMax', kind: 'bytes' },
  { name: 'distinct user agents', key: 'userAgents', kind: 'count' },
  { name: 'off-hours share', key: 'offHoursShare', kind: 'share' },
  { name: 'POST share', key: 'postShare', kind: 'share' },
];
const WIDTH = FEATURES.length;
/** 1 for the features compared in logs (counts, bytes, rates), 0 for shares. */
const LOG_SCALED = Uint8Array.from(FEATURES, (f) => (f.kind === 'share' ? 0 : 1));
const SPREAD_FLOORS = FEATURES.map((f) => (f.kind === 'share' ? SHARE_FLOOR : LOG_COUNT_FLOOR));

export const createMlOutlierDetector: DetectorFactory = (): Detector => ({
  rule: 'ml-outlier',
  // Everything it needs is in the shared per-source profiles.
  observe: () => undefined,
  finish,
});

function finish(ctx: DetectorContext): Finding[] {
  const settings = ctx.config.rules['ml-outlier'];
  const figures = ctx.profiles.httpFigures();
  const ids = figures.ids;
  const n = ids.length;
  if (n < Math.max(3, settings.minSources)) return [];
  const width = WIDTH;

  // One row-major matrix (an array per source would be a hundred thousand small objects),
  // turned from raw features into scaled ones, then into robust z, in place; the statistics
  // work on one column copied out at a time. Each pass is a loop over rows in a function of
  // its own and handles every feature alike (no branch on the kind of feature, no function
  // per feature): this code runs once per analysis, and a branch or target that its
  // optimised code has not seen yet makes it bail out (see also toAbsoluteDeviations in
  // robustStats.ts).
  const matrix = new Float64Array(n * width);
  rawMatrixInto(matrix, figures, ids);
  const column = new Float64Array(n);
  // the raw medians are what the message quotes
  const medians = FEATURES.map((_, c) => {
    columnInto(column, matrix, width, c);
    return medianInPlace(column);
  });
  scaleMatrix(matrix, width);
  const centers = new Float64Array(width);
  const sigmas = new Float64Array(width);
  for (let c = 0; c < width; c++) {
    columnInto(column, matrix, width, c);
    const scale = robustScaleInPlace(column, SPREAD_FLOORS[c]);
    centers[c] = scale.median;
    sigmas[c] = scale.sigma;
  }
  zMatrix(matrix, width, centers, sigmas);

  // Rows that cannot reach the threshold are not walked through every tree (they get NaN).
  const result = isolationScoresOfMatrix(matrix, n, width, {
    trees: settings.trees,
    sampleSize: settings.sampleSize,
    seed: settings.seed,
    minScore: settings.scoreThreshold,
    thread: ctx.forestThread,
  });

  const out: Finding[] = [];
  const values = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    const s = result.scores[i];
    if (!(s >= settings.scoreThreshold)) continue;
    const p = ctx.profiles.profile(ids[i]);
    if (ctx.isAllowed(p.source)) continue;
    const top = Array.from({ length: width }, (_, c) => c)
      .sort((a, b) => Math.abs(matrix[i * width + b]) - Math.abs(matrix[i * width + a]) || a - b)
      .slice(0, EXPLAINED_FEATURES);
    // the raw values again, for the message and the evidence (the matrix holds z now)
    rawMatrixInto(values, figures, ids.subarray(i, i + 1));
    const lines = p.lines;
    const explained = top.map((c) => `${FEATURES[c].name} ${formatValue(FEATURES[c].kind, values[c])} (median ${formatValue(FEATURES[c].kind, medians[c])})`).join(', ');
    const evidence: Record<string, number | string[] | string> = {
      score: round(s, 3),
      pathLength: round(result.pathLengths[i], 2),
      averagePathLength: round(averagePathLength(result.sampleSize), 2),
      sampleSize: result.sampleSize,
      population: n,
      topFeatures: top.map((c) => FEATURES[c].name),
    };
    for (let c = 0; c < width; c++) evidence[FEATURES[c].key] = round(values[c], 4);
    out.push(
      makeFinding(
        {
          rule: 'ml-outlier',
          title: `Unusual behaviour of ${p.source}`,
          confidence: Math.min(1, Math.max(0, (s - 0.5) / 0.5)),
          source: p.source,
          primaryLine: lines[0] ?? 0,
          evidenceLines: lines,
          message:
            `${p.source} isolated after ${result.pathLengths[i].toFixed(1)} splits on average (score ${s.toFixed(2)}; ` +
            `threshold ${settings.scoreThreshold} among ${formatNumber(n)} sources): ${explained}`,
          evidence,
        },
        ctx.file,
        ctx.config.maxEvidenceLines,
      ),
    );
  }
  return out;
}

/**
 * The raw features, in FEATURES' order, of the sources `ids` (row i for ids[i]). The columns
 * are read out of `figures` once, into locals: code that read them from the object row after
 * row was thrown away at every analysis after the first (a new figures object; seen with
 * --trace-deopt at an editor's first append) and ran unoptimised, 4–10 ms against ~1.
 */
function rawMatrixInto(matrix: Float64Array, figures: ProfileFigures, ids: Int32Array): void {
  const { requests, firstTime, lastTime, distinctPaths, status4xx, status5xx, bytesTotal, bytesMax, distinctAgents, events, offHours, posts } = figures;
  for (let i = 0, at = 0; i < ids.length; i++, at += WIDTH) {
    const id = ids[i];
    const n = requests[id];
    const minutes = Number.isFinite(firstTime[id]) ? (lastTime[id] - firstTime[id]) / 60_000 : 0;
    matrix[at] = n;
    matrix[at + 1] = n / Math.max(1, minutes);
    matrix[at + 2] = distinctPaths[id];
    matrix[at + 3] = status4xx[id] / n;
    matrix[at + 4] = status5xx[id] / n;
    matrix[at + 5] = bytesTotal[id];
    matrix[at + 6] = bytesMax[id];
    matrix[at + 7] = distinctAgents[id];
    matrix[at + 8] = events[id] > 0 ? offHours[id] / events[id] : 0;
    matrix[at + 9] = posts[id] / n;
  }
}

/** Column c of the row-major matrix, copied into `column`. */
function columnInto(column: Float64Array, matrix: Float64Array, width: number, c: number): void {
  for (let i = 0; i < column.length; i++) column[i] = matrix[i * width + c];
}

/** Counts, bytes and rates to ln(1 + x); shares stay as they are. */
function scaleMatrix(matrix: Float64Array, width: number): void {
  for (let o = 0; o < matrix.length; o += width) {
    for (let c = 0; c < width; c++) if (LOG_SCALED[c] === 1) matrix[o + c] = logCount(matrix[o + c]);
  }
}

/** Each scaled value to its robust z, (x − center) / σ of its column (as robustZ computes it). */
function zMatrix(matrix: Float64Array, width: number, centers: Float64Array, sigmas: Float64Array): void {
  for (let o = 0; o < matrix.length; o += width) {
    for (let c = 0; c < width; c++) matrix[o + c] = (matrix[o + c] - centers[c]) / sigmas[c];
  }
}

function formatValue(kind: FeatureKind, x: number): string {
  switch (kind) {
    case 'share':
      return `${Math.round(x * 100)}%`;
    case 'bytes':
      return formatBytes(x);
    case 'rate':
      return `${x < 10 ? x.toFixed(2) : formatNumber(Math.round(x))}/min`;
    default:
      return formatNumber(Math.round(x));
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
