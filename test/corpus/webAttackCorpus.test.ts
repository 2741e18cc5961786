/**
 * Web attack, scanner and URL-scan rules against public access logs (see
 * ../shared/corpora/README.md): the ocatak scanner logs (Acunetix, Netsparker and w3af
 * attacking DVWA: every source but the operator's browser is a scanner) must all be flagged,
 * and the elastic sample of ordinary traffic must not raise a critical finding.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileReport, Finding, RuleId } from '../../server/src/engine/model';
import { analyzeText } from '../../server/src/engine/analyzer';
import { resolveConfig } from '../../server/src/engine/config';

const CORPORA = path.resolve(__dirname, '../../../shared/corpora');
const ELASTIC = path.join(CORPORA, 'elastic-examples/Common Data Formats/apache_logs/apache_logs');
const OCATAK = path.join(CORPORA, 'ocatak-apache-http-logs');
const RULES: RuleId[] = ['web-attack', 'scanner', 'url-scan'];

function requireCorpus(test: Mocha.Context, file: string): void {
  if (!fs.existsSync(file)) {
    console.log(`      (skipped: ${path.relative(path.resolve(__dirname, '../..'), file)} is not there; the corpora live in ../shared/corpora next to the repository)`);
    test.skip();
  }
}

function analyze(file: string): FileReport {
  // latin1 keeps every byte of a non-UTF-8 line as one character, as the CLI reads logs
  return analyzeText(fs.readFileSync(file, 'latin1'), { path: path.basename(file), config: resolveConfig({}) });
}

function mine(report: FileReport): Finding[] {
  return report.findings.filter((f) => RULES.includes(f.rule));
}

/**
 * The scanner sources of each file. w3af.txt also holds 20 lines of 192.168.4.25 browsing
 * DVWA's setup and login pages with Firefox: the operator, not the scanner.
 */
const SCANNERS: Record<string, { sources: string[]; operator?: string }> = {
  'acunetix.txt': { sources: ['192.168.4.25'] },
  'netsparker.txt': { sources: ['192.168.4.164'] },
  'w3af.txt': { sources: ['192.168.4.163', '192.168.1.20'], operator: '192.168.4.25' },
};

describe('web attack rules on public access logs', () => {
  for (const [name, expected] of Object.entries(SCANNERS)) {
    it(`ocatak ${name}: every scanner source is flagged`, function () {
      const file = path.join(OCATAK, name);
      requireCorpus(this, file);
      const report = analyze(file);
      const findings = mine(report);
      const attack = findings.filter((f) => f.rule === 'web-attack');
      const payloadLines = attack.reduce((n, f) => n + (f.evidence.payloadLines as number), 0);
      console.log(`      ${name}: ${report.lines} lines, web-attack marks ${payloadLines} (${((100 * payloadLines) / report.lines).toFixed(1)}%)`);
      for (const source of expected.sources) {
        const rules = findings.filter((f) => f.source === source).map((f) => `${f.rule} ${f.severity} ${f.confidence}`);
        console.log(`        ${source}: ${rules.join('; ') || 'nothing'}`);
        assert.ok(rules.length > 0, `${source} is not flagged`);
      }
      if (expected.operator) {
        const op = findings.filter((f) => f.source === expected.operator);
        assert.deepEqual(op.map((f) => f.rule), [], 'the operator browsing with Firefox is not an attacker');
      }
      // a log that is nothing but scanner traffic: the scanners' findings are not all low
      assert.ok(findings.some((f) => f.severity === 'critical' || f.severity === 'high'));
    });
  }

  it('elastic apache_logs (ordinary traffic): no critical finding from these rules', function () {
    requireCorpus(this, ELASTIC);
    const report = analyze(ELASTIC);
    assert.equal(report.format, 'apache-combined');
    const findings = mine(report);
    const counts: Record<string, number> = {};
    for (const f of findings) counts[`${f.rule}:${f.severity}`] = (counts[`${f.rule}:${f.severity}`] ?? 0) + 1;
    console.log(`      elastic: ${report.lines} lines, findings ${JSON.stringify(counts)}`);
    for (const f of findings) console.log(`        ${f.rule} ${f.severity} ${f.source}: ${f.message.slice(0, 160)}`);
    assert.deepEqual(
      findings.filter((f) => f.severity === 'critical').map((f) => `${f.rule} ${f.source} line ${f.line}`),
      [],
    );
  });
});
