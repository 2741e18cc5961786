import assert from 'node:assert/strict';
import { renderReport } from '../../../server/src/engine/report';
import { CSV_HEADER, csvField, toCsv } from '../../../server/src/engine/report/csv';
import { allFindings, HOSTILE, sampleReport } from './sampleReport';

/**
 * A strict RFC 4180 reader: records end with CRLF, a field is either bare (no `"`, `,`, CR,
 * LF) or quoted with `""` for a quote. Anything else throws, so sloppy output fails.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare field holds ${JSON.stringify(text[i])} at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
    } else if (text.startsWith('\r\n', i)) {
      i += 2;
      records.push(record);
      record = [];
    } else {
      throw new Error(`expected , or CRLF at ${i}, found ${JSON.stringify(text.slice(i, i + 10))}`);
    }
  }
  if (record.length > 0) throw new Error('last record without CRLF');
  return records;
}

/** What a field should read after the formula guard: a leading `'` before = + - @ TAB CR. */
function guarded(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? "'" + value : value;
}

describe('report/csv', () => {
  const report = sampleReport();
  const text = toCsv(report);
  const records = parseCsv(text);

  it('starts with the documented header', () => {
    assert.deepEqual(records[0], [...CSV_HEADER]);
    assert.equal(
      records[0].join(','),
      'file,line,rule,severity,confidence,source,user,attack,title,message,lines,fingerprint',
    );
  });

  it('parses back (RFC 4180) to one record per finding with the same values', () => {
    const findings = allFindings(report);
    assert.equal(records.length, 1 + findings.length);
    findings.forEach(({ file, finding }, i) => {
      const expected = [
        file.path,
        String(finding.line),
        finding.rule,
        finding.severity,
        String(finding.confidence),
        finding.source ?? '',
        finding.user ?? '',
        finding.attack.join(' '),
        finding.title,
        finding.message,
        finding.lines.join(' '),
        finding.fingerprint,
      ].map(guarded);
      assert.deepEqual(records[i + 1], expected);
      assert.deepEqual(records[i + 1][10].split(' ').map(Number), finding.lines);
    });
  });

  it('keeps quotes, commas and line breaks inside fields', () => {
    const messages = records.slice(1).map((r) => r[9]);
    assert.ok(messages.some((m) => m.includes(HOSTILE.quoted) && m.includes(HOSTILE.multiline)));
    assert.ok(records.slice(1).some((r) => r[0] === 'example_logs/apache sample,#1.log'));
  });

  it('guards every field a spreadsheet would run as a formula', () => {
    for (const record of records.slice(1)) {
      for (const field of record) assert.ok(!/^[=+\-@\t\r]/.test(field), `unguarded field ${JSON.stringify(field)}`);
    }
    const users = records.slice(1).map((r) => r[6]);
    assert.ok(users.includes("'-root") && users.includes("'@admin"));
    const messages = records.slice(1).map((r) => r[9]);
    assert.ok(messages.includes("'\tAccepted password for @admin 35s after 10 failures\rOK"));
    assert.ok(messages.includes("'+4200 requests above the median; robust z 7.9"));
  });

  it('writes single fields by RFC 4180 with the guard first', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField(''), '');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\ronly'), '"cr\ronly"');
    assert.equal(csvField(HOSTILE.formula), `'${HOSTILE.formula}`);
    assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('\tcell'), "'\tcell");
    assert.equal(csvField('a=b'), 'a=b', 'only a leading character makes a formula');
  });

  it('ends every record with CRLF and has no bare LF outside quoted fields', () => {
    assert.ok(text.endsWith('\r\n'));
    assert.ok(text.startsWith('file,'));
  });

  it('adds a UTF-8 byte order mark only when asked', () => {
    assert.ok(!text.startsWith('\uFEFF'));
    const withBom = toCsv(report, { bom: true });
    assert.ok(withBom.startsWith('\uFEFF'));
    assert.deepEqual(parseCsv(withBom.slice(1)), records);
    assert.equal(renderReport(report, 'csv', { bom: true }), withBom);
  });

  it('writes only the header for a report without findings', () => {
    const empty = toCsv({ tool: report.tool, files: [{ ...report.files[0], findings: [] }] });
    assert.deepEqual(parseCsv(empty), [[...CSV_HEADER]]);
  });

  it('is what renderReport writes for "csv"', () => {
    assert.equal(renderReport(report, 'csv'), text);
  });
});
