/**
 * The results panel inside a real VS Code extension host: "Analyze Log" opens one webview
 * panel beside the editor and the next run refreshes the same panel with the other log.
 * (What the panel shows and does is checked in the UI test, test/e2e/panel.e2e.ts.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FileReport } from '../../../server/src/engine/model';
import { RESULTS_VIEW_TYPE } from '../../../webview/src/messages';
import { waitFor } from './waits';

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(RESULTS_VIEW_TYPE));
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens a workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

describe('results panel in a real VS Code', function () {
  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Analyze Log" opens one panel beside the editor; the next run reuses it', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const sample = workspaceFile('apache_sample.log');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(sample), vscode.ViewColumn.One);
    const report = await vscode.commands.executeCommand<FileReport | undefined>('logWarden.analyzeLog');
    assert.ok(report && report.findings.length > 0, 'the command returns the report it shows');
    const [tab] = await waitFor('the results panel tab', () => (panelTabs().length === 1 ? panelTabs() : undefined));
    assert.equal(tab.label, 'Log Warden: apache_sample.log');
    assert.notEqual(tab.group.viewColumn, editor.viewColumn, 'beside the editor, not over it');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), sample.toString(), 'the editor keeps the focus');

    const auth = workspaceFile('auth.log');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(auth), vscode.ViewColumn.One);
    await vscode.commands.executeCommand('logWarden.analyzeLog');
    await waitFor('the panel to show auth.log', () => (panelTabs().some((t) => t.label === 'Log Warden: auth.log') ? true : undefined));
    assert.equal(panelTabs().length, 1, 'still one panel');
  });
});
