/**
 * lnav's syslog test material (corpora/lnav): the syslog_log format samples and the test log
 * files that derived_lnav_logfile_format_map.csv maps to syslog_log. Each file must be detected
 * as syslog and every line parsed, except the two non-log header lines of
 * logfile_syslog_with_header.0. Files the map describes as something else (a JSON wrapper of
 * syslog lines) or in a French locale ("août") are left out: the first belongs to the JSON
 * format, the second is a known gap (English month names only).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFormat } from '../../server/src/engine/formats';
import type { ParseContext } from '../../server/src/engine/formats/types';

const LNAV = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpora', 'lnav');
const CONTEXT: ParseContext = { referenceYear: 2024, referenceTime: Date.UTC(2024, 11, 31) };
const LEFT_OUT = new Set(['logfile_muxed_syslog.0', 'logfile_syslog_fr.0']);
/** Lines that are not syslog and must stay unparsed. */
const NOT_SYSLOG = new Set(['Header1: abc', 'Header2: def']);

describe('lnav corpus: syslog samples and test files', function () {
  let files: string[] = [];

  before(function () {
    const map = path.join(LNAV, 'derived_lnav_logfile_format_map.csv');
    if (!fs.existsSync(map)) {
      console.log(`    skipped: lnav corpus not found at ${LNAV} (the corpora live in ../shared/corpora next to the repository)`);
      this.skip();
    }
    files = fs
      .readFileSync(map, 'utf8')
      .split('\n')
      .slice(1)
      .map((row) => row.split(','))
      .filter(([file, , format]) => file && format?.startsWith('syslog_log') && !LEFT_OUT.has(file))
      .map(([file]) => file);
  });

  it('detects every syslog test file as syslog and parses all its syslog lines', function () {
    assert.ok(files.length >= 10, `only ${files.length} files`);
    const report: string[] = [];
    for (const file of files) {
      const lines = fs.readFileSync(path.join(LNAV, 'test', file), 'utf8').split(/\r?\n/).filter((l) => l.trim().length > 0);
      const { format } = detectFormat(lines.slice(0, 64), CONTEXT);
      const parser = format.createParser(CONTEXT);
      const unparsed = lines.filter((l, i) => parser.parse(l, i) === null);
      report.push(`${file}: ${format.id} ${lines.length - unparsed.length}/${lines.length}`);
      assert.equal(format.id, 'syslog', file);
      assert.deepEqual(unparsed.filter((l) => !NOT_SYSLOG.has(l)), [], file);
      assert.deepEqual(
        unparsed.filter((l) => NOT_SYSLOG.has(l)),
        lines.filter((l) => NOT_SYSLOG.has(l)),
      );
    }
    console.log('    ' + report.join('\n    '));
  });

  it('parses every syslog_log sample with a host, a program and a time', function () {
    const samples = fs
      .readFileSync(path.join(LNAV, 'derived_lnav_format_samples.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as { format: string; line: string })
      .filter((s) => s.format === 'syslog_log');
    assert.ok(samples.length >= 9);
    for (const { line } of samples) {
      const { format } = detectFormat([line], CONTEXT);
      assert.ok(format.id === 'syslog' || format.id === 'syslog-5424', `${format.id}: ${line}`);
      const r = format.createParser(CONTEXT).parse(line, 0);
      assert.ok(r !== null, line);
      assert.ok(r.host !== undefined && r.program !== undefined && !Number.isNaN(r.time), line);
    }
  });
});
