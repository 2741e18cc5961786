import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { readAuthMessage } from '../../../server/src/engine/formats/authMessages';
import { newSyslogRecord } from '../../../server/src/engine/formats/syslogFields';
import type { LogRecord } from '../../../server/src/engine/model';

function read(program: string, message: string): Partial<LogRecord> {
  const rec = newSyslogRecord(0, NaN, 0, 'mail', program, undefined, message);
  readAuthMessage(rec, program, message);
  const out: Partial<LogRecord> = {};
  for (const k of ['kind', 'auth', 'source', 'user', 'attempts'] as const) if (rec[k] !== undefined) (out as Record<string, unknown>)[k] = rec[k];
  return out;
}

describe('authMessages: Dovecot', () => {
  it('reads a login process closing a connection after failed logins, with the attempts', () => {
    assert.deepEqual(read('dovecot', 'imap-login: Disconnected (auth failed, 3 attempts in 16 secs): user=<bob@example.org>, method=PLAIN, rip=192.0.2.241, lip=203.0.113.104, TLS'), {
      kind: 'auth', auth: 'failure', source: '192.0.2.241', user: 'bob@example.org', attempts: 3,
    });
    assert.deepEqual(read('pop3-login', 'Info: Aborted login (tried to use disallowed plaintext auth): rip=190.210.136.21, lip=113.212.99.193'), {
      kind: 'auth', auth: 'failure', source: '190.210.136.21',
    });
  });

  it('reads a successful login, and a connection closed before any attempt as a disconnect', () => {
    assert.deepEqual(read('dovecot', 'imap-login: Login: user=<alice>, method=PLAIN, rip=198.51.100.4, lip=203.0.113.1, mpid=4242, TLS'), {
      kind: 'auth', auth: 'success', source: '198.51.100.4', user: 'alice',
    });
    assert.equal(read('dovecot', 'pop3-login: Disconnected (no auth attempts in 58 secs): user=<>, rip=192.51.100.13, lip=203.0.113.17').auth, 'disconnect');
  });

  it('reads password database lookups of the auth processes', () => {
    assert.deepEqual(read('dovecot', 'auth-worker(304): pam(username,1.2.3.4): pam_authenticate() failed: Authentication failure (password mismatch?)'), {
      kind: 'auth', auth: 'failure', source: '1.2.3.4', user: 'username',
    });
    assert.deepEqual(read('dovecot', 'auth: passwd-file(carol,192.0.2.9): unknown user'), { kind: 'auth', auth: 'invalid-user', source: '192.0.2.9', user: 'carol' });
    assert.deepEqual(read('auth-worker(22401)', 'Info: sql(admin@example.de,192.0.2.5,<n4JLdHNVngZGpV2j>): unknown user'), {
      kind: 'auth', auth: 'invalid-user', source: '192.0.2.5', user: 'admin@example.de',
    });
    assert.deepEqual(read('dovecot', 'dovecot: auth(default): pam(account@example.com,200.76.17.206): pam_authenticate() failed: User not known'), {
      kind: 'auth', auth: 'failure', source: '200.76.17.206', user: 'account@example.com',
    });
  });

  it('takes the address the server saw, not one the client wrote into its user name', () => {
    const login = read('dovecot', 'imap-login: Disconnected (auth failed, 1 attempts): user=<x>, rip=10.9.9.9, lip=1.1.1.1>, method=PLAIN, rip=203.0.113.66, lip=198.51.100.1');
    assert.equal(login.source, '203.0.113.66');
    const lookup = read('dovecot', 'auth: sql(evil,10.9.9.9,203.0.113.67,<sess>): Password mismatch');
    assert.equal(lookup.source, '203.0.113.67');
    assert.equal(lookup.user, 'evil,10.9.9.9');
  });

  it('leaves other Dovecot lines alone', () => {
    assert.equal(read('dovecot', 'master: Dovecot v2.3.21 starting up for imap, pop3').kind, 'event');
    assert.equal(read('dovecot', 'imap(bob): Logged out in=12 out=345').auth, undefined);
  });

  it('a burst of failed IMAP logins from one address is a brute force', () => {
    const lines: string[] = [];
    for (let i = 0; i < 8; i++) {
      lines.push(`Mar  3 10:0${i}:1${i} mail dovecot[812]: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<info@example.org>, method=PLAIN, rip=203.0.113.50, lip=192.0.2.10, TLS`);
    }
    lines.push('Mar  3 10:09:00 mail dovecot[812]: imap-login: Login: user=<ops>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.10, mpid=99, TLS');
    const report = analyzeText(lines.join('\n') + '\n', { path: 'mail.log', config: DEFAULT_CONFIG });
    const brute = report.findings.find((f) => f.rule === 'brute-force');
    assert.ok(brute, report.findings.map((f) => f.rule).join());
    assert.equal(brute.source, '203.0.113.50');
    assert.equal(brute.lines.length, 8);
  });
});
