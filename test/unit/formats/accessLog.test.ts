import { strict as assert } from 'node:assert';
import type { LogRecord } from '../../../server/src/engine/model';
import type { LineParser, ParseContext } from '../../../server/src/engine/formats/types';
import { apacheCombined } from '../../../server/src/engine/formats/apacheCombined';
import { apacheCommon } from '../../../server/src/engine/formats/apacheCommon';
import { apacheError } from '../../../server/src/engine/formats/apacheError';
import { nginxError } from '../../../server/src/engine/formats/nginxError';
import { detectFormat } from '../../../server/src/engine/formats';

const ctx: ParseContext = { referenceYear: 2024, referenceTime: Date.UTC(2024, 5, 1) };

function parsers(): { combined: LineParser; common: LineParser } {
  return { combined: apacheCombined.createParser(ctx), common: apacheCommon.createParser(ctx) };
}

function parse(parser: LineParser, text: string, line = 0): LogRecord {
  const record = parser.parse(text, line);
  assert.ok(record, `expected a record for: ${text}`);
  return record;
}

const APACHE_DOC_LINE =
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?a=1&b=2 HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"';

describe('access log formats (apache-common, apache-combined)', () => {
  it('reads every field of a combined line', () => {
    const r = parse(parsers().combined, APACHE_DOC_LINE, 7);
    assert.equal(r.line, 7);
    assert.equal(r.kind, 'http');
    assert.equal(r.source, '127.0.0.1');
    assert.equal(r.user, 'frank');
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/apache_pb.gif');
    assert.equal(r.query, 'a=1&b=2');
    assert.equal(r.status, 200);
    assert.equal(r.bytes, 2326);
    assert.equal(r.referrer, 'http://www.example.com/start.html');
    assert.equal(r.userAgent, 'Mozilla/4.08 [en] (Win98; I ;Nav)');
    assert.equal(r.host, undefined);
  });

  it('turns the CLF timestamp into the UTC instant and keeps the offset', () => {
    const r = parse(parsers().combined, APACHE_DOC_LINE);
    // 13:55:36 at -07:00 is 20:55:36 UTC.
    assert.equal(r.time, Date.UTC(2000, 9, 10, 20, 55, 36));
    assert.equal(r.offsetMinutes, -420);
    const east = parse(parsers().common, '10.0.0.1 - - [31/Dec/2023:23:30:00 +0530] "GET / HTTP/1.1" 200 5');
    assert.equal(east.time, Date.UTC(2023, 11, 31, 18, 0, 0));
    assert.equal(east.offsetMinutes, 330);
  });

  it('reads dates with a fraction, without a zone, with GMT, and in the http.server layout', () => {
    const { common } = parsers();
    const frac = parse(common, '10.0.0.1 - - [01/Feb/2024:10:00:00.250 +0100] "GET / HTTP/1.1" 200 5');
    assert.equal(frac.time, Date.UTC(2024, 1, 1, 9, 0, 0, 250));
    const noZone = parse(common, '192.0.2.12 - user1 [27/Jun/2013:11:55:44] "GET /knocking/ HTTP/1.1" 200 266');
    assert.equal(noZone.time, Date.UTC(2013, 5, 27, 11, 55, 44));
    assert.equal(noZone.offsetMinutes, 0);
    const gmt = parse(common, '173.194.44.31 - - [24/Mar/2013:08:58:32 GMT] "POST /SOGo/connect HTTP/1.1" 403 34');
    assert.equal(gmt.time, Date.UTC(2013, 2, 24, 8, 58, 32));
    const python = parse(common, '172.18.0.1 - - [29/Aug/2023 22:02:58] "GET / HTTP/1.1" 200 -');
    assert.equal(python.time, Date.UTC(2023, 7, 29, 22, 2, 58));
    assert.equal(python.bytes, 0);
  });

  it('reads a common line; combined rejects it', () => {
    const { combined, common } = parsers();
    const line = '192.168.1.5 - alice [05/Mar/2024:08:01:02 +0000] "POST /login HTTP/1.1" 401 512';
    assert.equal(combined.parse(line, 0), null);
    const r = parse(common, line);
    assert.equal(r.user, 'alice');
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/login');
    assert.equal(r.query, undefined);
    assert.equal(r.status, 401);
    assert.equal(r.bytes, 512);
    assert.equal(r.userAgent, undefined);
  });

  it('common also reads combined lines with their referrer and user agent', () => {
    const r = parse(parsers().common, APACHE_DOC_LINE);
    assert.equal(r.userAgent, 'Mozilla/4.08 [en] (Win98; I ;Nav)');
    assert.equal(r.referrer, 'http://www.example.com/start.html');
  });

  it('detection prefers combined for combined lines and common for common lines', () => {
    const combinedSample = [APACHE_DOC_LINE, APACHE_DOC_LINE.replace('frank', '-')];
    assert.equal(detectFormat(combinedSample, ctx).format.id, 'apache-combined');
    const commonSample = [
      '192.168.1.5 - - [05/Mar/2024:08:01:02 +0000] "GET / HTTP/1.1" 200 512',
      '192.168.1.6 - - [05/Mar/2024:08:01:03 +0000] "GET /a HTTP/1.1" 404 -',
    ];
    assert.equal(detectFormat(commonSample, ctx).format.id, 'apache-common');
  });

  it('takes a vhost prefix, with or without a port', () => {
    const { combined } = parsers();
    const withPort = parse(
      combined,
      'www.example.com:80 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.1" 200 10 "-" "curl/8.0"',
    );
    assert.equal(withPort.host, 'www.example.com:80');
    assert.equal(withPort.source, '1.2.3.4');
    assert.equal(withPort.userAgent, 'curl/8.0');
    const bare = parse(
      combined,
      'www.example.com 1.2.3.4 - theuser [10/Feb/2012:16:41:07 -0500] "GET / HTTP/1.0" 200 368 "-" "Mozilla/5.0"',
    );
    assert.equal(bare.host, 'www.example.com');
    assert.equal(bare.source, '1.2.3.4');
    assert.equal(bare.user, 'theuser');
  });

  it('ignores extra fields after the user agent', () => {
    const { combined } = parsers();
    const r = parse(
      combined,
      '10.0.0.9 - - [01/Mar/2024:00:00:01 +0000] "GET /api?x=1 HTTP/2.0" 200 77 "https://ref.example/" "okhttp/4.9" 0.012 0.010 "upstream=10.1.1.1:8080" -',
    );
    assert.equal(r.userAgent, 'okhttp/4.9');
    assert.equal(r.referrer, 'https://ref.example/');
    assert.equal(r.status, 200);
    const traefik = parse(
      combined,
      '10.0.0.2 - username [18/Nov/2018:21:34:30 +0000] "GET /dashboard/ HTTP/2.0" 401 17 "-" "Mozilla/5.0 (X11)" 72 "Auth for frontend" "/dashboard/" 3ms',
    );
    assert.equal(traefik.user, 'username');
    assert.equal(traefik.status, 401);
    assert.equal(traefik.userAgent, 'Mozilla/5.0 (X11)');
    // Common with an unquoted extra field (request time).
    const timed = parse(parsers().common, '10.0.0.9 - - [01/Mar/2024:00:00:01 +0000] "GET / HTTP/1.1" 200 77 0.003');
    assert.equal(timed.bytes, 77);
  });

  it('accepts runs of blanks between fields and empty or dash referrer / agent', () => {
    const r = parse(parsers().combined, '10.1.10.51 -  -  [23/Dec/2014:21:20:35 +0000] "POST /api/1/rest/foo/bar HTTP/1.1" 200 - "-" "-"  293');
    assert.equal(r.source, '10.1.10.51');
    assert.equal(r.path, '/api/1/rest/foo/bar');
    assert.equal(r.bytes, 0);
    assert.equal(r.referrer, undefined);
    assert.equal(r.userAgent, undefined);
    const empty = parse(parsers().combined, '10.112.2.3 - - [16/Sep/2022:00:53:14 +0200] "POST /api/v4/jobs/request HTTP/1.1" 204 0 "" "gitlab-runner 15.3.0" -');
    assert.equal(empty.referrer, undefined);
    assert.equal(empty.userAgent, 'gitlab-runner 15.3.0');
  });

  it('reads IPv6 clients', () => {
    const { combined } = parsers();
    assert.equal(parse(combined, '2001:db8::80da:af6b:8b2c - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"').source, '2001:db8::80da:af6b:8b2c');
    assert.equal(parse(combined, '::1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"').source, '::1');
    assert.equal(parse(combined, '::ffff:192.0.2.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"').source, '::ffff:192.0.2.1');
  });

  it('keeps lines whose request line is malformed, without method or path', () => {
    const { combined, common } = parsers();
    const dash = parse(combined, '203.0.113.9 - - [01/Jan/2024:00:00:00 +0000] "-" 408 0 "-" "-"');
    assert.equal(dash.status, 408);
    assert.equal(dash.method, undefined);
    assert.equal(dash.path, undefined);
    const tls = parse(combined, '203.0.113.9 - - [01/Jan/2024:00:00:00 +0000] "\\x16\\x03\\x01\\x00\\xa5\\x01\\x00\\x00\\xa1\\x03\\x03" 400 226 "-" "-"');
    assert.equal(tls.status, 400);
    assert.equal(tls.bytes, 226);
    assert.equal(tls.method, undefined);
    assert.equal(tls.path, undefined);
    const empty = parse(combined, '12.34.56.78 - - [20/Jan/2015:19:53:28 +0100] "" 400 47 "-" "-" "-"');
    assert.equal(empty.method, undefined);
    const rdp = parse(combined, '12.34.56.78 - - [20/Jan/2015:19:53:28 +0100] "\\x03\\x00\\x00/*\\xE0\\x00Cookie: mstshash=Administr" 400 47 "-" "-" "-"');
    assert.equal(rdp.method, undefined);
    const http09 = parse(common, '202.32.92.47 - - [01/Jun/1995:00:00:59 -0600] "GET /~scottp/publish.html" 200 271');
    assert.equal(http09.method, 'GET');
    assert.equal(http09.path, '/~scottp/publish.html');
    const spaced = parse(common, '1.2.3.4 - - [01/Jun/2024:00:00:59 +0000] "GET /a b/c?q=1 2 HTTP/1.1" 400 0');
    assert.equal(spaced.path, '/a b/c');
    assert.equal(spaced.query, 'q=1 2');
  });

  it('undoes \\" escapes in quoted fields and keeps other escapes as written', () => {
    const { combined } = parsers();
    const r = parse(
      combined,
      '192.168.4.25 - - [22/Dec/2016:16:38:29 +0300] "GET /search/?q=ul.menu\\"sTYLe=\'x\'bad=\\"&o=1 HTTP/1.1" 200 3323 "http://h/\\"r" "Agent \\"quoted\\" \\\\x41"',
    );
    assert.equal(r.path, '/search/');
    assert.equal(r.query, 'q=ul.menu"sTYLe=\'x\'bad="&o=1');
    assert.equal(r.referrer, 'http://h/"r');
    assert.equal(r.userAgent, 'Agent "quoted" \\\\x41');
  });

  it('survives quotes the server did not escape', () => {
    const r = parse(parsers().combined, '10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /a"b HTTP/1.0" 200 1 "-" "Mozilla "x" y"');
    assert.equal(r.path, '/a"b');
    assert.equal(r.status, 200);
    assert.ok(r.userAgent?.startsWith('Mozilla "x'));
  });

  it('reads a line whose user agent was cut off by the line end', () => {
    const r = parse(
      parsers().combined,
      '46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET /configlib.py HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1',
    );
    assert.equal(r.userAgent, 'Mozilla/5.0 (compatible; Googlebot/2.1');
  });

  it('reads lines wrapped in one extra pair of double quotes', () => {
    const plain =
      '192.168.4.25 - - [22/Dec/2016:16:30:52 +0300] "POST /administrator/index.php HTTP/1.1" 303 382 "http://192.168.4.161/DVWA" "Mozilla/5.0 (Windows NT 6.1)"';
    const { combined, common } = parsers();
    const wrapped = parse(combined, `"${plain}"`);
    assert.deepEqual(wrapped, parse(combined, plain));
    assert.equal(wrapped.source, '192.168.4.25');
    assert.equal(wrapped.userAgent, 'Mozilla/5.0 (Windows NT 6.1)');
    assert.equal(parse(common, `"${plain}"\r`).status, 303);
  });

  it('rejects what is not an access line', () => {
    const { combined, common } = parsers();
    const others = [
      '',
      'just some text',
      'Oct 11 22:14:15 mymachine sshd[4123]: Failed password for root from 10.0.0.1 port 22 ssh2',
      'Mar  5 08:01:02 web01 nginx[99]: [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-"',
      '[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /var/www/x',
      '2011/08/22 13:37:34 [error] 4452#0: *1 open() "/x" failed, client: 1.2.3.4, server: a, request: "GET /x HTTP/1.1"',
      '{"remote_addr":"1.2.3.4","time":"10/Oct/2000:13:55:36 -0700","request":"GET / HTTP/1.1","status":200}',
      '2013-02-11T06:43:36 10.112.72.172 - GET "/client/" -1 200 5778 "-" "Mozilla/5.0"',
      // impossible dates, bad month, bad offset
      '1.2.3.4 - - [32/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1',
      '1.2.3.4 - - [29/Feb/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 1',
      '1.2.3.4 - - [10/Okt/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1',
      '1.2.3.4 - - [10/Oct/2000:25:55:36 -0700] "GET / HTTP/1.1" 200 1',
      '1.2.3.4 - - [10/Oct/2000:13:55:36 -07] "GET / HTTP/1.1" 200 1',
      // no status / bytes, status not a number, request not quoted
      '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1"',
      '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" OK 1',
      '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] GET / HTTP/1.1 200 1',
      '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 12ab',
      // too many or too few fields before the date, or a client that is no address
      'a b c 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1',
      '1.2.3.4 - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1',
      '<script> - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1',
      '- - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1',
      // one quote only: not a wrapped line
      '"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1',
    ];
    for (const text of others) {
      assert.equal(common.parse(text, 0), null, `common parsed: ${text}`);
      assert.equal(combined.parse(text, 0), null, `combined parsed: ${text}`);
    }
  });
});

describe('web server parsers on hostile lines', () => {
  const MB = 1_000_000;
  const clfHead = '1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] ';
  const hostile: [string, string][] = [
    ['quotes', '"'.repeat(MB)],
    ['brackets', '['.repeat(MB)],
    ['unterminated date', '1.1.1.1 - - [' + 'a'.repeat(MB)],
    ['unterminated request', clfHead + '"' + 'a'.repeat(MB)],
    ['escaped quotes', clfHead + '"' + '\\"'.repeat(MB / 2)],
    ['backslash runs', clfHead + '"' + ('\\'.repeat(999) + '"').repeat(MB / 1000)],
    ['quote blank quote', clfHead + '" '.repeat(MB / 2)],
    ['fake status fields', clfHead + '"GET / HTTP/1.1" 200 1 "'.repeat(MB / 25)],
    ['referrer quotes', clfHead + '"GET / HTTP/1.1" 200 1 ' + '"a" '.repeat(MB / 4)],
    ['wrapped quotes', '"' + clfHead + '"'.repeat(MB) + '"'],
    ['long token', 'a'.repeat(MB) + ' - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1'],
    ['apache error brackets', '[Sun Dec 04 04:47:44 2005] [error] ' + '[client '.repeat(MB / 8)],
    ['apache error client', '[Sun Dec 04 04:47:44 2005] [core:error] [pid 1] [client ' + ':'.repeat(MB) + ']'],
    ['apache error os error', '[Sun Dec 04 04:47:44 2005] [core:error] (13)' + ': [client '.repeat(MB / 10)],
    ['apache error user', '[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] user ' + ' no'.repeat(MB / 3)],
    ['apache error nonce', '[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] invalid nonce ' + ' received -'.repeat(MB / 11)],
    ['apache syslog prefix', 'Feb 15 16:23:00 ' + 'h'.repeat(MB)],
    ['nginx contexts', '2011/08/22 13:37:34 [error] 1#0: *1 x' + ', client: 1'.repeat(MB / 11)],
    ['nginx context request', '2011/08/22 13:37:34 [error] 1#0: *1 x, client: 1.2.3.4, server: a, request: "' + 'a'.repeat(MB)],
    ['nginx contexts with servers', '2011/08/22 13:37:34 [error] 1#0: *1 x' + ', client: 1, server: a, request: "'.repeat(MB / 34)],
    ['nginx user', '2011/08/22 13:37:34 [error] 1#0: *1 user "' + ' was not found in "'.repeat(MB / 19)],
    ['nginx prefix', ': '.repeat(MB / 2)],
  ];
  const formats = [apacheCombined, apacheCommon, apacheError, nginxError];

  for (const [name, text] of hostile) {
    it(`finishes fast on ${name} (${(text.length / MB).toFixed(1)} MB)`, () => {
      for (const format of formats) {
        const parser = format.createParser(ctx);
        const t0 = performance.now();
        const record = parser.parse(text, 0);
        const ms = performance.now() - t0;
        assert.ok(record === null || typeof record.kind === 'string', `${format.id} returned neither null nor a record`);
        // A linear scan of 1 MB takes milliseconds; a quadratic one would take minutes.
        assert.ok(ms < 500, `${format.id} took ${ms.toFixed(0)} ms on ${name}`);
      }
    });
  }
});
