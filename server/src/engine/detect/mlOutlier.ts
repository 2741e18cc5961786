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
import type { SourceProfile } from './sourceProfiles';
import { LOG_COUNT_FLOOR, logCount, medianOfSorted, robustScaleInPlace, robustZ, type RobustScale } from './robustStats';
import { hasNaN, medianInPlace } from './orderStatistics';
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
  raw(p: SourceProfile): number;
}

const FEATURES: readonly Feature[] = [
  { name: 'requests', key: 'requests', kind: 'count', raw: (p) => p.requests },
  { name: 'rate', key: 'perMinute', kind: 'rate', raw: (p) => p.requests / Math.max(1, activeMinutes(p)) },
  { name: 'distinct paths', key: 'distinctPaths', kind: 'count', raw: (p) => p.distinctPaths },
  { name: '4xx share', key: 'share4xx', kind: 'share', raw: (p) => p.status4xx / p.requests },
  { name: '5xx share', key: 'share5xx', kind: 'share', raw: (p) => p.status5xx / p.requests },
  { name: 'bytes total', key: 'bytesTotal', kind: 'bytes', raw: (p) => p.bytesTotal },
  { name: 'largest response', key: 'bytesMax', kind: 'bytes', raw: (p) => p.bytesMax },
  { name: 'distinct user agents', key: 'userAgents', kind: 'count', raw: (p) => p.distinctAgents },
  { name: 'off-hours share', key: 'offHoursShare', kind: 'share', raw: (p) => (p.events > 0 ? p.offHours / p.events : 0) },
  { name: 'POST share', key: 'postShare', kind: 'share', raw: (p) => p.posts / p.requests },
];

function activeMinutes(p: SourceProfile): number {
  return Number.isFinite(p.firstTime) ? (p.lastTime - p.firstTime) / 60_000 : 0;
}

/** The scaled value the statistics and the forest see. */
function scaled(kind: FeatureKind, raw: number): number {
  return kind === 'share' ? raw : logCount(raw);
}

export const createMlOutlierDetector: DetectorFactory = (): Detector => ({
  rule: 'ml-outlier',
  // Everything it needs is in the shared per-source profiles.
  observe: () => undefined,
  finish,
});

function finish(ctx: DetectorContext): Finding[] {
  const settings = ctx.config.rules['ml-outlier'];
  const profiles = ctx.profiles.httpProfiles();
  const n = profiles.length;
  if (n < Math.max(3, settings.minSources)) return [];
  const width = FEATURES.length;

  // Each step's loop in a function of its own, called once per column: see absoluteDeviations
  // in robustStats.ts (a loop compiled while it runs would leave the rest of finish cold).
  // one row-major matrix: an array per source would be a hundred thousand small objects
  const matrix = new Float64Array(n * width);
  // A feature at a time, so that only one column and its working copy exist at once (a
  // population of 100K sources makes 0.8 MB columns). The findings read their few sources'
  // values from the profiles again.
  const medians = FEATURES.map((f, c) => {
    const raw = featureColumn(profiles, f);
    const work = raw.slice();
    // the raw median is what the message quotes; the scale is that of the scaled values
    const median = hasNaN(work) ? medianOfSorted(work.sort()) : medianInPlace(work);
    scaleInPlace(f.kind, work);
    const scale = robustScaleInPlace(work, f.kind === 'share' ? SHARE_FLOOR : LOG_COUNT_FLOOR);
    zColumnInto(matrix, width, c, f.kind, raw, scale);
    return median;
  });
  // Rows that cannot reach the threshold are not walked through every tree (they get NaN).
  const result = isolationScoresOfMatrix(matrix, n, width, {
    trees: settings.trees,
    sampleSize: settings.sampleSize,
    seed: settings.seed,
    minScore: settings.scoreThreshold,
  });

  const out: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const s = result.scores[i];
    if (!(s >= settings.scoreThreshold)) continue;
    const p = profiles[i];
    if (ctx.isAllowed(p.source)) continue;
    const top = Array.from({ length: width }, (_, c) => c)
      .sort((a, b) => Math.abs(matrix[i * width + b]) - Math.abs(matrix[i * width + a]) || a - b)
      .slice(0, EXPLAINED_FEATURES);
    const values = FEATURES.map((f) => f.raw(p));
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
          primaryLine: p.lines[0] ?? 0,
          evidenceLines: p.lines,
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

/** One feature of every profile (a plain loop: Float64Array.from(array, fn) goes through the iterator protocol, many times slower). */
function featureColumn(profiles: readonly SourceProfile[], feature: Feature): Float64Array {
  const column = new Float64Array(profiles.length);
  for (let i = 0; i < profiles.length; i++) column[i] = feature.raw(profiles[i]);
  return column;
}

/** A column's values scaled (see `scaled`), in place. */
function scaleInPlace(kind: FeatureKind, column: Float64Array): void {
  for (let i = 0; i < column.length; i++) column[i] = scaled(kind, column[i]);
}

/** Column c of the row-major matrix: the robust z of each scaled value. */
function zColumnInto(matrix: Float64Array, width: number, c: number, kind: FeatureKind, column: Float64Array, scale: RobustScale): void {
  for (let i = 0; i < column.length; i++) matrix[i * width + c] = robustZ(scaled(kind, column[i]), scale);
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
