/**
 * high-volume: one source sending far more, and far faster, than the rest of the population.
 *
 * Two populations, each compared only with itself:
 *  - HTTP requests (per-source profiles): an application-layer request flood, T1499.002;
 *  - firewall/kernel packet lines (kept here): a network-level flood, T1498.
 *
 * Signals, both robust z-scores over log(1 + x) (see robustStats.ts; spread floor ln 2):
 *  - zPeak: the source's busiest clock minute. This is the rate signal and it is required:
 *    a source that sends a lot at an ordinary pace (a feed reader, a crawler, a monitor
 *    polling every 10 s) is busy, not flooding. `ml-outlier` still sees such sources.
 *  - zCount: its total volume; agreeing with zPeak raises confidence.
 * Fires when zPeak ≥ zThreshold and the source made ≥ minRequests requests. With fewer than
 * MIN_POPULATION sources there is no population to be "far above" and the rule stays quiet.
 * If the log has no timestamps at all (every peak is 0), zCount alone decides, capped at medium.
 *
 * Confidence (each term saturates; weights sum to 1):
 *   0.10                                                base: both thresholds were met
 * + 0.30 · saturate(zPeak − zThreshold, 2·zThreshold)    how far past the rate threshold
 * + 0.10 · clamp(zCount / zThreshold, 0, 1)              the volume signal agrees
 * + 0.35 · saturate(log2(requests per distinct path) − 1, 3)
 *                                                       repetition, the flood's signature:
 *                                                       floods hammer a few URLs (or ports);
 *                                                       a browser loading a page with 100
 *                                                       images, or a crawler, asks for each
 *                                                       once (≤ 2 per path adds nothing)
 * + 0.15 · saturate(share of the file's requests, 0.10)  (a small term, and only after
 *                                                       minRequests: a 6-request source is never
 *                                                       reported, whatever its share)
 * So a page-load burst of distinct assets stays low to medium however fast it is, while a
 * source hammering one URL at many times everyone's pace becomes high or critical.
 * A steady source — active for ≥ 1 h with its busiest minute ≤ 2× its own mean rate — is
 * automation at a constant pace (health checks, pollers), so its confidence is capped at 0.39
 * (low): it is reported only when its pace itself is far above everyone else's.
 */
import type { Finding, LogRecord } from '../model';
import { formatDuration, formatNumber, formatNumberOneDecimal, makeFinding, saturate } from '../score';
import type { Detector, DetectorContext, DetectorFactory } from './types';
import type { SourceProfile } from './sourceProfiles';
import { copyString } from './stringIds';
import { LOG_COUNT_FLOOR, logCount, median, robustScale, robustZ } from './robustStats';

/** Fewer sources than this and "far above the population" means nothing. */
export const MIN_POPULATION = 5;
/** A source active at least this long with an even pace is automation, not a flood. */
const STEADY_MIN_SPAN_MS = 3_600_000;
/** Busiest minute at most this many times the source's mean per-minute rate = "even pace". */
const STEADY_MAX_BURST = 2;
const STEADY_CAP = 0.39;
const UNTIMED_CAP = 0.59;
/** Per-source caps for the firewall aggregate. */
const FIREWALL_LINES_CAP = 1000;
const FIREWALL_PORTS_CAP = 256;

/** What the rule needs from one source, whichever population it belongs to. */
interface VolumeView {
  source: string;
  count: number;
  peakPerMinute: number;
  peakLine: number;
  firstTime: number;
  lastTime: number;
  /** Distinct paths (HTTP) or destination ports (firewall). */
  distinctTargets: number;
  lines: number[];
}

/**
 * A source's HTTP profile seen as a VolumeView: reads through to the profile (one field per
 * view), and its evidence lines are only made for the sources reported.
 */
class HttpVolumeView implements VolumeView {
  constructor(private readonly p: SourceProfile) {}
  get source(): string {
    return this.p.source;
  }
  get count(): number {
    return this.p.requests;
  }
  get peakPerMinute(): number {
    return this.p.peakPerMinute;
  }
  get peakLine(): number {
    return this.p.peakLine;
  }
  get firstTime(): number {
    return this.p.firstTime;
  }
  get lastTime(): number {
    return this.p.lastTime;
  }
  get distinctTargets(): number {
    return this.p.distinctPaths;
  }
  get lines(): number[] {
    return this.p.lines;
  }
}

/**
 * A population as the rule reads it: every member's count and busiest minute, in columns (a
 * log has sources by the hundred thousand), and a view of the few it reports.
 */
interface VolumePopulation {
  count: Float64Array;
  peak: Float64Array;
  view(i: number): VolumeView;
}

interface FirewallProfile extends VolumeView {
  ports: Set<number>;
  minute: number;
  minuteCount: number;
}

export const createHighVolumeDetector: DetectorFactory = (): Detector => {
  const firewall = new Map<string, FirewallProfile>();

  function observe(record: LogRecord): void {
    if (record.kind !== 'firewall' || record.source === undefined) return;
    let p = firewall.get(record.source);
    if (!p) {
      p = {
        source: copyString(record.source),
        count: 0,
        peakPerMinute: 0,
        peakLine: record.line,
        firstTime: NaN,
        lastTime: NaN,
        distinctTargets: 0,
        lines: [],
        ports: new Set(),
        minute: NaN,
        minuteCount: 0,
      };
      firewall.set(p.source, p);
    }
    p.count++;
    if (p.lines.length < FIREWALL_LINES_CAP) p.lines.push(record.line);
    if (record.destinationPort !== undefined && p.ports.size < FIREWALL_PORTS_CAP) {
      p.ports.add(record.destinationPort);
      p.distinctTargets = p.ports.size;
    }
    const t = record.time;
    if (Number.isFinite(t)) {
      if (!(t >= p.firstTime)) p.firstTime = t;
      if (!(t <= p.lastTime)) p.lastTime = t;
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

  function finish(ctx: DetectorContext): Finding[] {
    const { ids, rows } = ctx.profiles.httpFigures();
    const http: VolumePopulation = {
      count: new Float64Array(ids.length),
      peak: new Float64Array(ids.length),
      view: (i) => new HttpVolumeView(ctx.profiles.profile(ids[i])),
    };
    for (let i = 0; i < ids.length; i++) {
      http.count[i] = rows.requests(ids[i]);
      http.peak[i] = rows.peakPerMinute(ids[i]);
    }
    const sources = Array.from(firewall.values());
    const packets: VolumePopulation = {
      count: new Float64Array(sources.length),
      peak: new Float64Array(sources.length),
      view: (i) => sources[i],
    };
    for (let i = 0; i < sources.length; i++) {
      packets.count[i] = sources[i].count;
      packets.peak[i] = sources[i].peakPerMinute;
    }
    return [...assessPopulation(http, 'http', ctx), ...assessPopulation(packets, 'firewall', ctx)];
  }

  return { rule: 'high-volume', observe, finish };
};

function assessPopulation(population: VolumePopulation, layer: 'http' | 'firewall', ctx: DetectorContext): Finding[] {
  const n = population.count.length;
  if (n < MIN_POPULATION) return [];
  const { zThreshold, minRequests } = ctx.config.rules['high-volume'];
  const counts = new Float64Array(n);
  const peaks = new Float64Array(n);
  let total = 0;
  let timed = false;
  for (let i = 0; i < n; i++) {
    const count = population.count[i];
    const peak = population.peak[i];
    counts[i] = logCount(count);
    peaks[i] = logCount(peak);
    total += count;
    if (peak > 0) timed = true;
  }
  const countScale = robustScale(counts, LOG_COUNT_FLOOR);
  const peakScale = robustScale(peaks, LOG_COUNT_FLOOR);
  let medianCount = NaN;
  let medianPeak = NaN;

  const out: Finding[] = [];
  for (let i = 0; i < n; i++) {
    if (population.count[i] < minRequests) continue;
    const zCount = robustZ(counts[i], countScale);
    const zPeak = robustZ(peaks[i], peakScale);
    if (timed ? zPeak < zThreshold : zCount < zThreshold) continue;
    const p = population.view(i);
    if (ctx.isAllowed(p.source)) continue;
    if (Number.isNaN(medianCount)) {
      medianCount = median(population.count);
      medianPeak = median(population.peak);
    }
    out.push(volumeFinding(p, zCount, zPeak, { layer, n, total, timed, medianCount, medianPeak }, ctx));
  }
  return out;
}

/** What a finding says of the population it stands out from. */
interface PopulationFigures {
  layer: 'http' | 'firewall';
  n: number;
  total: number;
  timed: boolean;
  medianCount: number;
  medianPeak: number;
}

/**
 * The finding of a source past the thresholds. Out of assessPopulation's loop: that loop runs
 * over every source and is compiled again in an editor's first appends; with this code
 * inside, each compile took ~15 ms of the other core (--trace-opt).
 */
function volumeFinding(p: VolumeView, zCount: number, zPeak: number, figures: PopulationFigures, ctx: DetectorContext): Finding {
  const { zThreshold } = ctx.config.rules['high-volume'];
  const { layer, n, total, timed, medianCount, medianPeak } = figures;
  const unit = layer === 'http' ? 'requests' : 'packets';
  const targetUnit = layer === 'http' ? 'path' : 'port';
  const spanMs = Number.isFinite(p.firstTime) ? p.lastTime - p.firstTime : 0;
  const meanPerMinute = p.count / Math.max(1, spanMs / 60_000);
  const steady = spanMs >= STEADY_MIN_SPAN_MS && p.peakPerMinute <= STEADY_MAX_BURST * meanPerMinute;
  const perTarget = p.count / Math.max(1, p.distinctTargets);
  const share = p.count / total;

  const repetition = 0.35 * saturate(Math.log2(perTarget) - 1, 3);
  const shareTerm = 0.15 * saturate(share, 0.1);
  let confidence = timed
    ? 0.1 +
      0.3 * saturate(zPeak - zThreshold, 2 * zThreshold) +
      0.1 * Math.min(1, Math.max(0, zCount / zThreshold)) +
      repetition +
      shareTerm
    : 0.1 + 0.4 * saturate(zCount - zThreshold, 2 * zThreshold) + repetition + shareTerm;
  if (!timed) confidence = Math.min(confidence, UNTIMED_CAP);
  if (steady) confidence = Math.min(confidence, STEADY_CAP);

  const peakText = timed ? ` (peak ${fmt(p.peakPerMinute)}/min)` : '';
  const zText = timed
    ? `z = ${zCount.toFixed(1)}; peak z = ${zPeak.toFixed(1)} vs a median peak of ${fmt(medianPeak)}/min`
    : `z = ${zCount.toFixed(1)}; no timestamps, so no rate`;
  const steadyText = steady
    ? `; an even pace for ${formatDuration(spanMs / 1000)} (busiest minute ≤ ${STEADY_MAX_BURST}× its mean): automation rather than a flood`
    : '';
  return makeFinding(
    {
      rule: 'high-volume',
      title: layer === 'http' ? `High request volume from ${p.source}` : `High packet volume from ${p.source}`,
      confidence,
      attack: layer === 'http' ? ['T1499.002'] : ['T1498'],
      source: p.source,
      primaryLine: timed ? p.peakLine : p.lines[0] ?? p.peakLine,
      evidenceLines: p.lines,
      message:
        `${fmt(p.count)} ${unit} from ${p.source}${peakText} vs a median of ${fmt(medianCount)} ` +
        `(${zText}); threshold z ≥ ${zThreshold}${steadyText}`,
      evidence: {
        layer,
        [unit]: p.count,
        peakPerMinute: p.peakPerMinute,
        medianCount,
        medianPeakPerMinute: medianPeak,
        zCount: round2(zCount),
        zPeak: round2(zPeak),
        meanPerMinute: round2(meanPerMinute),
        spanSeconds: Math.round(spanMs / 1000),
        [`${unit}Per${targetUnit === 'path' ? 'Path' : 'Port'}`]: round2(perTarget),
        share: round2(share),
        steady,
        population: n,
      },
    },
    ctx.file,
    ctx.config.maxEvidenceLines,
  );
}

function fmt(x: number): string {
  return Number.isInteger(x) ? formatNumber(x) : formatNumberOneDecimal(x);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
