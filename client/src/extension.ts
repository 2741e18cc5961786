/**
 * The Log Warden extension: starts the language server when a log opens (or a command runs),
 * shows findings by severity in the status bar, and offers "Analyze Log" (also for files too
 * big for the editor), which opens the results panel, "Show History" and "Clear History" (the
 * workspace's recorded analyses), and "Restart Server". Diagnostics, hovers and quick fixes
 * come from the server over LSP.
 */
import * as vscode from 'vscode';
import type { FileReport } from '../../server/src/engine/model';
import { GetReportRequest, HistoryChangedNotification, ReportChangedNotification } from '../../server/src/protocol';
import { ANALYZE_LOG_COMMAND, analyzeLogCommand, analyzeWithProgress } from './analyzeLogCommand';
import { CLEAR_HISTORY_COMMAND, clearHistoryCommand, SHOW_HISTORY_COMMAND } from './historyCommands';
import { ResultsPanel, type PanelServices } from './panel/resultsPanel';
import { ServerClient } from './serverClient';
import { SeverityStatusBar } from './statusBar';

export const RESTART_SERVER_COMMAND = 'logWarden.restartServer';
export const SHOW_OUTPUT_COMMAND = 'logWarden.showOutput';

let server: ServerClient | undefined;

/** What `activate` returns: other extensions (and the tests) can read the analysis of a log. */
export interface LogWardenApi {
  /** The server's current report of a log (analysing it first when it changed); null when the server does not hold that document. */
  getReport(uri: vscode.Uri): Promise<FileReport | null>;
}

export async function activate(context: vscode.ExtensionContext): Promise<LogWardenApi> {
  const output = vscode.window.createOutputChannel('Log Warden');
  const statusBar = new SeverityStatusBar();
  server = new ServerClient(context, output);
  const current = server;
  context.subscriptions.push(output, statusBar);
  const panelServices: PanelServices = {
    extensionUri: context.extensionUri,
    client: () => current.ready(),
    analyze: async (uri) => {
      const report = await analyzeWithProgress(current, output, uri);
      return report === 'cancelled' ? undefined : report;
    },
    log: (message) => output.appendLine(message),
    // The server keeps the history in the workspace storage folder, which exists only when a folder or workspace is open.
    historyAvailable: context.storageUri !== undefined,
  };
  // Registered in activate (with the `onWebviewPanel:` activation event) so that a panel open
  // before a window reload comes back.
  context.subscriptions.push(ResultsPanel.registerSerializer(panelServices), { dispose: () => ResultsPanel.active?.dispose() });

  // Registered before the start so that no report of the first analysis is missed; the
  // handler stays registered across restarts.
  context.subscriptions.push(
    current.client.onNotification(ReportChangedNotification, (params) => {
      const uri = current.client.protocol2CodeConverter.asUri(params.uri);
      statusBar.update(uri, params);
      ResultsPanel.reportChanged(uri);
    }),
    current.client.onNotification(HistoryChangedNotification, () => ResultsPanel.historyChanged()),
    vscode.commands.registerCommand(ANALYZE_LOG_COMMAND, (clicked?: unknown, selected?: unknown) =>
      analyzeLogCommand(current, output, clicked, selected, (uri, report) => ResultsPanel.show(panelServices, uri, report)),
    ),
    vscode.commands.registerCommand(RESTART_SERVER_COMMAND, async () => {
      statusBar.clear();
      try {
        await current.restart();
        vscode.window.setStatusBarMessage('Log Warden: server restarted', 3000);
      } catch (err) {
        reportStartFailure(output, err);
      }
    }),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => output.show(true)),
    vscode.commands.registerCommand(SHOW_HISTORY_COMMAND, () => {
      ResultsPanel.showHistory(panelServices);
    }),
    vscode.commands.registerCommand(CLEAR_HISTORY_COMMAND, () => clearHistoryCommand(panelServices.client, panelServices.historyAvailable)),
  );

  try {
    await current.ready();
  } catch (err) {
    reportStartFailure(output, err);
  }
  return {
    getReport: async (uri) => {
      const client = await current.ready();
      return client.sendRequest(GetReportRequest, { uri: client.code2ProtocolConverter.asUri(uri) });
    },
  };
}

export async function deactivate(): Promise<void> {
  const stopping = server;
  server = undefined;
  await stopping?.dispose();
}

function reportStartFailure(output: vscode.OutputChannel, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  output.appendLine(`The Log Warden server did not start: ${message}`);
  void vscode.window.showErrorMessage(`Log Warden: the language server did not start (${message}).`, 'Show Output').then((choice) => {
    if (choice) output.show(true);
  });
}
