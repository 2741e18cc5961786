import { strict as assert } from 'node:assert';
import { jsonLines } from '../../../server/src/engine/formats/jsonLines';
import type { LogRecord } from '../../../server/src/engine/model';

const ctx = { referenceYear: 2024, referenceTime: Date.UTC(2024, 5, 15) };

function parse(text: string): LogRecord | null {
  return jsonLines.createParser(ctx).parse(text, 3);
}

function parsed(text: string): LogRecord {
  const record = parse(text);
  assert.ok(record, `expected a record for ${text}`);
  return record;
}

describe('json format', () => {
  it('is more specific than the generic fallback', () => {
    assert.equal(jsonLines.id, 'json');
    assert.ok(jsonLines.specificity > 0);
  });

  it('reads a nested ECS access event', () => {
    const r = parsed(
      '{"@timestamp":"2024-03-05T14:07:09.250+01:00","source":{"ip":"203.0.113.9"},"http":{"request":{"method":"post","referrer":"https://example.com/"},"response":{"status_code":401,"body":{"bytes":512}}},"url":{"original":"/wp-login.php?redirect=1"},"user_agent":{"original":"curl/8.0"},"user":{"name":"admin"},"log":{"level":"WARN"},"message":"denied"}',
    );
    assert.equal(r.line, 3);
    assert.equal(r.kind, 'http');
    assert.equal(r.time, Date.UTC(2024, 2, 5, 13, 7, 9, 250));
    assert.equal(r.offsetMinutes, 60);
    assert.equal(r.source, '203.0.113.9');
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/wp-login.php');
    assert.equal(r.query, 'redirect=1');
    assert.equal(r.status, 401);
    assert.equal(r.bytes, 512);
    assert.equal(r.userAgent, 'curl/8.0');
    assert.equal(r.referrer, 'https://example.com/');
    assert.equal(r.user, 'admin');
    assert.equal(r.level, 'warning');
    assert.equal(r.message, 'denied');
  });

  it('reads the same fields as flat dotted keys, and mixed', () => {
    const r = parsed(
      '{"@timestamp":"2024-03-05T14:07:09Z","source.ip":"198.51.100.2","http.response.status_code":404,"http":{"request.method":"GET"},"url.path":"/admin","url.query":"?a=1","log.level":"error"}',
    );
    assert.equal(r.source, '198.51.100.2');
    assert.equal(r.status, 404);
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/admin');
    assert.equal(r.query, 'a=1');
    assert.equal(r.level, 'error');
  });

  it('reads nginx-style aliases and splits a request line', () => {
    const r = parsed(
      '{"time_local":"05/Mar/2024:14:07:09 +0000","remote_addr":"192.0.2.44","request":"GET /index.php?id=1%27 HTTP/1.1","status":"200","body_bytes_sent":"1024","http_referer":"-","http_user_agent":"sqlmap/1.7"}',
    );
    assert.equal(r.kind, 'http');
    assert.equal(r.time, Date.UTC(2024, 2, 5, 14, 7, 9));
    assert.equal(r.source, '192.0.2.44');
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/index.php');
    assert.equal(r.query, 'id=1%27');
    assert.equal(r.status, 200);
    assert.equal(r.bytes, 1024);
    assert.equal(r.referrer, undefined);
    assert.equal(r.userAgent, 'sqlmap/1.7');
  });

  it('takes the first address of a field with a port or a proxy chain', () => {
    assert.equal(parsed('{"client_ip":"192.0.2.5:61000","status":200}').source, '192.0.2.5');
    assert.equal(parsed('{"ip":"203.0.113.1, 10.0.0.2","status":200}').source, '203.0.113.1');
    assert.equal(parsed('{"c-ip":"2001:db8::9","status":200}').source, '2001:db8::9');
  });

  it('reads epoch numbers in seconds, ms, µs and ns', () => {
    assert.equal(parsed('{"ts":1716723772.6014807,"msg":"x"}').time, 1716723772601);
    assert.equal(parsed('{"time":1745532517537,"msg":"x"}').time, 1745532517537);
    assert.equal(parsed('{"__REALTIME_TIMESTAMP":"1534860261221373","MESSAGE":"x"}').time, 1534860261221);
    assert.equal(parsed('{"timestamp":1700000000000000000}').time, 1700000000000);
  });

  it('keeps a record with NaN time when the timestamp is unreadable', () => {
    const r = parsed('{"ts":"xxx","msg":"bad ts"}');
    assert.ok(Number.isNaN(r.time));
    assert.equal(r.kind, 'event');
    assert.equal(r.message, 'bad ts');
  });

  it('maps bunyan/pino numeric levels and journald priorities', () => {
    assert.equal(parsed('{"level":30,"msg":"hi"}').level, 'info');
    assert.equal(parsed('{"level":50,"msg":"hi"}').level, 'error');
    assert.equal(parsed('{"level":60,"msg":"hi"}').level, 'fatal');
    assert.equal(parsed('{"PRIORITY":"3","MESSAGE":"hi"}').level, 'error');
    assert.equal(parsed('{"severity":"Warning"}').level, 'warning');
  });

  it('finds values behind objects of the same name (caddy)', () => {
    const r = parsed(
      '{"level":"info","ts":1716723772.6,"msg":"handled request","request":{"remote_ip":"10.5.1.1","client_ip":"10.10.10.117","method":"GET","uri":"/x.tar.xz","headers":{"User-Agent":["AhrefsBot/7.0"]}},"status":200,"size":3768}',
    );
    assert.equal(r.kind, 'http');
    assert.equal(r.source, '10.10.10.117');
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/x.tar.xz');
    assert.equal(r.userAgent, 'AhrefsBot/7.0');
    assert.equal(r.status, 200);
    assert.equal(r.bytes, 3768);
  });

  it('ignores status values that are not HTTP statuses and request texts that are not requests', () => {
    const r = parsed('{"status":"ok","request":"checkout #42","msg":"done"}');
    assert.equal(r.kind, 'event');
    assert.equal(r.status, undefined);
    assert.equal(r.path, undefined);
    assert.equal(parsed('{"status":42}').status, undefined);
  });

  describe('authentication events', () => {
    it('reads ECS event.category + event.outcome', () => {
      const r = parsed(
        '{"@timestamp":"2024-03-05T14:07:09Z","event":{"category":["authentication"],"outcome":"failure"},"source":{"ip":"192.0.2.9"},"user":{"name":"root"}}',
      );
      assert.equal(r.kind, 'auth');
      assert.equal(r.auth, 'failure');
      assert.equal(r.user, 'root');
      assert.equal(r.source, '192.0.2.9');
      assert.equal(parsed('{"event.category":"authentication","event.outcome":"success"}').auth, 'success');
    });

    it('reads event.action names', () => {
      for (const action of ['user_login_failed', 'logon-failed', 'authentication_failed', 'Login Failed']) {
        const r = parsed(`{"event":{"action":"${action}"},"client_ip":"192.0.2.1"}`);
        assert.equal(r.auth, 'failure', action);
        assert.equal(r.kind, 'auth', action);
      }
      assert.equal(parsed('{"event":{"action":"user_login_success"}}').auth, 'success');
      assert.equal(parsed('{"event":{"action":"file_deleted"}}').auth, undefined);
    });

    it('reads Windows logon event ids', () => {
      assert.equal(parsed('{"winlog":{"event_id":4625},"source.ip":"192.0.2.3"}').auth, 'failure');
      assert.equal(parsed('{"event":{"code":"4624"}}').auth, 'success');
    });

    it('falls back to the wording of the message (journald sshd)', () => {
      const r = parsed('{"SYSLOG_IDENTIFIER":"sshd","MESSAGE":"Failed password for invalid user admin from 198.51.100.23 port 4242 ssh2"}');
      assert.equal(r.kind, 'auth');
      assert.equal(r.auth, 'failure');
      assert.equal(r.source, '198.51.100.23');
      assert.equal(r.user, 'admin');
      assert.equal(r.program, 'sshd');
    });
  });

  it('gives kind event to plain application lines', () => {
    const r = parsed('{"name":"app","hostname":"h1","pid":7,"level":20,"msg":"Found 3 files","time":"2023-03-24T14:26:16.243Z","v":0}');
    assert.equal(r.kind, 'event');
    assert.equal(r.level, 'debug');
    assert.equal(r.host, 'h1');
    assert.equal(r.time, Date.UTC(2023, 2, 24, 14, 26, 16, 243));
  });

  it('returns null for broken JSON and for anything but an object, without throwing', () => {
    for (const text of [
      '{"ts": "2013-09-06T22:00:59Z", "msg": "cut',
      '{"a":1,}',
      '{"a":1} trailing',
      '[1,2,3]',
      '"just a string"',
      '42',
      'null',
      'plain text line',
      '',
      '   ',
      '{',
      '{}}',
    ]) {
      assert.equal(parse(text), null, text);
    }
    assert.ok(parse('  {"msg":"indented"}  '));
  });

  describe('stays fast on hostile lines (1 MB each)', () => {
    const MB = 1 << 20;
    const depth = MB / 6;
    const cases: Record<string, string> = {
      'an unclosed prefix repeated': '{"a":'.repeat(MB / 5),
      'deep nesting that parses': '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      'deep nesting under an alias name': '{"source":'.repeat(MB / 11) + '"1.2.3.4"' + '}'.repeat(MB / 11),
      'a wide object': '{' + '"k":1,'.repeat(MB / 6) + '"msg":"x"}',
      'a huge request line': '{"request":"GET /' + 'a'.repeat(MB) + ' HTTP/1.1"}',
      'a request with many spaces': '{"request":"GET ' + ' '.repeat(MB) + '"}',
    };
    for (const [name, text] of Object.entries(cases)) {
      it(name, () => {
        const t0 = performance.now();
        assert.doesNotThrow(() => parse(text));
        const ms = performance.now() - t0;
        // JSON.parse itself is linear (and iterative in V8); our lookups are a fixed number of reads.
        assert.ok(ms < 1500, `${name}: ${ms.toFixed(1)} ms`);
      });
    }
  });
});
