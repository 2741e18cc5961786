import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResponseError } from 'vscode-languageserver/node';
import type { FileReport } from '../engine/model';
import { stableHash } from '../engine/score';
import { HISTORY_FILE_NAME, HistoryFile } from '../history/historyFile';
import { MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT } from '../history/historyStore';
import { settingsHash } from '../history/settingsHash';
import type { AnalysisOrigin, AnalysisSummary } from '../history/types';
import {
  HISTORY_NOT_FOUND,
  type HistoryChangedParams,
  type HistoryClearParams,
  type HistoryCompareParams,
  type HistoryCompareResult,
  type HistoryEntry,
  type HistoryGetParams,
  type HistoryGetResult,
  type HistoryListParams,
  type HistoryListResult,
} from '../protocol';
import type { EffectiveSettings } from './settings';
import { pathToUri, uriToPath } from './teamConfig';

/**
 * An open log is recorded once it has been quiet this long after its last analysis: typing
 * and tailing produce an analysis per pause, the history wants one row per burst of edits.
 */
const EDITOR_QUIET_MS = 2000;
/** ...but a log that never goes quiet (a busy `tail -f`) is still recorded this often. */
const EDITOR_MAX_WAIT_MS = 30_000;
/** The file is saved this long after an editor analysis is recorded, so close ones share one write. */
const EDITOR_SAVE_DELAY_MS = 1000;
/** Folder of the databases inside the storage folder. */
const HISTORY_FOLDER = 'history';
/** Database of logs outside every workspace folder (and of untitled documents). */
const OUTSIDE_FOLDERS = 'outside-folders';

/** What the service needs from the language server. */
export interface HistoryHost {
  /** Something the user must see (a damaged history moved aside, a failed save). */
  warn(message: string): void;
  /** Something for the log only. */
  log(message: string): void;
  changed(params: HistoryChangedParams): void;
  /** The workspace folder URIs, without trailing slashes. */
  folders(): readonly string[];
  /** The path a document is reported under (what analyses record as their file). */
  displayPath(uri: string): string;
}

interface PendingAnalysis {
  report: FileReport;
  settingsHash: string;
  retention: number;
  /** When the first analysis of this burst was noted. */
  since: number;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The language server's side of the history: one database per workspace folder under the
 * client's storage folder, analyses of open logs recorded per quiet period, analyses of the
 * "Analyze Log" command recorded (and saved) before the request answers, and the
 * `logWarden/history/*` requests. Without a storage path it records nothing.
 */
export class HistoryService {
  /** Database per folder key (folder URI, or '' for logs outside every folder). */
  private readonly databases = new Map<string, Promise<HistoryFile | undefined>>();
  private readonly opened = new Map<string, HistoryFile>();
  private readonly pending = new Map<string, PendingAnalysis>();
  /** The last report noted per open document, so the same report is never recorded twice. */
  private readonly noted = new Map<string, FileReport>();
  /** The last report recorded per document, and where (for "Analyze Log" on an unchanged log). */
  private readonly recorded = new Map<string, { report: FileReport; key: string; id: number }>();

  constructor(
    private readonly storagePath: string | undefined,
    private readonly host: HistoryHost,
  ) {}

  get enabled(): boolean {
    return typeof this.storagePath === 'string' && this.storagePath.length > 0;
  }

  /** Loads the database of every workspace folder now, so a damaged one is reported at start. */
  start(): void {
    if (!this.enabled) return;
    for (const folder of this.host.folders()) void this.database(folder);
  }

  /** An open log was analysed: recorded once it has been quiet for a moment (or on save/close). */
  editorAnalysis(uri: string, report: FileReport, settings: EffectiveSettings): void {
    if (!this.enabled || settings.historyRetention <= 0 || this.noted.get(uri) === report) return;
    this.noted.set(uri, report);
    const now = Date.now();
    const previous = this.pending.get(uri);
    if (previous) clearTimeout(previous.timer);
    const since = previous?.since ?? now;
    const wait = Math.max(0, Math.min(EDITOR_QUIET_MS, since + EDITOR_MAX_WAIT_MS - now));
    this.pending.set(uri, {
      report,
      settingsHash: settingsHash(settings.config),
      retention: settings.historyRetention,
      since,
      timer: setTimeout(() => void this.recordPending(uri), wait),
    });
  }

  documentSaved(uri: string): void {
    void this.recordPending(uri);
  }

  documentClosed(uri: string): void {
    void this.recordPending(uri);
    this.noted.delete(uri);
    this.recorded.delete(uri);
  }

  /**
   * Records an analysis of the "Analyze Log" command and resolves once it is saved (the
   * acknowledgement). A failed save is reported to the user, not to the caller: the analysis
   * itself succeeded.
   */
  async commandAnalysis(uri: string, report: FileReport, settings: EffectiveSettings): Promise<AnalysisSummary | undefined> {
    if (!this.enabled || settings.historyRetention <= 0) return undefined;
    const pending = this.pending.get(uri);
    if (pending) {
      clearTimeout(pending.timer);
      this.pending.delete(uri);
    }
    this.noted.set(uri, report);
    // The editor's analysis of this very state is recorded already: one row, the command's.
    const last = this.recorded.get(uri);
    if (last?.report === report) {
      const db = await this.database(last.key);
      try {
        if (db && (await db.markCommand(last.id))) {
          const summary = db.store.summary(last.id);
          if (summary) {
            this.host.changed({ folder: folderOfKey(last.key), recorded: this.entry(last.key, summary) });
            return summary;
          }
        }
      } catch {
        return undefined; // the save failed: reported by HistoryFile
      }
    }
    return this.record(uri, report, 'command', settingsHash(settings.config), settings.historyRetention, 0);
  }

  // ---------------------------------------------------------------------------------------
  // Requests

  async list(params: HistoryListParams): Promise<HistoryListResult> {
    const limit = clampInt(params.limit, DEFAULT_LIST_LIMIT, 0, MAX_LIST_LIMIT);
    const offset = clampInt(params.offset, 0, 0, Number.MAX_SAFE_INTEGER);
    const { keys, file } = this.scope(params.file, params.folder);
    const pages: HistoryEntry[] = [];
    let total = 0;
    const single = keys.length === 1;
    for (const key of keys) {
      const db = await this.existingDatabase(key);
      if (!db) continue;
      // Merging several databases: each gives its newest offset + limit, the merge cuts the page.
      const page = db.store.list({ file, limit: single ? limit : offset + limit, offset: single ? offset : 0 });
      total += page.total;
      for (const a of page.analyses) pages.push(this.entry(key, a));
    }
    if (single) return { analyses: pages, total };
    pages.sort((a, b) => b.time - a.time || b.id - a.id);
    return { analyses: pages.slice(offset, offset + limit), total };
  }

  async get(params: HistoryGetParams): Promise<HistoryGetResult | null> {
    const key = this.keyOf(params.folder);
    const db = await this.existingDatabase(key);
    const record = db?.store.get(Number(params.id));
    return record ? { analysis: this.entry(key, record.analysis), report: record.report } : null;
  }

  async compare(params: HistoryCompareParams): Promise<HistoryCompareResult> {
    const key = this.keyOf(params.folder);
    const db = await this.existingDatabase(key);
    const to = Number(params.to);
    if (!db || !db.store.summary(to)) throw new ResponseError(HISTORY_NOT_FOUND, `no analysis ${params.to} in the history`);
    const from = params.from === undefined || params.from === null ? db.store.previous(to) : Number(params.from);
    if (from === undefined) throw new ResponseError(HISTORY_NOT_FOUND, `analysis ${to} is the first of its log: nothing to compare it with`);
    if (!db.store.summary(from)) throw new ResponseError(HISTORY_NOT_FOUND, `no analysis ${from} in the history`);
    const comparison = db.store.compare(from, to);
    return { ...comparison, from: this.entry(key, comparison.from), to: this.entry(key, comparison.to) };
  }

  /** Deletes analyses; answers with how many once every database touched is saved. */
  async clear(params: HistoryClearParams): Promise<number> {
    const { keys, file } = this.scope(params.file, params.folder);
    // An analysis waiting for its quiet period would bring the cleared log back a moment later.
    for (const [uri, pending] of [...this.pending]) {
      if ((file === undefined || pending.report.path === file) && keys.includes(this.keyOfUri(uri))) {
        clearTimeout(pending.timer);
        this.pending.delete(uri);
      }
    }
    let count = 0;
    for (const key of keys) {
      const db = await this.existingDatabase(key);
      if (!db) continue;
      const cleared = await db.clear(file).catch((err: unknown) => {
        this.host.log(`clearing the history: ${err instanceof Error ? err.message : String(err)}`);
        return 0;
      });
      count += cleared;
      if (cleared > 0) this.host.changed({ folder: folderOfKey(key), cleared });
    }
    return count;
  }

  // ---------------------------------------------------------------------------------------
  // Shutdown

  /** Records what is waiting for a quiet period and saves every database. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((uri) => this.recordPending(uri, 0)));
    await Promise.all(
      [...this.databases.values()].map(async (opening) => {
        const db = await opening;
        await db?.flush().catch(() => undefined); // a failed save was reported already
      }),
    );
  }

  /** For a process exiting without shutdown: record and save synchronously what can be. */
  flushSync(): void {
    for (const [uri, pending] of this.pending) {
      clearTimeout(pending.timer);
      const db = this.opened.get(this.keyOfUri(uri));
      try {
        db?.record(pending.report, { origin: 'editor', settingsHash: pending.settingsHash, retention: pending.retention }, 0);
      } catch {
        // exiting: nothing more can be done
      }
    }
    this.pending.clear();
    for (const db of this.opened.values()) {
      try {
        db.flushSync();
      } catch {
        // exiting: nothing more can be done
      }
    }
  }

  // ---------------------------------------------------------------------------------------

  private async recordPending(uri: string, saveDelayMs = EDITOR_SAVE_DELAY_MS): Promise<void> {
    const pending = this.pending.get(uri);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(uri);
    await this.record(uri, pending.report, 'editor', pending.settingsHash, pending.retention, saveDelayMs);
  }

  private async record(uri: string, report: FileReport, origin: AnalysisOrigin, hash: string, retention: number, saveDelayMs: number): Promise<AnalysisSummary | undefined> {
    const key = this.keyOfUri(uri);
    const db = await this.database(key);
    if (!db) return undefined;
    let id: number;
    let saved: Promise<void>;
    try {
      ({ id, saved } = db.record(report, { origin, settingsHash: hash, retention }, saveDelayMs));
    } catch (err) {
      this.host.log(`recording the analysis of ${report.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return undefined;
    }
    try {
      await saved;
    } catch {
      return undefined; // reported by HistoryFile
    }
    // Kept for an open document's latest editor analysis only (closing forgets it).
    if (origin === 'editor' && this.noted.get(uri) === report) this.recorded.set(uri, { report, key, id });
    const summary = db.store.summary(id);
    if (summary) this.host.changed({ folder: folderOfKey(key), recorded: this.entry(key, summary) });
    return summary;
  }

  /** The database of a folder key, loaded on first use; undefined when history is off or cannot work there. */
  private database(key: string): Promise<HistoryFile | undefined> {
    if (!this.enabled) return Promise.resolve(undefined);
    let opening = this.databases.get(key);
    if (!opening) {
      const file = historyDatabasePath(this.storagePath!, folderOfKey(key));
      opening = HistoryFile.open(file, { warn: (message) => this.host.warn(message) }).then(
        (db) => {
          this.opened.set(key, db);
          return db;
        },
        (err: unknown) => {
          this.host.warn(`Log Warden: analysis history unavailable (${file}: ${err instanceof Error ? err.message : String(err)}).`);
          return undefined;
        },
      );
      this.databases.set(key, opening);
    }
    return opening;
  }

  /** For reading: workspace folders' databases are opened; the outside-folders one only when it exists. */
  private async existingDatabase(key: string): Promise<HistoryFile | undefined> {
    if (!this.enabled) return undefined;
    if (key === '' && !this.databases.has(key)) {
      const file = historyDatabasePath(this.storagePath!, folderOfKey(key));
      if (!fs.existsSync(file)) return undefined;
    }
    return this.database(key);
  }

  /** The databases and file filter a `file`/`folder` pair of a request names. */
  private scope(file: string | undefined, folder: string | null | undefined): { keys: string[]; file: string | undefined } {
    if (typeof file === 'string' && isUri(file)) return { keys: [this.keyOfUri(file)], file: this.host.displayPath(file) };
    const recorded = typeof file === 'string' ? file : undefined;
    if (folder !== undefined) return { keys: [this.keyOf(folder)], file: recorded };
    return { keys: [...this.host.folders().map((f) => f.replace(/\/+$/, '')), ''], file: recorded };
  }

  /** Folder key of a `folder` parameter; missing = the first workspace folder (or outside-folders). */
  private keyOf(folder: string | null | undefined): string {
    if (folder === null) return '';
    if (typeof folder === 'string') return folder.replace(/\/+$/, '');
    return this.host.folders()[0]?.replace(/\/+$/, '') ?? '';
  }

  /** Folder key of a document: the workspace folder its reported path is relative to (as displayPath picks it). */
  private keyOfUri(uri: string): string {
    return this.host.folders().find((f) => uri.startsWith(f.replace(/\/+$/, '') + '/'))?.replace(/\/+$/, '') ?? '';
  }

  private entry(key: string, summary: AnalysisSummary): HistoryEntry {
    return { ...summary, folder: folderOfKey(key), uri: uriOf(key, summary.file) };
  }
}

/** Where the database of a workspace folder (null: of logs outside every folder) is kept in the storage folder. */
export function historyDatabasePath(storagePath: string, folder: string | null): string {
  return path.join(storagePath, HISTORY_FOLDER, folderDirectory(folder === null ? '' : folder.replace(/\/+$/, '')), HISTORY_FILE_NAME);
}

function folderOfKey(key: string): string | null {
  return key === '' ? null : key;
}

/** A folder per database: the workspace folder's name (readable) and a hash of its URI (unique). */
function folderDirectory(key: string): string {
  if (key === '') return OUTSIDE_FOLDERS;
  const name = decodeURIComponent(key.slice(key.lastIndexOf('/') + 1)).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
  return `${name || 'folder'}-${stableHash(key).slice(0, 8)}`;
}

/** A URI (scheme of two letters or more, so `C:\logs` is a path). */
function isUri(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]+:/.test(text);
}

/** The URI of a recorded file: relative paths are in the folder, absolute ones anywhere, untitled ones are URIs already. */
function uriOf(key: string, file: string): string | null {
  if (isUri(file)) return file;
  if (path.isAbsolute(file)) return pathToUri(file);
  const folder = key === '' ? undefined : uriToPath(key);
  return folder === undefined ? null : pathToUri(path.join(folder, file));
}

function clampInt(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}
