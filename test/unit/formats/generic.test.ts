import { strict as assert } from 'node:assert';
import { generic } from '../../../server/src/engine/formats/generic';
import type { LogRecord } from '../../../server/src/engine/model';

// Reference: year-less dates resolve to 2024 unless that puts them after 2024-06-15.
const ctx = { referenceYear: 2024, referenceTime: Date.UTC(2024, 5, 15, 12) };

function parse(text: string): LogRecord | null {
  return generic.createParser(ctx).parse(text, 7);
}

function parsed(text: string): LogRecord {
  const record = parse(text);
  assert.ok(record, `expected a record for ${JSON.stringify(text)}`);
  return record;
}

describe('generic format', () => {
  it('is the fallback with the lowest specificity', () => {
    assert.equal(generic.id, 'generic');
    assert.equal(generic.specificity, 0);
  });

  describe('timestamps', () => {
    it('reads ISO 8601 with T, fraction and offset', () => {
      const r = parsed('2024-03-05T14:07:09.123+02:00 worker started');
      assert.equal(r.time, Date.UTC(2024, 2, 5, 12, 7, 9, 123));
      assert.equal(r.offsetMinutes, 120);
      assert.equal(r.message, 'worker started');
      assert.equal(r.line, 7);
    });

    it('reads ISO with a space, a comma fraction and no zone (UTC, offset 0)', () => {
      const r = parsed('2012-07-02 10:22:40,672:DEBUG:foo bar baz');
      assert.equal(r.time, Date.UTC(2012, 6, 2, 10, 22, 40, 672));
      assert.equal(r.offsetMinutes, 0);
      assert.equal(r.level, 'debug');
      assert.equal(r.message, 'foo bar baz');
    });

    it('reads Z, compact offsets and nanosecond fractions', () => {
      assert.equal(parsed('2025-01-01T00:00:00Z boot').time, Date.UTC(2025, 0, 1));
      const r = parsed('2025-01-01T01:00:00.987654321-0530 x');
      assert.equal(r.time, Date.UTC(2025, 0, 1, 6, 30, 0, 987));
      assert.equal(r.offsetMinutes, -330);
    });

    it('reads YYYY/MM/DD hh:mm:ss', () => {
      assert.equal(parsed('2023/11/30 23:59:58 [warn] disk almost full').time, Date.UTC(2023, 10, 30, 23, 59, 58));
    });

    it('reads DD/Mon/YYYY:hh:mm:ss with its offset, also inside brackets', () => {
      const r = parsed('E [08/Jun/2013:11:28:58 -0700] Unknown directive BrowseOrder');
      assert.equal(r.time, Date.UTC(2013, 5, 8, 18, 28, 58));
      assert.equal(r.offsetMinutes, -420);
    });

    it('resolves syslog-like dates with the reference year, rolling back after the reference', () => {
      assert.equal(parsed('Mar  5 14:07:09 app[12]: started').time, Date.UTC(2024, 2, 5, 14, 7, 9));
      // December is after the June reference: it belongs to the year before.
      assert.equal(parsed('Dec 31 23:59:59 app: bye').time, Date.UTC(2023, 11, 31, 23, 59, 59));
    });

    it('reads ctime dates as Apache writes them', () => {
      assert.equal(parsed('[Thu Jan 17 02:42:49 2013] [notice] Digest: generating secret').time, Date.UTC(2013, 0, 17, 2, 42, 49));
    });

    it('reads epoch seconds and milliseconds at the line start only', () => {
      assert.equal(parsed('1428634687 Hello, World!').time, 1428634687000);
      assert.equal(parsed('1428634687.456 Hello').time, 1428634687456);
      assert.equal(parsed('1428634687123 Hello').time, 1428634687123);
      assert.equal(parse('order 1428634687 shipped'), null);
      assert.equal(parse('12345 items'), null);
    });

    it('finds a timestamp after a short prefix (container name, level letter)', () => {
      const r = parsed('web_1  | 2024-03-05T14:07:09Z listening');
      assert.equal(r.time, Date.UTC(2024, 2, 5, 14, 7, 9));
      assert.equal(r.message, 'listening');
    });

    it('rejects impossible dates', () => {
      assert.equal(parse('2024-13-05T14:07:09Z hello'), null);
      assert.equal(parse('2024-02-05T25:07:09Z hello'), null);
      assert.equal(parse('Foo  5 14:07:09 hello'), null);
    });
  });

  describe('levels', () => {
    it('takes upper-case level words standing alone', () => {
      assert.equal(parsed('2024-03-05 14:07:09 [ERROR] db down').level, 'error');
      assert.equal(parsed('WARN: low memory').level, 'warning');
      assert.equal(parsed('CRITICAL - fan failure').level, 'critical');
      assert.equal(parsed('2015-04-24T21:09:29.296 25376]FATAL:mod:boom').level, 'fatal');
    });

    it('takes a level word in any case right after the timestamp', () => {
      assert.equal(parsed('2016-06-30 12:00:06 warn warnmessage').level, 'warning');
      assert.equal(parsed('2016-06-30 12:00:06 warn warnmessage').message, 'warnmessage');
      assert.equal(parsed('2016-06-30 12:00:07 [Error] boom').level, 'error');
      assert.equal(parsed('2016-06-30 12:00:08 invalid invalidmessage').level, undefined);
    });

    it('takes level=word', () => {
      assert.equal(parsed('ts=x level=warn msg="slow"').level, 'warning');
    });

    it('does not take level words inside other words or in lower case prose', () => {
      assert.equal(parse('Something very INFOrmative'), null);
      assert.equal(parse('an error happened somewhere'), null);
    });

    it('starts the message after a leading level', () => {
      assert.equal(parsed('2024-03-05 14:07:09 INFO: user cache warmed').message, 'user cache warmed');
    });
  });

  describe('addresses', () => {
    it('takes the first IPv4 address as the source', () => {
      const r = parsed('2024-03-05 14:07:09 connection from 203.0.113.9 port 5050 to 10.0.0.1');
      assert.equal(r.source, '203.0.113.9');
      assert.equal(r.kind, 'event');
    });

    it('takes IPv6 addresses, with or without a port', () => {
      assert.equal(parsed('2024-03-05 14:07:09 client 2001:db8::7 closed').source, '2001:db8::7');
      assert.equal(parsed('2024-03-05 14:07:09 [client ::1:58619] File does not exist').source, '::1');
      assert.equal(parsed('2024-03-05 14:07:09 peer [fe80::1ff:fe23:4567:890a]:443').source, 'fe80::1ff:fe23:4567:890a');
    });

    it('is a record on an address alone', () => {
      assert.equal(parsed('blocked 198.51.100.20').source, '198.51.100.20');
    });

    it('skips version numbers, out-of-range octets and clock times', () => {
      assert.equal(parse('Apache/2.4.23 (Unix) configured 1.2.3.4.5 and 300.1.1.1'), null);
      assert.equal(parsed('2024-03-05 14:07:09 v1.2.3.4 at 10:22:40 from 192.0.2.1').source, '192.0.2.1');
    });

    it('does not take part of the timestamp for an address', () => {
      assert.equal(parsed('2024-03-05 14:07:09.123 started').source, undefined);
    });
  });

  describe('security wording', () => {
    it('makes failed logins auth failures, with the user', () => {
      const r = parsed('2024-03-05 14:07:09 WARN login failed for user=bob from 198.51.100.7');
      assert.equal(r.kind, 'auth');
      assert.equal(r.auth, 'failure');
      assert.equal(r.user, 'bob');
      assert.equal(r.source, '198.51.100.7');
    });

    it('knows several ways of saying it', () => {
      for (const text of [
        '2024-03-05 14:07:09 Failed login attempt from 192.0.2.4',
        '2024-03-05 14:07:09 Authentication failed for user alice',
        '2024-03-05 14:07:09 invalid password for admin',
        '2024-03-05 14:07:09 Failed password for root from 192.0.2.4 port 22 ssh2',
        "2024-03-05 14:07:09 Access denied for user 'root'@'localhost'",
      ]) {
        const r = parsed(text);
        assert.equal(r.kind, 'auth', text);
        assert.equal(r.auth, 'failure', text);
      }
      assert.equal(parsed('2024-03-05 14:07:09 Authentication failed for user alice').user, 'alice');
      assert.equal(parsed('2024-03-05 14:07:09 Failed password for root from 192.0.2.4 port 22 ssh2').user, 'root');
      // "login" followed by a key=value user field: the field names the user, not the word "user"
      assert.equal(parsed('2024-03-12 09:01:33 WARN  [auth] failed login user=admin ip=203.0.113.77').user, 'admin');
      assert.equal(parsed('2024-03-12 09:01:33 WARN failed login user: carol from 203.0.113.77').user, 'carol');
    });

    it('makes successful logins auth successes', () => {
      const ok = parsed('2024-03-05 14:07:09 INFO user carol logged in from 192.0.2.8');
      assert.equal(ok.auth, 'success');
      assert.equal(ok.user, 'carol');
      assert.equal(parsed('2024-03-05 14:07:09 login successful user=dave').auth, 'success');
      assert.equal(parsed('2024-03-05 14:07:09 Authentication succeeded for bob').auth, 'success');
    });

    it('does not mistake negations or unrelated words', () => {
      assert.equal(parsed('2024-03-05 14:07:09 session expired: user not logged in').kind, 'event');
      assert.equal(parsed('2024-03-05 14:07:09 INFO login page rendered').kind, 'event');
      assert.equal(parsed('2024-03-05 14:07:09 INFO user login failed').user, undefined);
    });
  });

  it('skips lines with neither timestamp, level nor address', () => {
    assert.equal(parse('Hello, World!'), null);
    assert.equal(parse('    at com.example.Foo.bar(Foo.java:42)'), null);
    assert.equal(parse(''), null);
  });

  describe('stays linear on hostile lines (1 MB each)', () => {
    const MB = 1 << 20;
    const hostile: Record<string, string> = {
      'digits and dots': '1.'.repeat(MB / 2),
      'digits and colons': '1:'.repeat(MB / 2),
      'hex and colons': 'a:'.repeat(MB / 2),
      'one long number': '9'.repeat(MB),
      'dotted quads glued together': '1.2.3.4.'.repeat(MB / 8),
      'level words': 'ERRORX '.repeat(MB / 7),
      'login wording': 'login login failed user '.repeat(MB / 24),
      'user fields': 'user '.repeat(MB / 5),
      'for-from chains': 'for x for '.repeat(MB / 10),
      spaces: ' '.repeat(MB),
      'upper-case run': 'A'.repeat(MB),
    };
    for (const [name, text] of Object.entries(hostile)) {
      it(name, () => {
        const t0 = performance.now();
        parse(text);
        const ms = performance.now() - t0;
        // Linear work over 1 MB takes a few ms; anything quadratic would take minutes.
        assert.ok(ms < 500, `${name}: ${ms.toFixed(1)} ms`);
      });
    }
  });
});
