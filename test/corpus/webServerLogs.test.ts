/**
 * Web server log parsers against public corpora (see ../shared/corpora/README.md): parse
 * rates, fields against the corpora's own labels, and the precision / recall of HTTP
 * authentication failures against fail2ban's labelled test logs.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogRecord } from '../../server/src/engine/model';
import type { LineParser, LogFormat, ParseContext } from '../../server/src/engine/formats/types';
import { apacheCombined } from '../../server/src/engine/formats/apacheCombined';
import { apacheCommon } from '../../server/src/engine/formats/apacheCommon';
import { apacheError } from '../../server/src/engine/formats/apacheError';
import { nginxError } from '../../server/src/engine/formats/nginxError';
import { detectFormat } from '../../server/src/engine/formats';

const CORPORA = path.resolve(__dirname, '../../../shared/corpora');
const ELASTIC = path.join(CORPORA, 'elastic-examples/Common Data Formats/apache_logs/apache_logs');
const OCATAK = path.join(CORPORA, 'ocatak-apache-http-logs');
const LOGHUB_APACHE = path.join(CORPORA, 'loghub-2.0/Apache');
const FAIL2BAN = path.join(CORPORA, 'fail2ban/derived_failjson_flat.jsonl');
const LNAV = path.join(CORPORA, 'lnav/derived_lnav_format_samples.jsonl');

/** fail2ban's tests resolve year-less dates against 2005-08-14. */
const ctx: ParseContext = { referenceYear: 2005, referenceTime: Date.UTC(2005, 7, 14, 12) };

function requireCorpus(test: Mocha.Context, file: string): void {
  if (!fs.existsSync(file)) {
    console.log(`      (skipped: ${path.relative(path.resolve(__dirname, '../..'), file)} is not there; the corpora live in ../shared/corpora next to the repository)`);
    test.skip();
  }
}

function readLines(file: string): string[] {
  // latin1 keeps every byte of the odd non-UTF-8 line as one character, as the CLI reads logs.
  return fs.readFileSync(file, 'latin1').split(/\r?\n/).filter((l) => l.length > 0);
}

function parseAll(format: LogFormat, lines: string[]): (LogRecord | null)[] {
  const parser = format.createParser(ctx);
  return lines.map((l, i) => parser.parse(l, i));
}

function share(records: (LogRecord | null)[]): number {
  return records.filter((r) => r !== null).length / records.length;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

interface Fail2banRow {
  tested_under_filter: string;
  line: string;
  match: boolean;
  host: string | null;
  time: string | null;
  expected_by_filter_options: Record<string, boolean>;
}

/** The fields of one CSV record (RFC 4180 quoting; the loghub files have no multi-line records). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated CSV quote: ${line}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      i++; // the comma
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

describe('web server logs on public corpora', function () {
  before(function () {
    if (!fs.existsSync(CORPORA)) {
      console.log(`      (skipped: no corpora at ${CORPORA}; clone next to ../shared to run the accuracy suite)`);
      this.skip();
    }
  });

  it('elastic-examples: every one of the 10,000 combined lines parses, fully', function () {
    requireCorpus(this, ELASTIC);
    const lines = readLines(ELASTIC);
    assert.equal(lines.length, 10_000);
    const records = parseAll(apacheCombined, lines);
    assert.equal(share(records), 1);
    for (const r of records) {
      assert.ok(r && IPV4.test(r.source!), `source ${r?.source}`);
      assert.ok(r.method && r.path?.startsWith('/'), `request of line ${r.line + 1}`);
      assert.ok(r.status! >= 100 && r.status! < 600);
      assert.ok(Number.isFinite(r.time) && r.offsetMinutes === 0);
    }
    // May 2015, as the file says.
    const first = records[0]!;
    assert.equal(first.time, Date.UTC(2015, 4, 17, 10, 5, 3));
    assert.equal(detectFormat(lines.slice(0, 64), ctx).format.id, 'apache-combined');
  });

  for (const scanner of ['acunetix', 'netsparker', 'w3af']) {
    it(`ocatak ${scanner}: every line parses as combined, quoted wrapper or not`, function () {
      const file = path.join(OCATAK, `${scanner}.txt`);
      requireCorpus(this, file);
      const lines = readLines(file);
      const records = parseAll(apacheCombined, lines);
      assert.equal(share(records), 1);
      // Scanner payloads are full of quotes and escapes; the request line must still split.
      const withMethod = records.filter((r) => r?.method !== undefined).length;
      assert.equal(withMethod, lines.length);
      for (const r of records) assert.ok(r && IPV4.test(r.source!) && r.status! >= 100, `line ${r?.line}`);
      // The agent is read from inside the wrapper: only "-" leaves it empty.
      const withAgent = records.filter((r) => r?.userAgent !== undefined).length;
      const dashAgent = lines.filter((l) => /"-""?$/.test(l)).length;
      assert.equal(withAgent, lines.length - dashAgent);
      assert.equal(detectFormat(lines.slice(0, 64), ctx).format.id, 'apache-combined');
    });
  }

  it('loghub Apache: every error-log line parses, with the labelled level and message', function () {
    requireCorpus(this, path.join(LOGHUB_APACHE, 'Apache_2k.log'));
    const lines = readLines(path.join(LOGHUB_APACHE, 'Apache_2k.log'));
    const labels = readLines(path.join(LOGHUB_APACHE, 'Apache_2k.log_structured_corrected.csv')).slice(1).map(csvFields);
    assert.equal(labels.length, lines.length);
    const records = parseAll(apacheError, lines);
    assert.equal(share(records), 1);
    for (let i = 0; i < lines.length; i++) {
      const [, time, level, content] = labels[i];
      const r = records[i]!;
      assert.equal(r.level, level, `level of line ${i + 1}`);
      // loghub's content keeps the `[client X] ` bracket; the record has it as its source.
      const client = /^\[client ([^\]]+)\] /.exec(content);
      assert.equal(r.source, client?.[1], `client of line ${i + 1}`);
      assert.equal(r.message, client ? content.slice(client[0].length) : content, `message of line ${i + 1}`);
      assert.equal(r.time, Date.parse(`${time.slice(4)} UTC`), `time of line ${i + 1}`);
    }
    assert.equal(detectFormat(lines.slice(0, 64), ctx).format.id, 'apache-error');
  });

  it('lnav samples: the CLF access lines and the Apache error lines parse, the others do not', function () {
    requireCorpus(this, LNAV);
    const samples = readLines(LNAV)
      .map((l) => JSON.parse(l) as { format: string; line: string })
      .filter((s) => s.format === 'access_log' || s.format === 'error_log');
    const common = apacheCommon.createParser(ctx);
    const error = apacheError.createParser(ctx);
    const access = samples.filter((s) => s.format === 'access_log');
    const errors = samples.filter((s) => s.format === 'error_log');
    // lnav's access_log also covers an ISO-dated layout (`2013-02-11T06:43:36 10.1.1.1 - GET ...`) that is not CLF.
    const clf = access.filter((s) => /^\S+ /.test(s.line) && s.line.includes(' ['));
    assert.ok(clf.length >= 7);
    for (const s of clf) assert.ok(common.parse(s.line, 0), `not parsed: ${s.line}`);
    for (const s of access.filter((a) => !clf.includes(a))) assert.equal(common.parse(s.line, 0), null);
    // lnav's error_log also covers the CUPS error log (`E [date] ...`).
    const apache = errors.filter((s) => s.line.startsWith('['));
    assert.ok(apache.length >= 5);
    for (const s of apache) assert.ok(error.parse(s.line, 0), `not parsed: ${s.line}`);
    for (const s of errors.filter((e) => !apache.includes(e))) assert.equal(error.parse(s.line, 0), null);
  });

  describe('fail2ban labels', () => {
    let rows: Fail2banRow[] = [];
    before(function () {
      requireCorpus(this, FAIL2BAN);
      rows = readLines(FAIL2BAN).map((l) => JSON.parse(l) as Fail2banRow);
    });

    /**
     * Rows that speak for the filter's default behaviour: labelled under the default options
     * (`{}`, mode normal/auth) or only under another log transport (syslog, journal). Rows
     * labelled only for the opt-in "aggressive" / "fallback" modes count TLS handshake errors
     * and mod_evasive rate limits, which are not authentication failures.
     */
    function inScope(row: Fail2banRow): boolean {
      return Object.keys(row.expected_by_filter_options).some((k) => !/"mode": "(aggressive|fallback)"/.test(k));
    }

    function measure(filter: string, format: LogFormat) {
      const parser = format.createParser(ctx);
      let tp = 0;
      let fp = 0;
      let positives = 0;
      const misses: string[] = [];
      for (const row of rows) {
        if (row.tested_under_filter !== filter || !inScope(row)) continue;
        const r = parser.parse(row.line, 0);
        const flagged = r?.kind === 'auth' && r.auth === 'failure';
        if (row.match) positives++;
        if (flagged && row.match && r.source === row.host) tp++;
        else if (flagged) fp++;
        else if (row.match) misses.push(row.line);
        // Where the label gives a time and the line has its own date, it is the wall clock.
        if (r && row.time && /^[[\d]/.test(row.line)) assert.equal(r.time - (r.time % 1000), Date.parse(`${row.time}Z`), row.line);
      }
      return { tp, fp, positives, misses };
    }

    it('apache-auth + nginx-http-auth: authentication failures with the right client', () => {
      const apache = measure('apache-auth', apacheError);
      const nginx = measure('nginx-http-auth', nginxError);
      const tp = apache.tp + nginx.tp;
      const fp = apache.fp + nginx.fp;
      const precision = tp / (tp + fp);
      const recall = tp / (apache.positives + nginx.positives);
      console.log(
        `      apache-auth ${apache.tp}/${apache.positives}, nginx-http-auth ${nginx.tp}/${nginx.positives}; ` +
          `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
      );
      assert.ok(apache.positives >= 40 && nginx.positives >= 9, 'the labelled rows are there');
      assert.ok(precision >= 0.95, `precision ${precision}`);
      assert.ok(recall >= 0.9, `recall ${recall}; missed:\n${[...apache.misses, ...nginx.misses].join('\n')}`);
      // What is missed is only the TLS SNI mismatches (AH02031-AH02033), left as events on purpose.
      for (const miss of [...apache.misses, ...nginx.misses]) assert.match(miss, /AH0203[123]: /);
    });

    it('other web filters: access and error lines give the labelled client', () => {
      const parsers: [string, LineParser][] = [
        ['apache-common', apacheCommon.createParser(ctx)],
        ['apache-error', apacheError.createParser(ctx)],
        ['nginx-error', nginxError.createParser(ctx)],
      ];
      let checked = 0;
      for (const row of rows) {
        if (!row.host || !/^(apache|nginx|php-url-fopen|traefik)/.test(row.tested_under_filter)) continue;
        for (const [, parser] of parsers) {
          const r = parser.parse(row.line, 0);
          if (!r) continue;
          checked++;
          assert.equal(r.source, row.host, `${row.tested_under_filter}: ${row.line}`);
        }
      }
      assert.ok(checked >= 120, `only ${checked} labelled web lines parsed`);
    });
  });
});
