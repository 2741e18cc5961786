import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { HistoryClearRequest, HistoryListRequest } from '../../server/src/protocol';

export const SHOW_HISTORY_COMMAND = 'logWarden.showHistory';
export const CLEAR_HISTORY_COMMAND = 'logWarden.clearHistory';

/** The button of the confirmation; anything else (Cancel, Escape) keeps the history. */
export const CLEAR_CHOICE = 'Clear';

/** "1 analysis", "12 analyses" */
export function analysesText(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'analysis' : 'analyses'}`;
}

/**
 * "Log Warden: Clear History": asks first (a modal naming how many analyses go), then deletes
 * every recorded analysis of the workspace. Resolves to how many were deleted, or undefined
 * when nothing was (no history kept in this window, nothing recorded, or the user said no).
 */
export async function clearHistoryCommand(client: () => Promise<LanguageClient>, historyAvailable: boolean): Promise<number | undefined> {
  if (!historyAvailable) {
    void vscode.window.showInformationMessage('Log Warden keeps no analysis history in this window: open a folder or workspace to keep one.');
    return undefined;
  }
  const c = await client();
  // limit 0: only the count is wanted.
  const { total } = await c.sendRequest(HistoryListRequest, { limit: 0 });
  if (total === 0) {
    void vscode.window.showInformationMessage('Log Warden: the analysis history of this workspace is empty.');
    return undefined;
  }
  const choice = await vscode.window.showWarningMessage(
    `Clear the Log Warden analysis history? ${analysesText(total)} of this workspace will be deleted.`,
    { modal: true, detail: 'The logs themselves are not touched. This cannot be undone.' },
    CLEAR_CHOICE,
  );
  if (choice !== CLEAR_CHOICE) return undefined;
  const cleared = await c.sendRequest(HistoryClearRequest, {});
  vscode.window.setStatusBarMessage(`Log Warden: ${analysesText(cleared)} deleted from the history`, 5000);
  return cleared;
}
