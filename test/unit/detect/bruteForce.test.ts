import assert from 'node:assert/strict';
import { createBruteForceDetector, readBruteForceBurst, isLoginPath, httpLoginOutcome } from '../../../server/src/engine/detect/bruteForce';
import type { Finding } from '../../../server/src/engine/model';
import { at, config, Harness, LogBuilder, MS, ofRule } from './records';

const T0 = at('2024-03-05T10:38:00Z');
const ATTACKER = '203.0.113.7';

function run(log: LogBuilder, cfg = config()): Finding[] {
  return ofRule(new Harness([createBruteForceDetector], cfg).feed(log.fed).finish(), 'brute-force');
}

/** n sshd failures for `user` from `source`, one every `everyMs`, one process per attempt. */
function storm(log: LogBuilder, n: number, everyMs: number, source = ATTACKER, users: string[] = ['root'], start = T0): void {
  for (let i = 0; i < n; i++) log.failedPassword(start + i * everyMs, 1000 + i, source, users[i % users.length]);
}

describe('brute-force detector', () => {
  it('fires on 30 sshd failures in two minutes, at the line that crossed the threshold', () => {
    const log = new LogBuilder();
    log.accepted(T0 - MS.h, 900, '198.51.100.20', 'alice'); // unrelated line first
    storm(log, 30, 4 * MS.s);
    const [f, ...rest] = run(log);
    assert.equal(rest.length, 0);
    assert.equal(f.source, ATTACKER);
    assert.equal(f.user, 'root');
    assert.deepEqual(f.attack, ['T1110.001']);
    assert.equal(f.line, 6, 'the 5th failure (line 6, 1-based) crosses threshold 5');
    assert.equal(f.lines.length, 30);
    assert.equal(f.lines[0], 2);
    assert.equal(f.evidence.failures, 30);
    assert.equal(f.evidence.peakInWindow, 30);
    assert.equal(f.title, 'Brute force against ssh (root)');
    assert.match(f.message, /^30 failed logins from 203\.0\.113\.7 in 1m56s \(user root\); threshold 5 in 10m$/);
    assert.ok(f.confidence >= 0.6 && f.confidence <= 0.8, `high, got ${f.confidence}`);
    assert.equal(f.severity, 'high');
    assert.equal(f.evidence.firstTime, new Date(T0).toISOString());
  });

  it('does not fire for a user who mistypes twice then logs in (pam and sshd lines of each attempt)', () => {
    const log = new LogBuilder();
    const alice = '198.51.100.20';
    log.pamFailure(T0, 2001, alice, 'alice');
    log.failedPassword(T0 + 2 * MS.s, 2001, alice, 'alice');
    log.failedPassword(T0 + 9 * MS.s, 2001, alice, 'alice');
    log.pamMore(T0 + 9 * MS.s, 2001, alice, 1, 'alice');
    log.accepted(T0 + 30 * MS.s, 2002, alice, 'alice');
    assert.deepEqual(run(log), []);
  });

  it('folds the lines of one attempt: three mistypes written as six lines stay below threshold 5', () => {
    const log = new LogBuilder();
    const bob = '198.51.100.21';
    for (let i = 0; i < 3; i++) {
      log.pamFailure(T0 + i * MS.m, 3000 + i, bob, 'bob');
      log.failedPassword(T0 + i * MS.m + 2 * MS.s, 3000 + i, bob, 'bob');
    }
    assert.deepEqual(run(log), []);
    // Without a pid (RFC 5424, JSON) the lines are grouped by source: still three attempts.
    const ungrouped = new LogBuilder();
    for (const { record } of log.fed) ungrouped.fed.push({ record, text: record.message! });
    assert.deepEqual(run(ungrouped), []);
    const more = new LogBuilder();
    for (let i = 0; i < 5; i++) {
      more.pamFailure(T0 + i * MS.m, 3000 + i, bob, 'bob');
      more.failedPassword(T0 + i * MS.m + 2 * MS.s, 3000 + i, bob, 'bob');
    }
    for (const f of more.fed) f.text = f.record.message!;
    assert.equal(run(more)[0].evidence.failures, 5);
  });

  it('counts "Invalid user" + pam + "Failed password for invalid user" as one attempt each', () => {
    const make = (attempts: number): LogBuilder => {
      const log = new LogBuilder();
      for (let i = 0; i < attempts; i++) {
        const t = T0 + i * 20 * MS.s;
        log.invalidUser(t, 4000 + i, ATTACKER, `user${i}`);
        log.pamFailure(t, 4000 + i, ATTACKER);
        log.failedPassword(t + 2 * MS.s, 4000 + i, ATTACKER, `user${i}`, true);
      }
      return log;
    };
    assert.deepEqual(run(make(4)), [], '4 attempts (12 lines) stay under 5');
    const [f] = run(make(5));
    assert.equal(f.evidence.failures, 5);
    assert.equal(f.evidence.invalidUserAttempts, 5);
    assert.equal(f.lines.length, 15, 'every line of the attempts is evidence');
    assert.deepEqual(f.attack, ['T1110.003', 'T1110.001'], 'five distinct users is spraying');
  });

  it('puts a pam line that names a host name on the IP its process names next', () => {
    const log = new LogBuilder();
    for (let i = 0; i < 6; i++) {
      const t = T0 + i * 30 * MS.s;
      log.pamFailure(t, 5000 + i, 'host-7.example.net', 'root');
      log.failedPassword(t + 12 * MS.s, 5000 + i, ATTACKER, 'root');
    }
    const findings = run(log);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].source, ATTACKER);
    assert.equal(findings[0].evidence.failures, 6);
    assert.equal(findings[0].lines.length, 12);
  });

  it('counts pam-only failures (no sshd line follows), by IP or host name', () => {
    const log = new LogBuilder();
    for (let i = 0; i < 10; i++) log.pamFailure(T0 + i * MS.s, 6000 + i, '218.188.2.4');
    for (let i = 0; i < 10; i++) log.pamFailure(T0 + MS.h + i * MS.s, 7000 + i, 'dsl-1.example.net', 'root');
    const findings = run(log);
    assert.deepEqual(findings.map((f) => [f.source, f.evidence.failures]).sort(), [
      ['218.188.2.4', 10],
      ['dsl-1.example.net', 10],
    ]);
  });

  it('uses record.attempts ("message repeated", "PAM n more") without double counting', () => {
    const log = new LogBuilder();
    log.pamFailure(T0, 8000, ATTACKER, 'root');
    log.failedPassword(T0 + 12 * MS.s, 8000, ATTACKER, 'root');
    log.failedPassword(T0 + 25 * MS.s, 8000, ATTACKER, 'root', false, 5); // message repeated 5 times
    log.pamMore(T0 + 25 * MS.s, 8000, ATTACKER, 5, 'root');
    const [f] = run(log);
    assert.equal(f.evidence.failures, 6);
    assert.equal(f.line, 3, 'crossed on the "repeated 5 times" line');
  });

  it('keeps five failures in ten minutes medium and grows with volume and speed', () => {
    const conf = (n: number, every: number): number => {
      const log = new LogBuilder();
      storm(log, n, every);
      const [f] = run(log);
      return f.confidence;
    };
    const slow = conf(5, 2 * MS.m);
    const fast = conf(30, 4 * MS.s);
    const huge = conf(400, 500);
    assert.ok(slow >= 0.4 && slow < 0.6, `5 in 10m is medium, got ${slow}`);
    assert.ok(fast > slow);
    assert.ok(huge > fast);
    assert.ok(huge > 0.8, `hundreds is critical, got ${huge}`);
  });

  it('does not fire when failures are spread wider than the window', () => {
    const log = new LogBuilder();
    storm(log, 12, 3 * MS.m); // 4 per 10 minutes at most
    assert.deepEqual(run(log), []);
    // A tighter window setting changes nothing; a wider one makes it a burst.
    assert.equal(run(log, config({ rules: { 'brute-force': { windowSeconds: 3600 } } })).length, 1);
  });

  it('reports password spraying (T1110.003) and names the users', () => {
    const log = new LogBuilder();
    storm(log, 12, 10 * MS.s, ATTACKER, ['admin', 'oracle', 'test', 'ubuntu']);
    const [f] = run(log);
    assert.deepEqual(f.attack, ['T1110.003', 'T1110.001']);
    assert.equal(f.title, 'Brute force against ssh (admin, oracle, test, …)');
    assert.deepEqual(f.evidence.users, ['admin', 'oracle', 'test', 'ubuntu']);
    assert.match(f.message, /\(4 users\)/);
    assert.equal(f.user, undefined);
  });

  describe('HTTP', () => {
    it('fires on 401s against a login endpoint', () => {
      const log = new LogBuilder();
      for (let i = 0; i < 6; i++) log.http(T0 + i * 26 * MS.s, '10.0.0.50', 'POST', '/admin/login', 401, 'admin');
      const [f] = run(log);
      assert.equal(f.title, 'Brute force against /admin/login (admin)');
      assert.match(f.message, /^6 failed logins \(401\) from 10\.0\.0\.50 in 2m10s/);
      assert.deepEqual(f.evidence.httpAnswers, ['401: 6']);
      assert.equal(f.evidence.windowSeconds, 130);
    });

    it('stays quiet on a few 401s and on 403s outside login endpoints', () => {
      const log = new LogBuilder();
      for (let i = 0; i < 3; i++) log.http(T0 + i * MS.s, '10.0.0.51', 'GET', '/private/report', 401);
      for (let i = 0; i < 20; i++) log.http(T0 + i * MS.s, '10.0.0.52', 'GET', `/static/forbidden${i}.txt`, 403);
      for (let i = 0; i < 20; i++) log.http(T0 + i * MS.s, '10.0.0.53', 'GET', '/login', 200);
      assert.deepEqual(run(log), []);
    });

    it('counts form logins that were shown again (POST /wp-login.php answered 200)', () => {
      const log = new LogBuilder();
      for (let i = 0; i < 8; i++) log.http(T0 + i * 3 * MS.s, '192.0.2.44', 'POST', '/wp-login.php', 200);
      const [f] = run(log);
      assert.equal(f.title, 'Brute force against /wp-login.php');
      assert.equal(f.evidence.failures, 8);
      assert.match(f.message, /^8 failed logins \(form re-shown with 200\) from 192\.0\.2\.44/);
    });

    it('classifies login paths and outcomes', () => {
      for (const p of ['/wp-login.php', '/xmlrpc.php', '/Login', '/admin', '/administrator/index.php', '/user/login', '/api/auth', '/sessions', '/app/j_security_check', '/phpMyAdmin/', '/shop/customer/account/login/']) {
        assert.ok(isLoginPath(p), p);
      }
      for (const p of ['/', '/index.html', '/blog/bloginfo.php', '/static/logo.png', '/administration-guide']) assert.ok(!isLoginPath(p), p);
      const rec = (method: string, path: string, status: number, user?: string) =>
        httpLoginOutcome({ line: 0, kind: 'http', time: 0, offsetMinutes: 0, method, path, status, ...(user ? { user } : {}) });
      assert.equal(rec('GET', '/anything', 401), 'failure');
      assert.equal(rec('GET', '/admin', 403), 'failure');
      assert.equal(rec('POST', '/wp-login.php', 302), 'success');
      assert.equal(rec('POST', '/api/login', 200), 'success');
      assert.equal(rec('GET', '/private/', 200, 'alice'), 'success');
      assert.equal(rec('GET', '/', 200), undefined);
      assert.equal(rec('POST', '/xmlrpc.php', 200), undefined, 'pingbacks answer 200 too');
    });
  });

  it('never reports allowlisted sources', () => {
    const log = new LogBuilder();
    storm(log, 30, MS.s);
    storm(log, 30, MS.s, '198.51.100.99');
    const findings = run(log, config({ allowlist: ['203.0.113.0/24'] }));
    assert.deepEqual(findings.map((f) => f.source), ['198.51.100.99']);
  });

  it('treats records without a time as one window', () => {
    const log = new LogBuilder();
    storm(log, 7, 0);
    for (const { record } of log.fed) record.time = NaN;
    const [f] = run(log);
    assert.equal(f.evidence.failures, 7);
    assert.equal(f.line, 5);
    assert.match(f.message, /7 failed logins from 203\.0\.113\.7 \(no timestamps\)/);
    assert.equal(f.evidence.firstTime, null);
  });

  it('caps evidence lines at maxEvidenceLines', () => {
    const log = new LogBuilder();
    storm(log, 50, MS.s);
    const [f] = run(log, config({ maxEvidenceLines: 10 }));
    assert.equal(f.lines.length, 10);
    assert.equal(f.evidence.failures, 50);
  });

  it('gives the same answer when finished twice and follows appended lines', () => {
    const log = new LogBuilder();
    storm(log, 4, 10 * MS.s);
    const h = new Harness([createBruteForceDetector]).feed(log.fed);
    assert.deepEqual(h.finish(), []);
    const from = log.lineCount;
    storm(log, 6, 10 * MS.s, ATTACKER, ['root'], T0 + MS.m);
    h.feed(log.since(from));
    const first = h.finish();
    assert.deepEqual(h.finish(), first);
    assert.equal(first[0].evidence.failures, 10);
    const fingerprint = first[0].fingerprint;
    const from2 = log.lineCount;
    storm(log, 20, MS.s, ATTACKER, ['root'], T0 + 3 * MS.m);
    log.accepted(T0 + 4 * MS.m, 99, '198.51.100.3', 'carol');
    h.feed(log.since(from2));
    const [after] = h.finish();
    assert.equal(after.evidence.failures, 30);
    assert.equal(after.fingerprint, fingerprint, 'fingerprint is stable when lines are added');
    assert.ok(after.confidence > first[0].confidence);
  });

  it('settles parked pam lines on copies, never on its state', () => {
    const log = new LogBuilder();
    for (let i = 0; i < 5; i++) log.pamFailure(T0 + i * MS.s, 9000 + i, 'dsl-9.example.net', 'root');
    const h = new Harness([createBruteForceDetector]).feed(log.fed);
    const a = h.finish();
    const b = h.finish();
    assert.equal(a.length, 1);
    assert.deepEqual(a, b);
    // The process names its IP after all: the attempts move to the IP.
    const from = log.lineCount;
    for (let i = 0; i < 5; i++) log.failedPassword(T0 + 3 * MS.s + i * MS.s, 9000 + i, ATTACKER, 'root');
    h.feed(log.since(from));
    const c = h.finish();
    assert.deepEqual(c.map((f) => [f.source, f.evidence.failures]), [[ATTACKER, 5]]);
  });

  it('raises confidence when a success follows the burst, and exposes the burst for the compromise rule', () => {
    const log = new LogBuilder();
    storm(log, 8, 5 * MS.s);
    const [before] = run(log);
    log.accepted(T0 + 2 * MS.m, 1200, ATTACKER, 'root');
    const [after] = run(log);
    assert.ok(after.confidence > before.confidence);
    assert.equal(after.evidence.successesAfter, 1);
    const burst = readBruteForceBurst(after)!;
    assert.equal(burst.source, ATTACKER);
    assert.equal(burst.burstStart, T0);
    assert.equal(burst.burstStartLine, 0);
    assert.equal(burst.lastFailure, T0 + 35 * MS.s);
    assert.equal(burst.lastFailureLine, 7);
    assert.equal(burst.failures, 8);
  });
});
