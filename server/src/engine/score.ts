import type { EvidenceValue, Finding, RuleId, Severity } from './model';
import { RULES } from './rules';

/**
 * Confidence → severity, the mapping of the original product:
 * > 0.8 critical, 0.6–0.8 high, 0.4–0.6 medium, < 0.4 low.
 */
export function severityOf(confidence: number): Severity {
  if (confidence > 0.8) return 'critical';
  if (confidence >= 0.6) return 'high';
  if (confidence >= 0.4) return 'medium';
  return 'low';
}

const RANK: Record<Severity, number> = { critical: 3, high: 2, medium: 1, low: 0 };

/** Higher is more severe. */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}

export function isSeverity(value: string): value is Severity {
  return Object.prototype.hasOwnProperty.call(RANK, value);
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0;
}

/**
 * Saturating growth: 0 at x = 0, 1 - 1/e at x = scale, → 1 as x grows.
 * Used to turn "how far past the threshold" into a confidence contribution.
 */
export function saturate(x: number, scale: number): number {
  if (!(x > 0)) return 0;
  return 1 - Math.exp(-x / scale);
}

/** Rounds a confidence for output: two decimals are what a person reads. */
export function roundConfidence(x: number): number {
  return Math.round(clamp01(x) * 100) / 100;
}

/**
 * A 64-bit FNV-1a hash as 16 hex digits. Not cryptographic: it only has to be stable
 * across runs and platforms so history can match findings.
 */
export function stableHash(text: string): string {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0xcbf29ce4 | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x100001b3) ^ (h1 >>> 15);
  }
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

export function fingerprintOf(rule: RuleId, file: string, source?: string, user?: string, discriminator?: string): string {
  return stableHash([rule, file, source ?? '', user ?? '', discriminator ?? ''].join('\u0000'));
}

/** What a detector knows when it reports; `makeFinding` derives the rest. */
export interface FindingDraft {
  rule: RuleId;
  title: string;
  confidence: number;
  /** Overrides the rule's default techniques (e.g. T1110.003 for password spraying). */
  attack?: string[];
  source?: string;
  user?: string;
  /** 0-based line shown first. */
  primaryLine: number;
  /** 0-based evidence lines, any order, may repeat. */
  evidenceLines: Iterable<number>;
  message: string;
  evidence: Record<string, EvidenceValue>;
  /** Extra identity for the fingerprint when one rule reports several findings per source. */
  discriminator?: string;
}

/** Turns a detector's draft into a contract finding: severity, 1-based sorted lines, fingerprint. */
export function makeFinding(draft: FindingDraft, file: string, maxEvidenceLines: number): Finding {
  const unique = sortedUnique(draft.evidenceLines);
  let lines = unique.length > maxEvidenceLines ? unique.slice(0, maxEvidenceLines) : unique;
  if (!lines.includes(draft.primaryLine)) {
    lines = lines.length >= maxEvidenceLines ? lines.slice(0, maxEvidenceLines - 1) : lines;
    lines.push(draft.primaryLine);
    lines.sort((a, b) => a - b);
  }
  const confidence = roundConfidence(draft.confidence);
  const finding: Finding = {
    fingerprint: fingerprintOf(draft.rule, file, draft.source, draft.user, draft.discriminator),
    rule: draft.rule,
    title: draft.title,
    severity: severityOf(confidence),
    confidence,
    attack: draft.attack ?? RULES[draft.rule].attack,
    line: draft.primaryLine + 1,
    lines: lines.map((l) => l + 1),
    message: draft.message,
    evidence: draft.evidence,
  };
  if (draft.source !== undefined) finding.source = draft.source;
  if (draft.user !== undefined) finding.user = draft.user;
  if (unique.length > lines.length) finding.evidence = { ...draft.evidence, evidenceLinesTotal: unique.length };
  return finding;
}

/**
 * The lines in ascending order without repeats, as a new array. Detectors mostly collect them
 * in line order already (a source's lines come as the log is read): those are only copied,
 * without the Set and the sort (a big log's findings carry up to a thousand lines each).
 */
function sortedUnique(lines: Iterable<number>): number[] {
  const list = Array.isArray(lines) ? (lines as number[]) : Array.from(lines);
  for (let i = 1; i < list.length; i++) {
    if (!(list[i - 1] < list[i])) return Array.from(new Set(list)).sort((a, b) => a - b);
  }
  return list.slice();
}

/** Most severe first, then most confident, then earliest line. */
export function compareFindings(a: Finding, b: Finding): number {
  return RANK[b.severity] - RANK[a.severity] || b.confidence - a.confidence || a.line - b.line;
}

/**
 * A number as `toLocaleString('en-US')` writes it: the shortest decimal that reads back as
 * the number (what `String(x)` gives), rounded half away from zero to at most `maxFraction`
 * decimals (3, its default), trailing zeros dropped, thousands grouped — 12,345.679. Written
 * out here: the first Intl number formatter a process makes costs ~23 ms (locale data), and
 * toLocaleString makes one per call (~11 µs each). Non-finite values are left to Intl.
 */
export function formatNumber(x: number, maxFraction = 3): string {
  if (!Number.isFinite(x)) return x.toLocaleString('en-US', { maximumFractionDigits: maxFraction });
  // the shortest decimal as digits and the place of the point: "1.25e-7" → 125, point at -6
  const text = String(Math.abs(x));
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const dot = mantissa.indexOf('.');
  let digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  let point = (dot < 0 ? mantissa.length : dot) + (e < 0 ? 0 : Number(text.slice(e + 1)));
  // round to maxFraction decimals, half away from zero, on those digits
  const keep = point + maxFraction;
  if (keep < digits.length) {
    const up = keep >= 0 && digits.charCodeAt(keep) >= 53; /* '5' */
    digits = keep > 0 ? digits.slice(0, keep) : '';
    if (up) {
      let i = digits.length - 1;
      while (i >= 0 && digits[i] === '9') i--;
      if (i < 0) {
        digits = '1' + '0'.repeat(digits.length);
        point++;
      } else digits = digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + '0'.repeat(digits.length - i - 1);
    }
  }
  let whole = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0');
  let lead = 0;
  while (lead < whole.length - 1 && whole.charCodeAt(lead) === 48 /* 0 */) lead++;
  whole = whole.slice(lead);
  let fraction = point < 0 ? '0'.repeat(-point) + digits : digits.slice(point);
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end);
  let grouped = whole.slice(0, ((whole.length - 1) % 3) + 1);
  for (let at = grouped.length; at < whole.length; at += 3) grouped += ',' + whole.slice(at, at + 3);
  // a negative value keeps its sign even when it rounds to zero ("-0"), as Intl writes it
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return sign + grouped + (fraction === '' ? '' : '.' + fraction);
}

/** The same with at most one decimal: 12,345.7. */
export function formatNumberOneDecimal(x: number): string {
  return formatNumber(x, 1);
}

/** Formats a duration in seconds the way an analyst reads it: 45s, 2m10s, 3h05m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
