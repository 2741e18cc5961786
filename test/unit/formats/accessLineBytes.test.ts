import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AccessLineFields, scanAccessLine } from '../../../server/src/engine/formats/accessLogFields';
import { RequestRanges, scanAccessBytes } from '../../../server/src/engine/formats/accessLineBytes';
import { newStampOut } from '../../../server/src/engine/time/webServerDates';
import type { LogRecord } from '../../../server/src/engine/model';

/**
 * The byte reader of access lines must never disagree with the text reader: when it says it
 * read a line, every field is the one scanAccessLine finds in the line's text. Checked on the
 * lines of the public corpora, the example logs and lines made to be awkward, each read both
 * ways inside a chunk of other lines (positions are the chunk's).
 */
const ROOT = path.resolve(__dirname, '../../..');
const CORPORA = path.resolve(ROOT, '../shared/corpora');
const SOURCES = [
  path.join(CORPORA, 'elastic-examples/Common Data Formats/apache_logs/apache_logs'),
  path.join(CORPORA, 'ocatak-apache-http-logs/w3af.txt'),
  path.join(CORPORA, 'ocatak-apache-http-logs/acunetix.txt'),
  path.join(CORPORA, 'lnav/test/logfile_access_log.0'),
  path.join(CORPORA, 'lnav/test/logfile_access_log.1'),
  path.join(CORPORA, 'lnav/test/logfile_bad_access_log.0'),
  ...fs
    .readdirSync(path.join(ROOT, 'example_logs'))
    .filter((n) => /access/.test(n))
    .map((n) => path.join(ROOT, 'example_logs', n)),
];

const STAMP = '[10/Oct/2023:13:55:36 -0700]';
/** Lines each of which takes a different turn in one reader or the other. */
const AWKWARD = [
  `1.2.3.4 - - ${STAMP} "GET /a?b=1 HTTP/1.1" 200 12 "-" "curl/8"`,
  `1.2.3.4 - frank ${STAMP} "GET /a HTTP/1.1" 200 - "http://x/?q=1" "Mozilla/5.0 (X11)"`,
  `vhost.example:443 1.2.3.4 - - ${STAMP} "POST /login HTTP/2.0" 401 0 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "GET /q?x=\\"y\\" HTTP/1.1" 200 5 "-" "a"`,
  `1.2.3.4 - - ${STAMP} "GET /a"b HTTP/1.1" 200 5 "-" "a"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 5 "ref"x" "agent"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 5 "-" "agent \\"quoted\\" end"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 5 "-" "agent"extra"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 5 "-" "cut off agent`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 5`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 5 "-"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 5 "-" "a" 0.012 "extra"`,
  `1.2.3.4 - - ${STAMP} "" 400 0 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "-" 408 0 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "\\x16\\x03\\x01" 400 0 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "GET /no-protocol" 200 1 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "GET /with space inside HTTP/1.1" 200 1 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "  GET   /padded   HTTP/1.0  " 200 1 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "GET ?only=query HTTP/1.1" 200 1 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "VERSION-CONTROL-WITH-A-VERY-LONG-NAME-BEYOND-32 /x HTTP/1.1" 200 1 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 2000 1 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 12x "-" "-"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 1234567890123456789 "-" "-"`,
  `1.2.3.4 - - [10/Oct/2023:13:55:36.123 -0700] "GET /a HTTP/1.1" 200 1 "-" "-"`,
  `1.2.3.4 - - [10/Oct/2023:13:55:36] "GET /a HTTP/1.1" 200 1 "-" "-"`,
  `1.2.3.4 - - [31/Feb/2023:13:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "-"`,
  `1.2.3.4 - - [10/Oct/2023:25:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "-"`,
  `1.2.3.4\t-\t-\t${STAMP}\t"GET /tabs HTTP/1.1"\t200\t1\t"-"\t"-"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 1 "-" "-"   \t\r`,
  `"1.2.3.4 - - ${STAMP} "GET /wrapped HTTP/1.1" 200 1 "-" "-""`,
  `not-an-address! - - ${STAMP} "GET /a HTTP/1.1" 200 1 "-" "-"`,
  `1.2.3.4 - ${STAMP} "GET /two-tokens HTTP/1.1" 200 1 "-" "-"`,
  `a b c d e ${STAMP} "GET /five-tokens HTTP/1.1" 200 1 "-" "-"`,
  `${'9'.repeat(300)} - - ${STAMP} "GET /long-token HTTP/1.1" 200 1 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "GET /trailing HTTP/1.1 " 200 1 "-" "-"`,
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 1 "" ""`,
  `1.2.3.4 - - ${STAMP} "GET /a\\\\" 200 1 "-" "-"`,
  // an escaped quote where a field could also end: only the text reader may decide these
  `1.2.3.4 - - ${STAMP} "GET /a HTTP/1.1" 200 5 "x\\" "y" "agent"`,
  `1.2.3.4 - - ${STAMP} "GET /a\\" 200 5 x" 200 5 "-" "-"`,
  '',
  '   ',
  'Oct 10 13:55:36 host sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2',
];

function corpusLines(): string[] {
  const lines: string[] = [];
  for (const file of SOURCES) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'latin1').split(/\r?\n/)) if (!/[^\x00-\x7f]/.test(line)) lines.push(line);
  }
  return lines;
}

interface Compared {
  lines: number;
  byBytes: number;
}

/** Reads every line both ways (inside one chunk of all of them) and compares. */
function compareBothWays(lines: readonly string[], requireAgent: boolean): Compared {
  const chunk = Buffer.from(lines.join('\n') + '\n', 'latin1');
  const textFields = new AccessLineFields();
  const byteFields = new AccessLineFields();
  const request = new RequestRanges();
  const textStamp = newStampOut();
  const byteStamp = newStampOut();
  let start = 0;
  let byBytes = 0;
  for (const line of lines) {
    const end = start + line.length;
    if (scanAccessBytes(chunk, start, end, requireAgent, byteStamp, byteFields, request)) {
      byBytes++;
      assert.ok(scanAccessLine(line, requireAgent, textStamp, textFields), `bytes read a line text does not: ${line}`);
      const shifted = { ...textFields } as Record<string, unknown>;
      for (const key of Object.keys(shifted)) {
        if (/(Start|End)$/.test(key) && (shifted[key] as number) >= 0) shifted[key] = (shifted[key] as number) + start;
      }
      assert.deepEqual({ ...byteFields }, shifted, line);
      const record = { line: 0, kind: 'http', time: 0, offsetMinutes: 0 } as LogRecord;
      textFields.readRequest(line, record);
      const slice = (s: number, e: number) => (s < 0 ? undefined : chunk.toString('latin1', s, e));
      assert.deepEqual(
        { method: slice(request.methodStart, request.methodEnd), path: slice(request.pathStart, request.pathEnd), query: slice(request.queryStart, request.queryEnd) },
        { method: record.method, path: record.path, query: record.query },
        line,
      );
    }
    start = end + 1;
  }
  return { lines: lines.length, byBytes };
}

describe('access lines read from bytes (accessLineBytes.ts)', () => {
  it('agree with the text reader on every corpus line, and read nearly all of the plain ones', function () {
    const lines = corpusLines();
    if (lines.length < 10_000) this.skip(); // the corpora live in ../shared/corpora
    const combined = compareBothWays(lines, true);
    const common = compareBothWays(lines, false);
    assert.ok(common.byBytes >= combined.byBytes);
    // the ocatak lines are wrapped in quotes, left to the text reader; the elastic ones are plain
    const elastic = fs.readFileSync(SOURCES[0], 'latin1').split('\n').filter((l) => l.length > 0 && !/[^\x00-\x7f]/.test(l));
    const plain = compareBothWays(elastic, true);
    assert.ok(plain.byBytes > 0.99 * plain.lines, `${plain.byBytes} of ${plain.lines} elastic lines by bytes`);
  });

  it('agree on awkward lines, and leave the escaped, unbalanced, wrapped and odd-stamp ones to the text reader', () => {
    for (const requireAgent of [true, false]) compareBothWays(AWKWARD, requireAgent);
    const read = (line: string) => scanAccessBytes(Buffer.from(line, 'latin1'), 0, line.length, true, newStampOut(), new AccessLineFields(), new RequestRanges());
    assert.ok(read(AWKWARD[0]) && read(AWKWARD[1]) && read(AWKWARD[2]));
    for (const i of [3, 4, 5, 6, 7, 8, 23, 24, 29]) assert.ok(!read(AWKWARD[i]), AWKWARD[i]);
  });

  it('reads the request parts of any request text as readRequestLine does', () => {
    const requests = ['GET / HTTP/1.1', 'GET /a?b HTTP/1.1', 'get /x', 'GET  ', 'GET', 'PROPFIND /dav/ HTTP/1.1', 'GET /?', 'GET /a?b?c', 'X /y HTTPS/1', 'GET /x HTTP/', ' ', '-', '1GET /', 'GET /a#frag?x HTTP/1.1', 'GET /a;b=c/%2e%2e/ HTTP/1.1'];
    const lines = requests.map((r) => `1.2.3.4 - - ${STAMP} "${r}" 200 1 "-" "-"`);
    assert.equal(compareBothWays(lines, true).byBytes, lines.length);
  });

  it('takes time linear in the chunk on lines whose request never closes (no quote after them)', () => {
    // A search to the end of the chunk per line would be quadratic; each search stops at the
    // next line's opening quote. Time per line at 2K and at 32K such lines, best of three
    // (the same ratio test as the hostile-input scaling checks): quadratic work would be 16×.
    const line = `1.2.3.4 - - ${STAMP} "GET /${'a'.repeat(200)}`;
    const perLine = (count: number): number => {
      const chunk = Buffer.from(Array.from({ length: count }, () => line).join('\n'), 'latin1');
      const f = new AccessLineFields();
      const request = new RequestRanges();
      const stamp = newStampOut();
      let best = Infinity;
      for (let sample = 0; sample < 3; sample++) {
        const t0 = process.hrtime.bigint();
        let read = 0;
        for (let i = 0, start = 0; i < count; i++, start += line.length + 1) if (scanAccessBytes(chunk, start, start + line.length, true, stamp, f, request)) read++;
        assert.equal(read, 0);
        best = Math.min(best, Number(process.hrtime.bigint() - t0) / count);
      }
      return best;
    };
    perLine(2_000); // warm up
    const ratio = perLine(32_000) / perLine(2_000);
    assert.ok(ratio < 4, `time per line grew ${ratio.toFixed(1)}× for 16× the lines`);
  });
});
