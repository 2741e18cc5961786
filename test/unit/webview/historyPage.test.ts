/**
 * The History view of the results panel in real headless Chromium, outside VS Code (the same
 * bundle and HTML shell as test/unit/webview/panelPage.test.ts): the empty states, the list of
 * analyses, "Open" and "Compare" asking the host with the analyses it was sent, the answers
 * drawn as text (file names and findings full of XSS payloads run nothing), and a new list
 * dropping what was cleared. Skipped when Debian's chromium is not installed.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { FileReport, Finding, Severity } from '../../../server/src/engine/model';
import type { HistoryEntry } from '../../../server/src/protocol';
import { isWebviewMessage, type HostMessage } from '../../../webview/src/messages';
import { postedByPage, postToPage, usePanelPage } from '../../support/webviewPage';
import { shownAs, xssPayloads } from '../../support/xssPayloads';

const FOLDER = 'file:///w';
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

function finding(i: number, fields: Partial<Finding> = {}): Finding {
  return {
    fingerprint: `h${i.toString(16).padStart(15, '0')}`,
    rule: 'web-attack',
    title: `Finding ${i}`,
    severity: SEVERITIES[i % 4],
    confidence: 0.5,
    attack: ['T1190'],
    source: `198.51.100.${i}`,
    line: i + 1,
    lines: [i + 1],
    message: `message ${i}`,
    evidence: {},
    ...fields,
  };
}

function entry(id: number, time: number, file: string, findings: Finding[]): HistoryEntry {
  const counts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) counts[f.severity]++;
  return {
    id,
    file,
    time,
    origin: id % 2 ? 'command' : 'editor',
    format: 'apache-combined',
    lines: 100 + id,
    parsed: 100 + id,
    skipped: 0,
    durationMs: 2,
    counts,
    settingsHash: 'h',
    toolVersion: '0.1.0',
    folder: FOLDER,
    uri: `${FOLDER}/${encodeURIComponent(file)}`,
  };
}

function reportOf(e: HistoryEntry, findings: Finding[]): FileReport {
  return { path: e.file, format: e.format, lines: e.lines, parsed: e.parsed, skipped: 0, durationMs: e.durationMs, findings };
}

async function send(page: Page, message: HostMessage): Promise<void> {
  await postToPage(page, message);
}

async function lastPosted(page: Page, type: string): Promise<Record<string, unknown> | undefined> {
  return (await postedByPage(page)).filter((m) => m.type === type).pop();
}

describe('results panel page: History view in headless Chromium', function () {
  this.timeout(120_000);
  const panelPage = usePanelPage();

  it('switches to the History view on request and says why it is empty', async function () {
    const page = await panelPage().newPage();
    await send(page, { type: 'showView', view: 'history' });
    const view = page.locator('.history-view');
    await view.waitFor({ state: 'visible' });
    await send(page, { type: 'history', available: false, analyses: [], total: 0 });
    await view.locator('.history-empty', { hasText: 'no folder or workspace is open' }).waitFor();
    assert.equal(await view.locator('.clear-history').getAttribute('disabled'), '', 'nothing to clear');
    await send(page, { type: 'history', available: true, analyses: [], total: 0 });
    await view.locator('.history-empty', { hasText: 'No analyses recorded yet' }).waitFor();
    const state = await page.evaluate(() => (window as unknown as { __state?: { view: string } }).__state);
    assert.equal(state?.view, 'history', 'the view is saved with the state');
    await page.close();
  });

  it('lists, opens and compares analyses; hostile text stays text; a cleared analysis goes', async function () {
    const payloads = xssPayloads(panelPage().origin);
    const page = await panelPage().newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));

    const older = [finding(0), finding(1), finding(2)];
    const newer = [finding(1), finding(2), ...payloads.map((p, i) => finding(10 + i, { title: p, message: p, source: p }))];
    // Listed out of order: the view sorts newest first. File names carry payloads too.
    const a1 = entry(1, Date.UTC(2024, 2, 12, 9, 0), payloads[1], older);
    const a2 = entry(2, Date.UTC(2024, 2, 12, 10, 0), 'access.log', newer);
    const a3 = entry(3, Date.UTC(2024, 2, 12, 11, 0), payloads[0], []);
    await send(page, { type: 'showView', view: 'history' });
    await send(page, { type: 'history', available: true, analyses: [a1, a3, a2], total: 3 });
    const view = page.locator('.history-view');
    await view.locator('.history-row').nth(2).waitFor();
    assert.deepEqual(await view.locator('.history-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id'))), ['3', '2', '1']);
    assert.equal(await view.locator('.history-row[data-id="3"] .hcol-file').textContent(), shownAs(payloads[0]));
    assert.equal(await view.locator('.history-row[data-id="2"] .count-critical').textContent(), String(a2.counts.critical));
    assert.match((await view.locator('.history-status').textContent()) ?? '', /^3 analyses$/);

    // Open: the page names the analysis it was sent; the host answers with its findings.
    await view.locator('.history-row[data-id="2"] .open-analysis').click();
    assert.deepEqual((await lastPosted(page, 'openAnalysis'))?.analysis, { folder: FOLDER, id: 2 });
    await send(page, { type: 'historyAnalysis', analysis: a2, report: reportOf(a2, newer) });
    await view.locator('.history-detail .findings-table .row:not([hidden])').first().waitFor();
    // The rows in view (the table is virtual): each title exactly the finding's text, as text.
    const drawn = await view.locator('.history-detail .findings-table .row:not([hidden])').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-fingerprint'), r.querySelector('.title')?.textContent ?? null, r.querySelectorAll('.title *').length]),
    );
    assert.ok(drawn.length >= 3, `${drawn.length} rows drawn`);
    for (const [fingerprint, title, elements] of drawn) {
      const f = newer.find((x) => x.fingerprint === fingerprint);
      assert.ok(f, `row ${fingerprint} is a finding of the analysis`);
      assert.deepEqual([title, elements], [shownAs(f.title), 0], `title of ${fingerprint} shown as text`);
    }
    assert.match((await view.locator('.history-detail-title').textContent()) ?? '', /^#2 access\.log$/);

    // Compare: two ticks enable it; the page asks older → newer whatever the tick order.
    assert.equal(await view.locator('.compare-button').getAttribute('disabled'), '');
    await view.locator('.history-row[data-id="2"] .pick-analysis').click();
    await view.locator('.history-row[data-id="1"] .pick-analysis').click();
    await page.waitForFunction(() => !document.querySelector('.compare-button')?.hasAttribute('disabled'));
    await view.locator('.compare-button').click();
    const compare = await lastPosted(page, 'compareAnalyses');
    assert.deepEqual({ from: compare?.from, to: compare?.to }, { from: { folder: FOLDER, id: 1 }, to: { folder: FOLDER, id: 2 } });
    const gone = older.filter((f) => !newer.some((n) => n.fingerprint === f.fingerprint));
    const added = newer.filter((f) => !older.some((o) => o.fingerprint === f.fingerprint));
    const kept = newer.filter((f) => older.some((o) => o.fingerprint === f.fingerprint));
    await send(page, { type: 'historyComparison', from: a1, to: a2, new: added, resolved: gone, unchanged: kept });
    await view.locator('.change-chips .change-chip').first().waitFor();
    assert.deepEqual(await view.locator('.change-chips .change-chip').allTextContents(), [`new ${added.length}`, `resolved ${gone.length}`, `unchanged ${kept.length}`]);
    await view.locator('.change-chip[data-change="resolved"]').click();
    await page.waitForFunction((n) => document.querySelectorAll('.history-detail .row:not([hidden])').length === n, gone.length);
    assert.deepEqual(await view.locator('.history-detail .row:not([hidden]) .change-badge').allTextContents(), gone.map(() => 'resolved'));
    assert.deepEqual(await view.locator('.history-detail .row:not([hidden])').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-fingerprint'))), gone.map((f) => f.fingerprint));

    // The history was cleared of analysis 1: the comparison goes with it, and so does its tick.
    await send(page, { type: 'history', available: true, analyses: [a3, a2], total: 2 });
    await view.locator('.history-detail').waitFor({ state: 'hidden' });
    assert.equal(await view.locator('.history-row').count(), 2);
    assert.equal(await view.locator('.compare-button').getAttribute('disabled'), '', 'one tick left: nothing to compare');

    const inPage = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { pwned: w.__pwned ?? null, violations: w.__violations, strayMessages: w.__strayMessages };
    });
    assert.deepEqual({ ...inPage, dialogs, errors, requests: panelPage().tripwireHits }, { pwned: null, violations: [], strayMessages: [], dialogs: [], errors: [], requests: [] });
    for (const m of await postedByPage(page)) assert.ok(isWebviewMessage(m), `the page posts only well-formed messages: ${JSON.stringify(m)}`);
    await page.close();
  });
});
