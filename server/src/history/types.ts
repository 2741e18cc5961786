/**
 * What the history store hands out: plain data, the same in the language server's replies,
 * the CLI's JSON and the results panel. Findings keep the contract shape of DESIGN.md.
 */
import type { FailedRule, FileReport, Finding, FormatId, Severity } from '../engine/model';

/** What started an analysis: the editor as the file changed, the "Analyze Log" command, or the CLI. */
export type AnalysisOrigin = 'editor' | 'command' | 'cli';

export const ANALYSIS_ORIGINS: readonly AnalysisOrigin[] = ['editor', 'command', 'cli'];

/** One recorded analysis, without its findings. */
export interface AnalysisSummary {
  /** Unique within its database; never reused, even after deletions. */
  id: number;
  /** The report's path (relative to the workspace folder when inside one). */
  file: string;
  /** When it was recorded, epoch ms. */
  time: number;
  origin: AnalysisOrigin;
  format: FormatId;
  lines: number;
  parsed: number;
  skipped: number;
  durationMs: number;
  /** Findings per severity. */
  counts: Record<Severity, number>;
  /** Hash of the engine settings the analysis ran with: differing hashes explain differing findings. */
  settingsHash: string;
  /** Version of Log Warden that analysed. */
  toolVersion: string;
  /** The report's error (reading failed part-way), when there was one. */
  error?: string;
  /** Rules that threw during the analysis (their findings are missing from it). */
  failedRules?: FailedRule[];
}

/** A recorded analysis with its findings, as the report it was. */
export interface AnalysisRecord {
  analysis: AnalysisSummary;
  report: FileReport;
}

/**
 * Two analyses compared by fingerprint: `new` are in `to` only, `resolved` in `from` only,
 * `unchanged` in both (as `to` has them: confidence and evidence may have grown).
 */
export interface AnalysisComparison {
  from: AnalysisSummary;
  to: AnalysisSummary;
  new: Finding[];
  resolved: Finding[];
  unchanged: Finding[];
  /**
   * Findings that would be new or resolved but whose rule failed in the other analysis: absent
   * because the rule did not run, not because the log changed. Omitted when there are none.
   */
  notCompared?: Finding[];
}

export interface AnalysisPage {
  analyses: AnalysisSummary[];
  /** Analyses matching the filter in all (for paging). */
  total: number;
}

/** What is recorded besides the report itself. */
export interface RecordOptions {
  origin: AnalysisOrigin;
  /** From `settingsHash(config)`. */
  settingsHash: string;
  /** Analyses kept per file, this one included; older ones are deleted in the same transaction. */
  retention: number;
  /** Epoch ms; default now. */
  time?: number;
  /** Size bound of the whole database (bytes of pages in use); default DEFAULT_MAX_HISTORY_BYTES, Infinity for none. */
  maxBytes?: number;
}
