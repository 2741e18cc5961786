import { strict as assert } from 'node:assert';
import { evidenceOrder, evidenceRange, findingsToDiagnostics, indexOfToken } from '../../../server/src/lsp/diagnostics';
import type { FileReport, Finding } from '../../../server/src/engine/model';

function finding(over: Partial<Finding>): Finding {
  return {
    fingerprint: 'f1',
    rule: 'brute-force',
    title: 'T',
    severity: 'high',
    confidence: 0.7,
    attack: ['T1110.001'],
    line: 2,
    lines: [1, 2, 3],
    message: 'm',
    evidence: {},
    ...over,
  };
}

describe('diagnostics of findings', () => {
  it('finds an address only where it stands alone', () => {
    assert.equal(indexOfToken('from 10.0.0.50 and 10.0.0.5 port', '10.0.0.5'), 19);
    assert.equal(indexOfToken('x10.0.0.5', '10.0.0.5'), -1);
    assert.equal(indexOfToken('[2001:db8::1]:443', '2001:db8::1'), 1);
  });

  it('ranges the payload span on the shown line, the source elsewhere, the text when neither is there', () => {
    const f = finding({ source: '192.0.2.1', user: 'root', evidence: { span: [4, 9] } });
    assert.deepEqual(evidenceRange(f, 1, 'GET /etc/passwd from 192.0.2.1'), { start: { line: 1, character: 4 }, end: { line: 1, character: 9 } });
    assert.deepEqual(evidenceRange(f, 0, 'client 192.0.2.1 root'), { start: { line: 0, character: 7 }, end: { line: 0, character: 16 } });
    assert.deepEqual(evidenceRange(f, 2, 'user root failed'), { start: { line: 2, character: 5 }, end: { line: 2, character: 9 } });
    assert.deepEqual(evidenceRange(f, 2, '   nothing here'), { start: { line: 2, character: 3 }, end: { line: 2, character: 15 } });
    // A span that does not fit the line (the line was edited) falls back.
    assert.deepEqual(evidenceRange(finding({ evidence: { span: [40, 90] } }), 1, 'short'), { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } });
  });

  it('puts the shown line first and caps per finding and per document', () => {
    assert.deepEqual(evidenceOrder(finding({ line: 3, lines: [1, 2, 3, 4] })), [2, 0, 1, 3]);
    const report: FileReport = {
      path: 'x',
      format: 'syslog',
      lines: 10,
      parsed: 10,
      skipped: 0,
      durationMs: 0,
      findings: [finding({ fingerprint: 'a', lines: [1, 2, 3, 4, 5] }), finding({ fingerprint: 'b', severity: 'low', lines: [6, 7] })],
    };
    const options = { severity: { critical: 'error', high: 'error', medium: 'warning', low: 'hint' } as const, maxPerFinding: 3, maxPerDocument: 4 };
    const out = findingsToDiagnostics('file:///x', report, () => 'text', options);
    assert.deepEqual(out.map((d) => [(d.data as { fingerprint: string }).fingerprint, d.range.start.line, d.severity]), [
      ['a', 1, 1],
      ['a', 0, 1],
      ['a', 2, 1],
      ['b', 1, 4],
    ]);
    assert.deepEqual(out[0].relatedInformation?.map((r) => r.location.range.start.line), [0, 2]);
  });
});
