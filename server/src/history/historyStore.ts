import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { FailedRule, FileReport, Finding, FormatId, RuleId, Severity } from '../engine/model';
import { SEVERITIES } from '../engine/model';
import { stableHash } from '../engine/score';
import { TOOL_VERSION } from '../engine/version';
import { decodeLines, encodeLines } from './lineList';
import { migrate, schemaVersion } from './schema';
import type { AnalysisComparison, AnalysisOrigin, AnalysisPage, AnalysisRecord, AnalysisSummary, RecordOptions } from './types';
import { ANALYSIS_ORIGINS } from './types';

/** The bytes could not be read as a history database (not SQLite, truncated, damaged). */
export class CorruptHistoryError extends Error {}

/** Page size when `list` is given none; the panel pages through longer histories. */
export const DEFAULT_LIST_LIMIT = 100;
/**
 * The database never holds more than this: beyond it, the oldest analyses (of any log) are
 * deleted in the transaction that records a new one. Every save exports the whole database
 * and blocks while it does (measured: 111 MB in 0.55–0.73 s; 649 MB in 12 s with 2 GB of
 * memory), so the size must stay bounded whatever the number of logs × retention.
 */
export const DEFAULT_MAX_HISTORY_BYTES = 128 * 1024 * 1024;
/** Analyses one record may delete to get back under the size bound (the rest go with the next ones). */
const MAX_PRUNED_PER_RECORD = 100;
/**
 * Deleting analyses frees pages only once every row on them is gone; when this many
 * deletions in a row free none (live findings pinned on the pages), pruning stops rather
 * than empty the history for a few kilobytes.
 */
const PRUNES_WITHOUT_PROGRESS = 32;

/** Longest page callers at a process boundary (requests, the CLI) hand out: a reply stays small whatever is asked. */
export const MAX_LIST_LIMIT = 1000;

const SUMMARY_COLUMNS =
  'id, file, time, origin, format, lines, parsed, skipped, critical, high, medium, low, duration_ms, settings_hash, tool_version, error, failed_rules';
const FINDING_COLUMNS = 'f.fingerprint, f.rule, f.title, f.severity, f.confidence, f.attack, f.source, f.user, f.line, f.lines, f.message, f.evidence';

const SQL = {
  insertAnalysis: `INSERT INTO analyses (file, time, origin, format, lines, parsed, skipped, critical, high, medium, low, duration_ms, settings_hash, tool_version, error, failed_rules)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  latestOfFile: 'SELECT max(id) FROM analyses WHERE file = ?',
  versionsOf: `SELECT af.finding_id, ${FINDING_COLUMNS} FROM analysis_findings af JOIN findings f ON f.id = af.finding_id WHERE af.analysis_id = ?`,
  insertFinding: `INSERT INTO findings (fingerprint, rule, severity, confidence, source, user, line, title, message, attack, evidence, lines)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  // Measured: a plain INSERT then last_insert_rowid() costs half an INSERT ... RETURNING here.
  lastId: 'SELECT last_insert_rowid()',
  insertLink: 'INSERT INTO analysis_findings (analysis_id, fingerprint, position, finding_id) VALUES (?, ?, ?, ?)',
  // Oldest first: retention deletes a log's oldest analysis before the next (see deleteOldest).
  beyondRetention: 'SELECT id FROM (SELECT id FROM analyses WHERE file = ? ORDER BY id DESC LIMIT -1 OFFSET ?) ORDER BY id',
  nextOfFile: 'SELECT min(id) FROM analyses WHERE file = (SELECT file FROM analyses WHERE id = ?1) AND id > ?1',
  // ?1 = the analysis deleted, ?2 = the next analysis of its log (or -1): the versions ?1 used that ?2 does not reuse.
  deleteFreedFindings: `DELETE FROM findings WHERE id IN (
                          SELECT e.finding_id FROM analysis_findings e WHERE e.analysis_id = ?1
                            AND NOT EXISTS (SELECT 1 FROM analysis_findings n
                                            WHERE n.analysis_id = ?2 AND n.fingerprint = e.fingerprint AND n.finding_id = e.finding_id))`,
  deleteFileFindings: 'DELETE FROM findings WHERE id IN (SELECT finding_id FROM analysis_findings WHERE analysis_id IN (SELECT id FROM analyses WHERE file = ?))',
  deleteFileLinks: 'DELETE FROM analysis_findings WHERE analysis_id IN (SELECT id FROM analyses WHERE file = ?)',
  deleteFileAnalyses: 'DELETE FROM analyses WHERE file = ?',
  deleteLinks: 'DELETE FROM analysis_findings WHERE analysis_id = ?',
  deleteAnalysis: 'DELETE FROM analyses WHERE id = ?',
  summary: `SELECT ${SUMMARY_COLUMNS} FROM analyses WHERE id = ?`,
  markCommand: "UPDATE analyses SET origin = 'command' WHERE id = ? AND origin = 'editor'",
  listAll: `SELECT ${SUMMARY_COLUMNS} FROM analyses ORDER BY id DESC LIMIT ? OFFSET ?`,
  listFile: `SELECT ${SUMMARY_COLUMNS} FROM analyses WHERE file = ? ORDER BY id DESC LIMIT ? OFFSET ?`,
  countAll: 'SELECT count(*) FROM analyses',
  countFile: 'SELECT count(*) FROM analyses WHERE file = ?',
  oldest: 'SELECT min(id) FROM analyses',
  usedPages: 'SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size())',
  previous: 'SELECT id FROM analyses WHERE file = (SELECT file FROM analyses WHERE id = ?1) AND id < ?1 ORDER BY id DESC LIMIT 1',
  findingsOf: `SELECT ${FINDING_COLUMNS} FROM analysis_findings af JOIN findings f ON f.id = af.finding_id
               WHERE af.analysis_id = ? ORDER BY af.position`,
  // ?1 = the analysis whose findings are listed, ?2 = the one they are looked up in.
  findingsMissingFrom: `SELECT ${FINDING_COLUMNS} FROM analysis_findings af JOIN findings f ON f.id = af.finding_id
                        WHERE af.analysis_id = ?1
                          AND NOT EXISTS (SELECT 1 FROM analysis_findings o WHERE o.analysis_id = ?2 AND o.fingerprint = af.fingerprint)
                        ORDER BY af.position`,
  findingsAlsoIn: `SELECT ${FINDING_COLUMNS} FROM analysis_findings af JOIN findings f ON f.id = af.finding_id
                   WHERE af.analysis_id = ?1
                     AND EXISTS (SELECT 1 FROM analysis_findings o WHERE o.analysis_id = ?2 AND o.fingerprint = af.fingerprint)
                   ORDER BY af.position`,
} as const;

/**
 * Analysis history over one sql.js database held in memory: recording reports (with
 * retention per file in the same transaction), listing, reading back, comparing two
 * analyses by fingerprint, clearing. Every value reaches SQLite as a bound parameter.
 * Persistence is the caller's (historyFile.ts): `export()` gives the bytes to write.
 */
export class HistoryStore {
  private readonly statements = new Map<string, Statement>();
  /** Per log, the finding versions of its latest analysis, by fingerprint (see reusableVersions). */
  private readonly latestVersions = new Map<string, { analysisId: number; byFingerprint: Map<string, FindingVersion> }>();

  private constructor(private readonly db: Database) {}

  /**
   * A store over `data` (the bytes of a history file), or over a new empty database.
   * Throws CorruptHistoryError when the bytes are not a sound SQLite database, and
   * NewerSchemaError (schema.ts) when a newer Log Warden wrote them.
   */
  static open(sql: SqlJsStatic, data?: Uint8Array): HistoryStore {
    if (data) checkHeader(data);
    let db: Database;
    try {
      db = new sql.Database(data ?? null);
    } catch (err) {
      throw new CorruptHistoryError(`not a SQLite database (${(err as Error).message})`);
    }
    try {
      if (data) {
        let verdict: string;
        try {
          verdict = db.exec('PRAGMA quick_check').map((r) => r.values.map((v) => String(v[0])).join('; ')).join('; ');
        } catch (err) {
          throw new CorruptHistoryError(`damaged (${(err as Error).message})`);
        }
        if (verdict !== 'ok') throw new CorruptHistoryError(`damaged (${verdict.slice(0, 200)})`);
        // A sound SQLite file that is not a history (another tool's database named by
        // mistake): neither written into nor moved aside.
        const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        if (schemaVersion(db) === 0 && tables.length > 0) {
          throw new Error(`not a Log Warden history: it holds other tables (${tables[0].values.slice(0, 5).map((r) => String(r[0])).join(', ')})`);
        }
      }
      // The journal only has to survive until COMMIT/ROLLBACK of this process: the file on
      // disk is written whole, atomically, from `export()`.
      db.exec('PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON');
      try {
        migrate(db);
      } catch (err) {
        if (err instanceof Error && /malformed|not a database|no such table|already exists/i.test(err.message)) {
          throw new CorruptHistoryError(`unusable (${err.message})`);
        }
        throw err;
      }
      return new HistoryStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Records one report; returns its id. Older analyses of the file beyond `retention` go in the same transaction. */
  record(report: FileReport, options: RecordOptions): number {
    const retention = Math.max(1, Math.floor(options.retention));
    const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const f of report.findings) counts[f.severity]++;
    const reusable = this.reusableVersions(report.path);
    const versions = new Map<string, FindingVersion>();
    const id = this.transaction(() => {
      this.run(SQL.insertAnalysis, [
        report.path,
        Math.round(options.time ?? Date.now()),
        options.origin,
        report.format,
        report.lines,
        report.parsed,
        report.skipped,
        counts.critical,
        counts.high,
        counts.medium,
        counts.low,
        report.durationMs,
        options.settingsHash,
        TOOL_VERSION,
        report.error ?? null,
        report.failedRules?.length ? JSON.stringify(report.failedRules.map((f) => ({ rule: f.rule, error: f.error }))) : null,
      ]);
      const analysisId = this.lastId();
      report.findings.forEach((finding, position) => {
        const key = findingKey(finding);
        let version = versions.get(finding.fingerprint);
        if (version?.key !== key) {
          version = reusable?.get(finding.fingerprint);
          if (version?.key !== key) {
            this.run(SQL.insertFinding, findingRow(finding));
            version = { id: this.lastId(), key };
          }
          if (!versions.has(finding.fingerprint)) versions.set(finding.fingerprint, version);
        }
        this.run(SQL.insertLink, [analysisId, finding.fingerprint, position, version.id]);
      });
      for (const [old] of this.all(SQL.beyondRetention, [report.path, retention])) this.deleteOldest(Number(old));
      this.pruneToSize(options.maxBytes ?? DEFAULT_MAX_HISTORY_BYTES, analysisId);
      return analysisId;
    });
    // Only once committed: a rolled-back analysis must not be reused from.
    this.rememberLatest(report.path, id, versions);
    return id;
  }

  /** Analyses newest first, all or one file's. */
  list(filter: { file?: string; limit?: number; offset?: number } = {}): AnalysisPage {
    const limit = clampInt(filter.limit, DEFAULT_LIST_LIMIT, 0, Number.MAX_SAFE_INTEGER);
    const offset = clampInt(filter.offset, 0, 0, Number.MAX_SAFE_INTEGER);
    const byFile = typeof filter.file === 'string';
    const rows = byFile ? this.all(SQL.listFile, [filter.file!, limit, offset]) : this.all(SQL.listAll, [limit, offset]);
    const total = Number((byFile ? this.one(SQL.countFile, [filter.file!]) : this.one(SQL.countAll, []))![0]);
    return { analyses: rows.map(toSummary), total };
  }

  summary(id: number): AnalysisSummary | undefined {
    const row = this.one(SQL.summary, [id]);
    return row ? toSummary(row) : undefined;
  }

  /** The analysis and its findings as the report it was; undefined for an unknown id. */
  get(id: number): AnalysisRecord | undefined {
    const analysis = this.summary(id);
    if (!analysis) return undefined;
    const report: FileReport = {
      path: analysis.file,
      format: analysis.format,
      lines: analysis.lines,
      parsed: analysis.parsed,
      skipped: analysis.skipped,
      durationMs: analysis.durationMs,
      findings: this.all(SQL.findingsOf, [id]).map(toFinding),
    };
    if (analysis.error !== undefined) report.error = analysis.error;
    if (analysis.failedRules !== undefined) report.failedRules = analysis.failedRules;
    return { analysis, report };
  }

  /**
   * "Analyze Log" on a log whose editor analysis is already recorded, unchanged: that row
   * becomes the command's instead of a second, identical one. False when `id` is no editor
   * analysis (any more).
   */
  markCommand(id: number): boolean {
    this.run(SQL.markCommand, [id]);
    return this.db.getRowsModified() > 0;
  }

  /** The analysis of the same file recorded just before `id`. */
  previous(id: number): number | undefined {
    const row = this.one(SQL.previous, [id]);
    return row ? Number(row[0]) : undefined;
  }

  /** New, resolved and unchanged findings of `to` against `from`, matched by fingerprint. */
  compare(fromId: number, toId: number): AnalysisComparison {
    const from = this.summary(fromId);
    const to = this.summary(toId);
    if (!from) throw new RangeError(`no analysis ${fromId} in the history`);
    if (!to) throw new RangeError(`no analysis ${toId} in the history`);
    const comparison: AnalysisComparison = {
      from,
      to,
      new: this.all(SQL.findingsMissingFrom, [toId, fromId]).map(toFinding),
      resolved: this.all(SQL.findingsMissingFrom, [fromId, toId]).map(toFinding),
      unchanged: this.all(SQL.findingsAlsoIn, [toId, fromId]).map(toFinding),
    };
    // A rule that failed in one of the two says nothing about its findings there.
    const failedIn = (s: AnalysisSummary) => new Set((s.failedRules ?? []).map((f) => f.rule));
    const failedFrom = failedIn(from);
    const failedTo = failedIn(to);
    if (failedFrom.size > 0 || failedTo.size > 0) {
      const notCompared = [...comparison.new.filter((f) => failedFrom.has(f.rule)), ...comparison.resolved.filter((f) => failedTo.has(f.rule))];
      comparison.new = comparison.new.filter((f) => !failedFrom.has(f.rule));
      comparison.resolved = comparison.resolved.filter((f) => !failedTo.has(f.rule));
      if (notCompared.length > 0) comparison.notCompared = notCompared;
    }
    return comparison;
  }

  /** Deletes one file's analyses, or all; returns how many analyses were deleted. */
  clear(file?: string): number {
    const deleted = this.transaction(() => {
      if (file === undefined) {
        const count = Number(this.one(SQL.countAll, [])![0]);
        this.db.exec('DELETE FROM analysis_findings; DELETE FROM analyses; DELETE FROM findings');
        return count;
      }
      const count = Number(this.one(SQL.countFile, [file])![0]);
      this.run(SQL.deleteFileFindings, [file]);
      this.run(SQL.deleteFileLinks, [file]);
      this.run(SQL.deleteFileAnalyses, [file]);
      return count;
    });
    if (file === undefined) this.latestVersions.clear();
    else this.latestVersions.delete(file);
    // Give the freed pages back, so the file (and every export) shrinks.
    if (deleted > 0) this.db.exec('VACUUM');
    return deleted;
  }

  /** Rows per table (for tests and measurements). */
  rowCounts(): { analyses: number; findings: number; links: number } {
    const [row] = this.db.exec('SELECT (SELECT count(*) FROM analyses), (SELECT count(*) FROM findings), (SELECT count(*) FROM analysis_findings)')[0].values;
    return { analyses: Number(row[0]), findings: Number(row[1]), links: Number(row[2]) };
  }

  /** The whole database as the bytes of a SQLite file (a copy; the store stays usable). */
  export(): Uint8Array {
    return this.db.export();
  }

  close(): void {
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
    this.db.close();
  }

  // ---------------------------------------------------------------------------------------

  /**
   * The finding versions of the latest analysis of `file`, by fingerprint: what a new analysis
   * of it may reuse. Kept in memory for the logs recorded lately; read back otherwise.
   */
  private reusableVersions(file: string): Map<string, FindingVersion> | undefined {
    const latest = this.one(SQL.latestOfFile, [file])?.[0];
    if (latest === null || latest === undefined) return undefined;
    const cached = this.latestVersions.get(file);
    if (cached?.analysisId === Number(latest)) return cached.byFingerprint;
    const byFingerprint = new Map<string, FindingVersion>();
    for (const r of this.all(SQL.versionsOf, [latest])) {
      const finding = toFinding(r.slice(1));
      if (!byFingerprint.has(finding.fingerprint)) byFingerprint.set(finding.fingerprint, { id: Number(r[0]), key: findingKey(finding) });
    }
    this.rememberLatest(file, Number(latest), byFingerprint);
    return byFingerprint;
  }

  private rememberLatest(file: string, analysisId: number, byFingerprint: Map<string, FindingVersion>): void {
    this.latestVersions.delete(file);
    this.latestVersions.set(file, { analysisId, byFingerprint });
    // Logs analysed lately stay; the least recently recorded go first.
    if (this.latestVersions.size > REMEMBERED_LOGS) this.latestVersions.delete(this.latestVersions.keys().next().value as string);
  }

  /**
   * Deletes the oldest analyses, whatever their log, until the pages in use fit `maxBytes`
   * (never `keep`, the analysis being recorded). The oldest analysis of all is the oldest of
   * its log, so deleteOldest applies.
   */
  private pruneToSize(maxBytes: number, keep: number): void {
    if (!Number.isFinite(maxBytes)) return;
    let fewest = Infinity;
    let sinceProgress = 0;
    for (let pruned = 0; pruned < MAX_PRUNED_PER_RECORD && sinceProgress < PRUNES_WITHOUT_PROGRESS; pruned++) {
      const [pages, pageSize] = this.one(SQL.usedPages, [])!.map(Number);
      if (pages * pageSize <= maxBytes) return;
      if (pages < fewest) {
        fewest = pages;
        sinceProgress = 0;
      } else sinceProgress++;
      const oldest = Number(this.one(SQL.oldest, [])![0]);
      if (oldest === keep) return;
      this.deleteOldest(oldest);
    }
  }

  /**
   * Deletes the oldest analysis of a log, and the finding versions only it used. A version is
   * used by consecutive analyses of one log (each analysis reuses from the previous one
   * only), so when the oldest goes, the versions it used that the next analysis does not
   * reuse are used by no one.
   */
  private deleteOldest(id: number): void {
    const next = this.one(SQL.nextOfFile, [id])?.[0];
    this.run(SQL.deleteFreedFindings, [id, next === null || next === undefined ? -1 : Number(next)]);
    this.run(SQL.deleteLinks, [id]);
    this.run(SQL.deleteAnalysis, [id]);
  }

  private lastId(): number {
    return Number(this.one(SQL.lastId, [])![0]);
  }

  private transaction<T>(body: () => T): T {
    this.db.exec('BEGIN');
    try {
      const result = body();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // SQLite already rolled back (it does on some errors); the original error matters.
      }
      throw err;
    }
  }

  private statement(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private run(sql: string, params: SqlValue[]): void {
    this.statement(sql).run(params);
  }

  private all(sql: string, params: SqlValue[]): SqlValue[][] {
    const s = this.statement(sql);
    const rows: SqlValue[][] = [];
    try {
      s.bind(params);
      while (s.step()) rows.push(s.get());
    } finally {
      s.reset();
    }
    return rows;
  }

  private one(sql: string, params: SqlValue[]): SqlValue[] | undefined {
    const s = this.statement(sql);
    try {
      s.bind(params);
      return s.step() ? s.get() : undefined;
    } finally {
      s.reset();
    }
  }
}

/** A stored finding version: its row id, and its key (findingKey) to tell whether a finding is unchanged. */
interface FindingVersion {
  id: number;
  key: string;
}

/** Logs whose latest finding versions are kept in memory (~50 bytes per finding): enough for a busy workspace. */
const REMEMBERED_LOGS = 128;

/**
 * A 64-bit hash of every field of a finding. It is only ever compared with the key of the
 * same fingerprint in the previous analysis, so a false match is ~2^-64 likely per finding.
 */
function findingKey(f: Finding): string {
  return stableHash(JSON.stringify([f.fingerprint, f.rule, f.severity, f.confidence, f.source ?? null, f.user ?? null, f.line, f.title, f.message, f.attack, f.evidence, f.lines]));
}

/** A finding as the values of `insertFinding`, in its column order. */
function findingRow(f: Finding): SqlValue[] {
  return [
    f.fingerprint,
    f.rule,
    f.severity,
    f.confidence,
    f.source ?? null,
    f.user ?? null,
    f.line,
    f.title,
    f.message,
    JSON.stringify(f.attack),
    JSON.stringify(f.evidence),
    encodeLines(f.lines),
  ];
}

/**
 * Cheap checks before SQLite sees the bytes: the magic string, a sane page size, and a file
 * as long as its header says (a truncated copy is shorter).
 */
function checkHeader(data: Uint8Array): void {
  const magic = 'SQLite format 3\u0000';
  if (data.length < 100) throw new CorruptHistoryError(data.length === 0 ? 'empty file' : `too short for a SQLite file (${data.length} bytes)`);
  for (let i = 0; i < magic.length; i++) {
    if (data[i] !== magic.charCodeAt(i)) throw new CorruptHistoryError('not a SQLite database (bad header)');
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw new CorruptHistoryError(`bad page size ${rawPageSize}`);
  if (data.length % pageSize !== 0) throw new CorruptHistoryError(`truncated (${data.length} bytes is not a whole number of ${pageSize}-byte pages)`);
  // The page count in the header is valid when the "version valid for" number equals the change counter.
  const pages = view.getUint32(28);
  if (pages > 0 && view.getUint32(92) === view.getUint32(24) && data.length < pages * pageSize) {
    throw new CorruptHistoryError(`truncated (${data.length} of ${pages * pageSize} bytes)`);
  }
}

function toSummary(r: SqlValue[]): AnalysisSummary {
  const summary: AnalysisSummary = {
    id: Number(r[0]),
    file: String(r[1]),
    time: Number(r[2]),
    origin: ANALYSIS_ORIGINS.includes(r[3] as AnalysisOrigin) ? (r[3] as AnalysisOrigin) : 'editor',
    format: String(r[4]) as FormatId,
    lines: Number(r[5]),
    parsed: Number(r[6]),
    skipped: Number(r[7]),
    counts: { critical: Number(r[8]), high: Number(r[9]), medium: Number(r[10]), low: Number(r[11]) },
    durationMs: Number(r[12]),
    settingsHash: String(r[13]),
    toolVersion: String(r[14]),
  };
  if (r[15] !== null) summary.error = String(r[15]);
  if (r[16] !== null) summary.failedRules = parseFailedRules(String(r[16]));
  return summary;
}

/** The failed_rules column; a damaged value reads as "some rule failed" rather than throwing. */
function parseFailedRules(json: string): FailedRule[] {
  try {
    const value: unknown = JSON.parse(json);
    if (Array.isArray(value)) {
      return value
        .filter((v): v is { rule: unknown; error: unknown } => typeof v === 'object' && v !== null)
        .map((v) => ({ rule: String(v.rule) as RuleId, error: String(v.error) }));
    }
  } catch {
    // fall through
  }
  return [{ rule: 'unknown' as RuleId, error: 'unreadable failed_rules value' }];
}

function toFinding(r: SqlValue[]): Finding {
  // Same key order as the engine's makeFinding, so JSON output reads the same.
  const finding: Finding = {
    fingerprint: String(r[0]),
    rule: String(r[1]) as RuleId,
    title: String(r[2]),
    severity: (SEVERITIES as readonly string[]).includes(String(r[3])) ? (String(r[3]) as Severity) : 'low',
    confidence: Number(r[4]),
    attack: JSON.parse(String(r[5])) as string[],
    line: Number(r[8]),
    lines: decodeLines(r[9] as Uint8Array),
    message: String(r[10]),
    evidence: JSON.parse(String(r[11])) as Finding['evidence'],
  };
  if (r[6] !== null) finding.source = String(r[6]);
  if (r[7] !== null) finding.user = String(r[7]);
  return finding;
}

function clampInt(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}
