/**
 * UI end-to-end check of the analysis history in the packaged extension: log-warden.vsix
 * installed into code-server, headless Chromium driving the real workbench.
 *
 * 1. "Log Warden: Analyze Log" on example_logs/apache_sample.log, then "Log Warden: Show
 *    History": the History view lists that analysis.
 * 2. "Developer: Reload Window" (a new extension host and language server, the history read back
 *    from the workspace storage): the restored panel's History view still lists it.
 * 3. Lines of a sqlmap run from a new source are appended to the log on disk; once the editor
 *    shows them, "Analyze Log" again (the panel shows the findings, the new source among them):
 *    the History tab lists the new analysis without being asked (the server's history/changed
 *    notification). Ticking the first and the newest analysis and
 *    "Compare" shows the sqlmap source's findings as "new".
 * Screenshots of the History view go to test-results/ (and to docs/ with LW_UPDATE_SCREENSHOTS=1).
 *
 *   npm run package && tsx test/e2e/history.e2e.ts
 */
import * as assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { analyzeText } from '../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { freshRun, pollFor, prepareWorkspace } from '../vscode/harness/codeServer';
import { inWorkbench, openFile, openWorkbench, panel, runCheck, runCommand, screenshots, step, UI_TIMEOUT_MS } from './workbench';

const SAMPLE = 'apache_sample.log';
/** The source of the appended attack: in none of the sample's findings. */
const NEW_SOURCE = '203.0.113.77';

/** A sqlmap run from NEW_SOURCE: its user agent and UNION SELECT payloads (scanner and web-attack findings). */
function sqlmapLines(): string {
  const lines: string[] = [];
  for (let i = 0; i < 3; i++) {
    lines.push(
      `${NEW_SOURCE} - - [12/Mar/2024:15:2${i}:00 +0000] "GET /products.php?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--%20${i} HTTP/1.1" 200 1234 "-" "sqlmap/1.7.2#stable (https://sqlmap.org)"`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The ids of the History view's rows for the sample, newest first. */
async function listedIds(view: FrameLocator): Promise<number[]> {
  const rows = view.locator('.history-view .history-row', { hasText: SAMPLE });
  return (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).filter((n) => Number.isInteger(n));
}

async function main(): Promise<void> {
  const shot = screenshots('history');

  const run = freshRun('e2e-history');
  prepareWorkspace(run, [SAMPLE]);
  const sampleFile = path.join(run.workspace, SAMPLE);
  // What the engine itself says about the grown log: the appended run must make findings of NEW_SOURCE.
  const grown = analyzeText(readFileSync(sampleFile, 'utf8') + sqlmapLines(), { path: SAMPLE, config: DEFAULT_CONFIG, referenceTime: statSync(sampleFile).mtimeMs });
  const expectedNew = grown.findings.filter((f) => f.source === NEW_SOURCE);
  assert.ok(expectedNew.length > 0, `the engine reports ${NEW_SOURCE} in the grown log`);

  const workbench = await openWorkbench(run, SAMPLE, { viewport: { width: 1600, height: 1000 } });
  const { page } = workbench;
  await inWorkbench(workbench, 'history-99-failure', async () => {
    step('workbench ready');

    // ---- 1. Analyse, then the History view lists the analysis ------------------------------
    await openFile(page, SAMPLE);
    await runCommand(page, 'Log Warden: Analyze Log');
    const view = panel(page);
    await view.locator('.findings-table .row:not([hidden])').first().waitFor();
    await runCommand(page, 'Log Warden: Show History');
    // The command's analysis (the editor's own, of the opened log, may be listed too).
    const commandRow = view.locator('.history-view .history-row[data-origin="command"]', { hasText: SAMPLE }).first();
    await commandRow.waitFor();
    const firstId = Number(await commandRow.getAttribute('data-id'));
    assert.ok(firstId >= 1, 'the analysis of the sample is listed');
    assert.equal((await commandRow.locator('.hcol-num').first().textContent())?.trim(), '25', 'its lines');
    step(`History view: analysis #${firstId} of ${SAMPLE} (command, 25 lines)`);

    // ---- 2. Reload the window: the history is read back from the workspace storage ----------
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load');
    await page.locator('.monaco-workbench').waitFor();
    // The panel comes back (serializer) on the view it showed; a click on the tab if it did not.
    await panel(page).locator('.history-view').first().waitFor({ state: 'attached' });
    if (!(await panel(page).locator('.history-view').first().isVisible())) await panel(page).locator('#tab-history').click();
    await panel(page).locator(`.history-view .history-row[data-id="${firstId}"]`).waitFor();
    step(`window reloaded: analysis #${firstId} still listed in the History view`);
    await shot(page, 'after-reload', { docs: true });

    // ---- 3. Append an attack, analyse again, compare ----------------------------------------
    appendFileSync(sampleFile, sqlmapLines());
    // The editor follows the file on disk; the next analysis must see the new lines.
    await page.locator('.editor-group-container .monaco-editor .view-lines', { hasText: NEW_SOURCE }).first().waitFor();
    const before = await listedIds(panel(page));
    await runCommand(page, 'Log Warden: Analyze Log');
    // "Analyze Log" shows the findings; back on the History tab (which asks the extension
    // nothing), the history/changed notification has brought the new analysis in.
    await panel(page).locator('.findings-table .row:not([hidden])', { hasText: NEW_SOURCE }).first().waitFor();
    await panel(page).locator('#tab-history').click();
    const newestId = await pollFor('the new analysis in the History view', async () => {
      const ids = await listedIds(panel(page));
      const fresh = ids.filter((id) => !before.includes(id));
      for (const id of fresh) {
        const lines = (await panel(page).locator(`.history-row[data-id="${id}"] .hcol-num`).first().textContent())?.trim();
        const origin = (await panel(page).locator(`.history-row[data-id="${id}"] .hcol-origin`).textContent())?.trim();
        if (lines === '28' && origin === 'command') return id;
      }
      return undefined;
    }, UI_TIMEOUT_MS);
    step(`analysed again after the append: analysis #${newestId} (command, 28 lines) listed without a refresh`);

    const v = panel(page);
    // "Open": the first analysis's findings as recorded, read-only (before the append: no NEW_SOURCE).
    await v.locator(`.history-row[data-id="${firstId}"] .open-analysis`).click();
    await v.locator('.history-detail-title', { hasText: `#${firstId} ${SAMPLE}` }).waitFor();
    await v.locator('.history-detail .findings-table .row:not([hidden])').first().waitFor();
    const recordedSources = await v.locator('.history-detail .findings-table .row:not([hidden]) .col-source').allTextContents();
    const original = analyzeText(readFileSync(sampleFile, 'utf8').split('\n').slice(0, 25).join('\n') + '\n', { path: SAMPLE, config: DEFAULT_CONFIG, referenceTime: statSync(sampleFile).mtimeMs });
    assert.equal(recordedSources.length, original.findings.length, `one row per recorded finding: ${recordedSources.join(', ')}`);
    assert.ok(!recordedSources.includes(NEW_SOURCE), 'the first analysis predates the appended lines');
    step(`opened #${firstId}: ${recordedSources.length} recorded findings (${recordedSources.join(', ')}), read-only`);

    await v.locator(`.history-row[data-id="${firstId}"] .pick-analysis`).click();
    await v.locator(`.history-row[data-id="${newestId}"] .pick-analysis`).click();
    await pollFor('Compare enabled', async () => ((await v.locator('.compare-button').getAttribute('disabled')) === null ? true : undefined), UI_TIMEOUT_MS);
    await v.locator('.compare-button').click();
    const newChip = v.locator('.change-chip[data-change="new"]');
    await newChip.waitFor();
    const chipText = ((await newChip.textContent()) ?? '').trim();
    assert.ok(Number(chipText.match(/\d+/)?.[0]) >= expectedNew.length, `"${chipText}": at least the ${expectedNew.length} findings of ${NEW_SOURCE} are new`);
    await newChip.click();
    const newRows = v.locator('.history-detail .row:not([hidden])[data-change="new"]');
    await newRows.first().waitFor();
    const sources = await newRows.locator('.col-source').allTextContents();
    assert.ok(sources.includes(NEW_SOURCE), `${NEW_SOURCE} among the new findings: ${sources.join(', ')}`);
    const badges = await newRows.locator('.change-badge').allTextContents();
    assert.ok(badges.length > 0 && badges.every((b) => b === 'new'), `rows marked new: ${badges.join(', ')}`);
    const facts = ((await v.locator('.history-detail-facts').textContent()) ?? '').trim();
    step(`compared #${firstId} → #${newestId}: ${chipText}; ${NEW_SOURCE} shown as new ("${facts}")`);
    // Room for the panel's columns in the picture.
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.locator('.explorer-folders-view').waitFor({ state: 'hidden' });
    await shot(page, 'compare', { docs: true });
    step('HISTORY E2E OK');
  });
}

runCheck('HISTORY E2E', main);
