import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import type { FileReport, Finding } from '../../../server/src/engine/model';
import { attackUrl } from '../../../server/src/engine/rules';
import {
  ADD_TO_TEAM_CONFIG_COMMAND,
  HistoryCompareRequest,
  HistoryGetRequest,
  TEAM_CONFIG_FILE,
  type AddToTeamConfigArgs,
  type HistoryEntry,
} from '../../../server/src/protocol';
import {
  isWebviewMessage,
  sanitizePanelState,
  type AnalysisRef,
  type HostMessage,
  type PanelState,
  type SuppressAction,
  type WebviewMessage,
} from '../../../webview/src/messages';
import { CLEAR_HISTORY_COMMAND } from '../historyCommands';
import { evidenceText } from './evidenceText';
import { exportReport } from './exportReport';

/** What the message handler needs from the panel it serves. */
export interface PanelContext {
  /** The log shown and its report (undefined until the first analysis arrived). */
  readonly uri: vscode.Uri | undefined;
  readonly report: FileReport | undefined;
  /** The column the panel is in (the editor goes elsewhere). */
  readonly viewColumn: vscode.ViewColumn | undefined;
  post(message: HostMessage): void;
  /** The page (re)loaded: send it the report, or analyse the log its saved state names. */
  pageReady(state: PanelState | null): Promise<void>;
  /** Analyse the log again and show the new report. */
  refresh(): Promise<void>;
  client(): Promise<LanguageClient>;
  log(message: string): void;
  /** The recorded analysis of that reference, if it is one the host listed to the page. */
  historyEntry(ref: AnalysisRef): HistoryEntry | undefined;
}

/**
 * Acts on one message from the panel's page. Nothing from the page is trusted: the message
 * must have the declared shape (`isWebviewMessage`), and its values must match the report the
 * host itself holds — a line inside the log, the fingerprint of a finding it sent, an ATT&CK id
 * whose URL the host builds. Anything else is dropped (and logged).
 */
export async function handleWebviewMessage(ctx: PanelContext, raw: unknown): Promise<void> {
  if (!isWebviewMessage(raw)) {
    ctx.log(`results panel: ignored a malformed message ${describe(raw)}`);
    return;
  }
  try {
    await dispatch(ctx, raw);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.log(`results panel: ${raw.type} failed: ${message}`);
    ctx.post({ type: 'notice', level: 'error', message: `${raw.type} failed: ${message}` });
  }
}

async function dispatch(ctx: PanelContext, message: WebviewMessage): Promise<void> {
  switch (message.type) {
    case 'ready':
      return ctx.pageReady(message.state ? sanitizePanelState(message.state) : null);
    case 'refresh':
      return ctx.refresh();
    case 'reveal': {
      const { uri, report } = ctx;
      if (!uri || !report || message.line > Math.max(report.lines, 1)) return;
      return revealLine(uri, message.line, message.focus, ctx.viewColumn);
    }
    case 'requestEvidence': {
      const finding = findingOf(ctx, message.fingerprint);
      if (!finding || !ctx.uri) return;
      const { lines, omitted } = await evidenceText(ctx.uri, finding);
      ctx.post({ type: 'evidence', fingerprint: finding.fingerprint, lines, omitted });
      return;
    }
    case 'openTechnique':
      // The URL is ours (attack.mitre.org + the checked id); the page never navigates itself.
      await vscode.env.openExternal(vscode.Uri.parse(attackUrl(message.technique)));
      return;
    case 'export': {
      if (!ctx.report || !ctx.uri) return;
      const written = await exportReport(ctx.report, message.format, ctx.uri);
      if (written) {
        const where = vscode.workspace.asRelativePath(written, false);
        ctx.post({ type: 'notice', level: 'info', message: `Exported ${ctx.report.findings.length} findings as ${message.format.toUpperCase()} to ${where}` });
      }
      return;
    }
    case 'suppress': {
      const finding = findingOf(ctx, message.fingerprint);
      if (!finding || !ctx.uri) return;
      await suppress(ctx, ctx.uri, finding, message.action);
      return;
    }
    case 'openAnalysis':
      return openAnalysis(ctx, message.analysis);
    case 'compareAnalyses':
      return compareAnalyses(ctx, message.from, message.to);
    case 'clearHistory':
      await vscode.commands.executeCommand(CLEAR_HISTORY_COMMAND);
      return;
  }
}

/** An analysis the host listed, or nothing (logged): the page may only name what it was sent. */
function listedEntry(ctx: PanelContext, ref: AnalysisRef): HistoryEntry | undefined {
  const entry = ctx.historyEntry(ref);
  if (!entry) ctx.log(`results panel: ignored analysis #${ref.id}, which the History view was not sent`);
  return entry;
}

async function openAnalysis(ctx: PanelContext, ref: AnalysisRef): Promise<void> {
  const entry = listedEntry(ctx, ref);
  if (!entry) return;
  const client = await ctx.client();
  const record = await client.sendRequest(HistoryGetRequest, { id: entry.id, folder: entry.folder });
  if (!record) {
    ctx.post({ type: 'notice', level: 'error', message: `Analysis #${entry.id} of ${entry.file} is no longer in the history.` });
    return;
  }
  ctx.post({ type: 'historyAnalysis', analysis: record.analysis, report: record.report });
}

async function compareAnalyses(ctx: PanelContext, a: AnalysisRef, b: AnalysisRef): Promise<void> {
  const first = listedEntry(ctx, a);
  const second = listedEntry(ctx, b);
  if (!first || !second) return;
  if (first.folder !== second.folder) {
    ctx.post({ type: 'notice', level: 'error', message: 'Analyses of logs in different workspace folders are kept apart and cannot be compared.' });
    return;
  }
  // Older → newer, whatever order they were ticked in: "new" means appeared since.
  const [from, to] = first.time < second.time || (first.time === second.time && first.id < second.id) ? [first, second] : [second, first];
  const client = await ctx.client();
  const result = await client.sendRequest(HistoryCompareRequest, { from: from.id, to: to.id, folder: from.folder });
  ctx.post({
    type: 'historyComparison',
    from: result.from,
    to: result.to,
    new: result.new,
    resolved: result.resolved,
    unchanged: result.unchanged,
    ...(result.notCompared ? { notCompared: result.notCompared } : {}),
  });
}

function findingOf(ctx: PanelContext, fingerprint: string): Finding | undefined {
  return ctx.report?.findings.find((f) => f.fingerprint === fingerprint);
}

/**
 * Shows a 1-based line in an editor beside the panel and selects it (cursor at its start).
 * Logs over the 50 MB sync limit cannot be opened as documents; `vscode.open` still shows them.
 */
export async function revealLine(uri: vscode.Uri, line: number, focus: boolean, panelColumn: vscode.ViewColumn | undefined): Promise<void> {
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const viewColumn = visible?.viewColumn ?? (panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
  const at = line - 1;
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const range = at < document.lineCount ? document.lineAt(at).range : new vscode.Range(at, 0, at, 0);
    const editor = await vscode.window.showTextDocument(document, { viewColumn, preserveFocus: !focus, preview: false });
    // The whole line selected, the cursor at its start (the view stays at the left margin).
    editor.selection = new vscode.Selection(range.end, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  } catch {
    const selection = new vscode.Range(at, 0, at, 0);
    await vscode.commands.executeCommand('vscode.open', uri, { viewColumn, preserveFocus: !focus, selection, preview: false });
  }
}

/**
 * The quick fixes' three suppressions, written to the workspace folder's `.logwarden.json` by
 * the language server (which keeps the file's formatting and re-reads it), then the log is
 * analysed again so the panel shows what is left.
 */
async function suppress(ctx: PanelContext, uri: vscode.Uri, finding: Finding, action: SuppressAction): Promise<void> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) {
    ctx.post({ type: 'notice', level: 'error', message: `This log is outside the workspace folders: open its folder to keep suppressions in ${TEAM_CONFIG_FILE}.` });
    return;
  }
  let args: AddToTeamConfigArgs;
  const fileUri = vscode.Uri.joinPath(folder.uri, TEAM_CONFIG_FILE).toString();
  if (action === 'finding') args = { fileUri, key: 'suppressions', value: { fingerprint: finding.fingerprint } };
  else if (!finding.source) return;
  else if (action === 'rule-for-source') args = { fileUri, key: 'suppressions', value: { rule: finding.rule, source: finding.source } };
  else args = { fileUri, key: 'allowlist', value: finding.source };
  const client = await ctx.client();
  await client.sendRequest(ExecuteCommandRequest.type, { command: ADD_TO_TEAM_CONFIG_COMMAND, arguments: [args] });
  await ctx.refresh();
  ctx.post({ type: 'notice', level: 'info', message: `${TEAM_CONFIG_FILE} updated: ${describeSuppression(action, finding)}.` });
}

function describeSuppression(action: SuppressAction, f: Finding): string {
  switch (action) {
    case 'finding':
      return `"${f.title}" suppressed`;
    case 'rule-for-source':
      return `${f.rule} suppressed for ${f.source}`;
    case 'allowlist-source':
      return `${f.source} allowlisted`;
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value).slice(0, 200);
  } catch {
    return String(value);
  }
}
