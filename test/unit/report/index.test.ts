import assert from 'node:assert/strict';
import { isOutputFormat, OUTPUT_FORMATS, renderReport } from '../../../server/src/engine/report';
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

  it('leaves the report untouched', () => {
    const report = sampleReport();
    const before = JSON.stringify(report);
    for (const f of OUTPUT_FORMATS) renderReport(report, f, { color: true });
    assert.equal(JSON.stringify(report), before);
  });
});
