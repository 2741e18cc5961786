import assert from 'node:assert/strict';
import { isOutputFormat, OUTPUT_FORMATS, renderReport, writeReport } from '../../../server/src/engine/report';
import { sampleReport } from './sampleReport';

describe('report/index', () => {
  it('knows exactly the four output formats', () => {
    assert.deepEqual([...OUTPUT_FORMATS].sort(), ['csv', 'json', 'sarif', 'table']);
    for (const f of OUTPUT_FORMATS) assert.ok(isOutputFormat(f));
    for (const f of ['xml', 'JSON', '', 'html']) assert.equal(isOutputFormat(f), false);
  });

  it('renders each format differently, and the same report the same way twice', () => {
    const report = sampleReport();
    const outputs = OUTPUT_FORMATS.map((f) => renderReport(report, f));
    assert.equal(new Set(outputs).size, OUTPUT_FORMATS.length);
    assert.deepEqual(OUTPUT_FORMATS.map((f) => renderReport(sampleReport(), f)), outputs);
  });

  it('writes each format in pieces that add up to the rendered text; JSON formats in pieces of about 64K characters', () => {
    const report = sampleReport();
    // a big report: the sample's findings many times over, with long evidence lists
    const finding = report.files[0].findings[0];
    report.files[0].findings = Array.from({ length: 300 }, (_, i) => ({ ...finding, fingerprint: `f${i}`, lines: Array.from({ length: 100 }, (_, k) => i + k) }));
    for (const format of OUTPUT_FORMATS) {
      const pieces: string[] = [];
      writeReport(report, format, {}, (chunk) => pieces.push(chunk));
      assert.equal(pieces.join(''), renderReport(report, format), format);
      if (format === 'json' || format === 'sarif') {
        assert.ok(pieces.length > 2, `${format}: ${pieces.length} pieces`);
        // a piece ends after a member: at most one member's text past the mark
        for (const piece of pieces) assert.ok(piece.length < 64 * 1024 + 8 * 1024, `${format}: a piece of ${piece.length}`);
      }
    }
  });

  it('leaves the report untouched', () => {
    const report = sampleReport();
    const before = JSON.stringify(report);
    for (const f of OUTPUT_FORMATS) renderReport(report, f, { color: true });
    assert.equal(JSON.stringify(report), before);
  });
});
