/**
 * "Log Warden: Show History" and "Log Warden: Clear History" in a real VS Code extension host.
 * The clear command's modal confirmation is answered by replacing `window.showWarningMessage`
 * for the duration of a call (the extension and this suite share the extension's `vscode`
 * API object); the original is put back in `finally`. What the History view shows is checked in
 * the UI test (test/e2e/history.e2e.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { RESULTS_VIEW_TYPE } from '../../../webview/src/messages';
import { waitFor } from './waits';

type MessageCall = { message: string; options: unknown; items: unknown[] };

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(RESULTS_VIEW_TYPE));
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens a workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/**
 * Runs "Clear History" with the modal (and the information messages) answered by `answer`;
 * resolves to what the command returned and the messages it showed.
 */
async function clearHistory(answer: string | undefined): Promise<{ cleared: number | undefined; warnings: MessageCall[]; infos: MessageCall[] }> {
  const window = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
  const realWarning = window.showWarningMessage;
  const realInfo = window.showInformationMessage;
  const warnings: MessageCall[] = [];
  const infos: MessageCall[] = [];
  window.showWarningMessage = ((message: string, options: unknown, ...items: unknown[]) => {
    warnings.push({ message, options, items });
    return Promise.resolve(answer);
  }) as typeof window.showWarningMessage;
  window.showInformationMessage = ((message: string, ...items: unknown[]) => {
    infos.push({ message, options: undefined, items });
    return Promise.resolve(undefined);
  }) as typeof window.showInformationMessage;
  try {
    const cleared = await vscode.commands.executeCommand<number | undefined>('logWarden.clearHistory');
    return { cleared, warnings, infos };
  } finally {
    window.showWarningMessage = realWarning;
    window.showInformationMessage = realInfo;
  }
}

describe('analysis history commands in a real VS Code', function () {
  afterEach(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Show History" opens the panel with no log open', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no editor open', () => (vscode.window.tabGroups.all.every((g) => g.tabs.length === 0) ? true : undefined));
    // (The Output panel may still show a channel: an editor, but of no file.)
    const logs = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === 'file' || e.document.uri.scheme === 'untitled');
    assert.deepEqual(logs.map((e) => e.document.uri.toString()), [], 'no log open');
    await vscode.commands.executeCommand('logWarden.showHistory');
    const [tab] = await waitFor('the results panel tab', () => (panelTabs().length === 1 ? panelTabs() : undefined));
    assert.equal(tab.label, 'Log Warden: History');
    assert.ok(tab.isActive, 'the panel is shown');
    // A second run reveals the same panel.
    await vscode.commands.executeCommand('logWarden.showHistory');
    assert.equal(panelTabs().length, 1, 'still one panel');
  });

  it('"Clear History" names how many analyses go, keeps them on cancel and deletes them on "Clear"', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Logs closed by earlier tests are recorded as they close: clear until the history stays empty.
    await waitFor('an empty history', async () => {
      const { cleared, infos } = await clearHistory('Clear');
      return cleared === undefined && infos.some((i) => /history of this workspace is empty/.test(i.message)) ? true : undefined;
    });

    // Two analyses by the command of a log that is not open (streamed from disk): two records.
    const log = workspaceFile('apache_sample.log');
    for (let i = 0; i < 2; i++) {
      const report = await vscode.commands.executeCommand<{ findings: unknown[] } | undefined>('logWarden.analyzeLog', log);
      assert.ok(report && report.findings.length > 0, 'analysed');
    }

    const cancelled = await clearHistory(undefined);
    assert.equal(cancelled.cleared, undefined, 'cancelled: nothing deleted');
    assert.equal(cancelled.warnings.length, 1, 'asked once');
    const [ask] = cancelled.warnings;
    assert.match(ask.message, /\b2 analyses of this workspace will be deleted/);
    assert.equal((ask.options as vscode.MessageOptions).modal, true, 'a modal confirmation');
    assert.deepEqual(ask.items, ['Clear']);

    const confirmed = await clearHistory('Clear');
    assert.equal(confirmed.cleared, 2, 'the two analyses are deleted after "Clear"');
    assert.match(confirmed.warnings[0]?.message ?? '', /\b2 analyses\b/, 'the cancel kept them');

    const again = await clearHistory('Clear');
    assert.equal(again.cleared, undefined);
    assert.equal(again.warnings.length, 0, 'nothing to confirm when the history is empty');
    assert.ok(again.infos.some((i) => /empty/.test(i.message)), again.infos.map((i) => i.message).join('; '));
  });
});
