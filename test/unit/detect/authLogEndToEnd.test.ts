/**
 * The four authentication and firewall rules on a realistic auth.log, end to end: the syslog
 * parser reads the lines, the analyzer feeds the detectors and finishes them in rule order.
 */
import assert from 'node:assert/strict';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { config } from './records';
import type { Finding } from '../../../server/src/engine/model';

const HOST = 'bastion';

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** "Mar  9 02:14:05" for seconds after 02:00:00 on Saturday 9 March. */
function stamp(secondsAfter2am: number, hour = 2): string {
  const s = hour * 3600 + secondsAfter2am;
  return `Mar  9 ${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

function buildAuthLog(): string {
  const out: string[] = [];
  const line = (t: number, prog: string, msg: string, hour = 2): void => {
    out.push(`${stamp(t, hour)} ${HOST} ${prog}: ${msg}`);
  };
  // Friday daytime would be working hours; this log is a Saturday. Nightly cron runs.
  line(0, 'CRON[31001]', 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)', 1);
  line(1, 'CRON[31001]', 'pam_unix(cron:session): session closed for user root', 1);

  // carol mistypes twice, then gets in (she is on call).
  line(30, 'sshd[31010]', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.40  user=carol', 1);
  line(32, 'sshd[31010]', 'Failed password for carol from 198.51.100.40 port 50122 ssh2', 1);
  line(39, 'sshd[31010]', 'Failed password for carol from 198.51.100.40 port 50122 ssh2', 1);
  line(45, 'sshd[31010]', 'Accepted password for carol from 198.51.100.40 port 50122 ssh2', 1);
  line(45, 'sshd[31010]', 'pam_unix(sshd:session): session opened for user carol(uid=1003) by (uid=0)', 1);

  // 203.0.113.7 guesses root's password: one connection per attempt, some with retries.
  let pid = 32000;
  let t = 14 * 60;
  for (let i = 0; i < 24; i++) {
    pid++;
    const port = 40000 + i * 7;
    line(t, `sshd[${pid}]`, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root`);
    line(t + 2, `sshd[${pid}]`, `Failed password for root from 203.0.113.7 port ${port} ssh2`);
    if (i % 6 === 5) {
      line(t + 6, `sshd[${pid}]`, `message repeated 2 times: [ Failed password for root from 203.0.113.7 port ${port} ssh2]`);
      line(t + 6, `sshd[${pid}]`, `error: maximum authentication attempts exceeded for root from 203.0.113.7 port ${port} ssh2 [preauth]`);
      line(t + 6, `sshd[${pid}]`, `Disconnecting authenticating user root 203.0.113.7 port ${port}: Too many authentication failures [preauth]`);
      line(t + 6, `sshd[${pid}]`, `PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root`);
      t += 8;
    } else {
      line(t + 3, `sshd[${pid}]`, `Connection closed by authenticating user root 203.0.113.7 port ${port} [preauth]`);
      t += 4;
    }
  }
  // ... and gets in.
  pid++;
  line(t + 30, `sshd[${pid}]`, `Accepted password for root from 203.0.113.7 port 40999 ssh2`);
  line(t + 30, `sshd[${pid}]`, `pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)`);

  // 198.51.100.23 sprays common account names, one try each.
  const names = ['admin', 'oracle', 'test', 'ubuntu', 'postgres', 'git', 'ftpuser', 'deploy'];
  t = 20 * 60;
  for (const name of names) {
    pid++;
    line(t, `sshd[${pid}]`, `Invalid user ${name} from 198.51.100.23 port ${51000 + pid % 1000}`);
    line(t, `sshd[${pid}]`, `input_userauth_request: invalid user ${name} [preauth]`);
    line(t, `sshd[${pid}]`, `pam_unix(sshd:auth): check pass; user unknown`);
    line(t, `sshd[${pid}]`, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.23`);
    line(t + 2, `sshd[${pid}]`, `Failed password for invalid user ${name} from 198.51.100.23 port ${51000 + pid % 1000} ssh2`);
    line(t + 2, `sshd[${pid}]`, `Received disconnect from 198.51.100.23 port ${51000 + pid % 1000}:11: Bye Bye [preauth]`);
    t += 11;
  }

  // UFW: 192.0.2.150 sweeps ports; 192.0.2.200 keeps knocking on telnet.
  const ufw = (at: number, src: string, dport: number, spt = 61000): void =>
    line(
      at,
      'kernel',
      `[8812.${two(dport % 100)}1234] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${src} DST=10.0.0.5 LEN=44 TOS=0x00 PREC=0x00 TTL=51 ID=54321 PROTO=TCP SPT=${spt} DPT=${dport} WINDOW=1024 RES=0x00 SYN URGP=0`,
    );
  const scanned = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1723, 3306, 3389, 5432, 5900, 6379, 8080, 8443];
  scanned.forEach((p, i) => ufw(30 * 60 + i * 2, '192.0.2.150', p));
  for (let i = 0; i < 40; i++) ufw(30 * 60 + i * 5, '192.0.2.200', 23, 40000 + i);

  return out.join('\n') + '\n';
}

export { buildAuthLog };

describe('auth.log end to end (syslog parser + analyzer + rules)', () => {
  const report = analyzeText(buildAuthLog(), { path: 'auth.log', config: config({ referenceYear: 2024 }) });
  const of = (rule: Finding['rule']): Finding[] => report.findings.filter((f) => f.rule === rule);

  it('parses the log as syslog', () => {
    assert.equal(report.format, 'syslog');
    assert.equal(report.skipped, 0);
  });

  it('finds the root brute force and the password spraying, not the user who mistyped', () => {
    const bf = of('brute-force');
    assert.deepEqual(bf.map((f) => f.source).sort(), ['198.51.100.23', '203.0.113.7']);
    const root = bf.find((f) => f.source === '203.0.113.7')!;
    // 24 connections, 4 of them with two retries more: 32 password attempts.
    assert.equal(root.evidence.failures, 32);
    assert.deepEqual(root.attack, ['T1110.001']);
    assert.match(root.title, /^Brute force against ssh \(root\)$/);
    assert.ok(root.confidence >= 0.6, `got ${root.confidence}`);
    const spray = bf.find((f) => f.source === '198.51.100.23')!;
    assert.equal(spray.evidence.failures, 8);
    assert.deepEqual(spray.attack, ['T1110.003', 'T1110.001']);
    assert.equal(spray.evidence.distinctUsers, 8);
  });

  it('reports the login after the brute force as critical', () => {
    const [c, ...rest] = of('compromise-after-brute-force');
    assert.equal(rest.length, 0);
    assert.equal(c.source, '203.0.113.7');
    assert.equal(c.user, 'root');
    assert.equal(c.severity, 'critical');
    assert.match(c.message, /^Accepted login for root from 203\.0\.113\.7 at 02:\d\d:\d\d after 32 failures \(brute-force since 02:14\)/);
  });

  it('finds the port scan, not the repeated telnet knocks', () => {
    const [p, ...rest] = of('port-scan');
    assert.equal(rest.length, 0);
    assert.equal(p.source, '192.0.2.150');
    assert.equal(p.evidence.distinctPorts, 24);
    assert.match(p.message, /^192\.0\.2\.150 hit 24 distinct ports on 10\.0\.0\.5 in 46s \(21, 22, 23, 25, 53, 80, 110, 111, …\)/);
  });

  it('flags the Saturday-night logins, strongest for the brute-forced root, and not cron', () => {
    const off = of('off-hours');
    const root = off.find((f) => f.source === '203.0.113.7' && f.user === 'root');
    const carol = off.find((f) => f.user === 'carol');
    assert.ok(root && carol);
    assert.equal(root.evidence.bruteForceFromSource, true);
    assert.ok(root.confidence > carol.confidence);
    assert.ok(!off.some((f) => f.message.includes('cron')));
    assert.ok(off.every((f) => f.user !== undefined));
  });
});
