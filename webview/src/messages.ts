/**
 * Every message between the extension host (client/src/panel) and the results panel
 * (webview/src), declared once and imported by both bundles, with the guards each side runs on
 * what it receives. Messages are plain JSON: the webview's `postMessage` clones them.
 *
 * The webview is not trusted by the host: a page showing attacker-written log text could, if
 * anything ever went wrong in it, send anything. So the host checks every message with
 * `isWebviewMessage` and then checks its values against its own copy of the report (a line
 * that exists, a fingerprint of a finding it sent, a recorded analysis it listed, a technique id
 * of the ATT&CK shape) before acting. Types only are imported here: neither bundle pulls the engine or the LSP library in.
 */
import type { FileReport, RuleId, Severity } from '../../server/src/engine/model';
import type { Finding } from '../../server/src/engine/model';
import type { HistoryEntry, Timeline } from '../../server/src/protocol';

export type { FileReport, Finding, RuleId, Severity } from '../../server/src/engine/model';
export type { HistoryEntry, Timeline } from '../../server/src/protocol';

/** The webview panel type, for `createWebviewPanel`, the serializer and `onWebviewPanel:` activation. */
export const RESULTS_VIEW_TYPE = 'logWarden.results';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

// ---------------------------------------------------------------------------------------
// Panel state: kept by the webview with setState (filters, sort, selection survive hiding
// the panel and reloading the window) and handed to the serializer on restore.

export type SortKey = 'severity' | 'rule' | 'source' | 'description' | 'confidence' | 'line';
export const SORT_KEYS: readonly SortKey[] = ['severity', 'rule', 'source', 'description', 'confidence', 'line'];

export interface SortState {
  key: SortKey;
  descending: boolean;
}

/** A time range picked on the timeline: [from, to) in epoch ms. */
export interface TimeRange {
  from: number;
  to: number;
}

export interface FilterState {
  /** Severities shown; empty = all. */
  severities: Severity[];
  /** One rule, or '' for all. */
  rule: RuleId | '';
  /** Free text matched (case-insensitively) against rule, source, user, title, message, evidence. */
  text: string;
  /** Findings whose first line falls in this range; null = any time. */
  time: TimeRange | null;
}

/** Views of the panel: the findings of one log, and the analysis history of the workspace. */
export type ViewId = 'findings' | 'history';
export const VIEW_IDS: readonly ViewId[] = ['findings', 'history'];

export interface PanelState {
  version: 1;
  /** The log shown (a URI as VS Code prints it), so a restored panel knows what to analyse. */
  uri: string | null;
  view: ViewId;
  filters: FilterState;
  sort: SortState;
  /** Fingerprint of the selected finding. */
  selected: string | null;
  scrollTop: number;
}

export const DEFAULT_FILTERS: FilterState = { severities: [], rule: '', text: '', time: null };
export const DEFAULT_SORT: SortState = { key: 'severity', descending: true };

export function defaultPanelState(uri: string | null = null): PanelState {
  return { version: 1, uri, view: 'findings', filters: { ...DEFAULT_FILTERS, severities: [] }, sort: { ...DEFAULT_SORT }, selected: null, scrollTop: 0 };
}

// ---------------------------------------------------------------------------------------
// Host → webview

export interface ReportMessage {
  type: 'report';
  /** The log's URI (as VS Code prints it). */
  uri: string;
  /** What the header shows: the path relative to the workspace, or the file name. */
  fileName: string;
  report: FileReport;
}

export interface TimelineMessage {
  type: 'timeline';
  uri: string;
  /** null when the server could not count (the file is gone, the server restarted). */
  timeline: Timeline | null;
}

/** An analysis is running (message shown over the last report), or finished (message null). */
export interface BusyMessage {
  type: 'busy';
  message: string | null;
}

/** Something the user should read in the panel (an error, where an export went). */
export interface NoticeMessage {
  type: 'notice';
  level: 'info' | 'error';
  message: string;
}

export interface EvidenceLine {
  /** 1-based. */
  line: number;
  text: string;
}

/** The text of a finding's evidence lines (capped), answered to `requestEvidence`. */
export interface EvidenceMessage {
  type: 'evidence';
  fingerprint: string;
  lines: EvidenceLine[];
  /** Evidence lines not sent (beyond the cap). */
  omitted: number;
}

/** Switch to a view (the "Show History" command). */
export interface ShowViewMessage {
  type: 'showView';
  view: ViewId;
}

/**
 * The recorded analyses, newest first (sent when the page is ready and whenever the history
 * changes). The page may name only these analyses back (by `AnalysisRef`).
 */
export interface HistoryMessage {
  type: 'history';
  /** False when this window keeps no history (no workspace storage: no folder is open). */
  available: boolean;
  analyses: HistoryEntry[];
  /** Analyses recorded in all; more than `analyses` when the list is capped. */
  total: number;
}

/** One recorded analysis with its findings, shown read-only. */
export interface HistoryAnalysisMessage {
  type: 'historyAnalysis';
  analysis: HistoryEntry;
  report: FileReport;
}

/** Two analyses compared by fingerprint: `new` in `to` only, `resolved` in `from` only, `unchanged` in both. */
export interface HistoryComparisonMessage {
  type: 'historyComparison';
  from: HistoryEntry;
  to: HistoryEntry;
  new: Finding[];
  resolved: Finding[];
  unchanged: Finding[];
  /** Findings whose rule failed in one of the two analyses: neither new nor resolved. */
  notCompared?: Finding[];
}

export type HostMessage =
  | ReportMessage
  | TimelineMessage
  | BusyMessage
  | NoticeMessage
  | EvidenceMessage
  | ShowViewMessage
  | HistoryMessage
  | HistoryAnalysisMessage
  | HistoryComparisonMessage;

// ---------------------------------------------------------------------------------------
// Webview → host

export type ExportFormat = 'sarif' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['sarif', 'csv', 'json'];

/** The suppress actions of the quick fixes: written to `.logwarden.json`. */
export type SuppressAction = 'finding' | 'rule-for-source' | 'allowlist-source';
export const SUPPRESS_ACTIONS: readonly SuppressAction[] = ['finding', 'rule-for-source', 'allowlist-source'];

/** The page is up; it asks for the report of the log in its saved state (or the host's current one). */
export interface ReadyMessage {
  type: 'ready';
  state: PanelState | null;
}

/** Show a 1-based line of the log in the editor; `focus` moves the keyboard there too. */
export interface RevealMessage {
  type: 'reveal';
  line: number;
  focus: boolean;
}

export interface RequestEvidenceMessage {
  type: 'requestEvidence';
  fingerprint: string;
}

export interface ExportMessage {
  type: 'export';
  format: ExportFormat;
}

export interface SuppressMessage {
  type: 'suppress';
  action: SuppressAction;
  fingerprint: string;
}

/** Open an ATT&CK technique page (the host builds the URL; the page never navigates). */
export interface OpenTechniqueMessage {
  type: 'openTechnique';
  technique: string;
}

/** Analyse the log again. */
export interface RefreshMessage {
  type: 'refresh';
}

/**
 * Names a recorded analysis: ids are unique within one database only, and there is one database
 * per workspace folder (`folder` null: logs outside every folder), as in the history protocol.
 */
export interface AnalysisRef {
  folder: string | null;
  id: number;
}

/** Show one recorded analysis (read-only). */
export interface OpenAnalysisMessage {
  type: 'openAnalysis';
  analysis: AnalysisRef;
}

/** Compare two recorded analyses (the host orders them by time). */
export interface CompareAnalysesMessage {
  type: 'compareAnalyses';
  from: AnalysisRef;
  to: AnalysisRef;
}

/** Run "Log Warden: Clear History" (which asks first). */
export interface ClearHistoryMessage {
  type: 'clearHistory';
}

export type WebviewMessage =
  | ReadyMessage
  | RevealMessage
  | RequestEvidenceMessage
  | ExportMessage
  | SuppressMessage
  | OpenTechniqueMessage
  | RefreshMessage
  | OpenAnalysisMessage
  | CompareAnalysesMessage
  | ClearHistoryMessage;

/** One string per recorded analysis, the same on both sides (for sets and maps). */
export function analysisKey(ref: AnalysisRef): string {
  return `${ref.id}@${ref.folder ?? ''}`;
}

// ---------------------------------------------------------------------------------------
// Guards

const RULE_ID_LIST: readonly RuleId[] = [
  'brute-force',
  'compromise-after-brute-force',
  'url-scan',
  'port-scan',
  'scanner',
  'web-attack',
  'high-volume',
  'data-exfiltration',
  'error-rate',
  'off-hours',
  'ml-outlier',
];

/** ATT&CK technique ids: T and four digits, optionally a three-digit sub-technique. */
export const TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;
/** Fingerprints are hex digests; anything else is not one of ours. */
const FINGERPRINT = /^[0-9A-Za-z_-]{1,128}$/;
/** Longer free-text filters are not typed by people. */
const MAX_FILTER_TEXT = 500;
/** A folder URI longer than this is not one VS Code gave us. */
const MAX_FOLDER_URI = 4096;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLineNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 2 ** 31;
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITY_ORDER as readonly string[]).includes(value);
}

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && (RULE_ID_LIST as readonly string[]).includes(value);
}

export function isFingerprint(value: unknown): value is string {
  return typeof value === 'string' && FINGERPRINT.test(value);
}

/** A message from the webview the host may act on (values still to be checked against the report). */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isObject(value) || typeof value.type !== 'string') return false;
  switch (value.type) {
    case 'ready':
      return value.state === null || value.state === undefined || isObject(value.state);
    case 'reveal':
      return isLineNumber(value.line) && typeof value.focus === 'boolean';
    case 'requestEvidence':
      return isFingerprint(value.fingerprint);
    case 'export':
      return typeof value.format === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value.format);
    case 'suppress':
      return typeof value.action === 'string' && (SUPPRESS_ACTIONS as readonly string[]).includes(value.action) && isFingerprint(value.fingerprint);
    case 'openTechnique':
      return typeof value.technique === 'string' && TECHNIQUE_ID.test(value.technique);
    case 'refresh':
    case 'clearHistory':
      return true;
    case 'openAnalysis':
      return isAnalysisRef(value.analysis);
    case 'compareAnalyses':
      return isAnalysisRef(value.from) && isAnalysisRef(value.to) && analysisKey(value.from) !== analysisKey(value.to);
    default:
      return false;
  }
}

/** The shape of an analysis reference (whether the host sent that analysis is the host's check). */
export function isAnalysisRef(value: unknown): value is AnalysisRef {
  if (!isObject(value)) return false;
  const { id, folder } = value;
  const folderOk = folder === null || (typeof folder === 'string' && folder.length > 0 && folder.length <= MAX_FOLDER_URI);
  return folderOk && typeof id === 'number' && Number.isSafeInteger(id) && id >= 1;
}

/**
 * A saved panel state made safe to use: unknown or malformed members fall back to the
 * defaults (the state comes back from VS Code's storage, possibly from an older version).
 */
export function sanitizePanelState(value: unknown): PanelState {
  const state = defaultPanelState();
  if (!isObject(value)) return state;
  if (typeof value.uri === 'string' && value.uri.length <= 4096) state.uri = value.uri;
  if (typeof value.view === 'string' && (VIEW_IDS as readonly string[]).includes(value.view)) state.view = value.view as ViewId;
  if (isFingerprint(value.selected)) state.selected = value.selected;
  if (typeof value.scrollTop === 'number' && Number.isFinite(value.scrollTop) && value.scrollTop >= 0) state.scrollTop = value.scrollTop;
  if (isObject(value.sort) && typeof value.sort.key === 'string' && (SORT_KEYS as readonly string[]).includes(value.sort.key)) {
    state.sort = { key: value.sort.key as SortKey, descending: value.sort.descending === true };
  }
  const f = value.filters;
  if (isObject(f)) {
    if (Array.isArray(f.severities)) state.filters.severities = SEVERITY_ORDER.filter((s) => (f.severities as unknown[]).includes(s));
    if (isRuleId(f.rule)) state.filters.rule = f.rule;
    if (typeof f.text === 'string') state.filters.text = f.text.slice(0, MAX_FILTER_TEXT);
    const t = f.time;
    if (isObject(t) && typeof t.from === 'number' && typeof t.to === 'number' && Number.isFinite(t.from) && Number.isFinite(t.to) && t.from < t.to) {
      state.filters.time = { from: t.from, to: t.to };
    }
  }
  return state;
}

/** A message from the host (the webview checks its shape before rendering it). */
export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value) || typeof value.type !== 'string') return false;
  switch (value.type) {
    case 'report':
      return typeof value.uri === 'string' && typeof value.fileName === 'string' && isFileReport(value.report);
    case 'timeline':
      return typeof value.uri === 'string' && (value.timeline === null || isTimeline(value.timeline));
    case 'busy':
      return value.message === null || typeof value.message === 'string';
    case 'notice':
      return (value.level === 'info' || value.level === 'error') && typeof value.message === 'string';
    case 'evidence':
      return (
        isFingerprint(value.fingerprint) &&
        Array.isArray(value.lines) &&
        value.lines.every((l) => isObject(l) && isLineNumber(l.line) && typeof l.text === 'string') &&
        typeof value.omitted === 'number'
      );
    case 'showView':
      return typeof value.view === 'string' && (VIEW_IDS as readonly string[]).includes(value.view);
    case 'history':
      return typeof value.available === 'boolean' && Array.isArray(value.analyses) && value.analyses.every(isHistoryEntry) && typeof value.total === 'number';
    case 'historyAnalysis':
      return isHistoryEntry(value.analysis) && isFileReport(value.report);
    case 'historyComparison':
      return isHistoryEntry(value.from) && isHistoryEntry(value.to) && isFindingList(value.new) && isFindingList(value.resolved) && isFindingList(value.unchanged) &&
        (value.notCompared === undefined || isFindingList(value.notCompared));
    default:
      return false;
  }
}

function isHistoryEntry(value: unknown): value is HistoryEntry {
  if (!isObject(value) || !isAnalysisRef(value)) return false;
  if (typeof value.file !== 'string' || typeof value.origin !== 'string' || typeof value.format !== 'string') return false;
  for (const key of ['time', 'lines', 'durationMs'] as const) if (typeof value[key] !== 'number') return false;
  const counts = value.counts;
  return isObject(counts) && SEVERITY_ORDER.every((s) => typeof counts[s] === 'number') && (value.uri === null || typeof value.uri === 'string');
}

function isFileReport(value: unknown): value is FileReport {
  if (!isObject(value) || !Array.isArray(value.findings)) return false;
  if (typeof value.path !== 'string' || typeof value.format !== 'string') return false;
  for (const key of ['lines', 'parsed', 'skipped', 'durationMs'] as const) if (typeof value[key] !== 'number') return false;
  return isFindingList(value.findings);
}

function isFindingList(value: unknown): value is Finding[] {
  return Array.isArray(value) && value.every(
    (f) =>
      isObject(f) &&
      typeof f.fingerprint === 'string' &&
      typeof f.rule === 'string' &&
      typeof f.title === 'string' &&
      isSeverity(f.severity) &&
      typeof f.confidence === 'number' &&
      Array.isArray(f.attack) &&
      typeof f.line === 'number' &&
      Array.isArray(f.lines) &&
      typeof f.message === 'string' &&
      isObject(f.evidence),
  );
}

function isTimeline(value: unknown): value is Timeline {
  return (
    isObject(value) &&
    typeof value.bucketMinutes === 'number' &&
    value.bucketMinutes >= 1 &&
    typeof value.start === 'number' &&
    Array.isArray(value.counts) &&
    value.counts.every((c) => typeof c === 'number') &&
    isObject(value.findingTimes)
  );
}
