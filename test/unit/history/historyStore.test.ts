import { strict as assert } from 'node:assert';
import type { SqlJsStatic } from 'sql.js';
import type { FileReport, Finding } from '../../../server/src/engine/model';
import { HistoryStore } from '../../../server/src/history/historyStore';
import { loadSqlJs } from '../../../server/src/history/sqlJs';
import type { RecordOptions } from '../../../server/src/history/types';
import { analyze, exampleText, sampleReport, sqlmapLines } from './fixtures';

const OPTIONS: RecordOptions = { origin: 'editor', settingsHash: 'abc123', retention: 100 };

describe('history: store', () => {
  let sql: SqlJsStatic;
  let store: HistoryStore;
  before(async () => {
    sql = await loadSqlJs();
  });
  beforeEach(() => {
    store = HistoryStore.open(sql);
  });
  afterEach(() => store.close());

  /** Rows no analysis reaches, and links to rows that are gone: both must stay 0. */
  function integrity(s: HistoryStore): { orphans: number; dangling: number } {
    const db = (s as unknown as { db: InstanceType<SqlJsStatic['Database']> }).db;
    const [row] = db.exec(`SELECT
      (SELECT count(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM analysis_findings af WHERE af.finding_id = f.id)),
      (SELECT count(*) FROM analysis_findings af WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.id = af.finding_id)
                                                  OR NOT EXISTS (SELECT 1 FROM analyses a WHERE a.id = af.analysis_id))`)[0].values;
    return { orphans: Number(row[0]), dangling: Number(row[1]) };
  }

  function pageUse(s: HistoryStore): { pages: number; pageSize: number } {
    const db = (s as unknown as { db: InstanceType<SqlJsStatic['Database']> }).db;
    const count = Number(db.exec('PRAGMA page_count')[0].values[0][0]);
    const free = Number(db.exec('PRAGMA freelist_count')[0].values[0][0]);
    return { pages: count - free, pageSize: Number(db.exec('PRAGMA page_size')[0].values[0][0]) };
  }

  it('gives back a recorded report exactly, with its summary', () => {
    const report = sampleReport();
    assert.ok(report.findings.length >= 3, 'the sample has findings');
    const id = store.record(report, { ...OPTIONS, origin: 'command', time: 1_700_000_000_123 });
    const got = store.get(id)!;
    assert.deepStrictEqual(got.report, report);
    assert.deepEqual(Object.keys(got.report.findings[0]), Object.keys(report.findings[0]), 'same key order as the engine');
    const a = got.analysis;
    assert.equal(a.id, id);
    assert.equal(a.file, 'logs/access.log');
    assert.equal(a.time, 1_700_000_000_123);
    assert.equal(a.origin, 'command');
    assert.equal(a.format, 'apache-combined');
    assert.equal(a.lines, 25);
    assert.equal(a.settingsHash, 'abc123');
    const expected = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const f of report.findings) expected[f.severity]++;
    assert.deepEqual(a.counts, expected);
    assert.equal(store.get(id + 1000), undefined);
  });

  it('lists analyses newest first, per file, in pages', () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(store.record(sampleReport(i % 2 ? 'b.log' : 'a.log'), { ...OPTIONS, time: 1000 + i }));
    const all = store.list();
    assert.deepEqual(all.analyses.map((a) => a.id), [...ids].reverse());
    assert.equal(all.total, 5);
    const a = store.list({ file: 'a.log' });
    assert.deepEqual(a.analyses.map((x) => x.id), [ids[4], ids[2], ids[0]]);
    assert.equal(a.total, 3);
    const page = store.list({ limit: 2, offset: 1 });
    assert.deepEqual(page.analyses.map((x) => x.id), [ids[3], ids[2]]);
    assert.equal(page.total, 5);
    assert.deepEqual(store.list({ file: 'none.log' }), { analyses: [], total: 0 });
  });

  it('keeps only the newest analyses of each file, and frees what the deleted ones alone used', () => {
    let text = exampleText('apache_sample.log');
    const kept: number[] = [];
    let last: FileReport | undefined;
    for (let i = 0; i < 7; i++) {
      // Each analysis sees one more attacker: some findings change, most stay.
      text += sqlmapLines(`203.0.113.${10 + i}`);
      last = analyze(text, 'a.log');
      kept.push(store.record(last, { ...OPTIONS, retention: 3 }));
      store.record(sampleReport('b.log'), { ...OPTIONS, retention: 3 });
    }
    const a = store.list({ file: 'a.log' });
    assert.deepEqual(a.analyses.map((x) => x.id), kept.slice(-3).reverse());
    assert.equal(store.list({ file: 'b.log' }).total, 3);
    assert.deepEqual(integrity(store), { orphans: 0, dangling: 0 });
    // What is left reads back whole.
    assert.deepStrictEqual(store.get(kept[6])!.report, last, 'the newest analysis is intact');
    // Lowering retention deletes several at once, oldest first.
    store.record(analyze(text, 'a.log'), { ...OPTIONS, retention: 1 });
    assert.equal(store.list({ file: 'a.log' }).total, 1);
    assert.deepEqual(integrity(store), { orphans: 0, dangling: 0 });
  });

  it('stays under its size bound by deleting the oldest analyses of any log', () => {
    const reports: FileReport[] = [];
    let text = exampleText('apache_sample.log');
    for (let i = 0; i < 40; i++) {
      text += sqlmapLines(`192.0.2.${i}`, 5);
      reports.push(analyze(text, `logs/${i % 3}.log`));
    }
    const unbounded = HistoryStore.open(sql);
    for (const r of reports) unbounded.record(r, { ...OPTIONS, maxBytes: Infinity });
    const full = pageUse(unbounded);
    unbounded.close();
    // Most of the size is findings the newest analyses still report: a bound at 90% of the
    // whole is reached by deleting the oldest analyses (their links and their own versions).
    const maxBytes = Math.floor(full.pages * full.pageSize * 0.9);
    const ids = reports.map((r, i) => {
      const id = store.record(r, { ...OPTIONS, maxBytes });
      const { pages, pageSize } = pageUse(store);
      assert.ok(pages * pageSize <= maxBytes, `${pages} pages in use after analysis ${i}`);
      return id;
    });
    const kept = store.list({ limit: 1000 }).analyses.map((a) => a.id).reverse();
    assert.ok(kept.length < 40 && kept.length >= 5, `${kept.length} analyses kept`);
    assert.deepEqual(kept, ids.slice(-kept.length), 'the oldest went first, whatever their log');
    assert.deepEqual(integrity(store), { orphans: 0, dangling: 0 });
    // A bound no deletion can reach stops pruning (the new analysis always stays).
    const last = store.record(reports[39], { ...OPTIONS, maxBytes: 1 });
    assert.ok(store.list().analyses.some((a) => a.id === last));
    assert.deepEqual(integrity(store), { orphans: 0, dangling: 0 });
  });

  it('stores an unchanged finding once, however many analyses report it', () => {
    const report = sampleReport();
    store.record(report, OPTIONS);
    const once = store.rowCounts();
    for (let i = 0; i < 5; i++) store.record(report, OPTIONS);
    const after = store.rowCounts();
    assert.equal(after.findings, once.findings, 'no new finding versions');
    assert.equal(after.links, once.links * 6);
    // A finding that changes gets a version of its own; the old analyses keep theirs.
    const changed: FileReport = { ...report, findings: report.findings.map((f, i) => (i === 0 ? { ...f, confidence: 0.11, severity: 'low' as const } : f)) };
    const id = store.record(changed, OPTIONS);
    assert.equal(store.rowCounts().findings, once.findings + 1);
    assert.equal(store.get(id)!.report.findings[0].confidence, 0.11);
    assert.equal(store.get(id - 1)!.report.findings[0].confidence, report.findings[0].confidence);
  });

  it('compares two analyses of a log that grew: new, resolved and unchanged by fingerprint', () => {
    const before = exampleText('apache_sample.log');
    const grown = before + sqlmapLines('203.0.113.77');
    const first = store.record(analyze(before), OPTIONS);
    const second = store.record(analyze(grown), OPTIONS);
    const c = store.compare(first, second);
    assert.equal(c.from.id, first);
    assert.equal(c.to.id, second);
    const newSources = new Set(c.new.map((f) => f.source));
    assert.deepEqual([...newSources], ['203.0.113.77'], 'only the appended attacker is new');
    assert.ok(c.new.some((f) => f.rule === 'scanner') && c.new.some((f) => f.rule === 'web-attack'), c.new.map((f) => f.rule).join());
    assert.deepEqual(c.resolved, []);
    const firstFingerprints = store.get(first)!.report.findings.map((f) => f.fingerprint).sort();
    assert.deepEqual(c.unchanged.map((f) => f.fingerprint).sort(), firstFingerprints, 'every earlier finding is still there');
    // The other way round, the appended attacker is what was resolved.
    const back = store.compare(second, first);
    assert.deepEqual(back.new, []);
    assert.deepEqual(back.resolved.map((f) => f.fingerprint).sort(), c.new.map((f) => f.fingerprint).sort());
    assert.equal(store.previous(second), first);
    assert.equal(store.previous(first), undefined);
    assert.throws(() => store.compare(first, 9999), /no analysis 9999/);
  });

  it('keeps the rules that failed, and does not call their findings new or resolved', () => {
    const before = exampleText('apache_sample.log');
    const grown = before + sqlmapLines('203.0.113.77');
    const first = store.record(analyze(before), OPTIONS);
    // The second analysis lost its web-attack findings to a failing rule.
    const broken = analyze(grown);
    broken.findings = broken.findings.filter((f) => f.rule !== 'web-attack');
    broken.failedRules = [{ rule: 'web-attack', error: 'observe failed' }];
    const second = store.record(broken, OPTIONS);
    assert.deepEqual(store.get(second)!.report.failedRules, broken.failedRules);
    assert.equal(store.get(first)!.report.failedRules, undefined);
    const c = store.compare(first, second);
    assert.ok(c.new.length > 0 && c.new.every((f) => f.rule !== 'web-attack'), 'the scanner finding is still new');
    assert.deepEqual(c.resolved, [], 'web-attack findings of the first are not "resolved": the rule did not run');
    const firstWebAttacks = store.get(first)!.report.findings.filter((f) => f.rule === 'web-attack');
    assert.ok(firstWebAttacks.length > 0);
    assert.deepEqual(c.notCompared?.map((f) => f.fingerprint).sort(), firstWebAttacks.map((f) => f.fingerprint).sort());
    // the other way round, the same findings are not "new"
    const back = store.compare(second, first);
    assert.ok(back.new.every((f) => f.rule !== 'web-attack'));
    assert.equal(back.notCompared?.length, firstWebAttacks.length);
  });

  it('round-trips hostile text in every field, as data, never as SQL', () => {
    const hostile = "'); DROP TABLE analyses;--";
    const base = sampleReport();
    const finding: Finding = {
      ...base.findings[0],
      fingerprint: hostile,
      title: hostile,
      message: `${hostile} "quoted" \u0000 nul and ünïcødé 🛡`,
      source: `${hostile}1.2.3.4`,
      user: `admin${hostile}`,
      attack: [hostile],
      evidence: { excerpt: hostile, list: [hostile, "x' OR '1'='1"], n: 3 },
    };
    const report: FileReport = { ...base, path: `logs/${hostile}.log`, error: hostile, findings: [finding] };
    const id = store.record(report, { ...OPTIONS, settingsHash: hostile });
    assert.deepStrictEqual(store.get(id)!.report, report);
    assert.equal(store.list({ file: report.path }).total, 1);
    assert.equal(store.get(id)!.analysis.settingsHash, hostile);
    const again = store.record(report, OPTIONS);
    assert.deepEqual(store.compare(id, again).unchanged.map((f) => f.fingerprint), [hostile]);
    assert.equal(store.clear(report.path), 2);
    assert.deepEqual(store.list(), { analyses: [], total: 0 }, 'the tables are all still there');
  });

  it('records nothing of an analysis that fails half-way (one transaction)', () => {
    const good = store.record(sampleReport(), { ...OPTIONS, retention: 1 });
    const before = store.rowCounts();
    const broken = sampleReport();
    broken.findings[1] = { ...broken.findings[1], lines: [-5] };
    assert.throws(() => store.record(broken, { ...OPTIONS, retention: 1 }), RangeError);
    assert.deepEqual(store.rowCounts(), before, 'no row of the failed analysis, and retention did not run');
    assert.deepEqual(store.list().analyses.map((a) => a.id), [good]);
    // And the next analysis still reuses from the one that is really there.
    store.record(sampleReport(), { ...OPTIONS, retention: 1 });
    assert.equal(store.rowCounts().findings, before.findings);
  });

  it('clears one file or everything, and the database shrinks', () => {
    let text = exampleText('apache_sample.log');
    for (let i = 0; i < 20; i++) {
      text += sqlmapLines(`198.51.100.${i}`);
      store.record(analyze(text, 'a.log'), OPTIONS);
    }
    store.record(sampleReport('b.log'), OPTIONS);
    const full = store.export().length;
    assert.equal(store.clear('a.log'), 20);
    assert.equal(store.list().total, 1);
    assert.deepEqual(integrity(store), { orphans: 0, dangling: 0 });
    assert.ok(store.export().length < full / 2, `${store.export().length} of ${full} bytes after clearing`);
    assert.equal(store.clear(), 1);
    assert.deepEqual(store.rowCounts(), { analyses: 0, findings: 0, links: 0 });
    assert.equal(store.clear(), 0);
    // Ids are never reused: an id the panel still holds cannot name another analysis.
    const next = store.record(sampleReport(), OPTIONS);
    assert.ok(next > 21, `id ${next}`);
  });

  it('reads its own export back (what is written to disk)', () => {
    const id = store.record(sampleReport(), OPTIONS);
    const copy = HistoryStore.open(sql, store.export());
    assert.deepStrictEqual(copy.get(id), store.get(id));
    copy.close();
  });
});
