import { strict as assert } from 'node:assert';
import { w3c } from '../../../server/src/engine/formats/w3c';
import type { LogRecord } from '../../../server/src/engine/model';
import type { LineParser } from '../../../server/src/engine/formats/types';

const ctx = { referenceYear: 2024, referenceTime: Date.UTC(2024, 5, 15) };

const IIS_FIELDS =
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken';

function feed(parser: LineParser, lines: string[]): (LogRecord | null)[] {
  return lines.map((l, i) => parser.parse(l, i));
}

describe('w3c format', () => {
  it('is more specific than the generic fallback', () => {
    assert.equal(w3c.id, 'w3c');
    assert.ok(w3c.specificity > 0);
  });

  it('returns meta records for directives and http records for data lines', () => {
    const records = feed(w3c.createParser(ctx), [
      '#Software: Microsoft Internet Information Services 10.0',
      '#Version: 1.0',
      '#Date: 2024-03-05 00:00:00',
      IIS_FIELDS,
      '2024-03-05 00:00:01 10.0.0.1 GET /search q=a%27+or+1=1 443 - 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0;+Win64) https://example.com/ 200 0 0 5120 320 15',
    ]);
    for (let i = 0; i < 4; i++) assert.equal(records[i]?.kind, 'meta', `line ${i}`);
    const r = records[4]!;
    assert.equal(r.kind, 'http');
    assert.equal(r.line, 4);
    assert.equal(r.time, Date.UTC(2024, 2, 5, 0, 0, 1));
    assert.equal(r.offsetMinutes, 0);
    assert.equal(r.source, '203.0.113.9');
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/search');
    assert.equal(r.query, 'q=a%27+or+1=1');
    assert.equal(r.userAgent, 'Mozilla/5.0 (Windows NT 10.0; Win64)');
    assert.equal(r.referrer, 'https://example.com/');
    assert.equal(r.status, 200);
    assert.equal(r.bytes, 5120);
    assert.equal(r.user, undefined);
  });

  it('treats - as empty and keeps the user name', () => {
    const [, r] = feed(w3c.createParser(ctx), [
      IIS_FIELDS,
      '2024-03-05 10:11:12 10.0.0.1 POST /owa/auth.owa - 443 CORP\\alice 198.51.100.4 - - 401 1 2148074254 0 900 3',
    ]);
    assert.equal(r!.user, 'CORP\\alice');
    assert.equal(r!.userAgent, undefined);
    assert.equal(r!.query, undefined);
    assert.equal(r!.status, 401);
  });

  it('follows the layout of #Fields, in any order, and a later #Fields replaces it', () => {
    const records = feed(w3c.createParser(ctx), [
      '#Fields: c-ip date time cs-method cs-uri sc-status',
      '192.0.2.1 2024-03-05 01:02:03 GET /a/b?x=1 404',
      '#Fields: time sc-status c-ip',
      '#Date: 2024-04-01 00:00:00',
      '05:06:07 500 192.0.2.2',
    ]);
    assert.equal(records[1]!.source, '192.0.2.1');
    assert.equal(records[1]!.path, '/a/b');
    assert.equal(records[1]!.query, 'x=1');
    assert.equal(records[1]!.status, 404);
    const r = records[4]!;
    assert.equal(r.kind, 'http');
    assert.equal(r.source, '192.0.2.2');
    assert.equal(r.status, 500);
    // No date column: the day comes from #Date.
    assert.equal(r.time, Date.UTC(2024, 3, 1, 5, 6, 7));
  });

  it('reads quoted values with doubled quotes, runs of spaces and #GMT-Offset', () => {
    const records = feed(w3c.createParser(ctx), [
      '#GMT-Offset: -0800',
      '#Fields:  c-ip  date  time  cs-method  cs-uri  sc-status  bytes  cs(User-Agent)',
      '64.103.37.2   2001-10-31   00:00:18   GET   /admin/x.gif   200   350   "Mozilla/4.5 [en] (WinNT; I) ""quoted"" +plus"',
    ]);
    const r = records[2]!;
    assert.equal(r.time, Date.UTC(2001, 9, 31, 8, 0, 18));
    assert.equal(r.offsetMinutes, -480);
    assert.equal(r.userAgent, 'Mozilla/4.5 [en] (WinNT; I) "quoted" +plus');
    assert.equal(r.bytes, 350);
  });

  it('takes the path out of host-prefixed and absolute cs-uri values', () => {
    const records = feed(w3c.createParser(ctx), [
      '#Fields: date time c-ip cs-uri sc-status',
      '"2017-06-28" "07:26:35" "123.123.123.123" "www.example.com/page.php?id=1" "200"',
      '2017-06-28 07:26:36 123.123.123.123 http://www.example.com/login 302',
    ]);
    assert.equal(records[1]!.path, '/page.php');
    assert.equal(records[1]!.query, 'id=1');
    assert.equal(records[1]!.time, Date.UTC(2017, 5, 28, 7, 26, 35));
    assert.equal(records[2]!.path, '/login');
  });

  it('rejects data lines that do not fit the layout', () => {
    const p = w3c.createParser(ctx);
    p.parse(IIS_FIELDS, 0);
    assert.equal(p.parse('not a log line at all', 1), null);
    assert.equal(p.parse('2024-03-05 nope 10.0.0.1 GET / - 80 - 1.2.3.4 - - 200 0 0 1 1 1', 2), null);
    assert.equal(p.parse('# just a comment', 3), null);
    // Date and time fit, but the method, status or client columns hold something else.
    assert.equal(p.parse('2024-03-05 14:07:09,123 INFO [main] com.example.App - Starting the application now', 4), null);
    assert.equal(p.parse('2024-03-05 00:00:01 10.0.0.1 GET / - 443 - 203.0.113.9 ua - OK 0 0 1 1 1', 5), null);
    assert.equal(p.parse('2024-03-05 00:00:01 10.0.0.1 GET / - 443 - <script> ua - 200 0 0 1 1 1', 6), null);
    assert.ok(p.parse('2024-03-05 00:00:01 10.0.0.1 GET / - 443 - 203.0.113.9 ua - 200 0 0 1 1 1', 7));
  });

  it('accepts the default IIS layouts before any #Fields, and only well-formed lines', () => {
    const p = w3c.createParser(ctx);
    const r15 = p.parse('2015-01-13 00:32:17 100.79.192.81 GET /robots.txt - 80 - 157.55.39.146 Mozilla/5.0+(compatible;+bingbot/2.0) - 404 0 2 283', 0)!;
    assert.equal(r15.kind, 'http');
    assert.equal(r15.source, '157.55.39.146');
    assert.equal(r15.status, 404);
    assert.equal(r15.bytes, undefined);
    const r17 = p.parse('2015-01-13 00:32:17 100.79.192.81 GET /robots.txt - 80 - 157.55.39.146 bot - 404 0 2 1405 242 283', 1)!;
    assert.equal(r17.bytes, 1405);
    const r14 = p.parse('2008-02-01 09:00:00 W3SVC1 10.0.0.1 GET /default.htm - 80 - 192.0.2.9 Mozilla/4.0 200 0 0', 2)!;
    assert.equal(r14.source, '192.0.2.9');
    assert.equal(r14.status, 200);
    // Right count, wrong shape: the client is not an address, the method is not a method.
    assert.equal(p.parse('2015-01-13 00:32:17 100.79.192.81 GET /robots.txt - 80 - somehost bot - 404 0 2 283', 3), null);
    assert.equal(p.parse('2015-01-13 00:32:17 100.79.192.81 get /robots.txt - 80 - 157.55.39.146 bot - 404 0 2 283', 4), null);
    assert.equal(p.parse('one two three', 5), null);
  });

  it('turns IIS FTP PASS answers into auth events with the session user', () => {
    const records = feed(w3c.createParser(ctx), [
      '#Date: 2000-10-09 16:44:49',
      '#Fields: time c-ip cs-method cs-uri-stem sc-status',
      '16:44:49 192.0.2.30 [7]USER administrator 331',
      '16:44:50 192.0.2.30 [7]PASS - 530',
      '16:44:52 192.0.2.30 [7]PASS - 230',
    ]);
    assert.equal(records[2]!.user, 'administrator');
    assert.equal(records[3]!.kind, 'auth');
    assert.equal(records[3]!.auth, 'failure');
    assert.equal(records[3]!.user, 'administrator');
    assert.equal(records[3]!.method, 'PASS');
    assert.equal(records[4]!.auth, 'success');
  });

  describe('stays linear on hostile lines (1 MB each)', () => {
    const MB = 1 << 20;
    const cases: Record<string, string[]> = {
      'a #Fields line with 500,000 fields': ['#Fields: ' + 'x '.repeat(MB / 2), '2024-03-05 x'],
      'a data line of 500,000 values': [IIS_FIELDS, 'a '.repeat(MB / 2)],
      'a data line of quotes': [IIS_FIELDS, '"'.repeat(MB)],
      'a data line of doubled quotes in a value': [IIS_FIELDS, '2024-03-05 00:00:00 1.1.1.1 GET "' + '""'.repeat(MB / 2)],
      'no #Fields, many values': ['1 '.repeat(MB / 2)],
      'a directive with no colon': ['#' + 'F'.repeat(MB)],
    };
    for (const [name, lines] of Object.entries(cases)) {
      it(name, () => {
        const p = w3c.createParser(ctx);
        const t0 = performance.now();
        lines.forEach((l, i) => p.parse(l, i));
        const ms = performance.now() - t0;
        assert.ok(ms < 500, `${name}: ${ms.toFixed(1)} ms`);
      });
    }
  });
});
