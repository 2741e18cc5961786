import * as assert from 'node:assert/strict';
import { AuthMessageReader, normalizeAddress, readAuthMessage } from '../../../server/src/engine/formats/authMessages';
import { newSyslogRecord } from '../../../server/src/engine/formats/syslogFields';
import type { LogRecord } from '../../../server/src/engine/model';

/** Reads one message of `program` on its own (no memory of other lines). */
function read(program: string | undefined, message: string): LogRecord {
  const rec = newSyslogRecord(0, NaN, 0, 'host', program, undefined, message);
  readAuthMessage(rec, program, message);
  return rec;
}

/** The fields a test cares about, without the undefined ones. */
function fields(rec: LogRecord, keys: (keyof LogRecord)[] = ['kind', 'auth', 'source', 'user', 'attempts']): Partial<LogRecord> {
  const out: Partial<LogRecord> = {};
  for (const k of keys) if (rec[k] !== undefined) (out as Record<string, unknown>)[k] = rec[k];
  return out;
}

/** Feeds (pid, message) pairs of sshd through one reader, as lines of one file. */
function readSshd(lines: [string, string][], host = 'srv'): LogRecord[] {
  const reader = new AuthMessageReader();
  return lines.map(([pid, message], i) => {
    const rec = newSyslogRecord(i, NaN, 0, host, 'sshd', undefined, message);
    reader.read(rec, 'sshd', pid, message);
    return rec;
  });
}

const isFailure = (r: LogRecord) => r.auth === 'failure' || r.auth === 'invalid-user';

describe('authMessages: sshd', () => {
  it('reads password, keyboard-interactive, hostbased and unknown-method failures', () => {
    assert.deepEqual(fields(read('sshd', 'Failed password for root from 203.0.113.7 port 38016 ssh2')), {
      kind: 'auth', auth: 'failure', source: '203.0.113.7', user: 'root',
    });
    assert.deepEqual(fields(read('sshd', 'Failed keyboard-interactive/pam for invalid user jamedds from 205.186.180.77 port 33723 ssh2')), {
      kind: 'auth', auth: 'invalid-user', source: '205.186.180.77', user: 'jamedds',
    });
    assert.deepEqual(fields(read('sshd', 'Failed hostbased for dan from 127.0.0.1 port 45785 ssh2: RSA 8c:e3:aa, client user "dan"')), {
      kind: 'auth', auth: 'failure', source: '127.0.0.1', user: 'dan',
    });
    assert.equal(read('sshd', 'Failed unknown for invalid user redmond from 192.0.2.1 port 59197 ssh2').auth, 'invalid-user');
    // Without port and protocol, and Solaris' hidden user name
    assert.deepEqual(fields(read('sshd', 'Failed password for invalid user ROOT from aaaa:bbbb:cccc:1234::1:1')), {
      kind: 'auth', auth: 'invalid-user', source: 'aaaa:bbbb:cccc:1234::1:1', user: 'ROOT',
    });
    assert.deepEqual(fields(read('sshd', 'Failed keyboard-interactive for <invalid username> from 205.186.180.55 port 42742 ssh2')), {
      kind: 'auth', auth: 'invalid-user', source: '205.186.180.55',
    });
  });

  it('takes the real address when the user name carries a fake "from …"', () => {
    const a = read('sshd', 'Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2');
    assert.deepEqual(fields(a, ['source', 'user']), { source: '127.0.0.1', user: 'from 10.10.1.1' });
    const b = read('sshd', 'Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 127.0.0.1 port 58946 ssh2');
    assert.deepEqual(fields(b, ['source', 'user']), { source: '127.0.0.1', user: 'test from 10.10.1.2 port 55555 ssh2' });
    // After ": " comes sshd's auth info, not the address
    const c = read('sshd', 'Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2');
    assert.equal(c.source, '127.0.0.1');
    const d = read('sshd', 'Invalid user x from 6.6.6.6 from 192.0.2.9 port 22');
    assert.deepEqual(fields(d, ['auth', 'source', 'user']), { auth: 'invalid-user', source: '192.0.2.9', user: 'x from 6.6.6.6' });
  });

  it('does not count a refused public key or "none" probe of an existing account, but does for an invalid user', () => {
    const key = read('sshd', 'Failed publickey for git from 192.0.2.1 port 57904 ssh2: ECDSA 0e:ff:xx');
    assert.deepEqual(fields(key), { kind: 'auth', source: '192.0.2.1', user: 'git' });
    assert.equal(read('sshd', 'Failed none for root from 192.0.2.1 port 57904 ssh2').auth, undefined);
    assert.equal(read('sshd', 'Failed none for invalid user admin from 192.0.2.1 port 57904 ssh2').auth, 'invalid-user');
    assert.equal(read('sshd', 'Failed publickey for invalid user graysky from 127.0.0.1 port 37954 ssh2: RSA SHA256:v3').auth, 'invalid-user');
  });

  it('reads invalid users, with and without port, and an empty user name', () => {
    assert.deepEqual(fields(read('sshd', 'Invalid user webmaster from 173.234.31.186')), {
      kind: 'auth', auth: 'invalid-user', source: '173.234.31.186', user: 'webmaster',
    });
    assert.deepEqual(fields(read('sshd', 'Invalid user  from 192.0.2.68 port 34916')), {
      kind: 'auth', auth: 'invalid-user', source: '192.0.2.68', user: '',
    });
    assert.equal(read('sshd', 'Illegal user test from 10.0.0.1').auth, 'invalid-user');
  });

  it('treats echoes of a failure logged elsewhere as auth lines without a verdict', () => {
    const echo = read('sshd', 'input_userauth_request: invalid user webmaster [preauth]');
    assert.deepEqual(fields(echo), { kind: 'auth', user: 'webmaster' });
    const pam = read('sshd', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=183.62.140.253  user=root');
    assert.deepEqual(fields(pam), { kind: 'auth', source: '183.62.140.253', user: 'root' });
    const summary = read('sshd', 'PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=112.95.230.3  user=root');
    assert.deepEqual(fields(summary), { kind: 'auth', source: '112.95.230.3', user: 'root', attempts: 5 });
    const helper = read('sshd', 'Disconnecting invalid user xxx 192.0.2.7 port 49941: Too many authentication failures [preauth]');
    assert.deepEqual(fields(helper), { kind: 'auth', auth: 'disconnect', source: '192.0.2.7', user: 'xxx' });
  });

  it('reads PAM errors, max-tries, disallowed users, refused root logins and tcp_wrappers refusals as failures', () => {
    assert.deepEqual(fields(read('sshd', 'error: PAM: Authentication failure for stefanor from example.com')), {
      kind: 'auth', auth: 'failure', source: 'example.com', user: 'stefanor',
    });
    assert.equal(read('sshd', 'error: PAM: authentication error for james from 205.186.180.101 via 192.168.1.201').source, '205.186.180.101');
    assert.deepEqual(
      fields(read('sshd', 'error: PAM: User not known to the underlying authentication module for illegal user kernelitshell from 10.215.4.227 ')),
      { kind: 'auth', auth: 'invalid-user', source: '10.215.4.227', user: 'kernelitshell' },
    );
    assert.deepEqual(fields(read('sshd', 'error: maximum authentication attempts exceeded for root from 61.0.0.1 port 49940 ssh2 [preauth]')), {
      kind: 'auth', auth: 'failure', source: '61.0.0.1', user: 'root',
    });
    assert.deepEqual(fields(read('sshd', 'User root from 46.45.128.3 not allowed because listed in DenyUsers')), {
      kind: 'auth', auth: 'failure', source: '46.45.128.3', user: 'root',
    });
    assert.deepEqual(fields(read('sshd', 'ROOT LOGIN REFUSED FROM ::ffff:1.2.3.4')), { kind: 'auth', auth: 'failure', source: '1.2.3.4', user: 'root' });
    assert.equal(read('sshd', 'refused connect from host.example (::ffff:218.249.210.161)').source, '218.249.210.161');
    assert.equal(read('sshd', 'error: Received disconnect from 10.0.0.1 port 7736:3: com.jcraft.jsch.JSchException: Auth fail [preauth]').auth, 'failure');
  });

  it('reads accepted logins, sessions and post-auth disconnects', () => {
    assert.deepEqual(fields(read('sshd', 'Accepted password for fztu from 119.137.62.142 port 49116 ssh2')), {
      kind: 'auth', auth: 'success', source: '119.137.62.142', user: 'fztu',
    });
    assert.deepEqual(fields(read('sshd', 'Accepted publickey for alice from 10.20.0.15 port 45114 ssh2: ED25519 SHA256:q3v8')), {
      kind: 'auth', auth: 'success', source: '10.20.0.15', user: 'alice',
    });
    assert.deepEqual(fields(read('sshd', 'pam_unix(sshd:session): session opened for user alice(uid=1001) by (uid=0)')), {
      kind: 'auth', auth: 'session-open', user: 'alice',
    });
    assert.deepEqual(fields(read('sshd', 'pam_unix(sshd:session): session closed for user fztu')), { kind: 'auth', auth: 'session-close', user: 'fztu' });
    assert.deepEqual(fields(read('sshd', 'Disconnected from user alice 10.20.0.15 port 45114')), {
      kind: 'auth', auth: 'session-close', source: '10.20.0.15', user: 'alice',
    });
    assert.deepEqual(fields(read('sshd', 'Received disconnect from 10.20.0.15 port 45114:11: disconnected by user')), { kind: 'event', source: '10.20.0.15' });
  });

  it('reads pre-auth disconnects and protocol garbage as disconnects (scanner noise, not failures)', () => {
    const cases: [string, string][] = [
      ['Did not receive identification string from 69.61.56.114', '69.61.56.114'],
      ['Did not receive identification string from 192.0.2.5 port 35836', '192.0.2.5'],
      ["Bad protocol version identification 'dummy' from 192.0.2.1' from 69.61.56.115 port 31778", '69.61.56.115'],
      ['Unable to negotiate with 192.0.2.1 port 55419: no matching cipher found. Their offer: aes256-cbc [preauth]', '192.0.2.1'],
      ['Received disconnect from 198.51.100.76 port 58846:11: Bye Bye [preauth]', '198.51.100.76'],
      ['error: Received disconnect from 127.0.0.1: 14: No supported authentication methods available [preauth]', '127.0.0.1'],
      ['Connection closed by authenticating user test 127.0.0.1 192.0.2.11 port 46039 [preauth]', '192.0.2.11'],
      ['Connection reset by 192.0.2.39 port 14282 [preauth]', '192.0.2.39'],
      ['Disconnected from invalid user admin 2001:db8::7 port 33553 [preauth]', '2001:db8::7'],
      ['fatal: Timeout before authentication for 192.0.2.14 port 55555', '192.0.2.14'],
      ['banner exchange: Connection from 192.0.2.12 port 44105: invalid format', '192.0.2.12'],
    ];
    for (const [message, source] of cases) {
      const r = read('sshd', message);
      assert.deepEqual([r.auth, r.source], ['disconnect', source], message);
    }
    // The user name of a closed pre-auth connection is the attacker's text before the address.
    assert.equal(read('sshd', 'Connection closed by authenticating user test 127.0.0.1 port 12345 192.0.2.11 port 46039 [preauth]').user, 'test 127.0.0.1 port 12345');
  });

  it('reads connection notices and DNS warnings as events naming the client', () => {
    assert.deepEqual(fields(read('sshd', 'Connection from 192.0.2.10 port 62004 on 192.0.2.10 port 22')), { kind: 'event', source: '192.0.2.10' });
    assert.deepEqual(
      fields(read('sshd', 'reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!')),
      { kind: 'event', source: '173.234.31.186' },
    );
    assert.deepEqual(
      fields(read('sshd', 'Address 1.2.3.4 maps to 1234.bbbbbb.com, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!')),
      { kind: 'event', source: '1.2.3.4' },
    );
    assert.deepEqual(fields(read('sshd', 'Server listening on 0.0.0.0 port 22.')), { kind: 'event' });
    assert.deepEqual(fields(read('sshd', 'Connection reset by peer')), { kind: 'event' });
  });

  it('puts failures stated without an address on the address the same sshd process named', () => {
    const [, , tooMany] = readSshd([
      ['26713', 'Connection from 115.249.163.77 port 51353'],
      ['26713', 'Failed publickey for root from 115.249.163.77 port 51353 ssh2: RSA 1e:fe'],
      ['26713', 'Disconnecting: Too many authentication failures for root [preauth]'],
    ]);
    assert.deepEqual(fields(tooMany), { kind: 'auth', auth: 'failure', source: '115.249.163.77', user: 'root' });

    // Address unknown yet: nothing now, the failure lands on the pid's next line with the address.
    const [locked, echo, bye] = readSshd([
      ['3719', 'User root not allowed because account is locked'],
      ['3719', 'input_userauth_request: invalid user root [preauth]'],
      ['3719', 'error: Received disconnect from 198.51.100.34: 11: Bye Bye [preauth]'],
    ]);
    assert.equal(isFailure(locked), false);
    assert.equal(isFailure(echo), false);
    assert.deepEqual(fields(bye), { kind: 'auth', auth: 'failure', source: '198.51.100.34', user: 'root' });

    // Another pid, or another host with the same pid, does not inherit it.
    const [, other] = readSshd([
      ['9148', 'Disconnecting: Too many authentication failures for root [preauth]'],
      ['7148', 'Connection closed by 61.0.0.1 [preauth]'],
    ]);
    assert.equal(other.auth, 'disconnect');
    const reader = new AuthMessageReader();
    const a = newSyslogRecord(0, NaN, 0, 'alpha', 'sshd', undefined, '');
    reader.read(a, 'sshd', '42', 'Disconnecting: Too many authentication failures [preauth]');
    const b = newSyslogRecord(1, NaN, 0, 'beta', 'sshd', undefined, '');
    reader.read(b, 'sshd', '42', 'Connection closed by 61.0.0.1 [preauth]');
    assert.equal(b.auth, 'disconnect');
  });

  it('gives lines without an address the address of their sshd process', () => {
    const [, , session] = readSshd([
      ['4101', 'Accepted password for alice from 10.20.0.15 port 45114 ssh2'],
      ['4102', 'Accepted password for bob from 10.20.0.16 port 45115 ssh2'],
      ['4101', 'pam_unix(sshd:session): session opened for user alice by (uid=0)'],
    ]);
    assert.deepEqual(fields(session), { kind: 'auth', auth: 'session-open', source: '10.20.0.15', user: 'alice' });
  });

  it('strips journald and Solaris decorations', () => {
    assert.equal(read('sshd', 'kernel:[  970.699396]: Failed password for admin from 192.0.2.10 port 42745 ssh2').source, '192.0.2.10');
    assert.equal(read('sshd', 'kernel: [  970.699397] Failed password for admin from 2001:db8::1 port 42746 ssh2').source, '2001:db8::1');
    assert.equal(read('sshd-session', 'Failed password for root from 192.0.2.1 port 56502 ssh2').auth, 'failure');
    assert.equal(read('/usr/sbin/sshd', 'Failed password for root from 192.0.2.1 port 56502 ssh2').auth, 'failure');
  });
});

describe('authMessages: PAM', () => {
  it('counts a failure of a service that does not log its own verdict, with rhost as source', () => {
    assert.deepEqual(fields(read('vsftpd', 'pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=an8767 rhost=www.google.com')), {
      kind: 'auth', auth: 'failure', source: 'www.google.com', user: 'an8767',
    });
    assert.equal(read('vsftpd', 'pam_unix: authentication failure; logname= uid=0 euid=0 tty=ftp ruser=an8767 rhost=192.0.2.4').auth, 'failure');
    assert.deepEqual(fields(read('login', 'pam_unix(login:auth): authentication failure; logname=LOGIN uid=0 euid=0 tty=/dev/tty1 ruser= rhost=  user=root')), {
      kind: 'auth', auth: 'failure', user: 'root',
    });
  });

  it('counts pre-0.99 Linux-PAM lines ("sshd(pam_unix)", "(pam_unix) …") whatever the service', () => {
    assert.deepEqual(fields(read('sshd(pam_unix)', 'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ')), {
      kind: 'auth', auth: 'failure', source: '218.188.2.4',
    });
    assert.deepEqual(
      fields(read('sshd', '(pam_unix) authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=71-13-115-12.static.mdsn.wi.charter.com  user=root')),
      { kind: 'auth', auth: 'failure', source: '71-13-115-12.static.mdsn.wi.charter.com', user: 'root' },
    );
    assert.deepEqual(fields(read('su(pam_unix)', 'session opened for user news by (uid=0)')), { kind: 'auth', auth: 'session-open', user: 'news' });
    assert.equal(read('sshd(pam_unix)', 'check pass; user unknown').auth, undefined);
  });

  it('takes the rhost that ends the fields, whatever the user names inject', () => {
    const a = read('daemon', 'pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser=test rhost=192.0.2.151 rhost=192.0.2.1');
    assert.deepEqual(fields(a, ['source', 'user']), { source: '192.0.2.1', user: 'test rhost=192.0.2.151' });
    const b = read('daemon', 'pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser= rhost=192.0.2.2 user=test rhost=192.0.2.152');
    assert.deepEqual(fields(b, ['source', 'user']), { source: '192.0.2.2', user: 'test rhost=192.0.2.152' });
  });

  it('leaves cron sessions alone', () => {
    assert.deepEqual(fields(read('CRON', 'pam_unix(cron:session): session opened for user root by (uid=0)')), { kind: 'event' });
  });
});

describe('authMessages: dropbear', () => {
  it('reads bad passwords, unknown users, max-tries exits and successes', () => {
    assert.deepEqual(fields(read('dropbear', "Bad password attempt for 'root' from 1.2.3.4:60588")), {
      kind: 'auth', auth: 'failure', source: '1.2.3.4', user: 'root',
    });
    assert.deepEqual(fields(read('dropbear', 'Login attempt for nonexistent user from ::ffff:198.51.100.215:60495')), {
      kind: 'auth', auth: 'invalid-user', source: '198.51.100.215',
    });
    assert.deepEqual(fields(read('dropbear', "Exit before auth (user 'root', 10 fails): Max auth tries reached - user 'root' from 1.2.3.4:60588")), {
      kind: 'auth', auth: 'failure', source: '1.2.3.4', user: 'root',
    });
    assert.deepEqual(fields(read('dropbear', "[825] Jul 10 23:57:29 Exit before auth from <192.0.2.3:52289>: (user 'root', 10 fails): Max auth tries reached - user 'root'")), {
      kind: 'auth', auth: 'failure', source: '192.0.2.3', user: 'root',
    });
    assert.deepEqual(fields(read('dropbear', "Password auth succeeded for 'alice' from 10.0.0.5:50022")), {
      kind: 'auth', auth: 'success', source: '10.0.0.5', user: 'alice',
    });
    assert.equal(read('dropbear', 'Exit before auth from <192.0.2.3:52289>: Exited normally').auth, 'disconnect');
  });
});

describe('authMessages: su and sudo', () => {
  it('reads su failures, successes and leaves its PAM echo without a verdict', () => {
    assert.deepEqual(fields(read('su', 'FAILED SU (to root) alice on /dev/pts/0')), { kind: 'auth', auth: 'failure', user: 'alice' });
    assert.deepEqual(fields(read('su', 'FAILED su for root by bob')), { kind: 'auth', auth: 'failure', user: 'bob' });
    assert.deepEqual(fields(read('su', '(to root) alice on pts/0')), { kind: 'auth', auth: 'privilege', user: 'alice' });
    const pam = read('su', 'pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root');
    assert.deepEqual(fields(pam), { kind: 'auth', user: 'root' });
  });

  it('reads sudo commands, wrong passwords (with their count) and refusals', () => {
    assert.deepEqual(fields(read('sudo', 'timstack : TTY=pts/6 ; PWD=/auto/wstimstack ; USER=root ; COMMAND=/usr/bin/tail /var/log/messages')), {
      kind: 'auth', auth: 'privilege', user: 'timstack',
    });
    assert.deepEqual(fields(read('sudo', '   alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh')), { kind: 'auth', auth: 'privilege', user: 'alice' });
    assert.deepEqual(fields(read('sudo', 'mallory : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash')), {
      kind: 'auth', auth: 'failure', user: 'mallory', attempts: 3,
    });
    assert.deepEqual(fields(read('sudo', 'eve : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/cat /etc/shadow')), {
      kind: 'auth', auth: 'failure', user: 'eve',
    });
    assert.equal(read('sudo', 'pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)').auth, 'session-open');
    assert.equal(read('sudo', 'pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice').auth, undefined);
  });
});

describe('authMessages: packet filters', () => {
  const ufw =
    '[242146.000000] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.235 DST=192.0.2.5 LEN=44 TOS=0x00 PREC=0x00 TTL=99 ID=30185 PROTO=TCP SPT=38465 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0';

  it('reads UFW blocks with every field', () => {
    assert.deepEqual(fields(read('kernel', ufw), ['kind', 'source', 'destination', 'destinationPort', 'protocol', 'action']), {
      kind: 'firewall', source: '198.51.100.235', destination: '192.0.2.5', destinationPort: 23, protocol: 'TCP', action: 'block',
    });
  });

  it('tells allow, audit (no verdict) and iptables prefixes apart', () => {
    assert.equal(read('kernel', ufw.replace('UFW BLOCK', 'UFW ALLOW')).action, 'allow');
    const audit = read('kernel', ufw.replace('UFW BLOCK', 'UFW AUDIT'));
    assert.deepEqual([audit.kind, audit.action], ['firewall', undefined]);
    const drop = read('kernel', 'IPTABLES-DROP: IN=eth0 OUT= SRC=203.0.113.9 DST=10.0.0.2 LEN=60 PROTO=UDP SPT=5353 DPT=161 LEN=40');
    assert.deepEqual(fields(drop, ['kind', 'source', 'destination', 'destinationPort', 'protocol', 'action']), {
      kind: 'firewall', source: '203.0.113.9', destination: '10.0.0.2', destinationPort: 161, protocol: 'UDP', action: 'block',
    });
    const icmp = read('kernel', 'FINAL_REJECT: IN=eth0 OUT= SRC=2001:db8::9 DST=2001:db8::1 LEN=64 PROTO=ICMPv6 TYPE=128 CODE=0');
    assert.deepEqual(fields(icmp, ['source', 'destinationPort', 'protocol', 'action']), { source: '2001:db8::9', protocol: 'ICMPV6', action: 'block' });
    // UniFi names the verdict in the rule: D(rop), A(ccept)
    const unifi = read('LAN_IN-D-4001', 'DESCR="no rule description" IN=br96 OUT=tlprt0 SRC=192.168.96.10 DST=192.168.2.1 LEN=40 PROTO=TCP SPT=808 DPT=443');
    assert.equal(unifi.action, 'block');
  });

  it('leaves other kernel lines and lines that only mention SRC= as events', () => {
    assert.equal(read('kernel', 'Linux version 2.6.5-1.358 (bhcompile@bugs.build.redhat.com)').kind, 'event');
    assert.equal(read('myapp', 'copy SRC=/tmp/a to /tmp/b').kind, 'event');
  });
});

describe('authMessages: repeats and addresses', () => {
  it('expands "message repeated N times: [ … ]" into attempts', () => {
    const reader = new AuthMessageReader();
    const rec = newSyslogRecord(0, NaN, 0, 'LabSZ', 'sshd', undefined, '');
    reader.read(rec, 'sshd', '24200', 'message repeated 5 times: [ Failed password for root from 183.62.140.253 port 49211 ssh2]');
    assert.deepEqual(fields(rec), { kind: 'auth', auth: 'failure', source: '183.62.140.253', user: 'root', attempts: 5 });
  });

  it('repeats the previous line for "last message repeated N times"', () => {
    const reader = new AuthMessageReader();
    const first = newSyslogRecord(0, NaN, 0, 'h', 'sudo', undefined, '');
    reader.read(first, 'sudo', undefined, 'mallory : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh');
    const again = newSyslogRecord(1, NaN, 0, 'h', undefined, undefined, '');
    reader.read(again, undefined, undefined, 'last message repeated 2 times');
    assert.deepEqual(fields(again, ['kind', 'auth', 'user', 'attempts', 'program']), {
      kind: 'auth', auth: 'failure', user: 'mallory', attempts: 6, program: 'sudo',
    });
    const lone = newSyslogRecord(0, NaN, 0, 'h', undefined, undefined, '');
    new AuthMessageReader().read(lone, undefined, undefined, '--- last message repeated 2 times ---');
    assert.equal(lone.kind, 'event');
  });

  it('cuts user names from the client at 256 characters', () => {
    const huge = 'x'.repeat(100_000);
    assert.equal(read('sshd', `Failed password for invalid user ${huge} from 192.0.2.1 port 22 ssh2`).user!.length, 256);
    assert.equal(read('sshd', `Invalid user ${huge} from 192.0.2.1`).user!.length, 256);
    assert.equal(read('dropbear', `Bad password attempt for '${huge}' from 192.0.2.1:22`).user!.length, 256);
  });

  it('normalises IPv4-mapped IPv6 addresses only', () => {
    assert.equal(normalizeAddress('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(normalizeAddress('::FFFF:10.1.2.3'), '10.1.2.3');
    assert.equal(normalizeAddress('::ffff:abcd'), '::ffff:abcd');
    assert.equal(normalizeAddress('2001:db8::1'), '2001:db8::1');
  });
});
