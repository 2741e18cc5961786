import assert from 'node:assert/strict';
import { createOffHoursDetector, describeHours, isAdminUse } from '../../../server/src/engine/detect/offHours';
import { createBruteForceDetector } from '../../../server/src/engine/detect/bruteForce';
import type { Finding, LogRecord } from '../../../server/src/engine/model';
import { at, config, Harness, LogBuilder, MS, ofRule } from './records';

const SAT_NIGHT = at('2024-03-09T02:14:00Z'); // Saturday
const TUE_EVENING = at('2024-03-05T19:30:00Z'); // Tuesday
const TUE_NOON = at('2024-03-05T12:00:00Z');
const ADMIN_IP = '203.0.113.9';

function run(log: LogBuilder, cfg = config()): Finding[] {
  return ofRule(new Harness([createOffHoursDetector], cfg).feed(log.fed).finish(), 'off-hours');
}

describe('off-hours detector', () => {
  it('reports root logins on a Saturday night with the times on the log clock', () => {
    const log = new LogBuilder();
    log.accepted(SAT_NIGHT, 100, ADMIN_IP, 'root');
    log.accepted(SAT_NIGHT + 9 * MS.m, 101, ADMIN_IP, 'root');
    log.accepted(SAT_NIGHT + 17 * MS.m, 102, ADMIN_IP, 'root');
    const [f, ...rest] = run(log);
    assert.equal(rest.length, 0);
    assert.equal(f.source, ADMIN_IP);
    assert.equal(f.user, 'root');
    assert.deepEqual(f.attack, ['T1078']);
    assert.deepEqual(f.lines, [1, 2, 3]);
    assert.equal(f.line, 1);
    assert.equal(
      f.message,
      '3 successful logins for root from 203.0.113.9 outside working hours (Sat 02:14–02:31, log clock); working hours Mon–Fri 08–18',
    );
    assert.equal(f.title, 'Off-hours login as root from 203.0.113.9');
    assert.ok(f.confidence >= 0.45 && f.confidence < 0.6, `medium, got ${f.confidence}`);
  });

  it('stays quiet on daytime logins', () => {
    const log = new LogBuilder();
    for (let i = 0; i < 10; i++) log.accepted(TUE_NOON + i * 20 * MS.m, 200 + i, ADMIN_IP, 'root');
    log.accepted(at('2024-03-05T08:00:00Z'), 300, ADMIN_IP, 'alice'); // start hour is inside
    log.accepted(at('2024-03-05T17:59:59Z'), 301, ADMIN_IP, 'alice');
    assert.deepEqual(run(log), []);
  });

  it('stays quiet on night-time anonymous browsing, including admin-area assets and redirects', () => {
    const log = new LogBuilder();
    const visitors = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
    let t = SAT_NIGHT;
    for (const v of visitors) {
      for (const [method, path, status] of [
        ['GET', '/', 200],
        ['GET', '/blog/2024/03/hello-world/', 200],
        ['GET', '/wp-admin/', 302], // anonymous: redirected to the login page
        ['GET', '/wp-login.php', 200],
        ['POST', '/wp-admin/admin-ajax.php', 200], // the public AJAX endpoint
        ['GET', '/wp-admin/css/login.min.css', 200],
        ['GET', '/admin/login/', 200],
        ['GET', '/actuator/health', 200],
        ['GET', '/admin/settings', 404],
      ] as const) {
        log.http((t += 7 * MS.s), v, method, path, status);
      }
    }
    assert.deepEqual(run(log), []);
  });

  it('counts successful admin-area requests at night, one visit per half hour', () => {
    const log = new LogBuilder();
    for (let i = 0; i < 6; i++) log.http(SAT_NIGHT + i * 30 * MS.s, ADMIN_IP, 'GET', '/wp-admin/edit.php', 200);
    log.http(SAT_NIGHT + 4 * MS.m, ADMIN_IP, 'POST', '/wp-admin/post.php', 302);
    const [f] = run(log);
    assert.equal(f.evidence.adminRequests, 7);
    assert.equal(f.evidence.adminVisits, 1);
    assert.match(f.message, /^7 admin-area requests from 203\.0\.113\.9 outside working hours \(Sat 02:14–02:18, log clock\)/);
    assert.equal(f.user, undefined);
  });

  it('counts sudo by a person and interactive su, not cron, systemd or root automation', () => {
    const log = new LogBuilder();
    const night = at('2024-03-06T03:10:00Z'); // Wednesday, deep night
    log.auth(night, 'CRON', 500, 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)', { auth: 'session-open', user: 'root' });
    log.auth(night, 'systemd-logind', 1, 'New session 5 of user deploy.', { auth: 'session-open', user: 'deploy' });
    log.auth(night, 'sshd', 501, 'pam_unix(sshd:session): session opened for user bob(uid=1000) by (uid=0)', { auth: 'session-open', user: 'bob' });
    log.auth(night, 'su', 502, 'pam_unix(su:session): session opened for user nobody(uid=65534) by (uid=0)', { auth: 'session-open', user: 'nobody' });
    log.auth(night, 'sudo', 503, 'root : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/sbin/logrotate', { auth: 'privilege', user: 'root' });
    assert.deepEqual(run(log), [], 'automation only');
    log.auth(night + MS.m, 'sudo', 504, 'bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash', { auth: 'privilege', user: 'bob' });
    log.auth(night + 2 * MS.m, 'su', 505, 'pam_unix(su:session): session opened for user root(uid=0) by bob(uid=1000)', { auth: 'session-open', user: 'root' });
    // Debian's su writes "(to root) bob on pts/0" too: the same action, counted once.
    log.auth(night + 3 * MS.m, 'su', 506, '(to root) bob on pts/1', { auth: 'privilege', user: 'bob' });
    log.auth(night + 3 * MS.m, 'su', 506, 'pam_unix(su:session): session opened for user root(uid=0) by bob(uid=1000)', { auth: 'session-open', user: 'root' });
    const found = run(log);
    assert.deepEqual(found.map((f) => [f.user, f.evidence.events]).sort(), [['bob', 2], ['root', 1]]);
    const bob = found.find((f) => f.user === 'bob')!;
    assert.match(bob.message, /^2 privileged commands for bob outside working hours \(Wed 03:11–03:13, log clock\)/);
    assert.equal(bob.source, undefined);
  });

  it('places sudo/su at the address of the user\'s last login', () => {
    const log = new LogBuilder();
    log.accepted(SAT_NIGHT, 4144, '192.0.2.200', 'deploy');
    log.auth(SAT_NIGHT + MS.m, 'su', 7001, '(to root) deploy on pts/0', { auth: 'privilege', user: 'deploy' });
    log.auth(SAT_NIGHT + MS.m, 'su', 7001, 'pam_unix(su:session): session opened for user root(uid=0) by deploy(uid=1005)', { auth: 'session-open', user: 'root' });
    log.auth(SAT_NIGHT + 20 * MS.h, 'sudo', 7002, 'deploy : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls', { auth: 'privilege', user: 'deploy' });
    const found = run(log);
    assert.deepEqual(found.map((f) => [f.source, f.user, f.evidence.events]).sort(), [
      ['192.0.2.200', 'deploy', 2],
      [undefined, 'deploy', 1], // 20 hours later is no longer that session
    ].sort());
    const session = found.find((f) => f.source === '192.0.2.200')!;
    assert.equal(session.evidence.eventsPlacedByLogin, 1);
    assert.match(session.message, /^1 successful login and 1 privileged command for deploy from 192\.0\.2\.200/);
  });

  it('keeps a single evening login low and grows with count, privileged accounts, deep night, weekend and brute force', () => {
    const conf = (times: number[], user: string, earlierBruteForce = false): number => {
      const log = new LogBuilder();
      if (earlierBruteForce) for (let i = 0; i < 10; i++) log.failedPassword(times[0] - MS.h + i * MS.s, 900 + i, ADMIN_IP, 'root');
      times.forEach((t, i) => log.accepted(t, 100 + i, ADMIN_IP, user));
      const all = new Harness([createBruteForceDetector, createOffHoursDetector]).feed(log.fed).finish();
      return ofRule(all, 'off-hours')[0].confidence;
    };
    const evening = conf([TUE_EVENING], 'alice');
    const deepNight = conf([at('2024-03-05T03:00:00Z')], 'alice');
    const weekendDay = conf([at('2024-03-09T14:00:00Z')], 'alice');
    const several = conf([0, 1, 2, 3, 4].map((i) => TUE_EVENING + i * MS.h), 'alice');
    const root = conf([TUE_EVENING], 'root');
    const afterBruteForce = conf([TUE_EVENING], 'root', true);
    assert.ok(evening >= 0.25 && evening < 0.35, `a single evening login is low, got ${evening}`);
    assert.ok(deepNight > weekendDay && weekendDay > evening);
    assert.ok(several > evening);
    assert.ok(root > evening);
    assert.ok(afterBruteForce > root + 0.2);
  });

  it('reports each (source, user) separately with distinct fingerprints', () => {
    const log = new LogBuilder();
    log.accepted(SAT_NIGHT, 1, ADMIN_IP, 'root');
    log.accepted(SAT_NIGHT + MS.m, 2, ADMIN_IP, 'deploy');
    log.accepted(SAT_NIGHT + 2 * MS.m, 3, '203.0.113.10', 'root');
    const found = run(log);
    assert.equal(found.length, 3);
    assert.equal(new Set(found.map((f) => f.fingerprint)).size, 3);
  });

  it('judges by the configured zone when one is set', () => {
    const log = new LogBuilder();
    log.accepted(at('2024-03-04T14:00:00Z'), 1, ADMIN_IP, 'alice'); // Monday 14:00 UTC = 23:00 in Tokyo
    assert.deepEqual(run(log), []);
    const [f] = run(log, config({ workingHours: { timezone: 'Asia/Tokyo' } }));
    assert.match(f.message, /\(Mon 23:00, Asia\/Tokyo\); working hours Mon–Fri 08–18$/);
  });

  it('respects minEvents, the allowlist and other working hours', () => {
    const log = new LogBuilder();
    log.accepted(SAT_NIGHT, 1, ADMIN_IP, 'root');
    assert.equal(run(log).length, 1);
    assert.deepEqual(run(log, config({ rules: { 'off-hours': { minEvents: 2 } } })), []);
    assert.deepEqual(run(log, config({ allowlist: ['203.0.113.0/28'] })), []);
    assert.deepEqual(run(log, config({ workingHours: { start: 0, end: 24, days: [0, 1, 2, 3, 4, 5, 6] } })), []);
    assert.equal(describeHours({ start: 9, end: 17, days: [1, 3, 5], timezone: 'log' }), 'Mon, Wed, Fri 09–17');
  });

  it('gives the same answer when finished twice and follows appended lines', () => {
    const log = new LogBuilder();
    log.accepted(SAT_NIGHT, 1, ADMIN_IP, 'root');
    const h = new Harness([createOffHoursDetector]).feed(log.fed);
    const a = h.finish();
    assert.deepEqual(h.finish(), a);
    const from = log.lineCount;
    log.accepted(SAT_NIGHT + 30 * MS.m, 2, ADMIN_IP, 'root');
    h.feed(log.since(from));
    const [b] = h.finish();
    assert.equal(b.evidence.logins, 2);
    assert.equal(b.fingerprint, a[0].fingerprint);
    assert.ok(b.confidence > a[0].confidence);
  });

  it('classifies admin-area use', () => {
    const rec = (method: string, path: string, status: number, user?: string): LogRecord => ({
      line: 0,
      kind: 'http',
      time: 0,
      offsetMinutes: 0,
      method,
      path,
      status,
      ...(user ? { user } : {}),
    });
    assert.ok(isAdminUse(rec('GET', '/phpmyadmin/sql.php', 200)));
    assert.ok(isAdminUse(rec('GET', '/manager/html', 200)));
    assert.ok(isAdminUse(rec('GET', '/admin', 302, 'alice')));
    assert.ok(!isAdminUse(rec('GET', '/admin', 302)));
    assert.ok(!isAdminUse(rec('GET', '/administration-guide.html', 200)));
    assert.ok(!isAdminUse(rec('GET', '/actuator/prometheus', 200)));
    assert.ok(isAdminUse(rec('GET', '/actuator/env', 200)));
  });
});
