import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LSPErrorCodes, ResponseError, WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import type { FileReport, Severity } from '../../server/src/engine/model';
import { ANALYZE_FILE_INPUT_ERROR, AnalyzeFileRequest, countBySeverity } from '../../server/src/protocol';
import type { ServerClient } from './serverClient';

export const ANALYZE_LOG_COMMAND = 'logWarden.analyzeLog';

const ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/**
 * "Log Warden: Analyze Log". The file comes from the explorer or editor title (the URI argument;
 * several when many are selected in the explorer), else the active editor, else the active tab
 * (VS Code opens files over 50 MB in an editor but never hands them to extensions), else a file
 * picker. The server analyses open documents as the editor holds them and streams other files
 * from disk, with progress and cancellation. The last file's report is shown in the results
 * panel (`showResults`) and returned (undefined when nothing was analysed).
 */
export async function analyzeLogCommand(
  server: ServerClient,
  output: vscode.OutputChannel,
  clicked?: unknown,
  selected?: unknown,
  showResults?: (uri: vscode.Uri, report: FileReport) => void,
): Promise<FileReport | undefined> {
  const uris = await targets(clicked, selected);
  let last: { uri: vscode.Uri; report: FileReport } | undefined;
  for (const uri of uris) {
    const report = await analyzeWithProgress(server, output, uri);
    if (report === 'cancelled') break;
    if (report) last = { uri, report };
  }
  if (last) {
    if (showResults) showResults(last.uri, last.report);
    else void vscode.commands.executeCommand('workbench.actions.view.problems');
  }
  return last?.report;
}

async function targets(clicked: unknown, selected: unknown): Promise<vscode.Uri[]> {
  if (Array.isArray(selected) && selected.length > 1 && selected.every((u) => u instanceof vscode.Uri)) return selected as vscode.Uri[];
  if (clicked instanceof vscode.Uri) return [clicked];
  const document = vscode.window.activeTextEditor?.document;
  if (document && (document.uri.scheme === 'file' || (document.uri.scheme === 'untitled' && document.languageId === 'log'))) return [document.uri];
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (tab instanceof vscode.TabInputText && tab.uri.scheme === 'file') return [tab.uri];
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Analyze',
    title: 'Log Warden: choose the logs to analyse',
    filters: { Logs: ['log', 'jsonl', 'txt', 'json'], 'All files': ['*'] },
  });
  return picked ?? [];
}

/**
 * Analyses one log with a cancellable progress notification; errors are shown to the user.
 * Also what the results panel runs to refresh.
 */
export async function analyzeWithProgress(server: ServerClient, output: vscode.OutputChannel, uri: vscode.Uri): Promise<FileReport | 'cancelled' | undefined> {
  const name = path.basename(uri.path) || uri.toString();
  if (uri.scheme !== 'file' && uri.scheme !== 'untitled') {
    void vscode.window.showErrorMessage(`Log Warden analyses files on disk and unsaved logs; ${uri.toString()} is neither.`);
    return undefined;
  }
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Log Warden: analysing ${name}`, cancellable: true },
      async (progress, cancel) => {
        const client = await server.ready();
        const workDoneToken = randomUUID();
        let shown = 0;
        const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
          if (value.kind === 'end') return;
          const step = value as WorkDoneProgressBegin | WorkDoneProgressReport;
          // VS Code's progress takes increments; the server reports percentages.
          const increment = step.percentage !== undefined && step.percentage > shown ? step.percentage - shown : undefined;
          if (increment !== undefined) shown += increment;
          progress.report({ message: step.message, increment });
        });
        try {
          return await client.sendRequest(AnalyzeFileRequest, { uri: client.code2ProtocolConverter.asUri(uri), workDoneToken }, cancel);
        } finally {
          listener.dispose();
        }
      },
    );
    vscode.window.setStatusBarMessage(summary(name, report), 8000);
    if (report.error) void vscode.window.showWarningMessage(`Log Warden: ${name}: ${report.error}`);
    return report;
  } catch (err) {
    if (err instanceof vscode.CancellationError || (err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled)) {
      vscode.window.setStatusBarMessage(`Log Warden: analysis of ${name} cancelled`, 5000);
      return 'cancelled';
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ResponseError && err.code === ANALYZE_FILE_INPUT_ERROR) {
      void vscode.window.showErrorMessage(`Log Warden: ${message}`);
    } else {
      output.appendLine(`Analyze Log failed for ${uri.toString()}: ${message}`);
      void vscode.window.showErrorMessage(`Log Warden could not analyse ${name}: ${message}`, 'Show Output').then((choice) => {
        if (choice) output.show(true);
      });
    }
    return undefined;
  }
}

/** "auth.log: 6 findings (1 critical, 2 high, 2 medium, 1 low) in 64 lines of syslog, 12 ms." */
export function summary(name: string, report: FileReport): string {
  const counts = countBySeverity(report);
  const total = report.findings.length;
  const bySeverity = ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const findings = total === 0 ? 'no findings' : `${total} finding${total === 1 ? '' : 's'} (${bySeverity.join(', ')})`;
  return `Log Warden: ${name}: ${findings} in ${report.lines.toLocaleString('en-US')} lines of ${report.format}, ${Math.round(report.durationMs)} ms.`;
}
