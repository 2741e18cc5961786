/**
 * UI end-to-end check of the results panel in the packaged extension: log-warden.vsix installed
 * into code-server, headless Chromium driving the real workbench.
 *
 * 1. "Log Warden: Analyze Log" on example_logs/apache_sample.log opens the panel beside the
 *    editor with the sample's three original sources in the table; clicking a row selects its
 *    line in the editor; exporting SARIF through the save dialog writes a file that validates
 *    against the SARIF 2.1.0 schema; the ATT&CK link and "Suppress this finding" work.
 *    Screenshots of the panel in the dark, light and high-contrast themes go to test-results/
 *    (and to docs/, which the README shows, with LW_UPDATE_SCREENSHOTS=1).
 * 2. A log whose lines are full of XSS payloads: the panel shows each payload as text and none
 *    of them runs (no `window.__pwned` in any frame, no dialog, no request to the test's marker
 *    server, no CSP or Trusted Types report on the console).
 * 3. A window reload brings the panel back (the serializer) with the same log.
 *
 *   npm run package && tsx test/e2e/panel.e2e.ts
 *   LW_UPDATE_SCREENSHOTS=1 tsx test/e2e/panel.e2e.ts      (also refreshes docs/panel-*.png)
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { analyzeText } from '../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import type { FileReport } from '../../server/src/engine/model';
import { loadSarifValidator } from '../unit/report/schemas';
import { freshRun, pollFor, prepareWorkspace, type RunFolders } from '../vscode/harness/codeServer';
import { shownAs, xssPayloads } from '../support/xssPayloads';
import { inWorkbench, openFile, openWorkbench, panel, runCheck, runCommand, screenshots, step, UI_TIMEOUT_MS } from './workbench';

const SAMPLE = 'apache_sample.log';
const XSS_LOG = 'hostile.log';
/** The sources of the original sample log (the brute force, the scan and the injections). */
const SAMPLE_SOURCES = ['10.0.0.50', '45.67.89.123', '192.168.1.100'];

/** The panel's page as a Frame (to evaluate in it). */
async function panelFrame(page: Page): Promise<Frame> {
  return pollFor('the panel frame', async () => {
    for (const frame of page.frames()) {
      const found = await frame.evaluate(() => Boolean(document.querySelector('#app .findings-table'))).catch(() => false);
      if (found) return frame;
    }
    return undefined;
  }, UI_TIMEOUT_MS);
}

/** The log's lines with an XSS payload each, in the user agent (one scanner finding per source) and the query. */
function writeHostileLog(run: RunFolders, payloads: string[]): void {
  const lines = payloads.map((p, i) => {
    const minute = String(i % 60).padStart(2, '0');
    return `203.0.113.${10 + i} - - [12/Mar/2024:11:${minute}:00 +0000] "GET /search?q=${encodeURIComponent(p)} HTTP/1.1" 200 512 "-" "sqlmap/1.7 ${p}"`;
  });
  writeFileSync(path.join(run.workspace, XSS_LOG), lines.join('\n') + '\n');
}

/** Picks a colour theme the way a user does: Ctrl+K Ctrl+T, then the theme's row. */
async function chooseTheme(page: Page, theme: string): Promise<void> {
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  await page.locator('.quick-input-widget input[placeholder^="Select Color Theme"]').waitFor({ state: 'visible' });
  await page.keyboard.type(theme);
  await page.locator(`.quick-input-list .monaco-list-row[aria-label*="${theme}"]`).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

function setTheme(run: RunFolders, theme: string): void {
  const file = path.join(run.userData, 'User/settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  settings['workbench.colorTheme'] = theme;
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

async function main(): Promise<void> {
  const shot = screenshots('panel');

  // The marker server: a payload that ever reached the network would request /pwned… here.
  const hits: string[] = [];
  const marker = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => marker.listen(0, '127.0.0.1', resolve));
  const markerAddress = marker.address();
  const markerUrl = `http://127.0.0.1:${typeof markerAddress === 'object' && markerAddress ? markerAddress.port : 0}`;
  const payloads = xssPayloads(markerUrl);

  const run = freshRun('e2e-panel');
  prepareWorkspace(run, [SAMPLE]);
  writeHostileLog(run, payloads);
  setTheme(run, 'Default Dark Modern');
  const sampleFile = path.join(run.workspace, SAMPLE);
  const expected: FileReport = analyzeText(readFileSync(sampleFile, 'utf8'), { path: SAMPLE, config: DEFAULT_CONFIG, referenceTime: statSync(sampleFile).mtimeMs });
  for (const source of SAMPLE_SOURCES) assert.ok(expected.findings.some((f) => f.source === source), `the engine reports ${source}`);

  // Every frame of the workbench, the webview's included: CSP and Trusted Types reports, dialogs.
  const securityReports: string[] = [];
  const dialogs: string[] = [];
  function watchPage(page: Page): void {
    page.on('console', (m) => {
      if (/Content Security Policy|Trusted Type|Refused to (execute|load|apply|connect|frame)/i.test(m.text()) && /vscode-cdn|webview|fake\.html|active-frame|vscode-resource/i.test(`${m.text()} ${m.location().url}`)) {
        securityReports.push(`${m.location().url}: ${m.text()}`);
      }
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }

  try {
    // Room for the editor and the panel side by side in the screenshots.
    const workbench = await openWorkbench(run, SAMPLE, { viewport: { width: 1600, height: 1000 }, onPage: watchPage });
    const { page } = workbench;
    await inWorkbench(workbench, 'panel-99-failure', async () => {
      step('workbench ready');

      // ---- 1. The sample: the command opens the panel beside the editor -------------------
      await openFile(page, SAMPLE);
      await runCommand(page, 'Log Warden: Analyze Log');
      const view = panel(page);
      await view.locator('.findings-table .row:not([hidden])').first().waitFor();
      await page.locator('.tab', { hasText: `Log Warden: ${SAMPLE}` }).first().waitFor();
      const groups = await page.locator('.editor-group-container').count();
      assert.ok(groups >= 2, `the panel opened beside the editor (${groups} editor groups)`);
      const sources = await view.locator('.findings-table .row:not([hidden]) .col-source').allTextContents();
      for (const source of SAMPLE_SOURCES) assert.ok(sources.includes(source), `${source} in the table: ${sources.join(', ')}`);
      assert.equal(sources.length, expected.findings.length, 'one row per finding');
      assert.match((await view.locator('.summary .facts').textContent()) ?? '', new RegExp(`${expected.findings.length} findings · apache-combined · 25 lines`));
      await view.locator('.timeline-svg .tl-bar').first().waitFor();
      step(`panel open beside the editor: ${sources.join(', ')}; timeline drawn`);

      // Clicking a row selects its line in the editor (the panel keeps the focus)...
      const scan = expected.findings.find((f) => f.source === '45.67.89.123')!;
      await view.locator('.findings-table .row', { hasText: '45.67.89.123' }).first().click();
      await pollFor(`line ${scan.line} active in the editor`, async () => {
        const active = await page.locator('.editor-group-container .monaco-editor .line-numbers.active-line-number').allTextContents();
        return active.map((t) => t.trim()).includes(String(scan.line)) ? true : undefined;
      }, UI_TIMEOUT_MS);
      await view.locator('.detail .line-text', { hasText: 'GET /admin/' }).first().waitFor();
      step(`row ${scan.source} clicked: line ${scan.line} is the editor's active line; evidence text in the detail pane`);
      // ...a double click moves there: the status bar reads the line.
      const bruteForce = expected.findings.find((f) => f.source === '10.0.0.50')!;
      await view.locator('.findings-table .row', { hasText: '10.0.0.50' }).first().dblclick();
      const position = page.locator('.statusbar-item', { hasText: `Ln ${bruteForce.line}, Col 1 ` });
      await position.first().waitFor();
      step(`row 10.0.0.50 double-clicked: status bar "${(await position.first().innerText()).trim()}"`);

      // Screenshots in three themes (the settings file is watched; the panel follows live).
      await view.locator('.findings-table .row', { hasText: '192.168.1.100' }).first().click();
      await view.locator('.detail .line-text', { hasText: 'GET /products' }).first().waitFor();
      const frame = await panelFrame(page);
      await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
      for (const [theme, kind, name] of [
        ['Default Dark Modern', 'vscode-dark', 'dark'],
        ['Default Light Modern', 'vscode-light', 'light'],
        ['Default High Contrast', 'vscode-high-contrast', 'high-contrast'],
      ] as const) {
        await chooseTheme(page, theme);
        await pollFor(`the ${theme} theme in the panel`, async () => ((await frame.evaluate(() => document.body.className).catch(() => '')).includes(kind) ? true : undefined), UI_TIMEOUT_MS);
        await page.waitForTimeout(800); // the toolkit re-reads the theme's colours on the class change
        await shot(page, name, { docs: true, note: theme });
      }
      await chooseTheme(page, 'Default Dark Modern');

      // Export SARIF through the save dialog (code-server's is a path input).
      const target = path.join(run.workspace, 'exported.sarif');
      await view.locator('.header .export-button', { hasText: 'SARIF' }).click();
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      // The dialog fills in its default (next to the log) a moment after it shows: wait for it, then type ours.
      await pollFor('the save dialog\'s default path', async () => ((await input.inputValue()).endsWith('apache_sample.logwarden.sarif') ? true : undefined), UI_TIMEOUT_MS, 100);
      await input.fill(target);
      await pollFor('the typed path in the save dialog', async () => ((await input.inputValue()) === target ? true : undefined), 10_000, 100);
      await page.keyboard.press('Enter');
      await pollFor(`${target} written`, () => (existsSync(target) && statSync(target).size > 0 ? true : undefined), UI_TIMEOUT_MS);
      const sarif = JSON.parse(readFileSync(target, 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
      const validate = loadSarifValidator();
      assert.ok(validate(sarif), `SARIF 2.1.0 schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
      assert.deepEqual(sarif.runs[0].results.map((r) => r.ruleId).sort(), expected.findings.map((f) => f.rule).sort());
      await view.locator('.notice', { hasText: 'Exported' }).waitFor();
      step(`exported ${path.basename(target)}: valid SARIF 2.1.0, ${sarif.runs[0].results.length} results`);
      await shot(page, '01-exported');

      // The ATT&CK link goes through the extension (openExternal): VS Code asks before opening it.
      await view.locator('.findings-table .row', { hasText: '45.67.89.123' }).first().click();
      const technique = scan.attack[0];
      await view.locator('.detail .techniques .link', { hasText: technique }).click();
      const prompt = page.locator('.monaco-dialog-box', { hasText: 'attack.mitre.org' });
      await prompt.waitFor();
      const promptText = (await prompt.innerText()).replace(/\s+/g, ' ');
      assert.ok(promptText.includes(`attack.mitre.org/techniques/${technique.replace('.', '/')}/`), promptText);
      await page.keyboard.press('Escape');
      await prompt.waitFor({ state: 'detached' });
      step(`ATT&CK ${technique}: VS Code asks to open ${promptText.match(/https:\/\/\S+/)?.[0]}`);

      // "Suppress this finding" from the detail pane: .logwarden.json gets its fingerprint, the row goes.
      await view.locator('.detail .suppress-finding', { hasText: 'Suppress this finding' }).click();
      const teamFile = path.join(run.workspace, '.logwarden.json');
      await pollFor('.logwarden.json with the fingerprint', () => (existsSync(teamFile) && readFileSync(teamFile, 'utf8').includes(scan.fingerprint) ? true : undefined), UI_TIMEOUT_MS);
      await pollFor('the suppressed row to go', async () => ((await view.locator('.findings-table .row:not([hidden])', { hasText: '45.67.89.123' }).count()) === 0 ? true : undefined), UI_TIMEOUT_MS);
      assert.equal(await view.locator('.findings-table .row:not([hidden])').count(), expected.findings.length - 1);
      step(`suppressed ${scan.rule} from ${scan.source}: written to .logwarden.json, ${expected.findings.length - 1} rows left`);

      // ---- 2. Hostile log lines --------------------------------------------------------------
      await openFile(page, XSS_LOG);
      await runCommand(page, 'Log Warden: Analyze Log');
      await view.locator('.file-name', { hasText: XSS_LOG }).waitFor();
      await view.locator('.findings-table .row:not([hidden])').first().waitFor();
      const hostile = await panelFrame(page);
      const rowCount = await view.locator('.findings-table .row:not([hidden])').count();
      step(`${XSS_LOG}: ${payloads.length} payload lines, ${rowCount} rows in view`);
      // Walk every finding with the keyboard; each shows its evidence lines (the raw log text).
      await view.locator('.table-scroller').focus();
      const seen = new Set<string>();
      const total = Number(((await view.locator('.shown-count').textContent()) ?? '').match(/\d+/)?.[0] ?? '0');
      for (let k = 0; k < total; k++) {
        await page.keyboard.press(k === 0 ? 'Home' : 'ArrowDown');
        const selected = view.locator('.findings-table .row.selected:not([hidden])');
        await selected.waitFor();
        await view.locator('.detail .line-text', { hasText: 'GET /search' }).first().waitFor();
        seen.add(((await selected.textContent()) ?? '') + '\n' + ((await view.locator('.detail').textContent()) ?? ''));
      }
      const pageText = [...seen].join('\n');
      const missing = payloads.filter((p) => !pageText.includes(shownAs(p)));
      assert.deepEqual(missing, [], 'every payload is shown as text in the table or the detail pane');
      const state = await Promise.all(
        page.frames().map((f) => f.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null).catch(() => null)),
      );
      const planted = await hostile.evaluate(() =>
        Array.from(document.querySelectorAll('#app :is(script, img, iframe, object, embed, a, input, details, math, base, link, meta, style, body, x, textarea)')).length,
      );
      const stillVisible = await view.locator('.findings-table').isVisible();
      await page.waitForTimeout(500);
      const wires = { pwned: state.filter((v) => v !== null), dialogs, markerRequests: hits, securityReports, planted, stillVisible };
      assert.deepEqual(wires, { pwned: [], dialogs: [], markerRequests: [], securityReports: [], planted: 0, stillVisible: true });
      step(`XSS: ${payloads.length} payloads shown as text across ${total} findings; window.__pwned unset in ${state.length} frames, 0 dialogs, 0 marker requests, 0 CSP/Trusted Types reports`);
      await shot(page, '02-hostile');

      // ---- 3. A window reload restores the panel, filters included -----------------------------
      await view.locator('.filter-bar .filter-text').click();
      await page.keyboard.type('203.0.113.2');
      await view.locator('.shown-count', { hasText: ` of ${total} shown` }).waitFor();
      const filtered = ((await view.locator('.shown-count').textContent()) ?? '').trim();
      // "Developer: Reload Window", as a user reloads: the workbench saves its state (the panel's
      // included) before it goes; a bare page reload would not wait for that.
      await runCommand(page, 'Developer: Reload Window');
      await page.waitForEvent('load');
      await page.locator('.monaco-workbench').waitFor();
      await panel(page).locator('.file-name', { hasText: XSS_LOG }).waitFor();
      await panel(page).locator('.findings-table .row:not([hidden])').first().waitFor();
      await panel(page).locator('.shown-count', { hasText: filtered }).waitFor();
      step(`window reloaded: the panel is back with the same log and its filter ("${filtered}") — serializer and setState`);
      await shot(page, '03-restored');
      step('PANEL E2E OK');
    });
  } finally {
    marker.close();
  }
}

runCheck('PANEL E2E', main);
