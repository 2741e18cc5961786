import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import type { Finding } from '../../../server/src/engine/model';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_FILTERS, type FilterState } from '../../../webview/src/messages';
import { buildRows, countFindings, filterRows, sortRows } from '../../../webview/src/model/findingRows';

const sample = readFileSync(path.resolve(__dirname, '../../../example_logs/apache_sample.log'), 'utf8');
const report = analyzeText(sample, { path: 'apache_sample.log', config: DEFAULT_CONFIG });

function f(i: number, fields: Partial<Finding>): Finding {
  return {
    fingerprint: `fp${i}`,
    rule: 'web-attack',
    title: `t${i}`,
    severity: 'high',
    confidence: 0.7,
    attack: ['T1190'],
    line: i,
    lines: [i],
    message: `m${i}`,
    evidence: {},
    ...fields,
  };
}

const filters = (change: Partial<FilterState>): FilterState => ({ ...DEFAULT_FILTERS, ...change });

describe('panel: finding rows (filter and sort)', () => {
  it('filters the apache sample by severity, rule and text', () => {
    const rows = buildRows(report.findings, null);
    assert.equal(filterRows(rows, DEFAULT_FILTERS).length, report.findings.length);
    const bySource = filterRows(rows, filters({ text: '  10.0.0.50 ' }));
    assert.deepEqual(bySource.map((r) => r.finding.source), ['10.0.0.50']);
    const bruteForce = filterRows(rows, filters({ rule: 'brute-force' }));
    assert.ok(bruteForce.length > 0 && bruteForce.every((r) => r.finding.rule === 'brute-force'));
    const severity = report.findings[0].severity;
    const one = filterRows(rows, filters({ severities: [severity] }));
    assert.deepEqual(one.map((r) => r.finding), report.findings.filter((x) => x.severity === severity));
    assert.equal(filterRows(rows, filters({ text: 'no such thing anywhere' })).length, 0);
  });

  it('matches text case-insensitively in title, message, user, ATT&CK ids and evidence values', () => {
    const rows = buildRows(
      [
        f(1, { title: 'SQL Injection', user: 'Admin' }),
        f(2, { evidence: { excerpt: "UNION SELECT password", tools: ['sqlmap', 'nikto'] } }),
        f(3, { attack: ['T1110.003'] }),
      ],
      null,
    );
    const hit = (text: string): string[] => filterRows(rows, filters({ text })).map((r) => r.finding.fingerprint);
    assert.deepEqual(hit('sql injection'), ['fp1']);
    assert.deepEqual(hit('admin'), ['fp1']);
    assert.deepEqual(hit('union select'), ['fp2']);
    assert.deepEqual(hit('NIKTO'), ['fp2']);
    assert.deepEqual(hit('t1110.003'), ['fp3']);
  });

  it('filters by the time of the first line, [from, to), leaving out findings with no time', () => {
    const findings = [f(1, {}), f(2, {}), f(3, {})];
    const start = Date.UTC(2024, 2, 12, 10, 0);
    const timeline = { bucketMinutes: 1, start, counts: [1, 1], timed: 2, untimed: 1, offsetMinutes: 0, findingTimes: { fp1: start, fp2: start + 60_000 } };
    const rows = buildRows(findings, timeline);
    assert.deepEqual(filterRows(rows, filters({ time: { from: start, to: start + 60_000 } })).map((r) => r.finding.fingerprint), ['fp1']);
    assert.deepEqual(filterRows(rows, filters({ time: { from: start + 60_000, to: start + 120_000 } })).map((r) => r.finding.fingerprint), ['fp2']);
  });

  it('sorts by each column both ways, ties in the report order', () => {
    const findings = [
      f(1, { severity: 'medium', confidence: 0.5, rule: 'url-scan', source: '10.0.0.9', line: 30 }),
      f(2, { severity: 'critical', confidence: 0.9, rule: 'brute-force', source: '10.0.0.10', line: 10 }),
      f(3, { severity: 'medium', confidence: 0.55, rule: 'brute-force', source: '192.168.1.1', line: 20 }),
      f(4, { severity: 'low', confidence: 0.2, rule: 'scanner', user: 'root', line: 5 }),
    ];
    const rows = buildRows(findings, null);
    const order = (key: Parameters<typeof sortRows>[1]['key'], descending: boolean): string[] => sortRows(rows, { key, descending }).map((r) => r.finding.fingerprint);
    assert.deepEqual(order('severity', true), ['fp2', 'fp3', 'fp1', 'fp4'], 'severity, then confidence');
    assert.deepEqual(order('severity', false), ['fp4', 'fp1', 'fp3', 'fp2']);
    assert.deepEqual(order('line', false), ['fp4', 'fp2', 'fp3', 'fp1']);
    assert.deepEqual(order('confidence', true), ['fp2', 'fp3', 'fp1', 'fp4']);
    assert.deepEqual(order('rule', false), ['fp2', 'fp3', 'fp4', 'fp1'], 'brute-force twice, in report order');
    assert.deepEqual(order('rule', true), ['fp1', 'fp4', 'fp2', 'fp3'], 'the tie keeps the report order when descending too');
    assert.deepEqual(order('source', false), ['fp2', 'fp1', 'fp3', 'fp4'], 'the user when there is no source');
    assert.deepEqual(rows.map((r) => r.finding.fingerprint), ['fp1', 'fp2', 'fp3', 'fp4'], 'sorting copies');
  });

  it('counts findings per severity (zero-filled) and per rule', () => {
    const { bySeverity, byRule } = countFindings(report.findings);
    assert.deepEqual([...bySeverity.keys()], ['critical', 'high', 'medium', 'low']);
    assert.equal([...bySeverity.values()].reduce((a, b) => a + b, 0), report.findings.length);
    for (const [rule, n] of byRule) assert.equal(n, report.findings.filter((x) => x.rule === rule).length);
  });
});
