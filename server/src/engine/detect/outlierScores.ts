/**
 * ml-outlier's numbers: the per-source feature vectors, their population statistics and their
 * Isolation Forest scores. Both are pure functions of the raw features and the settings, so a
 * second thread (ForestThread, io/forestThread.ts) can compute the scores while this one
 * finishes the other detectors and computes the statistics; the answer is the same on either
 * thread, to the bit.
 *
 * The vectors: requests, rate (requests per minute over the active span, at least one minute),
 * distinct paths, 4xx share, 5xx share, bytes total, bytes max, distinct user agents,
 * off-hours share, POST share. Counts are log1p-scaled (they span orders of magnitude); the
 * forest works on these. Messages explain a source by its robust z against the population
 * (median and 1.4826·MAD, floors ln 2 for log-counts and 0.05 for shares; robustStats.ts).
 */
import type { ProfileFigures } from './sourceProfiles';
import { LOG_COUNT_FLOOR, logCount, robustScaleInPlace } from './robustStats';
import { medianInPlace } from './orderStatistics';
import { isolationScoresOfMatrix, mulberry32 } from './isolationForest';

export type FeatureKind = 'count' | 'share' | 'bytes' | 'rate';

export interface Feature {
  name: string;
  /** Evidence key. */
  key: string;
  kind: FeatureKind;
}

/** In the order rawMatrixInto writes them. */
export const FEATURES: readonly Feature[] = [
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
export const WIDTH = FEATURES.length;

/** Spread floor of share features: 5 percentage points. */
const SHARE_FLOOR = 0.05;
/** 1 for the features compared in logs (counts, bytes, rates), 0 for shares. */
const LOG_SCALED = Uint8Array.from(FEATURES, (f) => (f.kind === 'share' ? 0 : 1));
const SPREAD_FLOORS = Float64Array.from(FEATURES, (f) => (f.kind === 'share' ? SHARE_FLOOR : LOG_COUNT_FLOOR));

/** The sources to score, as their raw features, and how. */
export interface OutlierJob {
  /** `rows` rows of WIDTH raw features, row-major (rawMatrixInto). */
  raw: Float64Array;
  rows: number;
  trees: number;
  sampleSize: number;
  seed: number;
  /** Rows surely below this score are not walked through every tree (they get NaN). */
  minScore: number;
}

/** The population's statistics, for the explanations (robust z of a source's features). */
export interface OutlierStatistics {
  /** Per feature: the population's median of the raw values (what messages quote). */
  medians: Float64Array;
  /** Per feature: center and σ of the scaled values (robust z = (scaled − center) / σ). */
  centers: Float64Array;
  sigmas: Float64Array;
}

/** The Isolation Forest's verdict on each row. */
export interface ForestScores {
  /** Per row: Isolation Forest score and mean path length (NaN: surely below minScore). */
  scores: Float64Array;
  pathLengths: Float64Array;
  /** ψ actually used. */
  sampleSize: number;
}

export type OutlierNumbers = OutlierStatistics & ForestScores;

/**
 * A second thread that computes the forest's scores (io/forestThread.ts): `begin` at the start
 * of an analysis' finish, `end` when ml-outlier's turn comes, the other detectors' finish and
 * the population's statistics in between.
 */
export interface ForestThread {
  /** Hands the job over (the thread copies what it needs); false when it cannot take one now. */
  begin(job: OutlierJob): boolean;
  /** The scores, once they are there; null when the thread failed (compute them here then). */
  end(): ForestScores | null;
}

/** The forest thread's answer to an OutlierJob. */
export interface OutlierAnswer {
  scores: ForestScores | null;
  error?: string;
}

/** The raw features, in FEATURES' order, of the sources `ids` (row i for ids[i]). */
export function rawMatrixInto(matrix: Float64Array, figures: ProfileFigures, ids: Int32Array): void {
  const rows = figures.rows;
  for (let i = 0, at = 0; i < ids.length; i++, at += WIDTH) {
    const id = ids[i];
    const n = rows.requests(id);
    const firstTime = rows.firstTime(id);
    const minutes = Number.isFinite(firstTime) ? (rows.lastTime(id) - firstTime) / 60_000 : 0;
    const events = rows.events(id);
    matrix[at] = n;
    matrix[at + 1] = n / Math.max(1, minutes);
    matrix[at + 2] = rows.distinctPaths(id);
    matrix[at + 3] = rows.status4xx(id) / n;
    matrix[at + 4] = rows.status5xx(id) / n;
    matrix[at + 5] = rows.bytesTotal(id);
    matrix[at + 6] = rows.bytesMax(id);
    matrix[at + 7] = rows.distinctAgents(id);
    matrix[at + 8] = events > 0 ? rows.offHours(id) / events : 0;
    matrix[at + 9] = rows.posts(id) / n;
  }
}

/**
 * The job's statistics and scores (forestScores turns `job.raw` into scaled features in
 * place: hand it a copy to keep the raw values).
 */
export function outlierNumbers(job: OutlierJob): OutlierNumbers {
  const statistics = outlierStatistics(job.raw, job.rows);
  return numbersOf(statistics, forestScores(job));
}

/**
 * The statistics and the scores in one object of one shape, whether the scores were computed
 * here or came from the forest thread (spread, the two made objects of two shapes, and V8
 * threw away ml-outlier's compiled findings code at an editor's append).
 */
export function numbersOf(statistics: OutlierStatistics, forest: ForestScores): OutlierNumbers {
  return {
    medians: statistics.medians,
    centers: statistics.centers,
    sigmas: statistics.sigmas,
    scores: forest.scores,
    pathLengths: forest.pathLengths,
    sampleSize: forest.sampleSize,
  };
}

/**
 * The medians of the raw features, and the robust center and σ of the scaled ones; `raw` is
 * left as it is.
 *
 * One row-major matrix (an array per source would be a hundred thousand small objects); the
 * statistics work on one column copied out at a time. Each pass is a loop over rows in a
 * function of its own and handles every feature alike (no branch on the kind of feature in
 * a loop, no function per feature): this code runs once per analysis, and a branch or target
 * that its optimised code has not seen yet makes it bail out (see also toAbsoluteDeviations
 * in robustStats.ts).
 */
export function outlierStatistics(raw: Float64Array, rows: number): OutlierStatistics {
  const column = new Float64Array(rows);
  const medians = new Float64Array(WIDTH);
  const centers = new Float64Array(WIDTH);
  const sigmas = new Float64Array(WIDTH);
  for (let c = 0; c < WIDTH; c++) {
    columnInto(column, raw, c);
    medians[c] = medianInPlace(column);
    columnInto(column, raw, c);
    scaleColumn(column, LOG_SCALED[c]);
    const scale = robustScaleInPlace(column, SPREAD_FLOORS[c]);
    centers[c] = scale.median;
    sigmas[c] = scale.sigma;
  }
  return { medians, centers, sigmas };
}

/**
 * The Isolation Forest's scores of the job's rows, on their scaled features (counts, bytes and
 * rates in logs, shares as they are; `job.raw` is scaled in place). The forest needs no z:
 * a split is drawn uniformly between a column's least and greatest value, so shifting and
 * stretching a column gives the same trees. That is why it can run on a second thread while
 * this one computes the statistics.
 */
export function forestScores(job: OutlierJob): ForestScores {
  const matrix = job.raw;
  scaleMatrix(matrix);
  const result = isolationScoresOfMatrix(matrix, job.rows, WIDTH, { trees: job.trees, sampleSize: job.sampleSize, seed: job.seed, minScore: job.minScore });
  return { scores: result.scores, pathLengths: result.pathLengths, sampleSize: result.sampleSize };
}

/**
 * Raw features of a made-up population (for warm-ups): counts, rates and bytes spread over
 * orders of magnitude, shares in [0, 1].
 */
export function madeUpPopulation(rows: number): Float64Array {
  const random = mulberry32(1);
  const population = new Float64Array(rows * WIDTH);
  for (let i = 0; i < population.length; i++) {
    const c = i % WIDTH;
    population[i] = c === 3 || c === 4 || c === 8 || c === 9 ? random() : Math.floor(random() ** 3 * 10 ** (1 + (c % 5)));
  }
  return population;
}

/**
 * Computes the statistics and the forest's scores of a small made-up population a few times,
 * so that V8 has compiled that code when an analysis' finish comes to it: for a thread that
 * would otherwise wait, such as the CLI's analysing thread while a big file's reader thread
 * starts. ~15–20 ms. The 1M-line bench log's findings then take ~120 ms instead of ~160:
 * ml-outlier 103 → 77 ms, high-volume (the same robust statistics) 23 → 11 ms.
 */
export function warmUpOutlierNumbers(): void {
  // Chosen by measurement: 200 rows, 4 trees, 3 rounds gave the whole gain; 2 trees or 2
  // rounds about half of it; more cost more and gained nothing.
  const rows = 200;
  const population = madeUpPopulation(rows);
  for (let round = 0; round < 3; round++) outlierNumbers({ raw: population.slice(), rows, trees: 4, sampleSize: 256, seed: round, minScore: 0.6 });
}

/** Row i's robust z: its raw features scaled, against the population's center and σ. */
export function zRowInto(raw: Float64Array, i: number, numbers: OutlierNumbers, out: Float64Array): void {
  const o = i * WIDTH;
  for (let c = 0; c < WIDTH; c++) {
    const scaled = LOG_SCALED[c] === 1 ? logCount(raw[o + c]) : raw[o + c];
    out[c] = (scaled - numbers.centers[c]) / numbers.sigmas[c];
  }
}

/** Column c of the row-major matrix, copied into `column`. */
function columnInto(column: Float64Array, matrix: Float64Array, c: number): void {
  for (let i = 0; i < column.length; i++) column[i] = matrix[i * WIDTH + c];
}

/** Counts, bytes and rates to ln(1 + x); shares stay as they are. */
function scaleMatrix(matrix: Float64Array): void {
  for (let o = 0; o < matrix.length; o += WIDTH) {
    for (let c = 0; c < WIDTH; c++) if (LOG_SCALED[c] === 1) matrix[o + c] = logCount(matrix[o + c]);
  }
}

/** A column's values to ln(1 + x) when `logScaled` is 1 (as scaleMatrix does). */
function scaleColumn(column: Float64Array, logScaled: number): void {
  if (logScaled !== 1) return;
  for (let i = 0; i < column.length; i++) column[i] = logCount(column[i]);
}
