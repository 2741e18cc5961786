/**
 * Everything that crosses the client ↔ server boundary, declared once. The VS Code client
 * (client/src) and the language server (server/src) both import this file; it depends on
 * nothing but `vscode-languageserver-protocol` and the engine's plain data types.
 *
 * Standard LSP traffic (diagnostics, hover, code actions, progress) follows the protocol;
 * what is specific to Log Warden is below.
 *
 * What the server expects of a client:
 * - `initializationOptions`: InitializationOptions (storage folder, workspace trust); send
 *   `logWarden/workspaceTrustChanged` when the user grants trust later.
 * - Settings under the `logWarden` section through `workspace/configuration` (or in the
 *   params of `workspace/didChangeConfiguration` for clients without it); send
 *   `workspace/didChangeConfiguration` when they change.
 * - Changes of `.logwarden.json`: the server registers a watcher for every `.logwarden.json` of
 *   the workspace when the client allows dynamic registration; otherwise the client should send
 *   `workspace/didChangeWatchedFiles` for it (VS Code: `synchronize.fileEvents`).
 * - `textDocument/didSave` of the logs (the server declares `save`): an edited log's analysis
 *   is recorded in the history on save (otherwise after a quiet period).
 * - `shutdown` before `exit`: the server saves the history before it answers.
 * - Incremental text sync of the logs; the server answers `textDocument/diagnostic` when the
 *   client declares pull diagnostics and pushes `textDocument/publishDiagnostics` otherwise.
 * - `window/workDoneProgress`: the server shows progress for analyses that take a while.
 * - The commands below are executed by the server (`executeCommandProvider`); a client must
 *   not register commands with the same ids.
 */
import { NotificationType, RequestType, type WorkDoneProgressParams } from 'vscode-languageserver-protocol';
import type { RuleSettings } from './engine/config';
import type { FileReport, FormatId, RuleId, Severity } from './engine/model';
import type { AnalysisComparison, AnalysisRecord, AnalysisSummary } from './history/types';

export type { AnalysisComparison, AnalysisOrigin, AnalysisRecord, AnalysisSummary } from './history/types';

// ---------------------------------------------------------------------------------------
// Start-up

/** `initializationOptions` of the `initialize` request. */
export interface InitializationOptions {
  /**
   * A folder the server may write to (the extension's workspace storage): the analysis
   * history keeps one database per workspace folder under it. Missing = no history.
   */
  storagePath?: string;
  /**
   * False in a workspace the user has not trusted: user-defined patterns (for example
   * `rules.scanner.extraAgents`, from settings or from `.logwarden.json`) are then ignored.
   * Missing = trusted (other editors have no notion of trust).
   */
  workspaceTrusted: boolean;
}

// ---------------------------------------------------------------------------------------
// Settings: the server reads them with `workspace/configuration`, section `logWarden`,
// scoped to each document's URI. Every field is optional; what is missing takes the default
// of the engine's DEFAULT_CONFIG (server/src/engine/config.ts). A `.logwarden.json` at the
// root of the document's workspace folder is merged over them (the team's file, reviewed in
// git): its scalars win, its lists (allowlist, suppressions) are added.

export const SETTINGS_SECTION = 'logWarden';

export type DiagnosticSeverityName = 'error' | 'warning' | 'information' | 'hint';

/** Per-rule settings: `enabled` and the rule's thresholds, as in EngineConfig.rules. */
export type RuleSettingsInput = {
  [K in Exclude<RuleId, 'ml-outlier'>]?: Partial<RuleSettings[K]>;
};

export interface LogWardenSettings {
  /** Enable/disable and thresholds per rule (ml-outlier has its own section below). */
  rules?: RuleSettingsInput;
  /** IPs and CIDR blocks (IPv4 and IPv6) that are never reported. */
  allowlist?: string[];
  /** Working days and hours; activity outside them is what the off-hours rule reports. */
  workingHours?: {
    /** Hour the working day starts (inclusive), 0–23. Default 8. */
    start?: number;
    /** Hour it ends (exclusive), 1–24. Default 18. */
    end?: number;
    /** Working days, 0 = Sunday … 6 = Saturday. Default Monday to Friday. */
    days?: number[];
  };
  /** IANA time zone of the working hours ('Europe/Berlin', 'UTC'), or 'log' for the log's own clock (default). */
  timezone?: string;
  /** Editor severity for each finding severity. Default: critical/high → error, medium → warning, low → information. */
  severity?: Partial<Record<Severity, DiagnosticSeverityName>>;
  /** Diagnostics per finding (one per evidence line). Default 20. */
  maxDiagnosticsPerFinding?: number;
  /** Diagnostics per document, most severe findings first. Default 1000. */
  maxDiagnosticsPerDocument?: number;
  /** The Isolation Forest outlier rule. */
  mlOutlier?: Partial<RuleSettings['ml-outlier']>;
  /** 'auto' (default) detects the format from the first lines; otherwise a format id. */
  logFormat?: 'auto' | FormatId;
  /** Year of year-less syslog dates; null/0 = from the file's modification time. */
  referenceYear?: number | null;
  /** Analyses kept in the history per file (the oldest go first); 0 records none. Default 100. */
  historyRetention?: number;
}

/** Defaults of the editor-only settings (the engine's defaults cover the rest). */
export const EDITOR_DEFAULTS = {
  severity: { critical: 'error', high: 'error', medium: 'warning', low: 'information' } as Record<Severity, DiagnosticSeverityName>,
  maxDiagnosticsPerFinding: 20,
  maxDiagnosticsPerDocument: 1000,
  historyRetention: 100,
} as const;

/** The team's settings file, looked up at the root of each workspace folder. */
export const TEAM_CONFIG_FILE = '.logwarden.json';

// ---------------------------------------------------------------------------------------
// Diagnostics: every Log Warden diagnostic carries this as `data`, which code actions read.

export const DIAGNOSTIC_SOURCE = 'Log Warden';

export interface DiagnosticData {
  fingerprint: string;
  rule: RuleId;
  source?: string;
  user?: string;
}

// ---------------------------------------------------------------------------------------
// Requests and notifications

export interface AnalyzeFileParams extends WorkDoneProgressParams {
  /** A `file:` URI. Open documents are analysed as the editor holds them; others are streamed from disk. */
  uri: string;
}

/**
 * Analyses a log file and publishes its diagnostics (`textDocument/publishDiagnostics`) for
 * its URI. Meant for files over the editor's sync limit (VS Code hands no file over 50 MB to
 * extensions) and for the "Analyze Log" command. Reports `$/progress` on the request's
 * `workDoneToken` (percent of bytes read) and stops on `$/cancelRequest` (error -32800).
 * Errors the user can act on (no such file, binary content) come back as ResponseError
 * with code `ANALYZE_FILE_INPUT_ERROR` and a message naming the file.
 */
export const AnalyzeFileRequest = new RequestType<AnalyzeFileParams, FileReport, void>('logWarden/analyzeFile');
export const ANALYZE_FILE_INPUT_ERROR = -32001;

export interface GetReportParams {
  uri: string;
}

/**
 * The current report of an open document (analysing it first when it changed), or of the
 * last `logWarden/analyzeFile` of that URI; null when the server knows no such document.
 */
export const GetReportRequest = new RequestType<GetReportParams, FileReport | null, void>('logWarden/getReport');

export interface ReportChangedParams {
  uri: string;
  /** Findings per severity. */
  counts: Record<Severity, number>;
  /** The format the log was read as. */
  format: FormatId;
  /** Lines in the log. */
  lines: number;
  /** Time the analysis took (ms). */
  durationMs: number;
}

/** Sent after every analysis (open document or file from disk): what the status bar shows. */
export const ReportChangedNotification = new NotificationType<ReportChangedParams>('logWarden/reportChanged');

export interface WorkspaceTrustParams {
  trusted: boolean;
}

/** The user granted (or withdrew) trust: the server re-reads its settings and re-analyses. */
export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('logWarden/workspaceTrustChanged');

export interface DocumentStatsParams {
  uri: string;
}

/** Work the document's incremental analysis has done since it was opened (for tests and troubleshooting). */
export interface DocumentStats {
  version: number;
  lines: number;
  linesParsed: number;
  linesFed: number;
  appends: number;
  rebuilds: number;
  formatDetections: number;
  completed: number;
  cancelled: number;
}

export const DocumentStatsRequest = new RequestType<DocumentStatsParams, DocumentStats | null, void>('logWarden/stats');

export interface TimelineParams {
  uri: string;
}

/** Records per time bucket of one log, for the results panel's timeline. */
export interface Timeline {
  /** Width of a bucket in minutes: 1, unless the log spans so long that the buckets would be too many. */
  bucketMinutes: number;
  /** Epoch ms at which the first bucket starts (a whole minute, UTC). */
  start: number;
  /** Records per bucket, from `start` on, without gaps. */
  counts: number[];
  /** Records with a timestamp (the ones counted) and without one. */
  timed: number;
  untimed: number;
  /** The UTC offset (minutes) the log writes its times in (its first timed record's), for labels. */
  offsetMinutes: number;
  /** Time (epoch ms, to the minute) of each finding's first line, by fingerprint; missing when that line has no time. */
  findingTimes: Record<string, number>;
}

/**
 * The timeline of an open document or of the last `logWarden/analyzeFile` of a file (counted
 * while it was read); null when the server knows no such log.
 */
export const TimelineRequest = new RequestType<TimelineParams, Timeline | null, void>('logWarden/timeline');

// ---------------------------------------------------------------------------------------
// Analysis history (server/src/history): one database per workspace folder, kept in the
// `storagePath` of InitializationOptions (no storage path: no history, and these requests
// answer with empty results). Analyses of open logs are recorded once the document has been
// quiet for a moment, on save and on close (not per keystroke); `logWarden/analyzeFile`
// records its analysis before it answers.
//
// `folder` names a database: a workspace folder URI, or null for logs outside every
// workspace folder. Ids are unique within one database only, so every reply says which
// database it comes from; pass it back with the id.

/** A recorded analysis and where it lives. */
export interface HistoryEntry extends AnalysisSummary {
  /** The database (workspace folder URI, or null for logs outside the workspace folders). */
  folder: string | null;
  /** The log's URI, to open it (`untitled:` for unsaved documents; null when it cannot be told). */
  uri: string | null;
}

export interface HistoryListParams {
  /**
   * One log's analyses: its URI (`file:`, `untitled:`), whose folder's database is read, or
   * the `file` of an entry as recorded (with `folder`, else looked up in every database).
   */
  file?: string;
  /** One database; missing = the log's (with a URI as `file`), else every database, merged newest first. */
  folder?: string | null;
  /** Default 100, at most 1000. */
  limit?: number;
  offset?: number;
}

export interface HistoryListResult {
  /** Newest first. */
  analyses: HistoryEntry[];
  /** Analyses matching in all, for paging. */
  total: number;
}

/** Recorded analyses, newest first, with counts by severity. */
export const HistoryListRequest = new RequestType<HistoryListParams, HistoryListResult, void>('logWarden/history/list');

export interface HistoryGetParams {
  id: number;
  /** The database of the id (from the entry); missing = the only (or first) workspace folder's. */
  folder?: string | null;
}

export interface HistoryGetResult extends AnalysisRecord {
  analysis: HistoryEntry;
}

/** One recorded analysis with its findings in the contract shape; null when no such id. */
export const HistoryGetRequest = new RequestType<HistoryGetParams, HistoryGetResult | null, void>('logWarden/history/get');

export interface HistoryCompareParams {
  /** The older analysis; missing = the analysis of the same log recorded just before `to`. */
  from?: number;
  to: number;
  folder?: string | null;
}

export interface HistoryCompareResult extends AnalysisComparison {
  from: HistoryEntry;
  to: HistoryEntry;
}

/**
 * New (in `to` only), resolved (in `from` only) and unchanged findings, matched by
 * fingerprint. Error HISTORY_NOT_FOUND when an id is unknown (or `from` is missing and `to`
 * is the first analysis of its log).
 */
export const HistoryCompareRequest = new RequestType<HistoryCompareParams, HistoryCompareResult, void>('logWarden/history/compare');
export const HISTORY_NOT_FOUND = -32002;

export interface HistoryClearParams {
  /** One log's analyses (its URI, or an entry's `file` as in HistoryListParams); missing = all analyses. */
  file?: string;
  /** One database; missing = the log's (with a URI as `file`), else every database. */
  folder?: string | null;
}

/** Deletes analyses and answers, after the databases are saved, how many were deleted. */
export const HistoryClearRequest = new RequestType<HistoryClearParams, number, void>('logWarden/history/clear');

export interface HistoryChangedParams {
  folder: string | null;
  /** Set when an analysis was recorded (and saved). */
  recorded?: HistoryEntry;
  /** Set when analyses were deleted by `logWarden/history/clear`: how many. */
  cleared?: number;
}

/** The history changed: an analysis was recorded and saved, or analyses were cleared. For the panel's History view. */
export const HistoryChangedNotification = new NotificationType<HistoryChangedParams>('logWarden/history/changed');

// ---------------------------------------------------------------------------------------
// Commands the server executes (`workspace/executeCommand`)

export interface ReloadTeamConfigArgs {
  /** URI of the `.logwarden.json` that changed. */
  fileUri: string;
  /**
   * The text the code action's edit gives the file: used until the file on disk has it
   * (the editor may save the edited file a moment after running the command).
   */
  expectedText?: string;
}

/** Re-reads a `.logwarden.json` and re-analyses the open logs it applies to. Code actions attach it after their edit. */
export const RELOAD_TEAM_CONFIG_COMMAND = 'logWarden.reloadTeamConfig';

export interface AddToTeamConfigArgs {
  fileUri: string;
  /** Top-level list the value is added to. */
  key: 'suppressions' | 'allowlist';
  value: unknown;
}

/**
 * Adds a value to a list of `.logwarden.json`, written by the server itself: what code
 * actions use instead of a WorkspaceEdit when the client cannot create files.
 */
export const ADD_TO_TEAM_CONFIG_COMMAND = 'logWarden.addToTeamConfig';

/** Findings per severity, zero-filled (for the status bar). */
export function countBySeverity(report: Pick<FileReport, 'findings'>): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of report.findings) counts[f.severity]++;
  return counts;
}
