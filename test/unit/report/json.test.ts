import assert from 'node:assert/strict';
import type { AnalysisReport, Finding } from '../../../server/src/engine/model';
import { renderReport } from '../../../server/src/engine/report';
import { contractOf, toJson } from '../../../server/src/engine/report/json';
import { allFindings, HOSTILE, sampleReport, TERMINAL_UNSAFE } from './sampleReport';
import { loadContractValidator } from './schemas';

const FINDING_KEYS = ['fingerprint', 'rule', 'title', 'severity', 'confidence', 'attack', 'source', 'user', 'line', 'lines', 'message', 'evidence'];
const FILE_KEYS = ['path', 'format', 'lines', 'parsed', 'skipped', 'durationMs', 'findings', 'error'];

/** `keys` restricted to those present, in the contract's order. */
function expectedOrder(order: string[], present: object): string[] {
  return order.filter((k) => Object.prototype.hasOwnProperty.call(present, k));
}

describe('report/json', () => {
  const report = sampleReport();
  const text = toJson(report);
  const parsed = JSON.parse(text) as AnalysisReport;

  it('validates against the contract schema', () => {
    const validate = loadContractValidator();
    assert.ok(validate(parsed), JSON.stringify(validate.errors, null, 2));
  });

  it('round-trips: parsing the output gives the report back, hostile strings intact', () => {
    assert.deepStrictEqual(parsed, report);
    const titles = allFindings(parsed).map(({ finding }) => finding.title);
    assert.ok(titles.some((t) => t.includes(HOSTILE.ansi)), 'ANSI escapes are data in JSON, kept as they are');
    assert.ok(titles.some((t) => t.includes(HOSTILE.html)));
    assert.equal(parsed.files[0].findings[0].evidence.payload, HOSTILE.formula);
  });

  it('escapes control and bidi characters instead of writing them raw (safe to cat)', () => {
    assert.ok(!TERMINAL_UNSAFE.test(text), 'only LF (the pretty-printing) may appear raw');
    assert.ok(text.includes('\\u001b[2J') && text.includes('\\u009b2J') && text.includes('\\u202e'));
  });

  it('writes keys in the contract order, whatever order the input was built in', () => {
    const f = report.files[1].findings[0];
    // Same finding, members inserted backwards, plus a member the contract does not have.
    const scrambled = Object.fromEntries(Object.entries(f).reverse()) as unknown as Finding;
    (scrambled as unknown as Record<string, unknown>).internalScore = 42;
    const out = JSON.parse(toJson({ ...report, files: [{ ...report.files[1], findings: [scrambled] }] })) as AnalysisReport;
    const written = out.files[0].findings[0];
    assert.deepEqual(Object.keys(written), expectedOrder(FINDING_KEYS, f));
    assert.ok(!('internalScore' in written), 'members outside the contract are not written');
    assert.deepEqual(Object.keys(out), ['tool', 'files']);
    for (const file of parsed.files) {
      assert.deepEqual(Object.keys(file), expectedOrder(FILE_KEYS, file));
      for (const finding of file.findings) assert.deepEqual(Object.keys(finding), expectedOrder(FINDING_KEYS, finding));
    }
  });

  it('is laid out like the contract: two-space indent, short objects and number lists on one line', () => {
    const lines = text.split('\n');
    assert.equal(lines[0], '{');
    assert.equal(lines[1], '  "tool": { "name": "log-warden", "version": "0.1.0" },');
    assert.equal(lines[2], '  "files": [');
    for (const line of lines) assert.equal((line.match(/^ */)?.[0].length ?? 0) % 2, 0, line);
    const f = report.files[0].findings[0];
    assert.ok(text.includes(`"lines": [${f.lines.join(', ')}]`));
    assert.ok(text.endsWith('}\n'));
  });

  it('writes the file error only when there is one', () => {
    assert.equal(parsed.files[3].error, report.files[3].error);
    assert.ok(!('error' in parsed.files[0]));
  });

  it('contractOf gives the same data as the text', () => {
    assert.deepStrictEqual(JSON.parse(JSON.stringify(contractOf(report))), parsed);
  });

  it('is what renderReport writes for "json"', () => {
    assert.equal(renderReport(report, 'json'), text);
  });

  describe('the contract schema itself', () => {
    // The schema must reject what breaks the contract, or validating against it proves nothing.
    const validate = loadContractValidator();
    const mutations: [string, (f: Record<string, unknown>) => void][] = [
      ['an unknown member', (f) => (f.extra = 1)],
      ['a missing fingerprint', (f) => delete f.fingerprint],
      ['a fingerprint that is not 16 hex digits', (f) => (f.fingerprint = 'ABCDEF0123456789')],
      ['an unknown rule', (f) => (f.rule = 'sql-injection')],
      ['an unknown severity', (f) => (f.severity = 'severe')],
      ['confidence above 1', (f) => (f.confidence = 1.2)],
      ['a 0-based line', (f) => (f.line = 0)],
      ['a fractional evidence line', (f) => (f.lines = [1.5])],
      ['an ATT&CK id that is not one', (f) => (f.attack = ['T11'])],
      ['an evidence value that is an object', (f) => (f.evidence = { nested: { a: 1 } })],
    ];
    for (const [what, mutate] of mutations) {
      it(`rejects ${what}`, () => {
        const copy = JSON.parse(text) as { files: { findings: Record<string, unknown>[] }[] };
        assert.ok(validate(copy), 'the unmodified report is valid');
        mutate(copy.files[0].findings[0]);
        assert.equal(validate(copy), false);
      });
    }
  });
});
