import { strict as assert } from 'node:assert';
import type { LogRecord } from '../../../server/src/engine/model';
import type { LineParser, ParseContext } from '../../../server/src/engine/formats/types';
import { apacheError } from '../../../server/src/engine/formats/apacheError';
import { nginxError } from '../../../server/src/engine/formats/nginxError';
import { apacheCombined } from '../../../server/src/engine/formats/apacheCombined';
import { apacheCommon } from '../../../server/src/engine/formats/apacheCommon';

const ctx: ParseContext = { referenceYear: 2005, referenceTime: Date.UTC(2005, 7, 14) };

function parse(parser: LineParser, text: string, line = 0): LogRecord {
  const record = parser.parse(text, line);
  assert.ok(record, `expected a record for: ${text}`);
  return record;
}

function assertFailure(r: LogRecord, source: string, user?: string): void {
  assert.equal(r.kind, 'auth', `not an auth record: ${r.message}`);
  assert.equal(r.auth, 'failure');
  assert.equal(r.source, source);
  assert.equal(r.user, user);
}

function assertEvent(r: LogRecord, source?: string): void {
  assert.equal(r.kind, 'event', `unexpected auth record: ${r.message}`);
  assert.equal(r.auth, undefined);
  assert.equal(r.source, source);
}

describe('apache-error format', () => {
  const parser = () => apacheError.createParser(ctx);

  it('reads a 2.2 line: wall-clock time as UTC, level, client, message', () => {
    const r = parse(parser(), '[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /var/www/favicon.ico', 3);
    assert.equal(r.line, 3);
    assert.equal(r.time, Date.UTC(2005, 11, 4, 4, 47, 44));
    assert.equal(r.offsetMinutes, 0);
    assert.equal(r.level, 'error');
    assert.equal(r.message, 'File does not exist: /var/www/favicon.ico');
    assertEvent(r, '1.2.3.4');
  });

  it('reads lines without a client', () => {
    const r = parse(parser(), '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties');
    assert.equal(r.level, 'notice');
    assert.equal(r.message, 'workerEnv.init() ok /etc/httpd/conf/workers2.properties');
    assertEvent(r, undefined);
    const started = parse(parser(), '[Tue Apr 04 06:18:29.712806 2017] [mpm_prefork:notice] [pid 17725] AH00163: Apache/2.4.23 (Unix) configured -- resuming normal operations');
    assert.equal(started.message, 'AH00163: Apache/2.4.23 (Unix) configured -- resuming normal operations');
    assert.equal(started.time, Date.UTC(2017, 3, 4, 6, 18, 29, 712));
  });

  it('reads a 2.4 line: microseconds, module:level, pid:tid, client with port', () => {
    const r = parse(
      parser(),
      '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 1.2.3.4:50752] AH00124: Request exceeded the limit of 10 internal redirects',
    );
    assert.equal(r.time, Date.UTC(2000, 9, 11, 14, 32, 52, 123));
    assert.equal(r.level, 'error');
    assert.equal(r.message, 'AH00124: Request exceeded the limit of 10 internal redirects');
    assertEvent(r, '1.2.3.4');
  });

  it('drops ports from IPv6 clients only where Apache writes one', () => {
    const p = parser();
    assert.equal(parse(p, '[Thu May 12 08:28:57.652118 2011] [core:error] [pid 8777:tid 4326490112] [client ::1:58619] File does not exist: /x').source, '::1');
    assert.equal(parse(p, '[Sat Jul 20 22:11:44.147674 2013] [core:error] [pid 1] [client [2001:db8::80da:af6b:8b2c]:51548] x').source, '2001:db8::80da:af6b:8b2c');
    assert.equal(parse(p, '[Sat Jul 20 22:11:44.147674 2013] [core:error] [pid 1] [client 2001:db8::80da:af6b:8b2c:51548] x').source, '2001:db8::80da:af6b:8b2c');
    // 2.2 never writes the port: the last group belongs to the address.
    assert.equal(parse(p, '[Thu Jul 11 01:21:44 2013] [error] [client 2001:db8::80da:af6b:1234] user test-ipv6 not found: /').source, '2001:db8::80da:af6b:1234');
    assert.equal(parse(p, '[Thu Jul 11 01:21:44 2013] [error] [client www.example.org] x').source, 'www.example.org');
  });

  it('reads the OS error that 2.4 writes before the client', () => {
    const r = parse(parser(), '[Wed Oct 11 14:32:52 2000] [core:error] [pid 1] (13)Permission denied: [client 1.2.3.4:5678] AH00035: access to /index.html denied');
    assert.equal(r.source, '1.2.3.4');
    assert.equal(r.message, '(13)Permission denied: AH00035: access to /index.html denied');
  });

  it('flags Basic authentication failures with the user', () => {
    const p = parser();
    assertFailure(parse(p, '[Wed Jul 17 22:18:52 2013] [error] [client 127.0.0.1] user username: authentication failure for "/basic/file": Password Mismatch'), '127.0.0.1', 'username');
    assertFailure(
      parse(p, '[Sat Jul 20 21:39:11.978080 2013] [auth_basic:error] [pid 17512:tid 140123053950720] [client 127.0.0.1:51390] AH01617: user bob: authentication failure for "/basic/file": Password Mismatch'),
      '127.0.0.1',
      'bob',
    );
    assertFailure(parse(p, '[Sat Jul 20 21:40:33.803528 2013] [auth_basic:error] [pid 17540:tid 1] [client 10.9.8.7:51395] AH01618: user wrongusername not found: /basic/file'), '10.9.8.7', 'wrongusername');
    assertFailure(parse(p, '[Sat Jun 01 02:17:42 2013] [error] [client 192.168.0.2] user root not found'), '192.168.0.2', 'root');
    // An empty user name: a failure without a user.
    assertFailure(parse(p, '[Thu Jul 11 01:21:41 2013] [error] [client 194.228.20.113] user  not found: /'), '194.228.20.113', undefined);
    assertFailure(parse(p, '[Sat Jul 20 21:41:52.523931 2013] [auth_basic:error] [pid 1] [client 127.0.0.1:51396] AH01614: client used wrong authentication scheme: /basic/file'), '127.0.0.1');
    assertFailure(
      parse(p, '[Mon Nov 06 13:39:56.637868 2023] [auth_basic:error] [pid 3175001:tid 140494544914112] [remote 192.0.2.111:35924] AH01618: user whatever not found: /admin'),
      '192.0.2.111',
      'whatever',
    );
    assertFailure(
      parse(p, '[Mon Jan 08 10:00:00.000001 2024] [authnz_ldap:info] [pid 1] [client 198.51.100.4:40000] AH01695: auth_ldap authenticate: user carol authentication failed; URI /private [Invalid credentials]'),
      '198.51.100.4',
      'carol',
    );
  });

  it('flags Digest failures that a client causes, not a stale nonce', () => {
    const p = parser();
    assertFailure(parse(p, '[Wed Jul 17 23:50:37 2013] [error] [client 127.0.0.1] Digest: user username: password mismatch: /digest/x'), '127.0.0.1', 'username');
    assertFailure(parse(p, "[Sat Jul 20 21:45:28.890523 2013] [auth_digest:error] [pid 1] [client 127.0.0.1:51408] AH01790: user `dave' in realm `private area' not found: /digest/x"), '127.0.0.1', 'dave');
    assertFailure(parse(p, "[Sun Jul 28 21:27:56.549667 2013] [auth_digest:error] [pid 1] [client 127.0.0.1:57052] AH01788: realm mismatch - got `far away' but expected `private area'"), '127.0.0.1');
    assertFailure(parse(p, "[Sun Jul 28 21:41:20 2013] [error] [client 127.0.0.1] Digest: unknown algorithm `funky' received: /digest/"), '127.0.0.1');
    assertFailure(parse(p, "[Sun Jul 28 21:05:31.178340 2013] [auth_digest:error] [pid 1] [client 127.0.0.1:56906] AH01793: invalid qop `auth' received: /digest/qop_none/"), '127.0.0.1');
    assertFailure(parse(p, '[Sun Jul 28 21:12:44 2013] [error] [client 127.0.0.1] Digest: invalid nonce JDiBAA=db93 received - length is not 52'), '127.0.0.1');
    assertFailure(parse(p, '[Mon Jul 29 02:12:55.539813 2013] [auth_digest:error] [pid 1] [client 127.0.0.1:58474] AH01777: invalid nonce 59QJ received - user attempted time travel'), '127.0.0.1');
    assertEvent(parse(p, '[Sun Jul 28 21:18:11.769228 2013] [auth_digest:error] [pid 1] [client 127.0.0.1:56964] AH01776: invalid nonce b9YA received - hash is not d42d'), '127.0.0.1');
    assertEvent(parse(p, '[Thu Jan 17 02:42:49 2013] [notice] Digest: generating secret for digest authentication ...'), undefined);
  });

  it('flags refused authorisation and configuration denials, but not mod_evasive rate limits', () => {
    const p = parser();
    assertFailure(
      parse(p, '[Sat Jul 20 22:11:43.147674 2013] [authz_owner:error] [pid 1] [client 127.0.0.1:51548] AH01637: Authorization of user username to access /basic/x failed, reason: file owner dan does not match'),
      '127.0.0.1',
      'username',
    );
    assertFailure(parse(p, '[Sat Jul 20 21:42:44.304159 2013] [authz_core:error] [pid 1] [client 127.0.0.1:51397] AH01631: user erin: authorization failure for "/basic/x": '), '127.0.0.1', 'erin');
    assertFailure(parse(p, '[Wed Jul 17 23:20:45 2013] [error] [client 127.0.0.1] client denied by server configuration: /var/www/html/noentry'), '127.0.0.1');
    assertFailure(parse(p, '[Sun Sep 14 21:44:43.008606 2014] [authz_core:error] [pid 10691] [client 192.3.9.178:44271] AH01630: client denied by server configuration: /var/www/x'), '192.3.9.178');
    assertEvent(parse(p, '[Thu Oct 17 18:43:40.160521 2019] [evasive20:error] [pid 22589] [client 192.0.2.1:56175] client denied by server configuration: /path/index.php, referer: https://h/'), '192.0.2.1');
  });

  it('leaves server-side errors as events', () => {
    const p = parser();
    assertEvent(parse(p, '[Mon Jan 08 10:00:00.000001 2024] [auth_basic:error] [pid 1] [client 1.2.3.4:1] AH01615: need AuthName: /private'), '1.2.3.4');
    assertEvent(parse(p, '[Wed Mar 28 01:31:42.355210 2018] [ssl:error] [pid 6586] [client 91.49.82.139:58028] AH02033: No hostname was provided via SNI for a name based virtual host'), '91.49.82.139');
    assertEvent(parse(p, '[Tue Apr 04 06:28:08.605341 2017] [core:error] [pid 17962] [client 127.0.0.1:60444] AH00135: Invalid method in request FOO /'), '127.0.0.1');
  });

  it('judges the message, not text that a request put later in it', () => {
    const r = parse(parser(), '[Sat Jun 01 02:17:42 2013] [error] [client 192.168.33.1] File does not exist: /srv/http/site/[client 192.168.0.1] user root not found');
    assertEvent(r, '192.168.33.1');
    // A module that repeats the client: the first bracket wins.
    const dup = parse(parser(), '[Sat Sep 28 09:18:06 2018] [error] [client 192.0.2.1:55555] [client 192.0.2.9] ModSecurity: Access denied');
    assert.equal(dup.source, '192.0.2.1');
  });

  it('splits off the referer Apache appends', () => {
    const r = parse(parser(), '[Mon Nov 18 22:39:33 2013] [error] [client 91.49.82.139] user gg not found: /, referer: http://sj.hopto.org/management.html');
    assertFailure(r, '91.49.82.139', 'gg');
    assert.equal(r.referrer, 'http://sj.hopto.org/management.html');
    assert.equal(r.message, 'user gg not found: /');
    // Text with blanks after the marker is the message's own.
    const odd = parse(parser(), '[Mon Nov 18 22:39:33 2013] [error] [client 1.2.3.4] File does not exist: /var/www/a, referer: b c');
    assert.equal(odd.referrer, undefined);
    assert.equal(odd.message, 'File does not exist: /var/www/a, referer: b c');
  });

  it('reads httpd lines written through syslog, dating them with the reference year', () => {
    const p = parser();
    const r = parse(p, 'Feb 15 16:23:40 srv httpd/backend1[22034]: [authz_core:error] [pid 22036] [client 192.0.2.2:59392] AH01630: client denied by server configuration: /home/backend1/');
    assertFailure(r, '192.0.2.2');
    assert.equal(r.program, 'httpd/backend1');
    assert.equal(r.time, Date.UTC(2005, 1, 15, 16, 23, 40));
    const old = parse(p, 'Dec 31 23:59:59 srv apache2[1]: [error] [client 127.0.0.1] user bob not found: /x');
    // December after a mid-August reference instant: the year before.
    assert.equal(old.time, Date.UTC(2004, 11, 31, 23, 59, 59));
    assertFailure(old, '127.0.0.1', 'bob');
    const iso = parse(p, '2023-12-09T21:35:20.500+01:00 web apache2[7]: [core:warn] [pid 7] AH00045: child process 9 still did not exit');
    assert.equal(iso.time, Date.UTC(2023, 11, 9, 20, 35, 20, 500));
    assert.equal(iso.offsetMinutes, 60);
  });

  it("reads ErrorLogFormat's compact ISO date", () => {
    const r = parse(parser(), '[2024-01-02 03:04:05.678901] [core:info] [pid 1] [client 10.0.0.1:1] AH00128: File does not exist: /x');
    assert.equal(r.time, Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    assert.equal(r.source, '10.0.0.1');
  });

  it('rejects what is not an Apache error line', () => {
    const p = parser();
    for (const text of [
      '',
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326',
      '2011/08/22 13:37:34 [error] 4452#0: *1 user "dude": password mismatch, client: 192.168.0.1, server: localhost',
      'Oct 11 22:14:15 mymachine sshd[4123]: Failed password for root from 10.0.0.1 port 22 ssh2',
      'Oct 11 22:14:15 mymachine kernel: [12345.678] UFW BLOCK IN=eth0 SRC=1.2.3.4',
      'E [08/Jun/2013:11:28:58 -0700] Unknown directive BrowseOrder on line 22 of /private/etc/cups/cupsd.conf.',
      '[Sun Dec 04 04:47:44 2005] [bogus] something',
      '[Sun Dec 04 04:47:44 2005] no level here',
      '[Sun Dec 32 04:47:44 2005] [error] bad day',
      '[Sun Dec 04 04:47:44] [error] no year',
      '[notice] no date',
    ]) {
      assert.equal(p.parse(text, 0), null, `parsed: ${text}`);
    }
  });
});

describe('nginx-error format', () => {
  const parser = () => nginxError.createParser(ctx);

  it('reads date, level, client, request, host and referrer', () => {
    const r = parse(
      parser(),
      '2014/04/02 12:37:58 [error] 6563#0: *1861 user "scribendio": password mismatch, client: 10.0.2.2, server: scribend.io, request: "GET /admin?x=1 HTTP/1.1", host: "scribend.io", referrer: "https://scribend.io/admin"',
      5,
    );
    assert.equal(r.line, 5);
    assert.equal(r.time, Date.UTC(2014, 3, 2, 12, 37, 58));
    assert.equal(r.offsetMinutes, 0);
    assert.equal(r.level, 'error');
    assert.equal(r.program, 'nginx');
    assert.equal(r.message, 'user "scribendio": password mismatch');
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/admin');
    assert.equal(r.query, 'x=1');
    assert.equal(r.host, 'scribend.io');
    assert.equal(r.referrer, 'https://scribend.io/admin');
    assertFailure(r, '10.0.2.2', 'scribendio');
  });

  it('flags unknown users, names with spaces and PAM failures', () => {
    const p = parser();
    assertFailure(
      parse(p, '2012/04/09 11:53:29 [error] 2865#0: *66647 user "xyz" was not found in "/var/www/.htpasswd", client: 192.0.43.10, server: www.myhost.com, request: "GET / HTTP/1.1", host: "www.myhost.com"'),
      '192.0.43.10',
      'xyz',
    );
    assertFailure(parse(p, '2014/04/03 22:20:38 [error] 30708#0: *3 user "scriben dio": password mismatch, client: 192.0.2.1, server: , request: "GET / HTTP/1.1", host: "localhost:8443"'), '192.0.2.1', 'scriben dio');
    assertFailure(
      parse(p, "2025/09/07 21:20:40 [error] 23141#23141: *24470 PAM: user 'username' - not authenticated: Authentication failure, client: 192.0.2.120, server: webdav.sub.domain, request: \"GET / HTTP/2.0\", host: \"webdav.sub.domain\""),
      '192.0.2.120',
      'username',
    );
    assertFailure(parse(p, '2011/08/22 13:37:34 [error] 4452#0: *1 user "dude": password mismatch, client: 2001:db8::7, server: localhost, request: "GET / HTTP/1.1", host: "localhost"'), '2001:db8::7', 'dude');
  });

  it('takes the real client when a user name carries a fake context', () => {
    const r = parse(
      parser(),
      '2014/04/03 22:20:40 [error] 30708#0: *3 user "test": password mismatch, client: 127.0.0.1, server: test, request: "GET / HTTP/1.1", host: "localhost:8443"": was not found in "/etc/nginx/.htpasswd", client: 192.0.2.2, server: , request: "GET /x HTTP/1.1", host: "localhost:8443"',
    );
    assert.equal(r.kind, 'auth');
    assert.equal(r.source, '192.0.2.2');
    assert.equal(r.path, '/x');
  });

  it('does not count a request without credentials or other errors as a failure', () => {
    const p = parser();
    assertEvent(parse(p, '2024/01/01 10:00:00 [error] 1#1: *5 no user/password was provided for basic authentication, client: 203.0.113.5, server: a, request: "GET /admin HTTP/1.1", host: "a"'), '203.0.113.5');
    assertEvent(parse(p, '2020/11/25 14:42:16 [crit] 76952#76952: *2454307 SSL_do_handshake() failed (SSL: error:1408F0C6:SSL routines:ssl3_get_record:packet length too long) while SSL handshaking, client: 142.93.180.14, server: 0.0.0.0:443'), '142.93.180.14');
    const upstream = parse(
      p,
      '2020/11/25 16:02:45 [error] 76952#76952: *5645766 connect() failed (111: Connection refused) while connecting to upstream, client: 5.126.32.148, server: www.google.de, request: "GET /admin/config HTTP/2.0", upstream: "http://127.0.0.1:3000/admin/config", host: "www.google.de"',
    );
    assertEvent(upstream, '5.126.32.148');
    assert.equal(upstream.path, '/admin/config');
    assert.equal(upstream.host, 'www.google.de');
    assertEvent(parse(p, '2015/10/29 20:01:02 [error] 256554#0: *99927 limiting requests, excess: 1.852 by zone "one", client: 1.2.3.4, server: example.com, request: "POST /index.htm HTTP/1.0", host: "example.com"'), '1.2.3.4');
  });

  it('reads lines without a connection or context, and stream-module contexts', () => {
    const p = parser();
    const started = parse(p, '2011/08/22 13:37:34 [notice] 1234#0: signal process started');
    assertEvent(started, undefined);
    assert.equal(started.level, 'notice');
    assert.equal(started.message, 'signal process started');
    const stream = parse(p, '2024/02/02 02:02:02 [info] 9#9: *7 client 10.1.1.1:5000 connected, client: 10.1.1.1, server: 0.0.0.0:3306, upstream: "10.0.0.2:3306", bytes from/to client:0/0, bytes from/to upstream:0/0');
    assert.equal(stream.source, '10.1.1.1');
  });

  it('reads lines behind a syslog or journal prefix', () => {
    const p = parser();
    const journal = parse(p, 'host nginx[983478]: 2023/12/09 21:35:20 [error] 983478#983478: *3 user "fakeusername" was not found in "/var/lib/nginx/htpasswd", client: 192.0.2.3, server: host.example.com, request: "GET / HTTP/2.0", host: "host.example.com"');
    assertFailure(journal, '192.0.2.3', 'fakeusername');
    assert.equal(journal.time, Date.UTC(2023, 11, 9, 21, 35, 20));
    const doubled = parse(p, "host nginx[23141]: host nginx: 2025/09/07 21:20:40 [error] 23141#23141: *24470 PAM: user 'u' - not authenticated: Authentication failure, client: 192.0.2.120, server: w, request: \"GET / HTTP/2.0\", host: \"w\"");
    assertFailure(doubled, '192.0.2.120', 'u');
    const syslog = parse(p, 'Feb 15 16:23:00 srv nginx[1]: 2005/02/15 16:23:00 [warn] 1#1: *9 an upstream response is buffered to a temporary file, client: 10.0.0.1, server: s, request: "GET / HTTP/1.1", host: "s"');
    assert.equal(syslog.source, '10.0.0.1');
    const rfc3339 = parse(p, '2005-02-15T16:23:00.123+01:00 srv nginx[1]: 2005/02/15 16:23:00 [error] 1#1: *9 user "a": password mismatch, client: 10.0.0.2, server: s, request: "GET / HTTP/1.1", host: "s"');
    assertFailure(rfc3339, '10.0.0.2', 'a');
    assert.equal(rfc3339.time, Date.UTC(2005, 1, 15, 16, 23, 0));
  });

  it('rejects what is not an nginx error line', () => {
    const p = parser();
    for (const text of [
      '',
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "-"',
      '[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] user bob not found: /x',
      'Oct 11 22:14:15 mymachine sshd[4123]: Failed password for root from 10.0.0.1 port 22 ssh2',
      '2011/08/22 13:37:34 [fatal] 4452#0: *1 not a level',
      '2011/08/22 13:37:34 [error] no pid here, client: 1.2.3.4',
      '2011-08-22 13:37:34 [error] 4452#0: *1 dashes are not nginx dates, client: 1.2.3.4',
      '2011/13/22 13:37:34 [error] 4452#0: *1 bad month, client: 1.2.3.4',
    ]) {
      assert.equal(p.parse(text, 0), null, `parsed: ${text}`);
    }
  });

  it('is not read by the access-log or Apache error parsers', () => {
    const line = '2012/04/09 11:53:36 [error] 2865#0: *66647 user "xyz": password mismatch, client: 192.0.43.10, server: www.myhost.com, request: "GET / HTTP/1.1", host: "www.myhost.com"';
    for (const format of [apacheCombined, apacheCommon, apacheError]) assert.equal(format.createParser(ctx).parse(line, 0), null, format.id);
  });
});
