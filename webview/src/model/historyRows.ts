import type { Finding, HistoryComparisonMessage, HistoryEntry, SortState } from '../messages';
import { analysisKey, SEVERITY_ORDER } from '../messages';
import { buildRows, sortRows, type FindingRow } from './findingRows';

/**
 * What happened to a finding between two analyses, by fingerprint. `not-compared`: it would
 * be new or resolved, but its rule failed in the other analysis, so its absence there says nothing.
 */
export type ChangeKind = 'new' | 'resolved' | 'unchanged' | 'not-compared';
/** The order the groups are shown in: what needs a look first. */
export const CHANGE_ORDER: readonly ChangeKind[] = ['new', 'resolved', 'unchanged', 'not-compared'];

/** The findings of one group of a comparison message. */
function findingsOf(comparison: Pick<HistoryComparisonMessage, 'new' | 'resolved' | 'unchanged' | 'notCompared'>, change: ChangeKind): Finding[] {
  return change === 'not-compared' ? (comparison.notCompared ?? []) : comparison[change];
}

const CHANGE_RANK = new Map(CHANGE_ORDER.map((c, i) => [c, i]));

/** Analyses newest first (ties: the higher id, recorded later); a sorted copy. */
export function sortAnalyses(entries: readonly HistoryEntry[]): HistoryEntry[] {
  return [...entries].sort((a, b) => b.time - a.time || b.id - a.id);
}

/**
 * The compare selection after the user ticks (or unticks) an analysis: at most two are kept,
 * and ticking a third lets go of the one ticked first.
 */
export function toggleCompareSelection(selected: readonly string[], key: string, on: boolean): string[] {
  const rest = selected.filter((k) => k !== key);
  if (!on) return rest;
  return [...rest, key].slice(-2);
}

/** The two ticked analyses as (older, newer), when exactly two are ticked and both are still listed. */
export function comparePair(selected: readonly string[], entries: readonly HistoryEntry[]): { from: HistoryEntry; to: HistoryEntry } | undefined {
  if (selected.length !== 2) return undefined;
  const picked = selected.map((key) => entries.find((e) => analysisKey(e) === key));
  if (!picked[0] || !picked[1]) return undefined;
  const [older, newer] = sortAnalyses(picked as HistoryEntry[]).reverse();
  return { from: older, to: newer };
}

/** The selection kept when a new list arrives: the analyses that are still there. */
export function keepListed(selected: readonly string[], entries: readonly HistoryEntry[]): string[] {
  const listed = new Set(entries.map(analysisKey));
  return selected.filter((k) => listed.has(k));
}

/** A finding row of a comparison: what changed is part of the row. */
export interface ComparisonRow extends FindingRow {
  change: ChangeKind;
}

/** The rows of a comparison, grouped new → resolved → unchanged, each group in the engine's order. */
export function comparisonRows(comparison: Pick<HistoryComparisonMessage, 'new' | 'resolved' | 'unchanged' | 'notCompared'>): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const change of CHANGE_ORDER) {
    const findings = findingsOf(comparison, change);
    for (const row of buildRows(findings, null)) rows.push({ ...row, index: rows.length, change });
  }
  return rows;
}

/** Rows of the changes shown (none picked = all), sorted by the column within each group; groups stay in CHANGE_ORDER. */
export function sortComparisonRows(rows: readonly ComparisonRow[], sort: SortState, changes: readonly ChangeKind[] = []): ComparisonRow[] {
  const shown = changes.length === 0 ? rows : rows.filter((r) => changes.includes(r.change));
  const sorted = sortRows(shown, sort) as ComparisonRow[];
  // Array.prototype.sort is stable: the column order survives inside each group.
  return sorted.sort((a, b) => CHANGE_RANK.get(a.change)! - CHANGE_RANK.get(b.change)!);
}

/** Findings per change. */
export function countChanges(rows: readonly ComparisonRow[]): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { new: 0, resolved: 0, unchanged: 0, 'not-compared': 0 };
  for (const r of rows) counts[r.change]++;
  return counts;
}

/** "3 critical, 1 low" (severities with findings only), or "no findings". */
export function severitySummary(counts: HistoryEntry['counts']): string {
  const parts = SEVERITY_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}
