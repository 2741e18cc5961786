/**
 * ml-outlier: a source whose overall behaviour an Isolation Forest isolates far sooner than
 * everyone else's (isolationForest.ts wraps ml-isolation-forest: subsampled, seeded, with the
 * paper's normaliser).
 *
 * One vector per HTTP source, from its profile (outlierScores.ts: the features, their robust z
 * against the population, the scores). The forest does not need the z (its splits ignore
 * scale); the explanation does: the message names the three features with the largest |z|,
 * raw value against the population median.
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
import { averagePathLength } from './isolationForest';
import { formatBytes } from './dataExfiltration';
import { FEATURES, forestScores, numbersOf, outlierNumbers, outlierStatistics, rawMatrixInto, WIDTH, zRowInto, type FeatureKind, type ForestThread, type OutlierJob, type OutlierNumbers } from './outlierScores';

/** Features named in the message. */
const EXPLAINED_FEATURES = 3;

/**
 * Sources from which the numbers are computed on the forest thread, when there is one, while
 * the other detectors finish. Below, they take a few ms here.
 */
const THREAD_MIN_SOURCES = 2048;

/** A job handed to the forest thread at `prepare`, collected at `finish`. */
interface HandedOver {
  thread: ForestThread;
  raw: Float64Array;
  ids: Int32Array;
}

export const createMlOutlierDetector: DetectorFactory = (): Detector => {
  let handedOver: HandedOver | undefined;
  return {
    rule: 'ml-outlier',
    // Everything it needs is in the shared per-source profiles.
    observe: () => undefined,
    prepare(ctx: DetectorContext): void {
      handedOver = undefined;
      const thread = ctx.forestThread;
      const settings = ctx.config.rules['ml-outlier'];
      const ids = ctx.profiles.httpFigures().ids;
      if (!thread || ids.length < Math.max(3, settings.minSources, THREAD_MIN_SOURCES)) return;
      const raw = rawMatrixOf(ctx, ids);
      if (thread.begin(jobOf(ctx, raw, ids.length))) handedOver = { thread, raw, ids };
    },
    finish(ctx: DetectorContext): Finding[] {
      const taken = handedOver;
      handedOver = undefined;
      const settings = ctx.config.rules['ml-outlier'];
      const ids = taken ? taken.ids : ctx.profiles.httpFigures().ids;
      if (ids.length < Math.max(3, settings.minSources)) return [];
      const raw = taken ? taken.raw : rawMatrixOf(ctx, ids);
      // The statistics here while the thread scores; its scores, or (it failed) the same
      // scores computed here. Without a thread, both here.
      let numbers: OutlierNumbers;
      if (taken) {
        const statistics = outlierStatistics(raw, ids.length);
        numbers = numbersOf(statistics, taken.thread.end() ?? forestScores(jobOf(ctx, raw.slice(), ids.length)));
      } else numbers = outlierNumbers(jobOf(ctx, raw.slice(), ids.length));
      return findingsOf(ctx, ids, raw, numbers);
    },
  };
};

function rawMatrixOf(ctx: DetectorContext, ids: Int32Array): Float64Array {
  const raw = new Float64Array(ids.length * WIDTH);
  rawMatrixInto(raw, ctx.profiles.httpFigures(), ids);
  return raw;
}

function jobOf(ctx: DetectorContext, raw: Float64Array, rows: number): OutlierJob {
  const settings = ctx.config.rules['ml-outlier'];
  return { raw, rows, trees: settings.trees, sampleSize: settings.sampleSize, seed: settings.seed, minScore: settings.scoreThreshold };
}

function findingsOf(ctx: DetectorContext, ids: Int32Array, raw: Float64Array, numbers: OutlierNumbers): Finding[] {
  const threshold = ctx.config.rules['ml-outlier'].scoreThreshold;
  const scores = numbers.scores;
  const out: Finding[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (!(scores[i] >= threshold)) continue;
    const finding = findingOf(ctx, ids, raw, numbers, i);
    if (finding) out.push(finding);
  }
  return out;
}

/**
 * Source i's finding (undefined when it is allowed). Out of the loop above: that loop runs over
 * every source and is compiled again in an editor's first appends; with the finding's code
 * inside, each compile took 25–40 ms of the other core (--trace-opt).
 */
function findingOf(ctx: DetectorContext, ids: Int32Array, raw: Float64Array, numbers: OutlierNumbers, i: number): Finding | undefined {
  const settings = ctx.config.rules['ml-outlier'];
  const n = ids.length;
  const width = WIDTH;
  const s = numbers.scores[i];
  const p = ctx.profiles.profile(ids[i]);
  if (ctx.isAllowed(p.source)) return undefined;
  const z = new Float64Array(width);
  zRowInto(raw, i, numbers, z);
  const top = Array.from({ length: width }, (_, c) => c)
    .sort((a, b) => Math.abs(z[b]) - Math.abs(z[a]) || a - b)
    .slice(0, EXPLAINED_FEATURES);
  const values = raw.subarray(i * width, (i + 1) * width);
  const lines = p.lines;
  const explained = top.map((c) => `${FEATURES[c].name} ${formatValue(FEATURES[c].kind, values[c])} (median ${formatValue(FEATURES[c].kind, numbers.medians[c])})`).join(', ');
  const evidence: Record<string, number | string[] | string> = {
    score: round(s, 3),
    pathLength: round(numbers.pathLengths[i], 2),
    averagePathLength: round(averagePathLength(numbers.sampleSize), 2),
    sampleSize: numbers.sampleSize,
    population: n,
    topFeatures: top.map((c) => FEATURES[c].name),
  };
  for (let c = 0; c < width; c++) evidence[FEATURES[c].key] = round(values[c], 4);
  return makeFinding(
    {
      rule: 'ml-outlier',
      title: `Unusual behaviour of ${p.source}`,
      confidence: Math.min(1, Math.max(0, (s - 0.5) / 0.5)),
      source: p.source,
      primaryLine: lines[0] ?? 0,
      evidenceLines: lines,
      message:
        `${p.source} isolated after ${numbers.pathLengths[i].toFixed(1)} splits on average (score ${s.toFixed(2)}; ` +
        `threshold ${settings.scoreThreshold} among ${formatNumber(n)} sources): ${explained}`,
      evidence,
    },
    ctx.file,
    ctx.config.maxEvidenceLines,
  );
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
