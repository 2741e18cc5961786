import assert from 'node:assert/strict';
import { createBruteForceDetector } from '../../../server/src/engine/detect/bruteForce';
import { createCompromiseDetector } from '../../../server/src/engine/detect/compromiseAfterBruteForce';
import type { Finding } from '../../../server/src/engine/model';
import { at, config, Harness, LogBuilder, MS, ofRule } from './records';

const T0 = at('2024-03-05T10:38:00Z');
const ATTACKER = '203.0.113.7';

function run(log: LogBuilder, cfg = config()): Finding[] {
  return new Harness([createBruteForceDetector, createCompromiseDetector], cfg).feed(log.fed).finish();
}

function compromises(log: LogBuilder, cfg = config()): Finding[] {
  return ofRule(run(log, cfg), 'compromise-after-brute-force');
}

/** n sshd failures every `everyMs` from `start`. */
function storm(log: LogBuilder, n: number, everyMs: number, start = T0, source = ATTACKER, user = 'root'): void {
  for (let i = 0; i < n; i++) log.failedPassword(start + i * everyMs, 1000 + i, source, user);
}

describe('compromise-after-brute-force detector', () => {
  it('reports the accepted login that follows a burst, critical', () => {
    const log = new LogBuilder();
    storm(log, 27, 9 * MS.s);
    const success = log.accepted(at('2024-03-05T10:42:07Z'), 2000, ATTACKER, 'root');
    log.accepted(at('2024-03-05T10:50:00Z'), 2001, ATTACKER, 'root'); // no failures since: not listed again
    const [f, ...rest] = compromises(log);
    assert.equal(rest.length, 0);
    assert.equal(f.source, ATTACKER);
    assert.equal(f.user, 'root');
    assert.equal(f.severity, 'critical');
    assert.ok(f.confidence >= 0.85);
    assert.deepEqual(f.attack, ['T1078']);
    assert.equal(f.line, success.line + 1);
    assert.equal(f.message.startsWith('Accepted login for root from 203.0.113.7 at 10:42:07 after 27 failures (brute-force since 10:38)'), true, f.message);
    assert.equal(f.evidence.failuresBefore, 27);
    assert.equal(f.evidence.successLine, success.line + 1);
    assert.equal(f.evidence.user, 'root');
    assert.ok(f.lines.includes(1) && f.lines.includes(27), 'burst start and last failure are evidence');
  });

  it('stays quiet for a user who mistyped twice, and without a brute-force finding', () => {
    const log = new LogBuilder();
    log.pamFailure(T0, 3000, '198.51.100.20', 'alice');
    log.failedPassword(T0 + 2 * MS.s, 3000, '198.51.100.20', 'alice');
    log.failedPassword(T0 + 8 * MS.s, 3000, '198.51.100.20', 'alice');
    log.accepted(T0 + 20 * MS.s, 3001, '198.51.100.20', 'alice');
    assert.deepEqual(run(log), []);
    // Failures enough for a burst, but the brute-force rule is not in the run: nothing to confirm.
    const log2 = new LogBuilder();
    storm(log2, 10, MS.s);
    log2.accepted(T0 + MS.m, 3002, ATTACKER, 'root');
    const alone = new Harness([createCompromiseDetector]).feed(log2.fed).finish();
    assert.deepEqual(alone, []);
  });

  it('ignores successes before the burst started or long after its last failure', () => {
    const early = new LogBuilder();
    early.failedPassword(T0 - 2 * MS.h, 10, ATTACKER, 'root');
    early.accepted(T0 - MS.h, 11, ATTACKER, 'root'); // after one stray failure, before the burst
    storm(early, 10, MS.s);
    assert.deepEqual(compromises(early), []);

    const late = new LogBuilder();
    storm(late, 10, MS.s);
    late.accepted(T0 + 2 * 86_400_000, 12, ATTACKER, 'root');
    assert.deepEqual(compromises(late), [], 'two days later is past withinSeconds (a day)');
    assert.equal(compromises(late, config({ rules: { 'compromise-after-brute-force': { withinSeconds: 3 * 86_400 } } })).length, 1);
  });

  it('scores a success soon after the last failure higher than one hours later', () => {
    const make = (gapMs: number): Finding => {
      const log = new LogBuilder();
      storm(log, 8, 5 * MS.s);
      log.accepted(T0 + 35 * MS.s + gapMs, 2000, ATTACKER, 'admin');
      const [f] = compromises(log);
      return f;
    };
    const soon = make(2 * MS.s);
    const later = make(3 * MS.h);
    assert.ok(soon.confidence > later.confidence, `${soon.confidence} > ${later.confidence}`);
    assert.ok(later.confidence >= 0.85);
    assert.equal(soon.evidence.secondsAfterFailure, 2);
  });

  describe('HTTP logins', () => {
    it('reports a form login redirect after failed form posts', () => {
      const log = new LogBuilder();
      for (let i = 0; i < 12; i++) log.http(T0 + i * 2 * MS.s, '192.0.2.44', 'POST', '/wp-login.php', 200);
      log.http(T0 + 30 * MS.s, '192.0.2.44', 'POST', '/wp-login.php', 302);
      const [f] = compromises(log);
      assert.equal(f.source, '192.0.2.44');
      assert.match(f.message, /^Successful login \(POST \/wp-login\.php → 302\) from 192\.0\.2\.44 at 10:38:30 after 12 failures/);
    });

    it('reports basic auth accepted after 401s, and not 401s followed by anonymous pages', () => {
      const log = new LogBuilder();
      for (let i = 0; i < 8; i++) log.http(T0 + i * MS.s, '10.0.0.50', 'GET', '/admin/', 401, 'admin');
      log.http(T0 + 10 * MS.s, '10.0.0.50', 'GET', '/admin/', 200, 'admin');
      for (let i = 0; i < 8; i++) log.http(T0 + i * MS.s, '10.0.0.51', 'GET', '/admin/', 401, 'admin');
      log.http(T0 + 10 * MS.s, '10.0.0.51', 'GET', '/', 200);
      const found = compromises(log);
      assert.deepEqual(found.map((f) => [f.source, f.user]), [['10.0.0.50', 'admin']]);
    });
  });

  it('never reports allowlisted sources', () => {
    const log = new LogBuilder();
    storm(log, 10, MS.s);
    log.accepted(T0 + MS.m, 2000, ATTACKER, 'root');
    assert.equal(compromises(log).length, 1);
    assert.deepEqual(compromises(log, config({ allowlist: [ATTACKER] })), []);
  });

  it('gives the same answer when finished twice and follows appended lines', () => {
    const log = new LogBuilder();
    storm(log, 10, MS.s);
    const h = new Harness([createBruteForceDetector, createCompromiseDetector]).feed(log.fed);
    assert.deepEqual(ofRule(h.finish(), 'compromise-after-brute-force'), []);
    const from = log.lineCount;
    log.accepted(T0 + MS.m, 2000, ATTACKER, 'root');
    h.feed(log.since(from));
    const a = h.finish();
    assert.deepEqual(h.finish(), a);
    const [f] = ofRule(a, 'compromise-after-brute-force');
    assert.equal(f.evidence.failuresBefore, 10);
    const from2 = log.lineCount;
    storm(log, 5, MS.s, T0 + 2 * MS.m);
    log.accepted(T0 + 3 * MS.m, 2001, ATTACKER, 'oracle');
    h.feed(log.since(from2));
    const [g] = ofRule(h.finish(), 'compromise-after-brute-force');
    assert.equal(g.fingerprint, f.fingerprint, 'the first success stays the finding');
    assert.equal(g.evidence.successes, 2);
    assert.deepEqual(g.evidence.users, ['root', 'oracle']);
  });
});
