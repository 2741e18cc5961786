/**
 * UI end-to-end check of the packaged extension: log-warden.vsix is installed into code-server
 * the way a user installs it, and headless Chromium drives the real workbench. It opens
 * example_logs/auth.log (a scratch copy), sees error and warning squiggles, the findings in the
 * Problems view with "Log Warden" as their source, the status bar counts and the hover text,
 * then applies the quick fix "Suppress this finding" and sees the diagnostic go.
 * Screenshots go to test-results/.
 *
 *   npm run package && npm run test:e2e
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { analyzeText } from '../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import type { FileReport, Finding } from '../../server/src/engine/model';
import { findingsToDiagnostics } from '../../server/src/lsp/diagnostics';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { DIAGNOSTIC_SOURCE, EDITOR_DEFAULTS, TEAM_CONFIG_FILE } from '../../server/src/protocol';
import { freshRun, pollFor, prepareWorkspace, REPO_ROOT } from '../vscode/harness/codeServer';
import { inWorkbench, openFile, openWorkbench, runCheck, screenshots, step, UI_TIMEOUT_MS, VSIX } from './workbench';

const LOG = 'auth.log';

async function main(): Promise<void> {
  const shot = screenshots('e2e');
  const run = freshRun('e2e');
  prepareWorkspace(run, [LOG]);
  const logFile = path.join(run.workspace, LOG);
  const lines = readFileSync(logFile, 'utf8').split('\n');
  // What the engine finds in the log: the page must show exactly this.
  const report = analyzeText(lines.join('\n'), { path: LOG, config: DEFAULT_CONFIG, referenceTime: statSync(logFile).mtimeMs });
  assert.ok(report.findings.some((f) => f.severity === 'critical' || f.severity === 'high'), 'auth.log has findings shown as errors');
  assert.ok(report.findings.some((f) => f.severity === 'medium'), 'auth.log has findings shown as warnings');

  const workbench = await openWorkbench(run, LOG);
  const { page } = workbench;
  const installed = readdirSync(run.extensions).filter((d) => d.startsWith('log-warden.log-warden-'));
  assert.equal(installed.length, 1, `the .vsix is installed: ${readdirSync(run.extensions).join(', ')}`);
  // the language server's threads: the Isolation Forest's, and the reader of big files for Analyze Log
  const shipped = readdirSync(path.join(run.extensions, installed[0], 'dist'));
  for (const thread of ['forestWorker.js', 'parseWorker.js']) assert.ok(shipped.includes(thread), `${thread} is in the .vsix: ${shipped.join(', ')}`);
  step(`installed ${installed[0]} from ${path.basename(VSIX)} (${(statSync(VSIX).size / 1024).toFixed(0)} KB)`);
  await inWorkbench(workbench, 'e2e-99-failure', async () => {
    step('workbench and explorer ready');
    await shot(page, '01-workbench');

    // Open the log with Quick Open.
    await openFile(page, LOG);
    const language = await page.locator('#status\\.editor\\.mode').innerText();
    assert.match(language, /Log/, `language mode in the status bar: ${language}`);
    step(`${LOG} open, language ${language.trim()}`);

    // Squiggles: errors at the top (the brute force), warnings further down (off-hours).
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    const errors = await page.locator('.monaco-editor .squiggly-error').count();
    step(`error squiggles in view: ${errors}`);
    await shot(page, '02-error-squiggles');
    await page.locator('.monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+End');
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor();
    const warnings = await page.locator('.monaco-editor .squiggly-warning').count();
    step(`warning squiggles in view after scrolling to the end: ${warnings}`);
    await shot(page, '03-warning-squiggles');
    await page.keyboard.press('Control+Home');

    // The status bar item counts the findings by severity.
    const counts = new Map<string, number>();
    for (const f of report.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
    const expectedStatus = ['critical', 'high', 'medium', 'low'].filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`).join(' ');
    const statusItem = page.locator('.statusbar-item', { hasText: expectedStatus });
    await statusItem.first().waitFor();
    step(`status bar: "${(await statusItem.first().innerText()).trim()}"`);

    // Problems view: one row per diagnostic, "Log Warden" as the source; the status bar's
    // problem counts are exactly the diagnostics the server makes of the engine's findings.
    await page.keyboard.press('Control+Shift+M');
    const problemRows = page.locator('.markers-panel .monaco-tl-row', { hasText: DIAGNOSTIC_SOURCE });
    await problemRows.first().waitFor();
    const expectedCounts = problemCounts(diagnosticsOf(report));
    await pollFor(`problem counts ${expectedCounts}`, async () => ((await problemCountsShown(page)) === expectedCounts ? true : undefined), UI_TIMEOUT_MS);
    step(`Problems from ${DIAGNOSTIC_SOURCE}: errors/warnings ${expectedCounts}; first row: ${JSON.stringify((await problemRows.first().innerText()).trim())}`);
    await shot(page, '04-problems');

    // Hover over the first brute-force evidence: the explanation with its numbers.
    const bruteForce = report.findings.find((f) => f.rule === 'brute-force') as Finding;
    await goTo(page, bruteForce.line, columnOf(lines[bruteForce.line - 1], bruteForce.source));
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover', { hasText: 'Confidence' });
    await hover.first().waitFor();
    const hoverText = await hover.first().innerText();
    assert.ok(hoverText.includes('Brute force'), hoverText);
    assert.ok(hoverText.includes(`${Math.round(bruteForce.confidence * 100)}%`), hoverText);
    assert.ok(hoverText.includes(bruteForce.attack[0]), hoverText);
    step(`hover: ${JSON.stringify(hoverText.split('\n').slice(0, 3).join(' | '))}`);
    await shot(page, '05-hover');
    await page.keyboard.press('Escape');

    // Quick fix on the finding with the fewest evidence lines among those with a title unique in
    // the log. The Problems view is virtual (only rows in view exist), so it is filtered to that title.
    const target = report.findings
      .filter((f) => report.findings.filter((g) => g.title === f.title).length === 1)
      .sort((a, b) => a.lines.length - b.lines.length)[0];
    assert.ok(target, 'a finding to suppress');
    const filter = page.locator('.markers-panel-container, .panel').getByPlaceholder(/^Filter/).first();
    await filter.fill(target.title);
    const targetRow = page.locator('.markers-panel .monaco-tl-row', { hasText: target.title });
    await targetRow.first().waitFor();
    await goTo(page, target.line, columnOf(lines[target.line - 1], target.source ?? target.user));
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Suppress this finding' });
    await fix.first().waitFor();
    await shot(page, '06-quick-fix-menu');
    // The menu is keyboard-driven (a pointer shield covers the page while it is open).
    await pollFor('"Suppress this finding" to be focused in the menu', async () => {
      const focused = (await page.locator('.action-widget .monaco-list-row.focused').first().innerText().catch(() => '')) ?? '';
      if (focused.includes('Suppress this finding')) return true;
      await page.keyboard.press('ArrowDown');
      return undefined;
    }, 10_000, 100);
    await page.keyboard.press('Enter');
    await targetRow.first().waitFor({ state: 'detached' });
    const remaining = problemCounts(diagnosticsOf({ ...report, findings: report.findings.filter((f) => f !== target) }));
    await pollFor(`problem counts ${remaining} after the fix`, async () => ((await problemCountsShown(page)) === remaining ? true : undefined), UI_TIMEOUT_MS);
    step(`quick fix applied: "${target.title}" gone from Problems; errors/warnings now ${remaining}`);
    await filter.fill('');
    await problemRows.first().waitFor();
    await shot(page, '07-after-quick-fix');
    const teamFile = path.join(run.workspace, TEAM_CONFIG_FILE);
    const written = await pollFor(`${TEAM_CONFIG_FILE} on disk`, () => (existsSync(teamFile) && readFileSync(teamFile, 'utf8').includes('fingerprint') ? readFileSync(teamFile, 'utf8') : undefined), 10_000).catch(() => 'not saved');
    step(`${TEAM_CONFIG_FILE}: ${written.replace(/\s+/g, ' ')}`);
    step('E2E OK');
  });
}

/** The diagnostics the server publishes for a report (default settings). */
function diagnosticsOf(report: FileReport): Diagnostic[] {
  const texts = readFileSync(path.join(REPO_ROOT, 'example_logs', LOG), 'utf8').split('\n');
  return findingsToDiagnostics(`file:///${LOG}`, report, (line) => texts[line], {
    severity: { ...EDITOR_DEFAULTS.severity },
    maxPerFinding: EDITOR_DEFAULTS.maxDiagnosticsPerFinding,
    maxPerDocument: EDITOR_DEFAULTS.maxDiagnosticsPerDocument,
  });
}

/** "errors/warnings" as the status bar's problems item counts them. */
function problemCounts(diagnostics: Diagnostic[]): string {
  return `${diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length}/${diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).length}`;
}

async function problemCountsShown(page: Page): Promise<string> {
  // The item reads "⊗ 43 ⚠ 2": errors, then warnings.
  const numbers = ((await page.locator('#status\\.problems').first().innerText()) ?? '').match(/\d+/g) ?? [];
  return `${numbers[0] ?? '?'}/${numbers[1] ?? '?'}`;
}

/** 1-based column of `token` on a line (1 when absent). */
function columnOf(line: string, token: string | undefined): number {
  const at = token ? line.indexOf(token) : -1;
  return at >= 0 ? at + 1 : 1;
}

/** Moves the cursor with "Go to Line/Column" (Ctrl+G). */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

runCheck('E2E', main);
