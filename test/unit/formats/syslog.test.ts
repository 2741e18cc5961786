import * as assert from 'node:assert/strict';
import { syslog3164 } from '../../../server/src/engine/formats/syslog3164';
import { structuredDataEnd, syslog5424 } from '../../../server/src/engine/formats/syslog5424';
import { detectFormat } from '../../../server/src/engine/formats';
import type { LineParser, ParseContext } from '../../../server/src/engine/formats/types';
import type { LogRecord } from '../../../server/src/engine/model';

/** Mid-2024, so that year-less dates of any month before August stay in 2024. */
const CTX: ParseContext = { referenceYear: 2024, referenceTime: Date.UTC(2024, 7, 14, 12) };

function parse3164(text: string, ctx: ParseContext = CTX): LogRecord | null {
  return syslog3164.createParser(ctx).parse(text, 0);
}

function parse5424(text: string): LogRecord | null {
  return syslog5424.createParser(CTX).parse(text, 0);
}

function header(r: LogRecord | null): Record<string, unknown> | null {
  if (r === null) return null;
  const out: Record<string, unknown> = {};
  for (const k of ['kind', 'time', 'offsetMinutes', 'host', 'program', 'level', 'message'] as const) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

describe('syslog RFC 3164', () => {
  it('reads the BSD header: wall clock as UTC in the reference year, host, program, message', () => {
    assert.deepEqual(header(parse3164('Mar 12 11:00:00 web01 sshd[4105]: Failed password for root from 203.0.113.7 port 38016 ssh2')), {
      kind: 'auth',
      time: Date.UTC(2024, 2, 12, 11, 0, 0),
      offsetMinutes: 0,
      host: 'web01',
      program: 'sshd',
      message: 'Failed password for root from 203.0.113.7 port 38016 ssh2',
    });
    // Space-padded, unpadded and zero-padded days, fractions of a second
    assert.equal(parse3164('Jun  9 06:06:20 combo syslogd 1.4.1: restart.')!.time, Date.UTC(2024, 5, 9, 6, 6, 20));
    assert.equal(parse3164('Feb 7 16:01:07 linux-m899 sshd[5106]: x')!.time, Date.UTC(2024, 1, 7, 16, 1, 7));
    assert.equal(parse3164('Jul 05 18:22:44.250 mercury sshd[4669]: x')!.time, Date.UTC(2024, 6, 5, 18, 22, 44, 250));
  });

  it('reads an optional <PRI> as the level', () => {
    const r = parse3164('<38>Mar 12 11:00:00 web01 sshd[4105]: Accepted password for bob from 10.0.0.2 port 22 ssh2')!;
    assert.deepEqual([r.level, r.host, r.auth, r.source], ['info', 'web01', 'success', '10.0.0.2']);
    assert.equal(parse3164('<3>Mar 12 11:00:00 web01 kernel: oops')!.level, 'error');
  });

  it("reads rsyslog's ISO 8601 stamps with their offset", () => {
    const r = parse3164('2024-01-15T10:00:00.123456+01:00 host.example.org sshd[77]: Invalid user admin from 192.0.2.4 port 4000')!;
    assert.deepEqual(header(r), {
      kind: 'auth',
      time: Date.UTC(2024, 0, 15, 9, 0, 0, 123),
      offsetMinutes: 60,
      host: 'host.example.org',
      program: 'sshd',
      message: 'Invalid user admin from 192.0.2.4 port 4000',
    });
    assert.equal(r.source, '192.0.2.4');
    const z = parse3164('2015-04-16T18:02:50.568798Z host sshd[2716]: Connection closed by 192.0.2.112 [preauth]')!;
    assert.deepEqual([z.time, z.offsetMinutes], [Date.UTC(2015, 3, 16, 18, 2, 50, 568), 0]);
  });

  it('reads tags without host, without pid, in brackets, with spaces, and lines without a tag', () => {
    const noHost = parse3164('Nov 23 21:50:19 sshd[8148]: Disconnecting: Too many authentication failures for root [preauth]')!;
    assert.deepEqual([noHost.host, noHost.program], [undefined, 'sshd']);
    const noPid = parse3164('Mar 12 11:15:46 gw01 kernel: [242146.000000] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.235 DST=192.0.2.5 PROTO=TCP SPT=1 DPT=23')!;
    assert.deepEqual([noPid.program, noPid.kind, noPid.destinationPort], ['kernel', 'firewall', 23]);
    const bracketed = parse3164('Jun 25 23:53:34 [sshd] User root from 1.2.3.4 not allowed because not listed in AllowUsers')!;
    assert.deepEqual([bracketed.host, bracketed.program, bracketed.auth, bracketed.source], [undefined, 'sshd', 'failure', '1.2.3.4']);
    const spaced = parse3164('Jan  4 10:23:26 Tims-MacBook-Air Setup Assistant[1173]: Creating connection')!;
    assert.deepEqual([spaced.host, spaced.program, spaced.message], ['Tims-MacBook-Air', 'Setup Assistant', 'Creating connection']);
    const versioned = parse3164('Apr 28 04:02:03 tstack-centos5 syslogd 1.4.1: restart.')!;
    assert.deepEqual([versioned.program, versioned.message], ['syslogd 1.4.1', 'restart.']);
    const noTag = parse3164('Nov  3 09:23:38 veridian lookup for opt failed')!;
    assert.deepEqual([noTag.host, noTag.program, noTag.message], ['veridian', undefined, 'lookup for opt failed']);
    const launchd = parse3164('Aug  1 00:00:03 Tim-Stacks-iMac com.apple.xpc.launchd[1] (com.apple.mdworker.shared[50989]): Service exited')!;
    assert.deepEqual([launchd.program, launchd.message], ['com.apple.xpc.launchd', '(com.apple.mdworker.shared[50989]): Service exited']);
    const solaris = parse3164('Mar 29 05:59:23 dusky sshd[20878]: [ID 800047 auth.info] Failed keyboard-interactive for james from 205.186.180.30 port 54520 ssh2')!;
    assert.deepEqual([solaris.auth, solaris.source, solaris.message?.startsWith('Failed')], ['failure', '205.186.180.30', true]);
  });

  it('reads journal output without a timestamp when the tag has a pid', () => {
    const r = parse3164('srv sshd[31602]: Failed password for invalid user ROOT from 194.117.26.69 port 50273 ssh2')!;
    assert.ok(Number.isNaN(r.time));
    assert.deepEqual([r.host, r.program, r.auth, r.source], ['srv', 'sshd', 'invalid-user', '194.117.26.69']);
    assert.equal(parse3164('sshd[31602]: Accepted password for bob from 10.0.0.2 port 22 ssh2')!.auth, 'success');
  });

  describe('New Year', () => {
    // The file was written (or read) early on 2 January 2024.
    const january: ParseContext = { referenceYear: 2024, referenceTime: Date.UTC(2024, 0, 2, 8, 0) };

    it('puts a December line read in January in the year before', () => {
      assert.equal(parse3164('Dec 31 23:59:59 h cron[1]: tick', january)!.time, Date.UTC(2023, 11, 31, 23, 59, 59));
      assert.equal(parse3164('Jan  1 00:00:01 h cron[1]: tick', january)!.time, Date.UTC(2024, 0, 1, 0, 0, 1));
    });

    it('allows a day of slack past the reference (the clock is local time), not more', () => {
      assert.equal(parse3164('Jan  3 07:00:00 h cron[1]: tick', january)!.time, Date.UTC(2024, 0, 3, 7));
      assert.equal(parse3164('Jan  3 09:00:00 h cron[1]: tick', january)!.time, Date.UTC(2023, 0, 3, 9));
    });

    it('keeps each line of a log spanning the turn of the year in its own year', () => {
      const p = syslog3164.createParser(january);
      const years = ['Dec 30 10:00:00', 'Dec 31 23:00:00', 'Jan  1 01:00:00', 'Jan  2 07:00:00'].map(
        (stamp, i) => new Date(p.parse(`${stamp} h sshd[1]: Connection closed by 10.0.0.1`, i)!.time).getUTCFullYear(),
      );
      assert.deepEqual(years, [2023, 2023, 2024, 2024]);
    });
  });

  it('keeps indented continuation lines as meta records of the line before', () => {
    const p = syslog3164.createParser(CTX);
    const first = p.parse('Aug 16 00:32:15 Tims-Air syslogd[314]: Configuration Notice:', 0)!;
    const cont = p.parse('\tASL Module "com.apple.install" claims selected messages.', 1)!;
    const cont2 = p.parse('\tThose messages may not appear in standard system log files.', 2)!;
    assert.deepEqual([cont.kind, cont.time, cont.host, cont.program], ['meta', first.time, 'Tims-Air', 'syslogd']);
    assert.equal(cont2.kind, 'meta');
    assert.equal(syslog3164.createParser(CTX).parse('\torphan continuation', 0), null);
  });

  it('carries auth fields across "last message repeated"', () => {
    const p = syslog3164.createParser(CTX);
    p.parse('Mar 12 11:00:00 web01 sshd[4105]: Failed password for root from 203.0.113.7 port 38016 ssh2', 0);
    const r = p.parse('Mar 12 11:00:30 web01 last message repeated 4 times', 1)!;
    assert.deepEqual([r.kind, r.auth, r.source, r.attempts, r.host], ['auth', 'failure', '203.0.113.7', 4, 'web01']);
    const dashed = p.parse('Mar 12 11:00:40 --- last message repeated 2 times ---', 2)!;
    assert.deepEqual([dashed.host, dashed.attempts, dashed.source], [undefined, 2, '203.0.113.7']);
  });

  it('rejects lines that are not RFC 3164 syslog', () => {
    const rejected = [
      '',
      'hello world',
      'Header1: abc',
      '{"time":"2024-01-01T00:00:00Z","msg":"x"}',
      '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326',
      '2012/04/09 11:53:29 [error] 2865#0: *66647 user "xyz" was not found',
      '[Sat Jun 01 02:17:42 2013] [error] [client 192.168.33.1] File does not exist',
      '2024-01-15 10:00:00 host prog[1]: space instead of T',
      'Foo 12 10:00:00 host prog: bad month',
      'Jan 32 10:00:00 host prog: bad day',
      'Jan 15 25:00:00 host prog: bad hour',
      'Jan 15 10:00:00',
      '<999>Jan 15 10:00:00 host prog: bad PRI',
      '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - RFC 5424 is the other format',
      'srv sshd: journal output needs a pid',
      // After an ISO stamp, a syslog line has a tag: these are application logs
      '2015-04-24T21:09:29.296 25376]INFO:somemodule:Something very INFOrmative.',
      '2024-01-01T10:00:00Z ERROR: connection refused',
      '2013-02-11T06:43:36 10.112.72.172 - GET "/client/" -1 200 5778 "-" "Mozilla/5.0"',
    ];
    for (const line of rejected) assert.equal(parse3164(line), null, line);
  });
});

describe('syslog RFC 5424', () => {
  it('reads the RFC examples: header fields, NILVALUEs, offsets, BOM', () => {
    assert.deepEqual(header(parse5424("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8")), {
      kind: 'event',
      time: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      offsetMinutes: 0,
      host: 'mymachine.example.com',
      program: 'su',
      level: 'critical',
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
    const offset = parse5424("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.")!;
    assert.deepEqual([offset.time, offset.offsetMinutes, offset.level], [Date.UTC(2003, 7, 24, 12, 14, 15), -420, 'notice']);
    const bom = parse5424('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \uFEFFAn application event log entry...')!;
    assert.equal(bom.message, 'An application event log entry...');
    const nil = parse5424('<13>1 - - - - - -')!;
    assert.deepEqual([Number.isNaN(nil.time), nil.host, nil.program, nil.message], [true, undefined, undefined, '']);
  });

  it('reads structured data: several elements, escaped quotes and brackets, brackets in values, no message', () => {
    const many = parse5424('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]')!;
    assert.equal(many.message, '');
    const escaped = parse5424('<38>1 2024-01-01T00:00:00Z h app 1 - [ex@1 a="x\\]y" b="q\\"uote" c="back\\\\"] after')!;
    assert.equal(escaped.message, 'after');
    const brackets = parse5424('<38>1 2019-07-08T17:40:17.954167-04:00 hostname.example.com sshd 55555 - [timeQuality tzKnown="1" isSynced="0"][xxx@123 test="[brackets]"] Failed unknown for invalid user redmond from 192.0.2.2 port 55555 ssh2')!;
    assert.deepEqual([brackets.auth, brackets.source, brackets.user], ['invalid-user', '192.0.2.2', 'redmond']);
    assert.equal(structuredDataEnd('[a b="]"] rest', 0), 9);
    assert.equal(structuredDataEnd('- rest', 0), 1);
  });

  it('ties sshd lines of one PROCID together like RFC 3164 pids', () => {
    const p = syslog5424.createParser(CTX);
    p.parse('<38>1 2024-01-01T00:00:00Z h sshd 4242 - - Connection from 192.0.2.50 port 5000 on 10.0.0.1 port 22', 0);
    const r = p.parse('<38>1 2024-01-01T00:00:01Z h sshd 4242 - - Disconnecting: Too many authentication failures [preauth]', 1)!;
    assert.deepEqual([r.auth, r.source], ['failure', '192.0.2.50']);
  });

  it('rejects malformed lines', () => {
    const rejected = [
      '<34>1 2003-10-11T22:14:15.003Z host app - ID47 [ex@1 a="unterminated]',
      '<34>1 2003-10-11T22:14:15.003Z host app - ID47 [ex@1 a=unquoted] msg',
      '<34>1 2003-10-11T22:14:15.003Z host app - ID47 [ a="no id"] msg',
      '<34>1 2003-10-11T22:14:15.003Z host app - ID47 [ex@1 a="1"]glued',
      '<34>1 2003-10-11T22:14:15.003Z host app - ID47 nostructureddata',
      '<34> 2003-10-11T22:14:15.003Z host app - ID47 - no version',
      '<34>0 2003-10-11T22:14:15.003Z host app - ID47 - version 0',
      '<34>1 2003-10-11 22:14:15 host app - ID47 - date with a space',
      `<34>1 2003-10-11T22:14:15.003Z host ${'a'.repeat(49)} - ID47 - APP-NAME too long`,
      'Mar 12 11:00:00 web01 sshd[4105]: RFC 3164 is the other format',
      '<34>1 2003-10-11T22:14:15.003Z host app - ID47',
    ];
    for (const line of rejected) assert.equal(parse5424(line), null, line);
  });
});

describe('syslog format detection', () => {
  it('chooses syslog for BSD lines and syslog-5424 for RFC 5424 lines', () => {
    const bsd = ['Mar 12 11:00:00 web01 sshd[4105]: Failed password for root from 203.0.113.7 port 38016 ssh2', 'Mar 12 11:00:01 web01 CRON[1]: (root) CMD (true)'];
    assert.equal(detectFormat(bsd, CTX).format.id, 'syslog');
    const rfc = ['<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - failed', '<13>1 2003-10-11T22:14:16Z h app 1 - - x'];
    assert.equal(detectFormat(rfc, CTX).format.id, 'syslog-5424');
  });
});

describe('syslog parsers run in linear time', () => {
  const MB = 1 << 20;
  /** Hostile lines: long runs of what the readers look for. */
  function hostile(prefix: string): string[] {
    const runs = [
      'Failed password for ' + 'a '.repeat(MB / 2),
      'Failed password for ' + ' from 1.2.3.4'.repeat(MB / 13),
      'Failed password for invalid user ' + 'from '.repeat(MB / 5),
      'Failed password for x from ' + '1'.repeat(MB),
      'Invalid user ' + 'x '.repeat(MB / 2) + ' from 1.2.3.4',
      'User ' + ' not allowed because'.repeat(MB / 20),
      'Connection closed by authenticating user ' + '1.2.3.4 port 1 '.repeat(MB / 15),
      'Disconnecting invalid user ' + 'x 1.2.3.4 port 1 '.repeat(MB / 17),
      'pam_unix(login:auth): authentication failure; ruser=' + ' rhost='.repeat(MB / 7),
      'pam_unix(login:auth): authentication failure; ruser=x rhost=' + 'rhost='.repeat(MB / 6),
      'PAM 3 more authentication failures; rhost=' + 'a'.repeat(MB),
      'message repeated 3 times: [ ' + '['.repeat(MB),
      'IN=eth0 ' + 'SRC=1.1.1.1 '.repeat(MB / 12),
      'SRC=' + 'DST='.repeat(MB / 4),
      ' : '.repeat(MB / 3),
      "Bad password attempt for '" + "' from ".repeat(MB / 7),
      'Exit before auth from <' + '1:'.repeat(MB / 2),
      'Received disconnect from ' + ':'.repeat(MB),
      'Bad protocol version identification ' + ' port 1'.repeat(MB / 7),
      'SSH: Server;Ltype: ;Remote: ' + '-'.repeat(MB),
      '[ID ' + ' '.repeat(MB),
      'kernel:[' + ' '.repeat(MB),
    ];
    return runs.map((r) => prefix + r);
  }

  function timeAll(parser: () => LineParser, lines: string[]): number {
    const start = performance.now();
    for (const line of lines) parser().parse(line, 0);
    return performance.now() - start;
  }

  // 22 lines of 1 MB each; a quadratic reader would need minutes on any of them. The bound is
  // generous for slow, busy CI machines: linear work is ~10-50 ms per MB here.
  const BUDGET_MS_PER_LINE = 250;

  for (const program of ['sshd', 'dropbear', 'su', 'sudo', 'kernel', 'vsftpd']) {
    it(`RFC 3164, ${program}: 1 MB hostile messages`, function () {
      this.timeout(60_000);
      const lines = hostile(`Mar 12 11:00:00 web01 ${program}[4105]: `);
      const ms = timeAll(() => syslog3164.createParser(CTX), lines);
      assert.ok(ms < BUDGET_MS_PER_LINE * lines.length, `${ms.toFixed(0)} ms for ${lines.length} lines`);
    });
  }

  it('RFC 3164 headers: 1 MB of tag, host and date-like runs', function () {
    this.timeout(60_000);
    const lines = [
      'Mar 12 11:00:00 ' + 'a'.repeat(MB),
      'Mar 12 11:00:00 host ' + 'a'.repeat(MB),
      'Mar 12 11:00:00 host ' + 'x y'.repeat(MB / 3),
      'Mar 12 11:00:00 host ' + '['.repeat(MB),
      'Mar 12 11:00:00 host a' + ']: '.repeat(MB / 3),
      'Mar 12 11:00:00 host ' + '1.'.repeat(MB / 2),
      'host ' + 'prog[1]'.repeat(MB / 7),
      '<1>'.repeat(MB / 3),
      '\t'.repeat(MB),
      'Mar 12 11:00:00.' + '1'.repeat(MB),
    ];
    const ms = timeAll(() => syslog3164.createParser(CTX), lines);
    assert.ok(ms < BUDGET_MS_PER_LINE * lines.length, `${ms.toFixed(0)} ms`);
  });

  it('RFC 5424: 1 MB of structured data and messages', function () {
    this.timeout(60_000);
    const head = '<38>1 2024-01-01T00:00:00Z h sshd 1 - ';
    const lines = [
      head + '[' + 'a'.repeat(MB),
      head + '[x a="' + '\\"'.repeat(MB / 2),
      head + '[x' + ' a="1"'.repeat(MB / 6) + ']',
      head + '[x a="1"]'.repeat(MB / 9),
      head + '[x a="' + ']'.repeat(MB),
      ...hostile(head + '- '),
    ];
    const ms = timeAll(() => syslog5424.createParser(CTX), lines);
    assert.ok(ms < BUDGET_MS_PER_LINE * lines.length, `${ms.toFixed(0)} ms`);
  });
});
