import assert from 'node:assert/strict';
import type { AnalysisReport, Severity } from '../../../server/src/engine/model';
import { SEVERITIES } from '../../../server/src/engine/model';
import { renderReport } from '../../../server/src/engine/report';
import { evidenceSummary, toTable } from '../../../server/src/engine/report/table';
import { severityRank } from '../../../server/src/engine/score';
import { allFindings, sampleReport, TERMINAL_UNSAFE } from './sampleReport';

const OUR_SGR = ['\x1b[0m', '\x1b[1m', '\x1b[2m', '\x1b[1;91m', '\x1b[31m', '\x1b[33m', '\x1b[36m'];

function codePoints(line: string): number {
  return [...line].length;
}

/** The severity words of the finding rows, in printed order, per file. */
function severitiesPerFile(plain: string): Severity[][] {
  const blocks = plain.split('\n\n');
  return blocks.map((block) =>
    block
      .split('\n')
      .map((line) => /^ {2}(CRITICAL|HIGH|MEDIUM|LOW) /.exec(line)?.[1].toLowerCase() as Severity | undefined)
      .filter((s): s is Severity => s !== undefined),
  );
}

describe('report/table', () => {
  const report = sampleReport();
  const plain = toTable(report, { color: false });
  const colored = toTable(report, { color: true });

  it('writes no escape sequence at all without colour, even with ANSI in the log text', () => {
    assert.ok(!plain.includes('\x1b') && !plain.includes('\x9b'));
  });

  it('colours severities with ANSI when asked, and emits no other escape sequence', () => {
    assert.ok(colored.includes('\x1b[1;91mCRITICAL'), 'critical: bold bright red');
    assert.ok(colored.includes('\x1b[31mHIGH'), 'high: red');
    assert.ok(colored.includes('\x1b[33mMEDIUM'), 'medium: yellow');
    assert.ok(colored.includes('\x1b[36mLOW'), 'low: cyan');
    let rest = colored;
    for (const code of OUR_SGR) rest = rest.split(code).join('');
    assert.ok(!rest.includes('\x1b'), 'every ESC is one of our colour codes');
    assert.equal(rest, plain, 'colour changes nothing but the escapes');
  });

  it('lets no control or bidi character from the log reach the terminal', () => {
    for (const line of plain.split('\n')) assert.ok(!TERMINAL_UNSAFE.test(line), JSON.stringify(line));
    assert.ok(plain.includes('Attack tool user agent: nikto click'), 'the text around the escapes is kept');
    assert.ok(plain.includes('invoicegpj.exe'));
  });

  it('gives each file a header with path, format, line counts and duration', () => {
    for (const file of report.files) {
      const header = plain.split('\n').find((l) => l.startsWith(file.path));
      assert.ok(header, `header for ${file.path}`);
      assert.ok(header.includes(file.format));
      assert.ok(header.includes(`${file.lines} lines`) && header.includes(`${file.parsed} parsed`) && header.includes(`${file.skipped} skipped`));
      assert.ok(header.includes(`${Math.round(file.durationMs * 10) / 10} ms`));
    }
    assert.ok(plain.includes('error: read failed at byte 4096: EIO'));
    assert.ok(plain.includes('no findings'));
  });

  it('lists findings most severe first within each file', () => {
    const printed = severitiesPerFile(plain);
    report.files.forEach((file, i) => {
      assert.equal(printed[i].length, file.findings.length);
      for (let k = 1; k < printed[i].length; k++) {
        assert.ok(severityRank(printed[i][k - 1]) >= severityRank(printed[i][k]), `${file.path}: ${printed[i].join(', ')}`);
      }
    });
    assert.notDeepEqual(
      report.files[1].findings.map((f) => f.severity),
      printed[1],
      'the sample is out of order, so sorting is really tested',
    );
  });

  it('shows confidence as percent, rule, source, line, title and message for every finding', () => {
    const lines = plain.split('\n');
    for (const { finding } of allFindings(report)) {
      const row = lines.findIndex(
        (l) => l.includes(` ${Math.round(finding.confidence * 100)}%  ${finding.rule} `) && l.includes(`line ${finding.line} `),
      );
      assert.ok(row >= 0, `row of ${finding.rule}`);
      if (finding.source) assert.ok(lines[row].includes(finding.source), `${finding.source} in ${lines[row]}`);
      assert.ok(lines[row + 1].startsWith('      '), 'message on its own indented line');
    }
  });

  it('summarises long evidence lists as "lines a, b … (+n)"', () => {
    const capped = report.files[0].findings[2];
    const total = capped.evidence.evidenceLinesTotal as number;
    assert.ok(total > capped.lines.length, 'the sample finding has more evidence than lines kept');
    const expected = `lines ${capped.lines.slice(0, 10).join(', ')} … (+${total - 10})`;
    assert.equal(evidenceSummary(capped), expected);
    assert.ok(plain.includes(`      ${expected}\n`));
    const short = report.files[0].findings[0];
    assert.equal(evidenceSummary(short), `lines ${short.lines.join(', ')}`);
  });

  it('ends with a summary line of counts by severity', () => {
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const { finding } of allFindings(report)) counts[finding.severity]++;
    const total = allFindings(report).length;
    const last = plain.trimEnd().split('\n').pop();
    assert.equal(
      last,
      `${report.files.length} files, ${total} findings: ${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}`,
    );
  });

  it('fits lines to the width and cuts very long values', () => {
    const long: AnalysisReport = {
      ...report,
      files: [
        {
          ...report.files[0],
          path: 'logs/' + 'deep/'.repeat(60) + 'access.log',
          findings: report.files[0].findings.map((f) => ({ ...f, title: 'T'.repeat(5000), message: 'M'.repeat(5000) })),
        },
      ],
    };
    for (const width of [100, 140]) {
      const out = toTable(long, { color: false, width });
      for (const line of out.split('\n')) assert.ok(codePoints(line) <= width, `${codePoints(line)} > ${width}: ${line.slice(0, 60)}`);
      assert.ok(out.includes('…'), 'long values are cut with an ellipsis');
      assert.ok(out.split('\n')[0].startsWith('…') && out.includes('access.log —'), 'paths keep their end');
    }
    for (const line of plain.split('\n')) assert.ok(codePoints(line) <= 100, line);
  });

  it('is what renderReport writes for "table"', () => {
    assert.equal(renderReport(report, 'table'), plain);
    assert.equal(renderReport(report, 'table', { color: true, width: 100 }), colored);
  });
});
