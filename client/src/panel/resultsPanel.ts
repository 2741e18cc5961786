import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { FileReport } from '../../../server/src/engine/model';
import { GetReportRequest, HistoryListRequest, TimelineRequest, type HistoryEntry } from '../../../server/src/protocol';
import { analysisKey, RESULTS_VIEW_TYPE, sanitizePanelState, type AnalysisRef, type HostMessage, type PanelState, type ViewId } from '../../../webview/src/messages';
import { handleWebviewMessage, type PanelContext } from './panelMessages';
import { newNonce, panelHtml } from './panelHtml';

/** What the panel needs from the rest of the extension. */
export interface PanelServices {
  extensionUri: vscode.Uri;
  client(): Promise<LanguageClient>;
  /** Analyses a log with progress; undefined when it failed (already shown) or was cancelled. */
  analyze(uri: vscode.Uri): Promise<FileReport | undefined>;
  log(message: string): void;
  /** Whether this window keeps an analysis history (it needs the workspace storage folder). */
  historyAvailable: boolean;
}

/**
 * Analyses the History view lists at most (newest first); the total is shown beside them. Two
 * logs' worth at the default retention (100 per file), and a list the page redraws in a blink
 * each time an analysis is recorded.
 */
export const HISTORY_LIST_LIMIT = 200;

/** A report that was already sent is not sent again when the same one comes back. */
function signature(report: FileReport): string {
  return `${report.path}|${report.lines}|${report.durationMs}|${report.findings.length}`;
}

/**
 * The one results panel: opened beside the editor by "Analyze Log" (and refreshed by the
 * next run), restored by the serializer after a window reload. It owns the webview's
 * options and page, and keeps the log's URI and report that the page is showing; the page
 * keeps its own filters, sort and selection (setState).
 */
export class ResultsPanel implements PanelContext, vscode.Disposable {
  private static current: ResultsPanel | undefined;

  private uriShown: vscode.Uri | undefined;
  private reportShown: FileReport | undefined;
  private sent = '';
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private historyTimer: ReturnType<typeof setTimeout> | undefined;
  /** The analyses last listed to the page, by analysisKey: the only ones it may name back. */
  private historyListed = new Map<string, HistoryEntry>();
  /** The page has said it is ready (it listens to messages). */
  private pageIsReady = false;
  /** A view to switch to once the page is ready. */
  private viewOnReady: ViewId | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows a report in the panel, opening the panel beside the editor if needed. */
  static show(services: PanelServices, uri: vscode.Uri, report: FileReport): ResultsPanel {
    let panel = ResultsPanel.current;
    const pageAlive = panel?.panel.visible === true;
    if (!panel) {
      const webviewPanel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, titleOf(uri), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(services.extensionUri));
      panel = new ResultsPanel(webviewPanel, services);
    } else {
      panel.panel.reveal(undefined, true);
    }
    panel.setReport(uri, report);
    // The log just analysed is what the user wants to see, even if the History view was showing.
    panel.showView('findings', pageAlive);
    return panel;
  }

  /**
   * Opens (or reveals) the panel on its History view ("Log Warden: Show History"); needs no
   * log: a panel opened this way shows the findings of the next "Analyze Log".
   */
  static showHistory(services: PanelServices): ResultsPanel {
    let panel = ResultsPanel.current;
    // A hidden panel's page is unloaded; it loads again when revealed and says when it is ready.
    const pageAlive = panel?.panel.visible === true;
    if (!panel) {
      const webviewPanel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, 'Log Warden: History', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(services.extensionUri));
      panel = new ResultsPanel(webviewPanel, services);
    } else {
      panel.panel.reveal(undefined, false);
    }
    panel.showView('history', pageAlive);
    // A page that (re)loads asks for the list itself when it is ready.
    if (pageAlive) void panel.sendHistory();
    return panel;
  }

  /** The analysis history changed on the server: the History view lists it again. */
  static historyChanged(): void {
    ResultsPanel.current?.scheduleHistory();
  }

  /** A log's report changed on the server (an edit, a settings change): the panel follows if it shows that log. */
  static reportChanged(uri: vscode.Uri): void {
    ResultsPanel.current?.scheduleReload(uri);
  }

  /** The panel showing now, if any (for tests and the status bar). */
  static get active(): ResultsPanel | undefined {
    return ResultsPanel.current;
  }

  /**
   * Registers the serializer that brings the panel back after a window reload: VS Code keeps
   * the page's state; the log it names is analysed again.
   */
  static registerSerializer(services: PanelServices): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (webviewPanel, state: unknown) => {
        webviewPanel.webview.options = webviewOptions(services.extensionUri);
        const panel = new ResultsPanel(webviewPanel, services);
        const saved = sanitizePanelState(state);
        if (saved.uri) panel.uriShown = parseUri(saved.uri);
      },
    });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: PanelServices,
  ) {
    ResultsPanel.current?.panel.dispose();
    ResultsPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'images', 'icon.png');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => handleWebviewMessage(this, message)),
    );
    this.render();
  }

  get uri(): vscode.Uri | undefined {
    return this.uriShown;
  }

  get report(): FileReport | undefined {
    return this.reportShown;
  }

  get viewColumn(): vscode.ViewColumn | undefined {
    return this.panel.viewColumn;
  }

  client(): Promise<LanguageClient> {
    return this.services.client();
  }

  log(message: string): void {
    this.services.log(message);
  }

  post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  historyEntry(ref: AnalysisRef): HistoryEntry | undefined {
    return this.historyListed.get(analysisKey(ref));
  }

  /** Switches the page to a view now (its page is up), or as soon as it (re)loads. */
  private showView(view: ViewId, pageAlive: boolean): void {
    if (pageAlive && this.pageIsReady) this.post({ type: 'showView', view });
    else this.viewOnReady = view;
  }

  /** Lists the recorded analyses to the page (newest first, capped). */
  async sendHistory(): Promise<void> {
    if (!this.services.historyAvailable) {
      this.historyListed = new Map();
      this.post({ type: 'history', available: false, analyses: [], total: 0 });
      return;
    }
    try {
      const client = await this.services.client();
      const { analyses, total } = await client.sendRequest(HistoryListRequest, { limit: HISTORY_LIST_LIMIT });
      this.historyListed = new Map(analyses.map((a) => [analysisKey(a), a]));
      this.post({ type: 'history', available: true, analyses, total });
    } catch (err) {
      this.log(`results panel: listing the history failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private scheduleHistory(): void {
    if (this.historyTimer) clearTimeout(this.historyTimer);
    // Several analyses recorded at once (many logs saved) make one new list.
    this.historyTimer = setTimeout(() => {
      this.historyTimer = undefined;
      void this.sendHistory();
    }, 200);
  }

  async pageReady(state: PanelState | null): Promise<void> {
    this.pageIsReady = true;
    void this.sendHistory();
    const view = this.viewOnReady;
    this.viewOnReady = undefined;
    if (view) this.post({ type: 'showView', view });
    // A page that reloads (the panel was hidden) gets what it showed; a restored panel's page
    // names its log in its state.
    if (this.reportShown && this.uriShown) {
      this.sent = '';
      this.setReport(this.uriShown, this.reportShown);
      return;
    }
    const uri = this.uriShown ?? (state?.uri ? parseUri(state.uri) : undefined);
    if (!uri) {
      if (view !== 'history' && state?.view !== 'history') this.post({ type: 'notice', level: 'info', message: 'Run "Log Warden: Analyze Log" on a log file to see its findings here.' });
      return;
    }
    this.uriShown = uri;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const uri = this.uriShown;
    if (!uri) return;
    this.post({ type: 'busy', message: `Analysing ${path.basename(uri.path)}…` });
    try {
      const report = await this.services.analyze(uri);
      if (report) this.setReport(uri, report);
      else if (!this.reportShown) this.post({ type: 'notice', level: 'error', message: `${uri.fsPath || uri.toString()} could not be analysed.` });
    } finally {
      this.post({ type: 'busy', message: null });
    }
  }

  /** Sends a report to the page (once), then the timeline, which takes a moment longer. */
  setReport(uri: vscode.Uri, report: FileReport): void {
    this.uriShown = uri;
    this.reportShown = report;
    this.panel.title = titleOf(uri);
    const key = `${uri.toString()}|${signature(report)}`;
    if (key === this.sent) return;
    this.sent = key;
    this.post({ type: 'report', uri: uri.toString(), fileName: displayName(uri), report });
    void this.sendTimeline(uri, key);
  }

  private async sendTimeline(uri: vscode.Uri, key: string): Promise<void> {
    let timeline = null;
    try {
      const client = await this.services.client();
      timeline = await client.sendRequest(TimelineRequest, { uri: client.code2ProtocolConverter.asUri(uri) });
    } catch (err) {
      this.log(`results panel: no timeline for ${uri.toString()}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.sent === key) this.post({ type: 'timeline', uri: uri.toString(), timeline });
  }

  private scheduleReload(uri: vscode.Uri): void {
    if (!this.uriShown || uri.toString() !== this.uriShown.toString()) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    // Edits come in bursts; the report is fetched once they pause.
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.reload(uri);
    }, 300);
  }

  /** The server's current report of the log (no progress: it is quick for open documents). */
  private async reload(uri: vscode.Uri): Promise<void> {
    try {
      const client = await this.services.client();
      const report = await client.sendRequest(GetReportRequest, { uri: client.code2ProtocolConverter.asUri(uri) });
      if (report && this.uriShown?.toString() === uri.toString()) this.setReport(uri, report);
    } catch (err) {
      this.log(`results panel: reloading the report of ${uri.toString()} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private render(): void {
    const webview = this.panel.webview;
    const folder = vscode.Uri.joinPath(this.services.extensionUri, 'dist', 'webview');
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(folder, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(folder, 'webview.css')).toString(),
      nonce: newNonce(),
      styleNonce: newNonce(),
    });
  }

  dispose(): void {
    if (ResultsPanel.current === this) ResultsPanel.current = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.historyTimer) clearTimeout(this.historyTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/**
 * Scripts on (our one nonce'd module), command URIs and forms off, and local files limited
 * to the built webview folder: the page can load nothing else of the extension or the disk.
 */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    // Ctrl+F focuses the panel's own filter field instead.
    enableFindWidget: false,
  };
}

function titleOf(uri: vscode.Uri): string {
  return `Log Warden: ${path.basename(uri.path) || uri.toString()}`;
}

function displayName(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri) ? vscode.workspace.asRelativePath(uri, true) : uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

function parseUri(text: string): vscode.Uri | undefined {
  try {
    const uri = vscode.Uri.parse(text, true);
    return uri.scheme === 'file' || uri.scheme === 'untitled' ? uri : undefined;
  } catch {
    return undefined;
  }
}
