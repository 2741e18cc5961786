/**
 * The whole engine on hostile texts, property-based: `analyzeText` (the Analyzer) and the
 * editor's incremental `DocumentAnalysis` never throw, no rule fails, the report is within
 * the finding contract with line numbers inside the text, and the document analysis —
 * after hostile edits too — reports what a fresh analysis of its current text reports.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Analyzer, analyzeText } from '../../server/src/engine/analyzer';
import { resolveConfig } from '../../server/src/engine/config';
import { DocumentAnalysis, type TextChange } from '../../server/src/engine/documentAnalysis';
import type { FileReport } from '../../server/src/engine/model';
import { hostileLines, hostileText, RUNS, SEED, stripLineEnds } from './arbitraries';
import { countLines, reportProblems } from './contract';

const REFERENCE_TIME = Date.UTC(2024, 5, 1);
/** Small caps so that hostile texts reach them: evidence, findings per rule, line length. */
const CONFIG = resolveConfig({ maxEvidenceLines: 20, maxFindingsPerRule: 25, maxLineLength: 512, rules: { 'brute-force': { threshold: 3 } } });
const noPause = () => Promise.resolve();

function comparable(report: FileReport | undefined): unknown {
  if (!report) return report;
  const { durationMs: _d, ...rest } = report;
  void _d;
  return rest;
}

describe('hostile input: the Analyzer and DocumentAnalysis (property-based)', function () {
  this.timeout(600_000);
  let texts = 0;
  let findings = 0;

  after(() => console.log(`      ${texts} hostile texts analysed, ${findings} findings checked against the contract`));

  it('analyzeText: no throw, no failed rule, a report within the contract, lines in range', () => {
    fc.assert(
      fc.property(hostileText, fc.constantFrom(undefined, 'json', 'syslog', 'w3c', 'apache-combined'), (text, format) => {
        const config = format ? { ...CONFIG, format: format as never } : CONFIG;
        const analyzer = new Analyzer({ path: 'hostile.log', config, referenceTime: REFERENCE_TIME });
        analyzer.pushText(text);
        const report = analyzer.finish();
        texts++;
        findings += report.findings.length;
        assert.deepEqual(analyzer.stats.failedRules, [], 'a rule failed');
        assert.deepEqual(reportProblems(report, countLines(text)), []);
        // finish again, with nothing new: the same findings (detectors keep their state).
        assert.deepEqual(comparable(analyzer.finish()), comparable(report));
        for (const f of report.findings) assert.ok(report.findings.filter((g) => g.rule === f.rule).length <= CONFIG.maxFindingsPerRule);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('DocumentAnalysis: the same report as analyzeText, also after hostile edits', async () => {
    const position = fc.record({ line: fc.integer({ min: -2, max: 80 }), character: fc.integer({ min: -2, max: 300 }) });
    const change: fc.Arbitrary<TextChange> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ range: fc.record({ start: position, end: position }), text: fc.oneof(hostileText, hostileLines.map((l) => l.join('\n'))) }) },
      { weight: 1, arbitrary: hostileText.map((text) => ({ text })) },
    );
    await fc.assert(
      fc.asyncProperty(hostileText, fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { maxLength: 4 }), async (text, edits) => {
        const doc = new DocumentAnalysis(text, { path: 'hostile.log', config: CONFIG, referenceTime: REFERENCE_TIME, chunkLines: 7, yieldToEventLoop: noPause });
        for (const batch of [[], ...edits]) {
          doc.applyChanges(batch);
          const report = await doc.analyze();
          texts++;
          const current = doc.getText();
          const fresh = analyzeText(current, { path: 'hostile.log', config: CONFIG, referenceTime: REFERENCE_TIME });
          assert.ok(report, 'analysis completed');
          findings += report.findings.length;
          assert.deepEqual(reportProblems(report, doc.lineCount), []);
          assert.deepEqual(comparable(report), comparable(fresh), `after edits ${JSON.stringify(batch).slice(0, 500)}`);
        }
      }),
      { numRuns: Math.max(1, Math.round(RUNS / 2)), seed: SEED },
    );
  });

  it('long lines: only maxLineLength characters are analysed, whatever follows', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 4 }), (unit, factor) => {
        const config = resolveConfig({ maxLineLength: 256 });
        const head = `203.0.113.5 - - [12/Mar/2024:09:00:00 +0000] "GET /`;
        const filler = stripLineEnds(unit).repeat(Math.ceil((256 * factor) / unit.length));
        const analyzer = new Analyzer({ path: 'long.log', config, referenceTime: REFERENCE_TIME });
        // The payload sits past the cap: it must not be seen.
        analyzer.pushText(`${head}${filler}?id=1%27%20union%20select%20password%20from%20users-- HTTP/1.1" 200 1 "-" "sqlmap/1.7"\n`);
        const report = analyzer.finish();
        assert.equal(analyzer.stats.longLines, 1);
        assert.ok(!report.findings.some((f) => f.rule === 'web-attack' || f.rule === 'scanner'), JSON.stringify(report.findings.map((f) => f.rule)));
      }),
      { numRuns: Math.max(1, Math.round(RUNS / 4)), seed: SEED },
    );
  });
});
