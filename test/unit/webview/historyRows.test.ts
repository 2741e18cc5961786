/**
 * The History view's model: analyses newest first, the two-analysis compare selection, and a
 * comparison (made by the real history store from the engine's reports of the sample log and
 * of the same log with a sqlmap run appended) grouped new → resolved → unchanged; plus the
 * guards of the history messages on both sides of the panel.
 */
import * as assert from 'node:assert/strict';
import type { SqlJsStatic } from 'sql.js';
import { HistoryStore } from '../../../server/src/history/historyStore';
import { loadSqlJs } from '../../../server/src/history/sqlJs';
import type { AnalysisSummary } from '../../../server/src/history/types';
import type { HistoryEntry } from '../../../server/src/protocol';
import { analysisKey, isHostMessage, isWebviewMessage, sanitizePanelState, type HistoryComparisonMessage } from '../../../webview/src/messages';
import {
  comparePair,
  comparisonRows,
  countChanges,
  keepListed,
  severitySummary,
  sortAnalyses,
  sortComparisonRows,
  toggleCompareSelection,
} from '../../../webview/src/model/historyRows';
import { analyze, exampleText, sqlmapLines } from '../history/fixtures';

const FOLDER = 'file:///work/logs';

function entry(summary: AnalysisSummary, folder: string | null = FOLDER): HistoryEntry {
  return { ...summary, folder, uri: folder ? `${folder}/${summary.file}` : null };
}

/** A listed analysis with only what ordering looks at varied. */
function listed(id: number, time: number, folder: string | null = FOLDER): HistoryEntry {
  return {
    id,
    time,
    file: 'access.log',
    origin: 'command',
    format: 'apache-combined',
    lines: 10,
    parsed: 10,
    skipped: 0,
    durationMs: 1,
    counts: { critical: 0, high: 1, medium: 0, low: 0 },
    settingsHash: 'h',
    toolVersion: '0.1.0',
    folder,
    uri: null,
  };
}

describe('panel: history view model', () => {
  let sql: SqlJsStatic;
  let store: HistoryStore;
  before(async () => {
    sql = await loadSqlJs();
  });
  beforeEach(() => {
    store = HistoryStore.open(sql);
  });
  afterEach(() => store.close());

  /** The sample, then the sample with a sqlmap run appended, recorded a minute apart; compared by the store. */
  function recordedComparison(): { comparison: HistoryComparisonMessage; before: string[]; after: string[] } {
    const sample = exampleText('apache_sample.log');
    const first = analyze(sample);
    const second = analyze(sample + sqlmapLines('203.0.113.77'));
    const options = { origin: 'command' as const, settingsHash: 'h', retention: 100 };
    const a = store.record(first, { ...options, time: 1_700_000_000_000 });
    const b = store.record(second, { ...options, time: 1_700_000_060_000 });
    const c = store.compare(a, b);
    return {
      comparison: { type: 'historyComparison', from: entry(c.from), to: entry(c.to), new: c.new, resolved: c.resolved, unchanged: c.unchanged },
      before: first.findings.map((f) => f.fingerprint),
      after: second.findings.map((f) => f.fingerprint),
    };
  }

  it('groups a comparison new → resolved → unchanged, by fingerprint', () => {
    const { comparison, before, after } = recordedComparison();
    const rows = comparisonRows(comparison);
    const counts = countChanges(rows);
    const expectedNew = after.filter((fp) => !before.includes(fp));
    const expectedResolved = before.filter((fp) => !after.includes(fp));
    assert.ok(expectedNew.length > 0, 'the appended sqlmap run makes new findings');
    assert.deepEqual(counts, { new: expectedNew.length, resolved: expectedResolved.length, unchanged: after.length - expectedNew.length, 'not-compared': 0 });
    assert.deepEqual(rows.filter((r) => r.change === 'new').map((r) => r.finding.fingerprint).sort(), [...expectedNew].sort());
    assert.ok(rows.filter((r) => r.change === 'new').some((r) => r.finding.source === '203.0.113.77'), 'the sqlmap source is among the new findings');
    const order = rows.map((r) => r.change);
    assert.deepEqual(order, [...order].sort((x, y) => ['new', 'resolved', 'unchanged'].indexOf(x) - ['new', 'resolved', 'unchanged'].indexOf(y)), 'grouped');
    assert.deepEqual(rows.map((r) => r.index), rows.map((_, i) => i), 'indexes follow the grouped order');
  });

  it('sorts a comparison by the column inside each group, and shows only the picked change', () => {
    const { comparison } = recordedComparison();
    const rows = comparisonRows(comparison);
    const byLine = sortComparisonRows(rows, { key: 'line', descending: false });
    assert.equal(byLine.length, rows.length);
    let lastChange = -1;
    let lastLine = -Infinity;
    for (const row of byLine) {
      const rank = ['new', 'resolved', 'unchanged'].indexOf(row.change);
      assert.ok(rank >= lastChange, `groups stay in order (${row.change} after rank ${lastChange})`);
      if (rank > lastChange) lastLine = -Infinity;
      assert.ok(row.finding.line >= lastLine, `lines ascend inside ${row.change}`);
      lastChange = rank;
      lastLine = row.finding.line;
    }
    const descending = sortComparisonRows(rows, { key: 'line', descending: true }).filter((r) => r.change === 'unchanged').map((r) => r.finding.line);
    assert.deepEqual(descending, [...descending].sort((x, y) => y - x));
    const onlyNew = sortComparisonRows(rows, { key: 'severity', descending: true }, ['new']);
    assert.ok(onlyNew.length > 0 && onlyNew.every((r) => r.change === 'new'));
    assert.equal(onlyNew.length, countChanges(rows).new);
  });

  it('sets apart the findings of a rule that failed in one analysis: last, as "not-compared"', () => {
    const sample = exampleText('apache_sample.log');
    const first = analyze(sample);
    const broken = analyze(sample);
    broken.findings = broken.findings.filter((f) => f.rule !== 'brute-force');
    broken.failedRules = [{ rule: 'brute-force', error: 'failed' }];
    const options = { origin: 'command' as const, settingsHash: 'h', retention: 100 };
    const c = store.compare(store.record(first, options), store.record(broken, options));
    const rows = comparisonRows({ new: c.new, resolved: c.resolved, unchanged: c.unchanged, notCompared: c.notCompared });
    const counts = countChanges(rows);
    const bruteForce = first.findings.filter((f) => f.rule === 'brute-force').length;
    assert.ok(bruteForce > 0);
    assert.deepEqual(counts, { new: 0, resolved: 0, unchanged: first.findings.length - bruteForce, 'not-compared': bruteForce });
    assert.equal(rows[rows.length - 1].change, 'not-compared');
    const message = { type: 'historyComparison', from: entry(c.from), to: entry(c.to), new: c.new, resolved: c.resolved, unchanged: c.unchanged, notCompared: c.notCompared };
    assert.ok(isHostMessage(message), 'the guard accepts a comparison with notCompared');
    assert.ok(!isHostMessage({ ...message, notCompared: 'x' }), 'and refuses a malformed one');
  });

  it('groups an empty or one-sided comparison too', () => {
    const { comparison } = recordedComparison();
    const reversed = comparisonRows({ new: comparison.resolved, resolved: comparison.new, unchanged: comparison.unchanged });
    assert.equal(countChanges(reversed).resolved, comparison.new.length);
    assert.deepEqual(comparisonRows({ new: [], resolved: [], unchanged: [] }), []);
  });

  it('lists analyses newest first, the later id first at the same time', () => {
    const sorted = sortAnalyses([listed(1, 100), listed(3, 300), listed(2, 300), listed(4, 50)]);
    assert.deepEqual(sorted.map((e) => e.id), [3, 2, 1, 4]);
  });

  it('keeps at most two ticked analyses and compares them older → newer', () => {
    const entries = [listed(5, 500), listed(7, 700), listed(6, 600)];
    const [k5, k7, k6] = entries.map(analysisKey);
    let picked = toggleCompareSelection([], k7, true);
    assert.equal(comparePair(picked, entries), undefined, 'one ticked: nothing to compare');
    picked = toggleCompareSelection(picked, k5, true);
    assert.deepEqual(comparePair(picked, entries), { from: entries[0], to: entries[1] }, 'ticked newer first, still older → newer');
    picked = toggleCompareSelection(picked, k6, true);
    assert.deepEqual(picked, [k5, k6], 'a third tick lets go of the first');
    assert.deepEqual(toggleCompareSelection(picked, k5, false), [k6]);
    assert.deepEqual(keepListed(picked, [entries[2]]), [k6], 'a cleared analysis is no longer ticked');
    assert.equal(comparePair([k5, k6], [entries[2]]), undefined, 'no pair when one of them is gone');
  });

  it('keys analyses by database as well as id (ids repeat across workspace folders)', () => {
    assert.notEqual(analysisKey(listed(1, 1, FOLDER)), analysisKey(listed(1, 1, 'file:///work/other')));
    assert.notEqual(analysisKey(listed(1, 1, FOLDER)), analysisKey(listed(1, 1, null)));
  });

  it('summarises counts by severity', () => {
    assert.equal(severitySummary({ critical: 2, high: 0, medium: 1, low: 0 }), '2 critical, 1 medium');
    assert.equal(severitySummary({ critical: 0, high: 0, medium: 0, low: 0 }), 'no findings');
  });
});

describe('panel: history message guards', () => {
  it('accepts the History view\'s messages from the page', () => {
    const good: unknown[] = [
      { type: 'openAnalysis', analysis: { folder: FOLDER, id: 3 } },
      { type: 'openAnalysis', analysis: { folder: null, id: 1 } },
      { type: 'compareAnalyses', from: { folder: FOLDER, id: 1 }, to: { folder: FOLDER, id: 2 } },
      { type: 'compareAnalyses', from: { folder: FOLDER, id: 1 }, to: { folder: null, id: 1 } },
      { type: 'clearHistory' },
    ];
    for (const m of good) assert.ok(isWebviewMessage(m), JSON.stringify(m));
  });

  it('rejects malformed analysis references', () => {
    const bad: unknown[] = [
      { type: 'openAnalysis' },
      { type: 'openAnalysis', analysis: 3 },
      { type: 'openAnalysis', analysis: { folder: FOLDER, id: 0 } },
      { type: 'openAnalysis', analysis: { folder: FOLDER, id: -1 } },
      { type: 'openAnalysis', analysis: { folder: FOLDER, id: 1.5 } },
      { type: 'openAnalysis', analysis: { folder: FOLDER, id: '1' } },
      { type: 'openAnalysis', analysis: { folder: FOLDER, id: 2 ** 60 } },
      { type: 'openAnalysis', analysis: { id: 1 } },
      { type: 'openAnalysis', analysis: { folder: 7, id: 1 } },
      { type: 'openAnalysis', analysis: { folder: '', id: 1 } },
      { type: 'openAnalysis', analysis: { folder: 'x'.repeat(5000), id: 1 } },
      { type: 'compareAnalyses', from: { folder: FOLDER, id: 1 } },
      { type: 'compareAnalyses', from: { folder: FOLDER, id: 2 }, to: { folder: FOLDER, id: 2 } },
      { type: 'compareAnalyses', from: [1], to: { folder: FOLDER, id: 2 } },
      { type: 'clearHistory!' },
    ];
    for (const m of bad) assert.equal(isWebviewMessage(m), false, JSON.stringify(m));
  });

  it('checks the history messages on the page side', () => {
    const a = listed(1, 100);
    const finding = { fingerprint: 'ab', rule: 'scanner', title: '<img src=x>', severity: 'high', confidence: 0.7, attack: [], line: 1, lines: [1], message: 'm', evidence: {} };
    const report = { path: 'access.log', format: 'apache-combined', lines: 1, parsed: 1, skipped: 0, durationMs: 1, findings: [finding] };
    assert.ok(isHostMessage({ type: 'history', available: true, analyses: [a], total: 1 }));
    assert.ok(isHostMessage({ type: 'history', available: false, analyses: [], total: 0 }));
    assert.ok(isHostMessage({ type: 'historyAnalysis', analysis: a, report }));
    assert.ok(isHostMessage({ type: 'historyComparison', from: a, to: listed(2, 200), new: [finding], resolved: [], unchanged: [] }));
    assert.ok(isHostMessage({ type: 'showView', view: 'history' }));
    assert.equal(isHostMessage({ type: 'showView', view: 'settings' }), false);
    assert.equal(isHostMessage({ type: 'history', available: true, analyses: [{ ...a, counts: { high: 1 } }], total: 1 }), false);
    assert.equal(isHostMessage({ type: 'history', available: true, analyses: [{ ...a, id: 'x' }], total: 1 }), false);
    assert.equal(isHostMessage({ type: 'historyAnalysis', analysis: a, report: { ...report, findings: [{ title: 'x' }] } }), false);
    assert.equal(isHostMessage({ type: 'historyComparison', from: a, to: a, new: 'x', resolved: [], unchanged: [] }), false);
  });

  it('restores the History view from a saved state', () => {
    assert.equal(sanitizePanelState({ view: 'history' }).view, 'history');
    assert.equal(sanitizePanelState({ view: 'histories' }).view, 'findings');
  });
});
