import * as vscode from 'vscode';
import type { Severity } from '../../server/src/engine/model';
import type { ReportChangedParams } from '../../server/src/protocol';
import { isAnalysedLog } from './serverClient';

const ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Reports kept for logs that are not the active one (switching back shows them at once). */
const REPORTS_KEPT = 64;

/**
 * The status bar item: findings by severity for the log in the active editor, from the
 * server's `logWarden/reportChanged` notifications. Hidden when the active editor is not a log.
 */
export class SeverityStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly reports = new Map<string, ReportChangedParams>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.item = vscode.window.createStatusBarItem('logWarden.findings', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Log Warden findings';
    // "Analyze Log" on the active log: the results panel (an open log's report is ready at once).
    this.item.command = 'logWarden.analyzeLog';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.render()),
      vscode.workspace.onDidCloseTextDocument((d) => this.reports.delete(d.uri.toString())),
    );
    this.render();
  }

  /** A report for `uri` (as VS Code spells it) arrived. */
  update(uri: vscode.Uri, report: ReportChangedParams): void {
    const key = uri.toString();
    this.reports.delete(key);
    this.reports.set(key, report);
    while (this.reports.size > REPORTS_KEPT) this.reports.delete(this.reports.keys().next().value as string);
    this.render();
  }

  /** The server restarted: what it said before no longer holds. */
  clear(): void {
    this.reports.clear();
    this.render();
  }

  private render(): void {
    const uri = this.activeLog();
    if (!uri) {
      this.item.hide();
      return;
    }
    const report = this.reports.get(uri.toString());
    if (!report) {
      this.item.text = '$(loading~spin) Log Warden';
      this.item.tooltip = 'Log Warden is analysing this log';
    } else {
      this.item.text = statusText(report.counts);
      this.item.tooltip = tooltip(report);
    }
    this.item.show();
  }

  /** The log in the active editor, if any. */
  private activeLog(): vscode.Uri | undefined {
    const document = vscode.window.activeTextEditor?.document;
    if (document) return isAnalysedLog(document) ? document.uri : undefined;
    // VS Code shows files over 50 MB in an editor it does not hand to extensions: only the tab
    // knows them. Such a file has a report once "Analyze Log" ran on it.
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputText && this.reports.has(input.uri.toString())) return input.uri;
    return undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** "$(shield) 1 critical 2 high 3 medium" — zero counts left out; "no findings" when clean. */
export function statusText(counts: Record<Severity, number>): string {
  const parts = ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return `$(shield) ${parts.length ? parts.join(' ') : 'no findings'}`;
}

function tooltip(report: ReportChangedParams): string {
  const total = ORDER.reduce((n, s) => n + report.counts[s], 0);
  return [
    `Log Warden: ${total} finding${total === 1 ? '' : 's'}`,
    ORDER.map((s) => `${s} ${report.counts[s]}`).join(' · '),
    `${report.lines} lines read as ${report.format} in ${Math.round(report.durationMs)} ms`,
    'Click to open the results panel.',
  ].join('\n');
}
