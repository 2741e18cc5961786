/**
 * error-rate: a source whose requests are answered 4xx/5xx far more often than everyone
 * else's (probing for paths, parameters or credentials that do not exist: T1595).
 *
 * ratio = (4xx + 5xx) / requests per source. The population is every HTTP source with at
 * least POPULATION_MIN_REQUESTS requests (a 1-request source's ratio is 0 or 1, pure noise);
 * robust z of the ratio against it (spread floor 0.05 = 5 points, robustStats.ts, so a
 * population without any errors does not make every error infinitely anomalous).
 * Fires when requests ≥ minRequests, ratio ≥ minRatio and z ≥ zThreshold; needs at least
 * MIN_POPULATION sources in the population.
 *
 * Confidence (weights sum to 1):
 *   0.10                                                  base: all thresholds met
 * + 0.20 · saturate((ratio − minRatio) / (1 − minRatio), 0.5)   how far past the ratio
 * + 0.15 · saturate(z − zThreshold, zThreshold)            how far past the population
 * + 0.25 · saturate(log2(requests / minRequests), 2)       how much evidence (4× → 0.86)
 * + 0.30 · saturate(distinct failing paths − 1, 10)        probing many paths is a scan; one
 *                                                          path failing over and over is a
 *                                                          broken client or a stale link,
 *                                                          which therefore stays ≤ medium
 */
import type { Finding, LogRecord } from '../model';
import { formatNumber, makeFinding, saturate } from '../score';
import type { Detector, DetectorContext, DetectorFactory } from './types';
import { copyString } from './stringIds';
import type { SourceProfile } from './sourceProfiles';
import { median, robustScale, robustZ } from './robustStats';

const MIN_POPULATION = 5;
/** Sources with fewer requests are left out of the population's median and spread. */
const POPULATION_MIN_REQUESTS = 5;
/** Spread floor of the ratio: 5 percentage points. */
const RATIO_FLOOR = 0.05;
/** Distinct failing paths counted per source (enough to saturate the diversity term). */
const ERROR_PATHS_CAP = 64;
/** Failing lines kept per source as evidence. */
const ERROR_LINES_CAP = 1000;

interface ErrorTrail {
  paths: Set<string>;
  lines: number[];
}

export const createErrorRateDetector: DetectorFactory = (): Detector => {
  const trails = new Map<string, ErrorTrail>();

  function observe(record: LogRecord): void {
    if (record.kind !== 'http') return;
    const status = record.status;
    if (status === undefined || status < 400 || status >= 600 || record.source === undefined) return;
    let trail = trails.get(record.source);
    if (!trail) {
      trail = { paths: new Set(), lines: [] };
      trails.set(copyString(record.source), trail);
    }
    if (trail.lines.length < ERROR_LINES_CAP) trail.lines.push(record.line);
    const path = record.path;
    if (path !== undefined && trail.paths.size < ERROR_PATHS_CAP && !trail.paths.has(path)) trail.paths.add(copyString(path));
  }

  function finish(ctx: DetectorContext): Finding[] {
    const { minRequests, minRatio, zThreshold } = ctx.config.rules['error-rate'];
    // the population's figures from their rows; a profile view only for the sources reported
    const { ids, rows } = ctx.profiles.httpFigures();
    const ratios: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const requests = rows.requests(id);
      if (requests >= POPULATION_MIN_REQUESTS) ratios.push((rows.status4xx(id) + rows.status5xx(id)) / requests);
    }
    if (ratios.length < MIN_POPULATION) return [];
    const scale = robustScale(ratios, RATIO_FLOOR);
    const medianRatio = median(ratios);

    const out: Finding[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const requests = rows.requests(id);
      if (requests < minRequests) continue;
      const errors = rows.status4xx(id) + rows.status5xx(id);
      const ratio = errors / requests;
      if (ratio < minRatio) continue;
      const z = robustZ(ratio, scale);
      if (z < zThreshold) continue;
      const p = ctx.profiles.profile(id);
      if (ctx.isAllowed(p.source)) continue;
      out.push(errorRateFinding(p, trails.get(p.source), ratio, z, medianRatio, ratios.length, ctx));
    }
    return out;
  }

  return { rule: 'error-rate', observe, finish };
};

/**
 * The finding of a source past the thresholds. Out of finish's loop: that loop runs over every
 * source and is compiled again in an editor's first appends; with this code inside, each
 * compile took ~10 ms of the other core (--trace-opt).
 */
function errorRateFinding(p: SourceProfile, trail: ErrorTrail | undefined, ratio: number, z: number, medianRatio: number, population: number, ctx: DetectorContext): Finding {
  const { minRequests, minRatio, zThreshold } = ctx.config.rules['error-rate'];
  const errors = p.status4xx + p.status5xx;
  const failingPaths = trail?.paths.size ?? 0;
  const confidence =
    0.1 +
    0.2 * saturate((ratio - minRatio) / Math.max(1e-9, 1 - minRatio), 0.5) +
    0.15 * saturate(z - zThreshold, zThreshold) +
    0.25 * saturate(Math.log2(p.requests / minRequests), 2) +
    0.3 * saturate(failingPaths - 1, 10);
  const lines = trail && trail.lines.length > 0 ? trail.lines : p.lines;
  const split =
    p.status4xx > 0 && p.status5xx > 0
      ? ` (${formatNumber(p.status4xx)} 4xx, ${formatNumber(p.status5xx)} 5xx)`
      : '';
  const pathsText =
    failingPaths >= ERROR_PATHS_CAP
      ? `${ERROR_PATHS_CAP}+ distinct paths failed`
      : failingPaths === 1
        ? 'all on one path'
        : `${failingPaths} distinct paths failed`;
  return makeFinding(
    {
      rule: 'error-rate',
      title: `High error rate for ${p.source}`,
      confidence,
      source: p.source,
      primaryLine: lines[0],
      evidenceLines: lines,
      message:
        `${percent(ratio)} of ${formatNumber(p.requests)} requests from ${p.source} answered 4xx/5xx${split} ` +
        `(population median ${percent(medianRatio)}, z = ${z.toFixed(1)}; ${pathsText}); ` +
        `threshold ≥ ${percent(minRatio)} of ≥ ${minRequests} requests and z ≥ ${zThreshold}`,
      evidence: {
        requests: p.requests,
        errors,
        status4xx: p.status4xx,
        status5xx: p.status5xx,
        ratio: Math.round(ratio * 1000) / 1000,
        medianRatio: Math.round(medianRatio * 1000) / 1000,
        z: Math.round(z * 100) / 100,
        failingPaths,
        population,
      },
    },
    ctx.file,
    ctx.config.maxEvidenceLines,
  );
}

function percent(x: number): string {
  const p = x * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}
