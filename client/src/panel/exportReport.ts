import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileReport } from '../../../server/src/engine/model';
import { renderReport } from '../../../server/src/engine/report';
import { TOOL_NAME, TOOL_VERSION } from '../../../server/src/engine/version';
import type { ExportFormat } from '../../../webview/src/messages';

const EXTENSIONS: Record<ExportFormat, { ext: string; filter: string }> = {
  sarif: { ext: 'sarif', filter: 'SARIF 2.1.0' },
  csv: { ext: 'csv', filter: 'CSV' },
  json: { ext: 'json', filter: 'JSON (Log Warden findings)' },
};

/** The exported text: the CLI's writers, the CLI's report envelope. */
export function exportText(report: FileReport, format: ExportFormat): string {
  return renderReport({ tool: { name: TOOL_NAME, version: TOOL_VERSION }, files: [report] }, format);
}

/**
 * Asks where to save (next to the log by default, `<log>.<format>`) and writes the report
 * there. Resolves to the file written, or undefined when the user cancelled.
 */
export async function exportReport(report: FileReport, format: ExportFormat, logUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const { ext, filter } = EXTENSIONS[format];
  const folder = logUri.scheme === 'file' ? vscode.Uri.file(path.dirname(logUri.fsPath)) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = path.basename(logUri.path).replace(/\.(log|jsonl|txt)$/i, '') || 'log';
  const target = await vscode.window.showSaveDialog({
    title: `Log Warden: export the findings as ${filter}`,
    saveLabel: 'Export',
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.logwarden.${ext}`) : undefined,
    filters: { [filter]: [ext], 'All files': ['*'] },
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, Buffer.from(exportText(report, format), 'utf8'));
  return target;
}
