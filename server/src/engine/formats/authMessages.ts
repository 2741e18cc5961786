/**
 * What a syslog message says, given the program that wrote it: authentication events of
 * sshd, dropbear, PAM, su, sudo and Dovecot (dovecotMessages.ts), and packet-filter lines of the kernel (UFW, iptables,
 * netfilter). Both syslog parsers (RFC 3164 and RFC 5424) hand their (program, message)
 * pairs to an `AuthMessageReader`, which fills in the record's kind, auth event, source,
 * user, attempts and firewall fields.
 *
 * Which lines count as failures follows fail2ban's sshd, dropbear and pam-generic test
 * labels, which encode years of experience of what is and is not an attack:
 * - a line that only echoes a failure logged elsewhere is not a failure itself: PAM's
 *   "pam_unix(sshd:auth): authentication failure" (sshd logs "Failed password" for the same
 *   attempt), "input_userauth_request: invalid user", "PAM 2 more authentication failures"
 *   (a summary of attempts already logged) and the helper "Disconnecting … Too many
 *   authentication failures" that follows "maximum authentication attempts exceeded";
 * - "Failed publickey"/"Failed none" for an existing account is how a client probes its keys
 *   and methods, not a wrong password (fail2ban gh-1263);
 * - pre-auth disconnects and protocol garbage (no identification string, no matching cipher,
 *   connection reset) are `disconnect`, not failures: they are scanner noise that fail2ban
 *   only counts in its optional ddos/aggressive modes;
 * - old Linux-PAM (before 0.99, "sshd(pam_unix)[pid]:" or "(pam_unix) authentication
 *   failure") logged to messages while sshd's own lines went elsewhere, so there PAM's line
 *   is the only trace and counts.
 * sshd states some failures without the client address ("User root not allowed because
 * account is locked", "Disconnecting: Too many authentication failures"). The reader
 * remembers each sshd process's address and attributes such a failure to it — at once when
 * an earlier line of that pid named the address, else on the pid's next line that does.
 *
 * No regular expressions: every reader works with indexOf/startsWith and bounded character
 * scans, so each line costs time linear in its length whatever it contains.
 */
import type { AuthEvent, LogRecord } from '../model';
import { isDovecotProgram, readDovecot } from './dovecotMessages';

/** sshd processes remembered for address-less failures (oldest forgotten first). */
const MAX_SSH_SESSIONS = 10_000;
/** Longest address or host name taken (DNS names are at most 253 characters). */
const MAX_ADDRESS = 255;
/** Longest user name taken from free text where the end is not delimited. */
const MAX_USER = 256;

/** PAM services that log their own verdict lines, so PAM's failure line is only an echo. */
const ECHOING_SERVICES = new Set(['sshd', 'sshd-session', 'su', 'su-l', 'sudo', 'sudo-i']);
/** PAM services whose sessions are not logins. */
const NON_LOGIN_SERVICES = new Set(['cron', 'crond', 'CRON', 'atd', 'systemd-user', 'systemd', 'runuser', 'runuser-l']);

// ---------------------------------------------------------------------------------------
// Small scanners. Results of the last address read are left in `found` (no allocation for
// failed attempts).

const found = { address: '' };

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}

/** Characters of an IPv4/IPv6 address (with a zone) or a host name. */
function isAddressCode(c: number): boolean {
  return isAlnumCode(c) || c === 46 /* . */ || c === 58 /* : */ || c === 45 /* - */ || c === 95 /* _ */ || c === 37 /* % */;
}

/** "::ffff:1.2.3.4" (an IPv4 client on a dual-stack socket) is the IPv4 client. */
export function normalizeAddress(text: string): string {
  if (text.length > 7 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58 && text.slice(2, 7).toLowerCase() === 'ffff:' && text.indexOf('.', 7) > 0) {
    return text.slice(7);
  }
  return text;
}

/**
 * Reads an address or host name spanning exactly m[i, end) — or, with `end` = -1, the
 * address characters from i on. It must hold a '.' or ':' (so words like "peer" are not
 * taken) unless `anyName` is set (PAM's rhost= names any host). Sets `found` and returns the
 * index past it, or -1.
 */
function addressAt(m: string, i: number, end: number, anyName = false): number {
  let j = i;
  const limit = end < 0 ? m.length : end;
  let dotOrColon = false;
  while (j < limit && j - i <= MAX_ADDRESS) {
    const c = m.charCodeAt(j);
    if (!isAddressCode(c)) break;
    if (c === 46 || c === 58) dotOrColon = true;
    j++;
  }
  if (j === i || j - i > MAX_ADDRESS || (end >= 0 && j !== end)) return -1;
  const first = m.charCodeAt(i);
  if (!isAlnumCode(first) && first !== 58) return -1;
  if (!dotOrColon && !anyName) return -1;
  found.address = normalizeAddress(m.slice(i, j));
  return j;
}

/** Index past " port N" at i, or i when there is none. */
function skipPort(m: string, i: number): number {
  if (!m.startsWith(' port ', i)) return i;
  let j = i + 6;
  while (j < m.length && j - i < 12 && isDigitCode(m.charCodeAt(j))) j++;
  return j > i + 6 ? j : i;
}

/**
 * Reads "ADDR[ port N]" ending exactly at `end` (parsing backwards from the end, so text an
 * attacker put before it — a user name — cannot pose as the address). Sets `found` and returns
 * the index where ADDR starts, or -1.
 */
function tailAddress(m: string, end: number): number {
  let e = end;
  let k = e;
  while (k > 0 && e - k < 6 && isDigitCode(m.charCodeAt(k - 1))) k--;
  if (k < e && k >= 6 && m.startsWith(' port ', k - 6)) e = k - 6;
  if (e <= 0) return -1;
  const s = m.lastIndexOf(' ', e - 1) + 1;
  return addressAt(m, s, e) === e ? s : -1;
}

/** Number written at i (up to 9 digits), or -1. */
function numberAt(m: string, i: number): number {
  let n = 0;
  let j = i;
  while (j < m.length && j - i < 9 && isDigitCode(m.charCodeAt(j))) n = n * 10 + m.charCodeAt(j++) - 48;
  return j === i ? -1 : n;
}

/** m without trailing spaces. */
function trimEnd(m: string): string {
  let e = m.length;
  while (e > 0 && (m.charCodeAt(e - 1) === 32 || m.charCodeAt(e - 1) === 9)) e--;
  return e === m.length ? m : m.slice(0, e);
}

/**
 * The user name m[s, e), cut at MAX_USER characters: names come from the client, and a record
 * should not hold on to a megabyte line through one of its fields.
 */
function userAt(m: string, s: number, e: number = m.length): string {
  return m.slice(s, e - s > MAX_USER ? s + MAX_USER : e);
}

function setAuth(rec: LogRecord, auth: AuthEvent | undefined, user?: string): void {
  rec.kind = 'auth';
  if (auth !== undefined) rec.auth = auth;
  if (user !== undefined) rec.user = user;
}

function setSource(rec: LogRecord): void {
  rec.source = found.address;
}

// ---------------------------------------------------------------------------------------
// sshd

/** Returned by readers for a failure that sshd logged without the client address. */
const ADDRESSLESS_FAILURE = 1;

/** The last line read by readMethodFor: where METHOD is, the user, "invalid user". */
const methodLine = { methodStart: 0, methodEnd: 0, user: '', invalid: false };

/**
 * "<Verb> METHOD for [invalid user ]USER from ADDR[ port N][ sshN][: info]" with the verb
 * already skipped (`i` at METHOD). The user name is the attacker's to choose and may contain
 * " from 1.2.3.4 port 5 ssh2"; the real address is the first " from ADDR…" that is followed
 * by the end, by ": " (sshd's auth info), or by text without another " from ".
 */
function readMethodFor(m: string, i: number): boolean {
  const sp = m.indexOf(' ', i);
  if (sp < 0 || sp - i > 64 || !m.startsWith('for ', sp + 1)) return false;
  let u0 = sp + 5;
  let invalid = false;
  if (m.startsWith('invalid user ', u0)) {
    invalid = true;
    u0 += 13;
  }
  const len = m.length;
  let lastFrom = -2; // found on first need: most lines end right after the address part
  let p = m.indexOf(' from ', u0 - 1);
  while (p >= 0) {
    const ae = addressAt(m, p + 6, -1);
    if (ae > 0) {
      let r = skipPort(m, ae);
      if (m.startsWith(' ssh', r)) {
        let d = r + 4;
        while (d < len && d - r < 8 && isAlnumCode(m.charCodeAt(d))) d++;
        r = d;
      }
      if (r !== len && m.charCodeAt(r) !== 58 && lastFrom === -2) lastFrom = m.lastIndexOf(' from ');
      if (r === len || m.charCodeAt(r) === 58 || lastFrom < r) {
        methodLine.methodStart = i;
        methodLine.methodEnd = sp;
        methodLine.user = userAt(m, u0, p);
        methodLine.invalid = invalid;
        return true;
      }
    }
    p = m.indexOf(' from ', p + 1);
  }
  return false;
}

/** Solaris' placeholder for a user name it would not log. */
const HIDDEN_USER = '<invalid username>';

function readSshFailed(rec: LogRecord, m: string): void {
  if (!readMethodFor(m, 7)) return;
  setSource(rec);
  let { user, invalid } = methodLine;
  if (user === HIDDEN_USER) invalid = true;
  const { methodStart, methodEnd } = methodLine;
  // Clients offer keys (and "none") one after the other: a refused key is not a wrong password.
  const probe =
    (methodEnd - methodStart === 9 && m.startsWith('publickey', methodStart)) ||
    (methodEnd - methodStart === 4 && m.startsWith('none', methodStart));
  if (invalid) setAuth(rec, 'invalid-user', user === HIDDEN_USER ? undefined : user);
  else if (probe) setAuth(rec, undefined, user);
  else setAuth(rec, 'failure', user);
}

/** "[Aa]uthentication (failure|error|failed) for USER from ADDR[ via HOST]" (sshd's PAM errors). */
function readSshPamError(rec: LogRecord, m: string, afterFor: number): void {
  const f = m.lastIndexOf(' from ');
  if (f < afterFor - 1) return;
  const ae = addressAt(m, f + 6, -1);
  if (ae < 0 || (ae !== m.length && !m.startsWith(' via ', ae))) return;
  setSource(rec);
  if (m.startsWith('illegal user ', afterFor) || m.startsWith('invalid user ', afterFor)) {
    setAuth(rec, 'invalid-user', userAt(m, afterFor + 13, Math.max(afterFor + 13, f)));
    return;
  }
  setAuth(rec, 'failure', userAt(m, afterFor, f));
}

/** "Received disconnect from ADDR[ port N]:[ ]CODE: TEXT". */
function readSshReceivedDisconnect(rec: LogRecord, m: string, preauth: boolean): void {
  const a = 25; // "Received disconnect from ".length
  let e = m.indexOf(' ', a);
  if (e < 0) e = m.length;
  let after: number;
  if (m.startsWith(' port ', e)) {
    // "from ADDR port N:CODE:"
    if (addressAt(m, a, e) < 0) return;
    after = skipPort(m, e);
    if (m.charCodeAt(after) !== 58) return;
    after++;
  } else {
    // "from ADDR: CODE:" — the colon sticks to the address.
    if (m.charCodeAt(e - 1) !== 58 || addressAt(m, a, e - 1) < 0) return;
    after = e;
  }
  setSource(rec);
  while (m.charCodeAt(after) === 32) after++;
  const code = numberAt(m, after);
  // Code 3 with "Auth fail": the client (JSch and friends) gave up after wrong passwords.
  if (code === 3 && m.endsWith('Auth fail')) setAuth(rec, 'failure');
  else if (preauth || code === 14) setAuth(rec, 'disconnect');
}

/** "(Connection closed|Connection reset|Disconnected) (by|from) [authenticating |invalid ]user USER ADDR port N" or "… ADDR[ port N]". */
function readSshClosed(rec: LogRecord, m: string, at: number, preauth: boolean): void {
  let user: string | undefined;
  let u0 = -1;
  if (m.startsWith('authenticating user ', at)) u0 = at + 20;
  else if (m.startsWith('invalid user ', at)) u0 = at + 13;
  else if (m.startsWith('user ', at)) u0 = at + 5;
  if (u0 >= 0) {
    const s = tailAddress(m, m.length);
    if (s < u0) return;
    user = userAt(m, u0, s - 1);
  } else {
    const ae = addressAt(m, at, -1);
    if (ae < 0 || skipPort(m, ae) !== m.length) return;
  }
  setSource(rec);
  if (preauth) setAuth(rec, 'disconnect', user);
  else if (user !== undefined && m.startsWith('Disconnected', 0)) setAuth(rec, 'session-close', user);
  else if (user !== undefined) rec.user = user;
}

/** "Disconnecting [invalid |authenticating ]user USER ADDR port N: REASON". */
function readSshDisconnectingUser(rec: LogRecord, m: string, u0: number): void {
  // The first " port N:" after a well-formed address ends the user name.
  let p = m.indexOf(' port ', u0);
  while (p >= 0) {
    const pe = skipPort(m, p);
    if (pe > p && m.charCodeAt(pe) === 58) {
      const s = m.lastIndexOf(' ', p - 1) + 1;
      if (s > u0 && addressAt(m, s, p) === p) {
        setSource(rec);
        const user = userAt(m, u0, s - 1);
        let r = pe + 1;
        if (m.charCodeAt(r) === 32) r++;
        // A client that switches user names mid-connection is probing accounts.
        if (m.startsWith('Change of username or service not allowed', r)) setAuth(rec, 'failure', user);
        else setAuth(rec, 'disconnect', user);
        return;
      }
    }
    p = m.indexOf(' port ', p + 1);
  }
}

/** "User USER from ADDR not allowed because REASON" or, without the address, a pending failure. */
function readSshUserNotAllowed(rec: LogRecord, m: string): number {
  const na = m.lastIndexOf(' not allowed because ');
  if (na < 5) return 0;
  const f = m.lastIndexOf(' from ', na);
  if (f >= 4 && addressAt(m, f + 6, na) === na) {
    setSource(rec);
    setAuth(rec, 'failure', userAt(m, 5, f));
    return 0;
  }
  setAuth(rec, undefined, userAt(m, 5, na));
  return ADDRESSLESS_FAILURE;
}

/** Strips "error: ", "fatal: ", "error: PAM: " and " [preauth]"; returns the core message. */
const sshCore = { text: '', preauth: false };

function sshCoreOf(message: string): void {
  let m = trimEnd(message);
  let start = 0;
  const c0 = m.charCodeAt(0);
  // journald may carry a kernel-style stamp into the message: "kernel:[  970.699396]: Failed …"
  if (c0 === 107 /* k */ && m.startsWith('kernel:')) {
    let k = 7;
    if (m.charCodeAt(k) === 32) k++;
    const close = m.charCodeAt(k) === 91 ? m.indexOf(']', k) : -1;
    if (close > 0 && close - k < 24) {
      start = close + 1;
      if (m.charCodeAt(start) === 58) start++;
      if (m.charCodeAt(start) === 32) start++;
    }
  }
  const cs = m.charCodeAt(start);
  if ((cs === 101 /* e */ && m.startsWith('error: ', start)) || (cs === 102 /* f */ && m.startsWith('fatal: ', start))) {
    start += 7;
    if (m.charCodeAt(start) === 80 /* P */ && m.startsWith('PAM: ', start)) start += 5;
  }
  let end = m.length;
  let preauth = false;
  if (m.charCodeAt(end - 1) === 93 /* ] */) {
    preauth = m.endsWith(' [preauth]');
    if (preauth) end -= 10;
    else if (m.endsWith(' [net]')) end -= 6; // newer OpenSSH marks the unprivileged child like this too
  }
  if (start > 0 || end < m.length) m = trimEnd(m.slice(start, end));
  sshCore.text = m;
  sshCore.preauth = preauth;
}

function readSshd(rec: LogRecord, message: string): number {
  sshCoreOf(message);
  const m = sshCore.text;
  const preauth = sshCore.preauth;
  switch (m.charCodeAt(0)) {
    case 70: // F
      if (m.startsWith('Failed ')) readSshFailed(rec, m);
      return 0;
    case 65: // A
      if (m.startsWith('Accepted ')) {
        if (readMethodFor(m, 9)) {
          setSource(rec);
          setAuth(rec, 'success', methodLine.user);
        }
      } else if (m.startsWith('Authentication failure for ') || m.startsWith('Authentication error for ')) {
        readSshPamError(rec, m, m.charCodeAt(15) === 102 ? 27 : 25);
      } else if (m.startsWith('Authentication failed for ')) {
        readSshPamError(rec, m, 26);
      } else if (m.startsWith('Address ') && m.indexOf(' maps to ') > 0) {
        const e = m.indexOf(' ', 8);
        if (addressAt(m, 8, e) > 0) setSource(rec); // DNS mismatch warning: an event, not a failure
      }
      return 0;
    case 97: // a
      if (m.startsWith('authentication failure for ') || m.startsWith('authentication error for ')) {
        readSshPamError(rec, m, m.charCodeAt(15) === 102 ? 27 : 25);
      }
      return 0;
    case 73: // I
      if (m.startsWith('Invalid user ') || m.startsWith('Illegal user ')) {
        const s = tailAddress(m, m.length);
        if (s >= 13 && m.startsWith(' from ', s - 6) && s - 6 >= 12) {
          setSource(rec);
          setAuth(rec, 'invalid-user', userAt(m, 13, Math.max(13, s - 6)));
        }
      }
      return 0;
    case 105: // i
      if (m.startsWith('input_userauth_request: invalid user ')) {
        // Echo of "Invalid user X from ADDR", which is the counted line.
        setAuth(rec, undefined, userAt(m, 37));
      } else if (m.startsWith('illegal user ')) {
        const s = tailAddress(m, m.length);
        if (s > 13 && m.startsWith(' from ', s - 6)) {
          setSource(rec);
          setAuth(rec, 'invalid-user', userAt(m, 13, s - 6));
        }
      }
      return 0;
    case 85: // U
      if (m.startsWith('User not known to the underlying authentication module for ')) {
        readSshPamError(rec, m, 59);
        if (rec.auth === 'failure') rec.auth = 'invalid-user';
      } else if (m.startsWith('User ')) {
        return readSshUserNotAllowed(rec, m);
      } else if (m.startsWith('Unable to negotiate with ')) {
        const e = m.indexOf(' ', 25);
        if (addressAt(m, 25, e < 0 ? m.length : e) > 0) setSource(rec);
        setAuth(rec, 'disconnect');
      } else if (m.startsWith('Unable to negotiate')) {
        setAuth(rec, 'disconnect');
      }
      return 0;
    case 82: // R
      if (m.startsWith('ROOT LOGIN REFUSED')) {
        const f = m.lastIndexOf(' FROM ');
        if (f >= 18) {
          const e = m.indexOf(' ', f + 6);
          if (addressAt(m, f + 6, e < 0 ? m.length : e) > 0) {
            setSource(rec);
            setAuth(rec, 'failure', 'root');
          }
        }
      } else if (m.startsWith('Received disconnect from ')) {
        readSshReceivedDisconnect(rec, m, preauth);
      } else if (m.startsWith('Read from socket failed')) {
        setAuth(rec, 'disconnect');
      }
      return 0;
    case 114: // r
      if (m.startsWith('refused connect from ')) {
        // tcp_wrappers: "refused connect from NAME (ADDR)"
        const o = m.lastIndexOf(' (');
        if (o > 20 && m.charCodeAt(m.length - 1) === 41 && addressAt(m, o + 2, m.length - 1) > 0) {
          setSource(rec);
          setAuth(rec, 'failure');
        }
      } else if (m.startsWith('reverse mapping checking getaddrinfo for ')) {
        // "… for NAME [ADDR] failed - POSSIBLE BREAK-IN ATTEMPT!": a DNS warning, an event.
        const o = m.indexOf(' [', 41);
        const c = o < 0 ? -1 : m.indexOf(']', o);
        if (c > 0 && addressAt(m, o + 2, c) > 0) setSource(rec);
      }
      return 0;
    case 68: // D
      if (m.startsWith('Disconnecting: ')) {
        if (m.startsWith('Too many authentication failures', 15) || m.startsWith('Change of username or service not allowed', 15)) {
          const f = m.indexOf(' for ', 15);
          setAuth(rec, undefined, f > 0 ? userAt(m, f + 5) : undefined);
          return ADDRESSLESS_FAILURE;
        }
        setAuth(rec, 'disconnect');
      } else if (m.startsWith('Disconnecting invalid user ')) {
        readSshDisconnectingUser(rec, m, 27);
      } else if (m.startsWith('Disconnecting authenticating user ')) {
        readSshDisconnectingUser(rec, m, 34);
      } else if (m.startsWith('Disconnecting user ')) {
        readSshDisconnectingUser(rec, m, 19);
      } else if (m.startsWith('Did not receive identification string from ')) {
        if (tailAddress(m, m.length) === 43) {
          setSource(rec);
          setAuth(rec, 'disconnect');
        }
      } else if (m.startsWith('Disconnected from ')) {
        readSshClosed(rec, m, 18, preauth);
      }
      return 0;
    case 67: // C
      if (m.startsWith('Connection closed by ')) readSshClosed(rec, m, 21, preauth);
      else if (m.startsWith('Connection reset by ')) readSshClosed(rec, m, 20, preauth);
      else if (m.startsWith('Connection from ')) {
        const e = m.indexOf(' ', 16);
        if (addressAt(m, 16, e < 0 ? m.length : e) > 0) setSource(rec);
      }
      return 0;
    case 66: // B
      if (m.startsWith('Bad protocol version identification ')) {
        const s = tailAddress(m, m.length);
        if (s > 6 && m.startsWith(' from ', s - 6)) {
          setSource(rec);
          setAuth(rec, 'disconnect');
        }
      }
      return 0;
    case 84: // T
      if (m.startsWith('Timeout before authentication for ')) {
        let a = 34;
        if (m.startsWith('connection from ', a)) a += 16;
        const e = m.indexOf(' ', a);
        if (addressAt(m, a, e < 0 ? m.length : e) > 0) setSource(rec);
        setAuth(rec, 'disconnect');
      }
      return 0;
    case 80: // P
      if (m.startsWith('PAM ') && isDigitCode(m.charCodeAt(4))) readPamSummary(rec, m, 4);
      else if (m.startsWith('Postponed ')) {
        if (readMethodFor(m, 10)) {
          setSource(rec);
          setAuth(rec, undefined, methodLine.user);
        }
      }
      return 0;
    case 112: // p
      if (m.startsWith('pam_')) readPamMessage(rec, 'sshd', m);
      return 0;
    case 40: // (
      if (m.startsWith('(pam_unix) ')) readPamText(rec, 'sshd', true, m, 11);
      return 0;
    case 109: // m
      if (m.startsWith('maximum authentication attempts exceeded for ')) {
        let e = m.length;
        if (m.endsWith(' ssh2') || m.endsWith(' ssh1')) e -= 5;
        const s = tailAddress(m, e);
        let u = 45;
        const invalid = m.startsWith('invalid user ', u);
        if (invalid) u += 13;
        if (s - 6 >= u - 1 && m.startsWith(' from ', s - 6)) {
          setSource(rec);
          setAuth(rec, invalid ? 'invalid-user' : 'failure', userAt(m, u, Math.max(u, s - 6)));
        }
      }
      return 0;
    case 107: // k
      if (m.startsWith('kex_exchange_identification: ')) setAuth(rec, 'disconnect');
      return 0;
    case 110: // n
      if (m.startsWith('no matching ')) setAuth(rec, 'disconnect'); // older "fatal: no matching mac found: …"
      return 0;
    case 98: // b
    case 115: // s
      // "banner exchange: Connection from ADDR port N: invalid format",
      // "ssh_dispatch_run_fatal: Connection from ADDR port N: message authentication code incorrect"
      if (m.startsWith('banner exchange: Connection from ') || m.startsWith('ssh_dispatch_run_fatal: Connection from ')) {
        const a = m.indexOf('Connection from ') + 16;
        const e = m.indexOf(' ', a);
        if (addressAt(m, a, e < 0 ? m.length : e) > 0) setSource(rec);
        setAuth(rec, 'disconnect');
      }
      return 0;
    case 83: // S
      if (m.startsWith('SSH: Server;Ltype: ')) {
        // Verbose connection trace: "…;Remote: ADDR-PORT;…"
        const r = m.indexOf(';Remote: ');
        const d = r < 0 ? -1 : m.indexOf(';', r + 9);
        const dash = d < 0 ? -1 : m.lastIndexOf('-', d);
        if (dash > r + 9 && addressAt(m, r + 9, dash) > 0) setSource(rec);
      }
      return 0;
    case 87: // W
      if (m.startsWith('Write failed: ')) setAuth(rec, 'disconnect');
      return 0;
    default:
      return 0;
  }
}

// ---------------------------------------------------------------------------------------
// PAM

/**
 * The fields of "authentication failure; logname= uid= euid= tty= ruser=R rhost=H  user=U".
 * ruser and user are the client's to choose; rhost is what the service saw. The rhost taken
 * is the first " rhost=" whose value is followed by the end or by "user=".
 */
function readPamFields(rec: LogRecord, m: string, from: number): void {
  const len = m.length;
  let p = m.indexOf('rhost=', from);
  while (p >= 0) {
    if (p > 0 && m.charCodeAt(p - 1) === 32) {
      const vs = p + 6;
      let ve = vs;
      while (ve < len && m.charCodeAt(ve) !== 32) ve++;
      let k = ve;
      while (k < len && (m.charCodeAt(k) === 32 || m.charCodeAt(k) === 9)) k++;
      if (k === len || m.startsWith('user=', k)) {
        if (ve > vs && addressAt(m, vs, ve, true) === ve) setSource(rec);
        let user = '';
        if (k < len) user = trimEnd(userAt(m, k + 5));
        else {
          // ruser= comes before rhost=; its value runs up to the chosen " rhost=".
          const r = m.indexOf(' ruser=', from - 1);
          if (r >= 0 && r + 7 <= p - 1) user = userAt(m, r + 7, p - 1);
        }
        if (user.length > 0) rec.user = user;
        return;
      }
      p = m.indexOf('rhost=', ve);
    } else p = m.indexOf('rhost=', p + 6);
  }
  // No rhost at all (local services): the user may still be there.
  const u = m.lastIndexOf(' user=');
  if (u >= from) {
    const user = trimEnd(m.slice(u + 6));
    if (user.length > 0 && user.length <= MAX_USER) rec.user = user;
  }
}

/** "N more authentication failure(s); …": a summary of attempts already logged one by one. */
function readPamSummary(rec: LogRecord, m: string, at: number): void {
  const n = numberAt(m, at);
  if (n < 0) return;
  const sp = m.indexOf(' ', at);
  if (sp < 0 || !m.startsWith('more authentication failure', sp + 1)) return;
  setAuth(rec, undefined);
  rec.attempts = n;
  readPamFields(rec, m, sp);
}

/** Reads what PAM says, for service `service` (the PAM service name when known). */
function readPamText(rec: LogRecord, service: string, oldStyle: boolean, m: string, at: number): void {
  if (m.startsWith('authentication failure', at)) {
    readPamFields(rec, m, at + 22);
    setAuth(rec, oldStyle || !ECHOING_SERVICES.has(service) ? 'failure' : undefined);
  } else if (m.startsWith('session opened for user ', at) || m.startsWith('session closed for user ', at)) {
    if (NON_LOGIN_SERVICES.has(service)) return;
    const u = at + 24;
    let e = u;
    while (e < m.length && e - u < MAX_USER) {
      const c = m.charCodeAt(e);
      if (c === 32 || c === 40 /* ( */) break;
      e++;
    }
    setAuth(rec, m.charCodeAt(at + 8) === 111 ? 'session-open' : 'session-close', m.slice(u, e));
  } else if (m.startsWith('check pass; user unknown', at)) {
    setAuth(rec, undefined);
  } else if (isDigitCode(m.charCodeAt(at))) {
    readPamSummary(rec, m, at);
  }
}

/** "pam_MODULE(SERVICE:TYPE): TEXT", "pam_MODULE(TYPE): TEXT" or "pam_MODULE: TEXT". */
function readPamMessage(rec: LogRecord, programService: string, m: string): void {
  let i = 4;
  while (i < m.length && i < 40) {
    const c = m.charCodeAt(i);
    if (c === 40 /* ( */ || c === 58 /* : */ || c === 32) break;
    i++;
  }
  let service = programService;
  if (m.charCodeAt(i) === 40) {
    const close = m.indexOf('):', i);
    if (close < 0 || close - i > 80) return;
    const colon = m.indexOf(':', i);
    if (colon < close) {
      // Mostly the program's own service ("sshd[1]: pam_unix(sshd:auth)"): no need for a copy.
      const same = colon - i - 1 === programService.length && m.startsWith(programService, i + 1);
      if (!same) service = m.slice(i + 1, colon);
    }
    i = close + 1;
  }
  if (m.charCodeAt(i) !== 58) return;
  i++;
  while (m.charCodeAt(i) === 32) i++;
  readPamText(rec, service, false, m, i);
}

// ---------------------------------------------------------------------------------------
// dropbear

/** "ADDR:PORT" or "<ADDR:PORT>" spanning m[i, end): sets `found` (port dropped). */
function dropbearAddress(m: string, i: number, end: number): boolean {
  let s = i;
  let e = end;
  if (m.charCodeAt(s) === 60 /* < */ && m.charCodeAt(e - 1) === 62 /* > */) {
    s++;
    e--;
  }
  const c = m.lastIndexOf(':', e - 1);
  if (c > s && c < e - 1 && numberAt(m, c + 1) >= 0) e = c;
  return addressAt(m, s, e) === e;
}

function readDropbear(rec: LogRecord, message: string): void {
  let m = trimEnd(message);
  // Through journald dropbear may repeat its own "[pid] Mmm dd hh:mm:ss " prefix.
  if (m.charCodeAt(0) === 91 /* [ */) {
    const close = m.indexOf('] ');
    if (close > 0 && close < 12 && m.length > close + 17 && m.charCodeAt(close + 17) === 32) m = m.slice(close + 18);
  }
  const first = m.charCodeAt(0) | 32;
  if (first === 98 && m.startsWith('ad password attempt for ', 1)) {
    // "Bad password attempt for 'USER' from ADDR:PORT"
    const f = m.lastIndexOf(' from ');
    if (f > 0 && dropbearAddress(m, f + 6, m.length)) {
      setSource(rec);
      const q = m.lastIndexOf("'", f);
      setAuth(rec, 'failure', m.charCodeAt(25) === 39 && q > 25 ? userAt(m, 26, q) : undefined);
    }
  } else if (first === 108 && m.startsWith('ogin attempt for nonexistent user', 1)) {
    const f = m.lastIndexOf(' from ');
    if (f > 0 && dropbearAddress(m, f + 6, m.length)) {
      setSource(rec);
      setAuth(rec, 'invalid-user');
    }
  } else if (m.startsWith('Exit before auth')) {
    // "Exit before auth (user 'U', N fails): REASON from ADDR:PORT" or
    // "Exit before auth from <ADDR:PORT>: (user 'U', N fails): REASON"
    let ok = false;
    if (m.startsWith(' from <', 16)) {
      const close = m.indexOf('>', 23);
      ok = close > 0 && dropbearAddress(m, 22, close + 1);
    } else {
      const f = m.lastIndexOf(' from ');
      ok = f > 0 && dropbearAddress(m, f + 6, m.length);
    }
    if (ok) setSource(rec);
    const u = m.indexOf("(user '");
    const q = u < 0 ? -1 : m.indexOf("'", u + 7);
    const user = q > 0 ? userAt(m, u + 7, q) : undefined;
    setAuth(rec, m.indexOf('Max auth tries reached') > 0 ? 'failure' : 'disconnect', user);
  } else if (m.startsWith('Password auth succeeded for ') || m.startsWith('Pubkey auth succeeded for ')) {
    const f = m.lastIndexOf(' from ');
    if (f > 0 && dropbearAddress(m, f + 6, m.length)) setSource(rec);
    const a = m.indexOf("'");
    const b = a < 0 ? -1 : m.indexOf("'", a + 1);
    setAuth(rec, 'success', b > a ? userAt(m, a + 1, b) : undefined);
  } else if (m.startsWith('Child connection from ')) {
    if (dropbearAddress(m, 22, m.length)) setSource(rec);
  }
}

// ---------------------------------------------------------------------------------------
// su and sudo

function readSu(rec: LogRecord, m: string): void {
  if (m.startsWith('FAILED SU (to ')) {
    // util-linux: "FAILED SU (to root) alice on pts/0"
    const c = m.indexOf(') ', 14);
    const on = c < 0 ? -1 : m.lastIndexOf(' on ');
    setAuth(rec, 'failure', c > 0 && on > c ? userAt(m, c + 2, on) : undefined);
  } else if (m.startsWith('FAILED su for ')) {
    // shadow: "FAILED su for root by alice"
    const by = m.lastIndexOf(' by ');
    setAuth(rec, 'failure', by > 0 ? trimEnd(userAt(m, by + 4)) : undefined);
  } else if (m.startsWith('(to ')) {
    const c = m.indexOf(') ', 4);
    const on = c < 0 ? -1 : m.lastIndexOf(' on ');
    setAuth(rec, 'privilege', c > 0 && on > c ? userAt(m, c + 2, on) : undefined);
  } else if (m.startsWith('Successful su for ')) {
    const by = m.lastIndexOf(' by ');
    setAuth(rec, 'privilege', by > 0 ? trimEnd(userAt(m, by + 4)) : undefined);
  } else if ((m.startsWith('+ ') || m.startsWith('- ')) && m.indexOf(':') > 2) {
    // Old su: "+ pts/0 alice:root" (success) or "- pts/0 alice:root" (failure)
    const sp = m.lastIndexOf(' ');
    const colon = m.indexOf(':', sp);
    if (sp > 1 && colon > sp) setAuth(rec, m.charCodeAt(0) === 43 ? 'privilege' : 'failure', userAt(m, sp + 1, colon));
  } else if (m.startsWith('pam_')) {
    readPamMessage(rec, 'su', m);
  }
}

function readSudo(rec: LogRecord, message: string): void {
  if (message.startsWith('pam_')) {
    readPamMessage(rec, 'sudo', message);
    return;
  }
  // "USER : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh" and its failure variants
  const sep = message.indexOf(' : ');
  if (sep < 1 || sep > MAX_USER) return;
  let u = 0;
  while (message.charCodeAt(u) === 32) u++;
  const user = message.slice(u, sep);
  const r = sep + 3;
  if (message.startsWith('TTY=', r) || message.startsWith('PWD=', r) || message.startsWith('HOST=', r)) {
    if (message.indexOf('COMMAND=', r) > 0) setAuth(rec, 'privilege', user);
    return;
  }
  const n = numberAt(message, r);
  if (n > 0) {
    const sp = message.indexOf(' ', r);
    if (sp > 0 && message.startsWith('incorrect password attempt', sp + 1)) {
      setAuth(rec, 'failure', user);
      rec.attempts = n;
    }
    return;
  }
  if (
    message.startsWith('user NOT in sudoers', r) ||
    message.startsWith('user NOT authorized on host', r) ||
    message.startsWith('command not allowed', r)
  ) {
    setAuth(rec, 'failure', user);
  }
}

// ---------------------------------------------------------------------------------------
// Packet filters: "[UFW BLOCK] IN=eth0 OUT= MAC=… SRC=1.2.3.4 DST=5.6.7.8 … PROTO=TCP SPT=… DPT=22"

const BLOCK_WORDS = ['BLOCK', 'DROP', 'REJECT', 'DENY'];
const ALLOW_WORDS = ['ALLOW', 'ACCEPT', 'PASS'];

function valueEnd(m: string, i: number): number {
  let j = i;
  while (j < m.length && m.charCodeAt(j) !== 32) j++;
  return j;
}

/** Fills the firewall fields when the message is a netfilter LOG line; false otherwise. */
function readFirewall(rec: LogRecord, program: string | undefined, m: string): boolean {
  const src = m.indexOf('SRC=');
  if (src < 0 || (src > 0 && m.charCodeAt(src - 1) !== 32)) return false;
  const inAt = m.lastIndexOf('IN=', src);
  const start = inAt >= 0 && (inAt === 0 || m.charCodeAt(inAt - 1) === 32 || m.charCodeAt(inAt - 1) === 93) ? inAt : src;
  let source: string | undefined;
  let destination: string | undefined;
  let protocol: string | undefined;
  let port = -1;
  let i = start;
  const len = m.length;
  // One pass over the space-separated KEY=VALUE tokens.
  while (i < len) {
    const e = valueEnd(m, i);
    const c = m.charCodeAt(i);
    if (c === 83 /* S */ && m.startsWith('SRC=', i) && source === undefined) {
      if (addressAt(m, i + 4, e) === e) source = found.address;
    } else if (c === 68 /* D */) {
      if (m.startsWith('DST=', i) && destination === undefined) {
        if (addressAt(m, i + 4, e) === e) destination = found.address;
      } else if (m.startsWith('DPT=', i) && port < 0 && e - i <= 9) {
        const n = numberAt(m, i + 4);
        if (n >= 0 && n <= 65535) port = n;
      }
    } else if (c === 80 /* P */ && m.startsWith('PROTO=', i) && protocol === undefined && e > i + 6 && e - i < 24) {
      protocol = m.slice(i + 6, e).toUpperCase();
    }
    i = e + 1;
  }
  if (source === undefined || destination === undefined) return false;
  rec.kind = 'firewall';
  rec.source = source;
  rec.destination = destination;
  if (protocol !== undefined) rec.protocol = protocol;
  if (port >= 0) rec.destinationPort = port;
  // The verdict is in the log prefix the admin chose ("[UFW BLOCK]", "IPTABLES-DROP:",
  // "FINAL_REJECT:") or, on UniFi gateways, in the rule name ("[LAN_IN-D-4001]": D drop, R
  // reject, A accept). UFW AUDIT and plain LOG prefixes carry no verdict.
  const prefix = (start > 96 ? m.slice(start - 96, start) : m.slice(0, start)).toUpperCase();
  const tag = program ?? '';
  if (BLOCK_WORDS.some((w) => prefix.includes(w)) || tag.includes('-D-') || tag.includes('-R-')) rec.action = 'block';
  else if (ALLOW_WORDS.some((w) => prefix.includes(w)) || tag.includes('-A-')) rec.action = 'allow';
  return true;
}

// ---------------------------------------------------------------------------------------
// Dispatch

/** What the program name says about how to read its messages. */
const enum Program {
  Other,
  Sshd,
  Dropbear,
  Su,
  Sudo,
  /** Linux-PAM before 0.99: "sshd(pam_unix)[123]: authentication failure; …" */
  OldPam,
  /** Dovecot and its processes (see dovecotMessages.ts). */
  Dovecot,
}

/** Classifies a syslog tag's program name ("/usr/sbin/sshd" counts as sshd). */
function programOf(program: string | undefined): Program {
  if (program === undefined || program.length === 0) return Program.Other;
  let base = program;
  if (program.indexOf('/') >= 0) base = program.slice(program.lastIndexOf('/') + 1);
  const c = base.charCodeAt(0);
  if (c === 115 /* s */) {
    switch (base) {
      case 'sshd':
      case 'sshd-session':
      case 'sshd-auth':
      case 'ssh':
        return Program.Sshd;
      case 'su':
        return Program.Su;
      case 'sudo':
        return Program.Sudo;
      default:
        break;
    }
  } else if (c === 100 /* d */ && base === 'dropbear') return Program.Dropbear;
  if (base.charCodeAt(base.length - 1) === 41 /* ) */ && base.length > 10 && base.endsWith('(pam_unix)')) return Program.OldPam;
  if (isDovecotProgram(base)) return Program.Dovecot;
  return Program.Other;
}

/**
 * Reads one message without memory of earlier lines. Returns ADDRESSLESS_FAILURE for an sshd
 * failure stated without the client's address (the stateful reader attributes it).
 */
function readMessage(rec: LogRecord, kind: Program, program: string | undefined, message: string): number {
  switch (kind) {
    case Program.Sshd:
      return readSshd(rec, message);
    case Program.Dropbear:
      readDropbear(rec, message);
      return 0;
    case Program.Su:
      readSu(rec, message);
      return 0;
    case Program.Sudo:
      readSudo(rec, message);
      return 0;
    case Program.Dovecot:
      // its auth process also logs PAM's own lines: those are read below
      if (readDovecot(rec, program!.slice(program!.lastIndexOf('/') + 1), message)) return 0;
      break;
    case Program.OldPam: {
      const base = program!.slice(program!.lastIndexOf('/') + 1);
      readPamText(rec, base.slice(0, base.length - 10), true, message, 0);
      return 0;
    }
    default:
      break;
  }
  const c = message.charCodeAt(0);
  if (c === 112 /* p */ && message.startsWith('pam_')) {
    readPamMessage(rec, program ?? '', message);
    return 0;
  }
  if (c === 40 /* ( */ && message.startsWith('(pam_unix) ')) {
    readPamText(rec, program ?? '', true, message, 11);
    return 0;
  }
  if (c === 80 /* P */ && message.startsWith('PAM ') && isDigitCode(message.charCodeAt(4))) {
    readPamSummary(rec, message, 4);
    return 0;
  }
  readFirewall(rec, program, message);
  return 0;
}

/**
 * Stateless reading of one message into `rec` (kind, auth, source, user, attempts, firewall
 * fields). Use `AuthMessageReader` for whole files: it also attributes address-less sshd
 * failures and expands "last message repeated".
 */
export function readAuthMessage(rec: LogRecord, program: string | undefined, message: string): void {
  readMessage(rec, programOf(program), program, message);
}

interface SshSession {
  /** The host whose sshd has this pid (one file may hold several hosts). */
  host: string | undefined;
  source: string | undefined;
  /** Failures stated before the address was known. */
  pending: number;
  pendingUser: string | undefined;
}

/**
 * A copy of a string cut from a line, for memory that outlives the line: a substring would
 * keep the whole line alive (the session table holds up to MAX_SSH_SESSIONS of them).
 */
function detached(s: string): string {
  return (' ' + s).slice(1);
}

/** "message repeated N times: [ MSG]" (rsyslog's repeat reduction). */
const REPEATED = 'message repeated ';
/** "last message repeated N times" (sysklogd), also "--- last message repeated N times ---". */
const LAST_REPEATED = 'last message repeated ';

/** Reads one file's messages in order; keeps the little memory that sshd's lines need. */
export class AuthMessageReader {
  /** sshd processes by pid (a number: cheaper to hash than the pid's text on every line). */
  private readonly sessions = new Map<number, SshSession>();
  /**
   * The sessions in the order they were remembered (the map's own order), to find the oldest
   * without `keys().next()`, which walks over every entry deleted before it — quadratic once
   * the table is full and evicts on every new connection. Entries whose pid no longer maps to
   * that session (deleted or replaced) are skipped.
   */
  private readonly order: { pid: number; session: SshSession }[] = [];
  private orderHead = 0;
  private previous: LogRecord | undefined;

  /**
   * Fills `rec` from the message. `pid` is the process id from the syslog tag (used to tie
   * sshd's lines of one connection together); `rec.host` should already be set.
   */
  read(rec: LogRecord, program: string | undefined, pid: string | undefined, message: string): void {
    const c = message.charCodeAt(0);
    if ((c === 108 /* l */ || c === 45 /* - */) && this.readLastRepeated(rec, message)) return;
    const kind = programOf(program);
    let flags: number;
    if (c === 109 /* m */ && message.startsWith(REPEATED)) flags = this.readRepeated(rec, kind, program, message);
    else flags = readMessage(rec, kind, program, message);
    if (kind === Program.Sshd && pid !== undefined) {
      const id = numberAt(pid, 0);
      if (id >= 0) this.linkSshSession(rec, id, flags);
    }
    this.previous = rec;
  }

  private readRepeated(rec: LogRecord, kind: Program, program: string | undefined, message: string): number {
    const n = numberAt(message, REPEATED.length);
    const open = message.indexOf('[', REPEATED.length);
    const close = message.lastIndexOf(']');
    if (n <= 0 || open < 0 || close < open || !message.startsWith(' times: ', message.indexOf(' ', REPEATED.length))) {
      return readMessage(rec, kind, program, message);
    }
    let s = open + 1;
    if (message.charCodeAt(s) === 32) s++;
    const flags = readMessage(rec, kind, program, trimEnd(message.slice(s, close)));
    if (rec.kind === 'auth' || rec.kind === 'firewall') rec.attempts = n * (rec.attempts ?? 1);
    return flags;
  }

  private readLastRepeated(rec: LogRecord, message: string): boolean {
    let at = 0;
    if (message.startsWith('--- ')) at = 4;
    if (!message.startsWith(LAST_REPEATED, at)) return false;
    const n = numberAt(message, at + LAST_REPEATED.length);
    const prev = this.previous;
    if (n <= 0 || prev === undefined) return true; // an event, nothing to repeat
    if (prev.kind === 'auth' || prev.kind === 'firewall') {
      rec.kind = prev.kind;
      if (prev.auth !== undefined) rec.auth = prev.auth;
      if (prev.source !== undefined) rec.source = prev.source;
      if (prev.user !== undefined) rec.user = prev.user;
      if (prev.destination !== undefined) rec.destination = prev.destination;
      if (prev.destinationPort !== undefined) rec.destinationPort = prev.destinationPort;
      if (prev.protocol !== undefined) rec.protocol = prev.protocol;
      if (prev.action !== undefined) rec.action = prev.action;
      rec.attempts = n * (prev.attempts ?? 1);
    }
    if (rec.program === undefined && prev.program !== undefined) rec.program = prev.program;
    return true;
  }

  private linkSshSession(rec: LogRecord, pid: number, flags: number): void {
    let session = this.sessions.get(pid);
    if (session !== undefined && session.host !== rec.host) {
      // Another host's sshd with the same pid: start over.
      this.sessions.delete(pid);
      session = undefined;
    }
    if (rec.source !== undefined) {
      if (session === undefined) session = this.remember(pid, rec.host);
      if (session.source !== rec.source) session.source = detached(rec.source);
      if (session.pending > 0) {
        const pending = session.pending;
        if (rec.auth === 'failure' || rec.auth === 'invalid-user') rec.attempts = (rec.attempts ?? 1) + pending;
        else {
          setAuth(rec, 'failure');
          if (rec.user === undefined && session.pendingUser !== undefined) rec.user = session.pendingUser;
          if (pending > 1) rec.attempts = pending;
        }
        session.pending = 0;
        session.pendingUser = undefined;
      }
      return;
    }
    if (session?.source !== undefined) {
      // Same sshd process, so the same client.
      rec.source = session.source;
      if (flags & ADDRESSLESS_FAILURE) setAuth(rec, 'failure');
      return;
    }
    if (flags & ADDRESSLESS_FAILURE) {
      if (session === undefined) session = this.remember(pid, rec.host);
      session.pending++;
      if (rec.user !== undefined) session.pendingUser = detached(rec.user);
    }
  }

  private remember(pid: number, host: string | undefined): SshSession {
    if (this.sessions.size >= MAX_SSH_SESSIONS) {
      const order = this.order;
      while (this.orderHead < order.length) {
        const { pid: oldest, session } = order[this.orderHead++];
        if (this.sessions.get(oldest) === session) {
          this.sessions.delete(oldest);
          break;
        }
      }
      if (this.orderHead > 4096 && this.orderHead * 2 > order.length) {
        order.splice(0, this.orderHead);
        this.orderHead = 0;
      }
    } else if (this.order.length - this.orderHead > 2 * this.sessions.size + 4096) {
      // sessions replaced (same pid, another host) left stale entries: keep the live ones, in order
      const live = this.order.slice(this.orderHead).filter((e) => this.sessions.get(e.pid) === e.session);
      this.order.length = 0;
      this.order.push(...live);
      this.orderHead = 0;
    }
    const session: SshSession = { host: host === undefined ? undefined : detached(host), source: undefined, pending: 0, pendingUser: undefined };
    this.sessions.set(pid, session);
    this.order.push({ pid, session });
    return session;
  }
}
