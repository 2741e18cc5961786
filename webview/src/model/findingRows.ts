import type { FilterState, Finding, SortState, Timeline } from '../messages';
import { SEVERITY_ORDER } from '../messages';

/** A finding as the table holds it: its place in the report, its time, and a lowercase text to search. */
export interface FindingRow {
  finding: Finding;
  /** Position in the report (the engine's order: most severe, most confident, earliest). */
  index: number;
  /** Epoch ms of its first line, when the timeline knows it. */
  time: number | undefined;
  /** Everything the free-text filter matches, lowercased once. */
  haystack: string;
  /** In a comparison of two recorded analyses: what happened to the finding (by fingerprint). */
  change?: 'new' | 'resolved' | 'unchanged' | 'not-compared';
}

export function buildRows(findings: readonly Finding[], timeline: Timeline | null): FindingRow[] {
  return findings.map((finding, index) => ({
    finding,
    index,
    time: timeline ? timeline.findingTimes[finding.fingerprint] : undefined,
    haystack: haystackOf(finding),
  }));
}

function haystackOf(f: Finding): string {
  const parts: string[] = [f.rule, f.title, f.message, f.source ?? '', f.user ?? '', f.attack.join(' '), String(f.line)];
  for (const [key, value] of Object.entries(f.evidence)) {
    parts.push(key);
    if (Array.isArray(value)) parts.push(value.join(' '));
    else if (value !== null) parts.push(String(value));
  }
  return parts.join('\n').toLowerCase();
}

/** The rows the filters let through, in their current order. */
export function filterRows(rows: readonly FindingRow[], filters: FilterState): FindingRow[] {
  const severities = filters.severities.length > 0 ? new Set(filters.severities) : undefined;
  const needle = filters.text.trim().toLowerCase();
  const time = filters.time;
  return rows.filter((row) => {
    const f = row.finding;
    if (severities && !severities.has(f.severity)) return false;
    if (filters.rule && f.rule !== filters.rule) return false;
    if (time && (row.time === undefined || row.time < time.from || row.time >= time.to)) return false;
    return needle === '' || row.haystack.includes(needle);
  });
}

const SEVERITY_RANK = new Map(SEVERITY_ORDER.map((s, i) => [s, SEVERITY_ORDER.length - i]));

type Compare = (a: FindingRow, b: FindingRow) => number;

const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ascending comparators per column; ties fall back to the report's order. */
const COMPARE: Record<SortState['key'], Compare> = {
  severity: (a, b) => (SEVERITY_RANK.get(a.finding.severity)! - SEVERITY_RANK.get(b.finding.severity)!) || a.finding.confidence - b.finding.confidence,
  rule: (a, b) => text(a.finding.rule, b.finding.rule),
  // Addresses compare as text; numbers inside them would need a parser, and text groups a /24 together anyway.
  source: (a, b) => text(a.finding.source ?? a.finding.user ?? '', b.finding.source ?? b.finding.user ?? ''),
  description: (a, b) => text(a.finding.title.toLowerCase(), b.finding.title.toLowerCase()) || text(a.finding.message, b.finding.message),
  confidence: (a, b) => a.finding.confidence - b.finding.confidence,
  line: (a, b) => a.finding.line - b.finding.line,
};

/** A sorted copy: by the chosen column (descending when asked), then in the report's order. */
export function sortRows(rows: readonly FindingRow[], sort: SortState): FindingRow[] {
  const compare = COMPARE[sort.key];
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => sign * compare(a, b) || a.index - b.index);
}

/** Findings per severity and per rule, for the summary. */
export function countFindings(findings: readonly Finding[]): { bySeverity: Map<string, number>; byRule: Map<string, number> } {
  const bySeverity = new Map<string, number>(SEVERITY_ORDER.map((s) => [s, 0]));
  const byRule = new Map<string, number>();
  for (const f of findings) {
    bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
    byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  }
  return { bySeverity, byRule };
}
