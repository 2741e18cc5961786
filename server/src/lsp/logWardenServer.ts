import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import { analyzeFile, CancelledError, InputError } from '../io/analyzeFile';
import { collectTimeline, type TimelineCollector } from '../io/timeline';
import { ForestWorkerThread } from '../io/forestThread';
import type { AnalysisProgress } from '../engine/documentAnalysis';
import { DEFAULT_CONFIG } from '../engine/config';
import type { FileReport } from '../engine/model';
import {
  ADD_TO_TEAM_CONFIG_COMMAND,
  ANALYZE_FILE_INPUT_ERROR,
  AnalyzeFileRequest,
  countBySeverity,
  DocumentStatsRequest,
  GetReportRequest,
  HistoryChangedNotification,
  HistoryClearRequest,
  HistoryCompareRequest,
  HistoryGetRequest,
  HistoryListRequest,
  RELOAD_TEAM_CONFIG_COMMAND,
  ReportChangedNotification,
  SETTINGS_SECTION,
  TEAM_CONFIG_FILE,
  TimelineRequest,
  WorkspaceTrustNotification,
  type AddToTeamConfigArgs,
  type AnalyzeFileParams,
  type DocumentStats,
  type InitializationOptions,
  type LogWardenSettings,
  type ReloadTeamConfigArgs,
  type Timeline,
  type TimelineParams,
} from '../protocol';
import { quickFixes, type EditCapabilities } from './codeActions';
import { findingsToDiagnostics, evidenceOrder } from './diagnostics';
import { HistoryService } from './historyService';
import { hoverForLine } from './hover';
import { addToTopLevelList, applyJsonEdits } from './jsonTextEdit';
import { readLinesAt } from './logFileOnDisk';
import { OpenLog } from './openLog';
import { effectiveSettings, type EffectiveSettings } from './settings';
import { TeamConfigFiles, uriToPath } from './teamConfig';

/** Pause after the last keystroke before a pushed re-analysis (pull clients decide themselves). */
const PUSH_DEBOUNCE_MS = 150;
/** An analysis still running after this long gets a progress indicator. */
const PROGRESS_AFTER_MS = 400;
/** Reports of files analysed from disk kept for `logWarden/getReport`. */
const DISK_REPORTS_KEPT = 16;

/**
 * The language server: the LSP side of the engine. It owns the open logs and their
 * analyses, turns reports into diagnostics, hovers and quick fixes, and reads settings from
 * the client and `.logwarden.json`. Every handler catches its errors and logs them: bad
 * input never takes the server down.
 */
export class LogWardenServer {
  private readonly documents: TextDocuments<OpenLog>;
  private readonly team = new TeamConfigFiles();
  /** The Isolation Forest's second thread, shared by every analysis (see ForestWorkerThread). */
  private readonly forestThread = ForestWorkerThread.start();
  private capabilities: ClientCapabilities = {};
  /** Pull diagnostics (`textDocument/diagnostic`) when the client supports them, push otherwise. */
  private pull = false;
  private trusted = true;
  private settingsGeneration = 0;
  private readonly settingsCache = new Map<string, Promise<LogWardenSettings | null>>();
  /** Settings sent with `workspace/didChangeConfiguration`, for clients without `workspace/configuration`. */
  private pushedSettings: LogWardenSettings | null = null;
  private readonly diskReports = new Map<string, FileReport>();
  /** Per-minute counts of the files analysed from disk (same keys as diskReports). */
  private readonly diskTimelines = new Map<string, TimelineCollector>();
  /** Per-minute counts of open documents, with the version and parse settings they were counted for. */
  private readonly openTimelines = new Map<string, { key: string; collector: TimelineCollector }>();
  private readonly problemsShown = new Set<string>();
  private resultIds = 0;
  /** Rules whose failure the user has been told about (once per server run). */
  private readonly shownFailures = new Set<string>();
  /** Analysis history; replaced at `initialize` once the storage folder is known. */
  private history = this.createHistory(undefined);

  constructor(private readonly connection: Connection) {
    this.documents = new TextDocuments<OpenLog>({
      create: (uri, languageId, version, content) => this.createLog(uri, languageId, version, content),
      update: (log, changes, version) => {
        try {
          log.applyChanges(changes, version);
        } catch (err) {
          this.logError(`applying changes to ${log.uri}`, err);
        }
        return log;
      },
    });
    this.register();
    this.documents.listen(connection);
  }

  // ---------------------------------------------------------------------------------------
  // Wiring

  private register(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => this.guard('initialized', () => this.initialized()));
    this.documents.onDidOpen(({ document }) => this.guard('open', () => this.opened(document)));
    this.documents.onDidChangeContent(({ document }) =>
      // Also fired right after open (no change yet): the open handler already scheduled it.
      this.guard('change', () => document.changeCount > 0 && this.schedulePush(document, PUSH_DEBOUNCE_MS)),
    );
    this.documents.onDidClose(({ document }) => this.guard('close', () => this.closed(document)));
    this.documents.onDidSave(({ document }) => this.guard('save', () => this.history.documentSaved(document.uri)));

    c.languages.diagnostics.on((params, token) =>
      this.guardAsync('diagnostics', async (): Promise<DocumentDiagnosticReport> => {
        const log = this.documents.get(params.textDocument.uri);
        if (!log) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
        const report = await this.refresh(log, token);
        if (!report) {
          if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'diagnostics request cancelled');
          return { kind: DocumentDiagnosticReportKind.Full, items: [] }; // closed meanwhile
        }
        if (params.previousResultId !== undefined && params.previousResultId === log.resultId) {
          return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: log.resultId };
        }
        return { kind: DocumentDiagnosticReportKind.Full, resultId: log.resultId, items: log.diagnostics };
      }),
    );

    c.onHover((params, token) =>
      this.guardAsync('hover', async () => {
        const log = this.documents.get(params.textDocument.uri);
        const report = log ? await this.refresh(log, token) : this.diskReports.get(params.textDocument.uri);
        return report ? hoverForLine(report, params.position.line) : null;
      }),
    );

    c.onCodeAction((params) =>
      this.guardAsync('code actions', async () => {
        const team = this.team.forDocument(params.textDocument.uri);
        return quickFixes(params.context.diagnostics, team, this.editCapabilities());
      }),
    );

    c.onExecuteCommand((params) =>
      this.guardAsync('command', async () => {
        const arg = params.arguments?.[0] as Record<string, unknown> | undefined;
        if (params.command === RELOAD_TEAM_CONFIG_COMMAND && arg && typeof arg.fileUri === 'string') {
          const { fileUri, expectedText } = arg as unknown as ReloadTeamConfigArgs;
          this.team.invalidate(fileUri, typeof expectedText === 'string' ? expectedText : undefined);
          this.settingsChanged();
        } else if (params.command === ADD_TO_TEAM_CONFIG_COMMAND && arg && typeof arg.fileUri === 'string') {
          this.addToTeamConfig(arg as unknown as AddToTeamConfigArgs);
        } else this.connection.console.warn(`unknown command ${params.command}`);
        return null;
      }),
    );

    c.onDidChangeConfiguration((params) =>
      this.guard('configuration', () => {
        const settings = (params.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
        this.pushedSettings = typeof settings === 'object' && settings !== null ? (settings as LogWardenSettings) : null;
        this.settingsCache.clear();
        this.settingsChanged();
      }),
    );

    c.onDidChangeWatchedFiles((params) =>
      this.guard('watched files', () => {
        let changed = false;
        for (const change of params.changes) {
          if (change.uri.endsWith('/' + TEAM_CONFIG_FILE)) {
            this.team.invalidate(change.uri);
            changed = true;
          }
        }
        if (changed) this.settingsChanged();
      }),
    );

    c.onNotification(WorkspaceTrustNotification, (params) =>
      this.guard('trust', () => {
        this.trusted = params.trusted !== false;
        this.settingsChanged();
      }),
    );

    c.onRequest(AnalyzeFileRequest, (params, token) => this.guardAsync('analyze file', () => this.analyzeFileRequest(params, token)));

    c.onRequest(GetReportRequest, (params, token) =>
      this.guardAsync('report', async () => {
        const log = this.documents.get(params.uri);
        if (!log) return this.diskReports.get(params.uri) ?? null;
        const report = await this.refresh(log, token);
        if (!report && token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'report request cancelled');
        return report ?? null;
      }),
    );

    c.onRequest(TimelineRequest, (params, token) => this.guardAsync('timeline', () => this.timelineRequest(params, token)));

    c.onRequest(DocumentStatsRequest, (params) =>
      this.guardAsync('stats', async (): Promise<DocumentStats | null> => {
        const log = this.documents.get(params.uri);
        if (!log) return null;
        return { version: log.version, lines: log.lineCount, ...log.analysis.counters };
      }),
    );

    c.onRequest(HistoryListRequest, (params) => this.guardAsync('history list', () => this.history.list(params ?? {})));
    c.onRequest(HistoryGetRequest, (params) => this.guardAsync('history get', () => this.history.get(params)));
    c.onRequest(HistoryCompareRequest, (params) => this.guardAsync('history compare', () => this.history.compare(params)));
    c.onRequest(HistoryClearRequest, (params) => this.guardAsync('history clear', () => this.history.clear(params ?? {})));

    c.onShutdown(async () => {
      for (const log of this.documents.all()) log.close();
      // Analyses waiting for their quiet period are recorded, and every history saved, before the answer.
      await this.history.shutdown().catch((err: unknown) => this.logError('saving the history', err));
    });
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.capabilities = params.capabilities;
    this.pull = Boolean(params.capabilities.textDocument?.diagnostic);
    const options = params.initializationOptions as Partial<InitializationOptions> | undefined;
    this.trusted = options?.workspaceTrusted !== false;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.team.setFolders(folders);
    this.history = this.createHistory(typeof options?.storagePath === 'string' ? options.storagePath : undefined);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        executeCommandProvider: { commands: [RELOAD_TEAM_CONFIG_COMMAND, ADD_TO_TEAM_CONFIG_COMMAND] },
        diagnosticProvider: this.pull ? { identifier: 'logWarden', interFileDependencies: false, workspaceDiagnostics: false } : undefined,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'Log Warden' },
    };
  }

  private initialized(): void {
    this.history.start();
    const caps = this.capabilities;
    if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
      this.quietly(this.connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }));
    }
    if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      this.quietly(this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: `**/${TEAM_CONFIG_FILE}` }] }));
    }
    if (caps.workspace?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) =>
        this.guard('workspace folders', () => {
          const removed = new Set(event.removed.map((f) => f.uri.replace(/\/+$/, '')));
          const folders = this.team.folderUris.filter((f) => !removed.has(f)).concat(event.added.map((f) => f.uri));
          this.team.setFolders(folders);
          this.settingsChanged();
        }),
      );
    }
  }

  // ---------------------------------------------------------------------------------------
  // Documents

  private createLog(uri: string, languageId: string, version: number, content: string): OpenLog {
    const file = uriToPath(uri);
    let referenceTime: number | undefined;
    if (file !== undefined) {
      try {
        // Year-less syslog dates are read against the file's modification time.
        referenceTime = fs.statSync(file).mtimeMs;
      } catch {
        referenceTime = undefined;
      }
    }
    return new OpenLog(uri, languageId, version, content, { path: this.team.displayPath(uri), config: DEFAULT_CONFIG, referenceTime, forestThread: this.forestThread });
  }

  private opened(log: OpenLog): void {
    // A file analysed from disk before: the open document's diagnostics take over.
    this.diskTimelines.delete(log.uri);
    if (this.diskReports.delete(log.uri) && this.pull) this.quietly(this.connection.sendDiagnostics({ uri: log.uri, diagnostics: [] }));
    this.schedulePush(log, 0);
  }

  private closed(log: OpenLog): void {
    log.close();
    this.openTimelines.delete(log.uri);
    this.history.documentClosed(log.uri);
    this.settingsCache.delete(log.uri);
    if (!this.pull) this.quietly(this.connection.sendDiagnostics({ uri: log.uri, diagnostics: [] }));
  }

  private schedulePush(log: OpenLog, delayMs: number): void {
    if (this.pull) return;
    if (log.pushTimer) clearTimeout(log.pushTimer);
    log.pushTimer = setTimeout(() => {
      log.pushTimer = undefined;
      this.quietly(this.guardAsync('push diagnostics', () => this.push(log)));
    }, delayMs);
  }

  private async push(log: OpenLog): Promise<void> {
    const report = await this.refresh(log, log.closed);
    if (!report || log.closed.isCancellationRequested || log.resultId === log.publishedResultId) return;
    log.publishedResultId = log.resultId;
    await this.connection.sendDiagnostics({ uri: log.uri, version: log.reportVersion, diagnostics: log.diagnostics });
  }

  /**
   * Brings a log's settings, analysis and diagnostics up to date. Undefined when `token` was
   * cancelled (or the log closed) first.
   */
  private async refresh(log: OpenLog, token: { isCancellationRequested: boolean }): Promise<FileReport | undefined> {
    if (log.settingsGeneration !== this.settingsGeneration) {
      const generation = this.settingsGeneration;
      const settings = await this.settingsFor(log.uri);
      if (log.settingsGeneration < generation) log.useSettings(settings, generation);
    }
    if (log.closed.isCancellationRequested) return undefined;
    const either = { get isCancellationRequested() { return token.isCancellationRequested || log.closed.isCancellationRequested; } };
    const report = await this.withProgress(log, (onProgress) => log.analysis.analyze(either, onProgress));
    if (!report) return undefined;
    const settings = log.settings!;
    if (log.diagnosticsFor?.report !== report || log.diagnosticsFor.settings !== settings) {
      log.diagnostics = findingsToDiagnostics(log.uri, report, (line) => log.analysis.lineText(line), settings.diagnostics);
      log.diagnosticsFor = { report, settings };
      log.resultId = `${++this.resultIds}`;
      log.reportVersion = log.version;
      this.notifyReport(log.uri, report);
    }
    this.reportFailedRules(log);
    this.history.editorAnalysis(log.uri, report, settings);
    return report;
  }

  /**
   * A rule that threw is logged once per document (Output panel) and shown to the user once
   * per server run; the other rules' diagnostics are published as usual.
   */
  private reportFailedRules(log: OpenLog): void {
    for (const failed of log.analysis.failedRules) {
      if (log.reportedFailures.has(failed.rule)) continue;
      log.reportedFailures.add(failed.rule);
      this.connection.console.error(`Log Warden: rule ${failed.rule} failed on ${log.uri}: ${failed.error}. Its findings are missing; the other rules ran.`);
      if (this.shownFailures.has(failed.rule)) continue;
      this.shownFailures.add(failed.rule);
      this.quietly(
        this.connection.sendNotification(ShowMessageNotification.type, {
          type: MessageType.Error,
          message: `Log Warden: rule ${failed.rule} failed (${failed.error}); its findings are missing, the other rules still run. Details in the Output panel.`,
        }),
      );
    }
  }

  /** Shows progress for analyses that take a while (when the client can show it). */
  private async withProgress<T>(log: OpenLog, run: (onProgress: (p: AnalysisProgress) => void) => Promise<T>): Promise<T> {
    if (!this.capabilities.window?.workDoneProgress) return run(() => undefined);
    let reporter: WorkDoneProgressReporter | undefined;
    let finished = false;
    let last = -1;
    let percent = 0;
    const name = path.basename(uriToPath(log.uri) ?? log.uri);
    const timer = setTimeout(() => {
      this.connection.window
        .createWorkDoneProgress()
        .then((r) => {
          if (finished) return r.done();
          reporter = r;
          r.begin('Log Warden', percent, `Analysing ${name}`, false);
        })
        .catch(() => undefined);
    }, PROGRESS_AFTER_MS);
    try {
      return await run((p) => {
        // Parsing is the first half of the bar, detection the second.
        percent = Math.min(99, Math.floor((p.phase === 'parse' ? 0 : 50) + (50 * p.done) / Math.max(1, p.total)));
        if (reporter && percent !== last) {
          last = percent;
          reporter.report(percent, `${p.phase === 'parse' ? 'Parsing' : 'Detecting'} ${name}`);
        }
      });
    } finally {
      finished = true;
      clearTimeout(timer);
      reporter?.done();
    }
  }

  private notifyReport(uri: string, report: FileReport): void {
    this.quietly(this.connection.sendNotification(ReportChangedNotification, {
      uri,
      counts: countBySeverity(report),
      format: report.format,
      lines: report.lines,
      durationMs: report.durationMs,
    }));
  }

  // ---------------------------------------------------------------------------------------
  // Settings

  private async settingsFor(uri: string): Promise<EffectiveSettings> {
    let fromClient: LogWardenSettings | null = this.pushedSettings;
    if (this.capabilities.workspace?.configuration) {
      let pending = this.settingsCache.get(uri);
      if (!pending) {
        pending = this.connection.workspace
          .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
          .then((v: unknown) => (typeof v === 'object' && v !== null ? (v as LogWardenSettings) : null))
          .catch((err: unknown) => {
            this.logError('reading settings', err);
            return null;
          });
        this.settingsCache.set(uri, pending);
      }
      fromClient = await pending;
    }
    const team = this.team.forDocument(uri);
    const settings = effectiveSettings(fromClient, team?.value, this.trusted);
    if (team?.problem) settings.problems.push(team.problem);
    for (const problem of settings.problems) this.reportProblem(problem);
    return settings;
  }

  /** Settings, the team file or trust changed: every open log is analysed again. */
  private settingsChanged(): void {
    this.settingsGeneration++;
    this.problemsShown.clear();
    if (!this.pull) {
      for (const log of this.documents.all()) this.schedulePush(log, 0);
    } else if (this.capabilities.workspace?.diagnostics?.refreshSupport) {
      this.quietly(this.connection.languages.diagnostics.refresh());
    }
  }

  private reportProblem(problem: string): void {
    if (this.problemsShown.has(problem)) return;
    this.problemsShown.add(problem);
    this.connection.console.warn(`settings: ${problem}`);
  }

  private addToTeamConfig(args: AddToTeamConfigArgs): void {
    const file = uriToPath(args.fileUri);
    if (!file || (args.key !== 'suppressions' && args.key !== 'allowlist')) throw new Error(`cannot write ${args.fileUri}`);
    this.team.invalidate(args.fileUri);
    const current = this.team.read(args.fileUri);
    const result = addToTopLevelList(current.text ?? '', args.key, args.value);
    if (result.kind === 'invalid') {
      this.quietly(this.connection.window.showErrorMessage(`Log Warden: cannot update ${file}: ${result.reason}`));
      return;
    }
    if (result.kind === 'edit') {
      fs.writeFileSync(file, applyJsonEdits(current.text ?? '', [result.edit]));
      this.team.invalidate(args.fileUri);
      this.settingsChanged();
    }
  }

  private editCapabilities(): EditCapabilities {
    const edit = this.capabilities.workspace?.workspaceEdit;
    return {
      documentChanges: Boolean(edit?.documentChanges),
      createFiles: Boolean(edit?.documentChanges && edit.resourceOperations?.includes('create')),
      disabledActions: Boolean(this.capabilities.textDocument?.codeAction?.disabledSupport),
    };
  }

  // ---------------------------------------------------------------------------------------
  // Files analysed from disk

  private async analyzeFileRequest(params: AnalyzeFileParams, token: { isCancellationRequested: boolean }): Promise<FileReport> {
    const open = this.documents.get(params.uri);
    if (open) {
      // Open documents are analysed as the editor holds them; their diagnostics go the usual way.
      const report = await this.refresh(open, token);
      if (!report) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'analysis cancelled');
      if (!this.pull) await this.push(open);
      await this.history.commandAnalysis(params.uri, report, open.settings!);
      return report;
    }
    const file = uriToPath(params.uri);
    if (file === undefined) throw new ResponseError(ANALYZE_FILE_INPUT_ERROR, `${params.uri}: only files on disk (file: URIs) can be analysed`);
    const settings = await this.settingsFor(params.uri);
    const progress = this.connection.window.attachWorkDoneProgress(params.workDoneToken);
    const name = path.basename(file);
    progress.begin('Log Warden', 0, `Analysing ${name}`, true);
    let last = -1;
    try {
      const report = await analyzeFile(file, {
        config: settings.config,
        displayPath: this.team.displayPath(params.uri),
        isCancelled: () => token.isCancellationRequested,
        timeline: true,
        forestThread: this.forestThread,
        onProgress: ({ bytesRead, totalBytes }) => {
          const percent = Math.min(99, Math.floor((100 * bytesRead) / Math.max(1, totalBytes)));
          if (percent !== last) {
            last = percent;
            progress.report(percent, `${name}: ${formatMegabytes(bytesRead)} of ${formatMegabytes(totalBytes)}`);
          }
        },
      });
      const { truncatedLines: _t, invalidUtf8Lines: _i, timeline, ...fileReport } = report;
      void _t;
      void _i;
      const wanted = new Set<number>();
      let budget = settings.diagnostics.maxPerDocument;
      for (const f of fileReport.findings) {
        if (budget <= 0) break;
        const lines = evidenceOrder(f).slice(0, settings.diagnostics.maxPerFinding);
        for (const l of lines) wanted.add(l);
        budget -= lines.length;
      }
      progress.report(99, `${name}: locating the evidence`);
      const texts = await readLinesAt(file, wanted, settings.config.maxLineLength);
      const diagnostics = findingsToDiagnostics(params.uri, fileReport, (line) => texts.get(line), settings.diagnostics);
      this.diskReports.delete(params.uri);
      this.diskReports.set(params.uri, fileReport);
      if (timeline) this.diskTimelines.set(params.uri, timeline);
      while (this.diskReports.size > DISK_REPORTS_KEPT) {
        const oldest = this.diskReports.keys().next().value as string;
        this.diskReports.delete(oldest);
        this.diskTimelines.delete(oldest);
      }
      await this.connection.sendDiagnostics({ uri: params.uri, diagnostics });
      this.notifyReport(params.uri, fileReport);
      await this.history.commandAnalysis(params.uri, fileReport, settings);
      return fileReport;
    } catch (err) {
      if (err instanceof CancelledError) throw new ResponseError(LSPErrorCodes.RequestCancelled, `analysis of ${name} cancelled`);
      if (err instanceof InputError) throw new ResponseError(ANALYZE_FILE_INPUT_ERROR, err.message);
      throw err;
    } finally {
      progress.done();
    }
  }

  // ---------------------------------------------------------------------------------------
  // History

  private createHistory(storagePath: string | undefined): HistoryService {
    return new HistoryService(storagePath, {
      warn: (message) => {
        this.connection.console.warn(message);
        // window/showMessage (a notification): nothing to answer, every client shows it.
        this.quietly(this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }));
      },
      log: (message) => this.connection.console.error(message),
      changed: (params) => this.quietly(this.connection.sendNotification(HistoryChangedNotification, params)),
      folders: () => this.team.folderUris,
      displayPath: (uri) => this.team.displayPath(uri),
    });
  }

  /** For a process exiting without `shutdown`: saves what the history has not saved yet. */
  exiting(): void {
    this.history.flushSync();
  }

  // ---------------------------------------------------------------------------------------
  // Timeline (records per minute) for the results panel

  private async timelineRequest(params: TimelineParams, token: { isCancellationRequested: boolean }): Promise<Timeline | null> {
    const log = this.documents.get(params.uri);
    if (!log) {
      const report = this.diskReports.get(params.uri);
      const collector = this.diskTimelines.get(params.uri);
      return report && collector ? collector.timeline(report.findings) : null;
    }
    const report = await this.refresh(log, token);
    if (!report || !log.settings) {
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'timeline request cancelled');
      return null; // closed meanwhile
    }
    const config = log.settings.config;
    // Counting depends on the text and on what changes parsing.
    const key = [log.version, config.format ?? '', config.referenceYear ?? '', config.maxLineLength].join('\u0000');
    let cached = this.openTimelines.get(log.uri);
    if (!cached || cached.key !== key) {
      const version = log.version;
      const file = uriToPath(log.uri);
      let referenceTime: number | undefined;
      try {
        referenceTime = file === undefined ? undefined : fs.statSync(file).mtimeMs;
      } catch {
        referenceTime = undefined;
      }
      const collector = await collectTimeline(log.lineCount, (line) => log.analysis.lineText(line), {
        config,
        referenceTime,
        isCancelled: () => token.isCancellationRequested || log.closed.isCancellationRequested,
      });
      if (!collector) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'timeline request cancelled');
      cached = { key, collector };
      // An edit during the count: the answer is still useful, but not worth keeping.
      if (log.version === version && !log.closed.isCancellationRequested) this.openTimelines.set(log.uri, cached);
    }
    return cached.collector.timeline(report.findings);
  }

  // ---------------------------------------------------------------------------------------
  // Errors

  private guard(what: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.logError(what, err);
    }
  }

  /** Runs a request handler; protocol errors go back to the client, anything else is logged and answered as an internal error. */
  private async guardAsync<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      this.logError(what, err);
      throw new ResponseError(-32603, `Log Warden: ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * For promises nobody awaits (some library calls typed `void` return one too): a failure is
   * logged (handlers have logged theirs already), never left unhandled.
   */
  private quietly(result: unknown): void {
    if (result instanceof Promise) {
      result.catch((err: unknown) => {
        if (!(err instanceof ResponseError)) this.logError('background task', err);
      });
    }
  }

  private logError(what: string, err: unknown): void {
    this.connection.console.error(`${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
