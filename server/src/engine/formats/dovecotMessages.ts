/**
 * Dovecot (IMAP/POP3/ManageSieve/Submission server) authentication lines, as syslog carries
 * them. Two processes speak:
 * - the login processes ("imap-login", "pop3-login", ...) close each client connection with
 *   a reason and the connection's fields:
 *   "Disconnected (auth failed, 2 attempts in 9 secs): user=<bob>, method=PLAIN, rip=IP, lip=IP"
 *   "Login: user=<bob>, method=PLAIN, rip=IP, lip=IP, mpid=1, TLS"
 * - the auth processes ("auth", "auth-worker(N)") log each password database lookup:
 *   "pam(bob,IP): pam_authenticate() failed: Authentication failure (password mismatch?)"
 *   "sql(bob@example.org,IP,<session>): unknown user"
 *
 * What counts as a failure follows fail2ban's dovecot filter in its default mode: a failed
 * authentication, a plaintext login refused, a proxy's failed login. Connections closed with
 * "no auth attempts" are `disconnect` (scanner noise; fail2ban counts them only when asked to).
 *
 * The user name is the client's to choose and comes before the address in both shapes, so the
 * address is taken from the last " rip=" (login lines) or from the lookup's arguments after
 * the user (auth lines), never from text the user name could carry. No regular expressions:
 * indexOf and bounded scans only.
 */
import type { AuthEvent, LogRecord } from '../model';
import { isAddress } from '../net/findAddress';

/** Longest user name kept (as for the other auth readers). */
const MAX_USER = 256;
/** Longest process name ("auth-worker(12345)", "managesieve-login") looked at. */
const MAX_PROCESS = 64;
/** Longest argument list of a password database lookup: a user, an address and a session id. */
const MAX_LOOKUP_ARGS = 600;
/** Parentheses tried before giving up on finding the lookup in an auth line. */
const MAX_PARENS = 8;

/** Password databases (and the auth request itself) whose lookups name "(user,address,…)". */
const PASSDBS = new Set(['pam', 'passwd-file', 'passwd', 'shadow', 'sql', 'ldap', 'checkpassword', 'bsdauth', 'lua', 'oauth2', 'static', 'imap', 'auth']);

/** Reasons of a login process's disconnect that are failed logins. */
const FAILED_REASONS = [
  '(auth failed, ',
  // "(tried to use disabled plaintext auth)", "(tried to use disallowed plaintext auth)" and other mechanisms
  '(tried to use dis',
  '(proxy dest auth failed)',
];
/** Reasons that are a connection given up before any attempt. */
const NO_ATTEMPT_REASONS = ['(no auth attempts', '(disconnected before auth was ready', "(client didn't finish SASL auth"];

/** Whether a syslog program name is one of Dovecot's own processes ("dovecot", "imap-login", "auth-worker(3)"). */
export function isDovecotProgram(program: string): boolean {
  return program === 'dovecot' || program.endsWith('-login') || program === 'auth' || program.startsWith('auth-worker');
}

/**
 * Reads one Dovecot message into `rec`. `program` is the syslog program: "dovecot" when the
 * message starts with the process name ("imap-login: …"), or the process itself. Returns
 * whether the message was a Dovecot authentication line.
 */
export function readDovecot(rec: LogRecord, program: string, message: string): boolean {
  let m = message;
  let process = program;
  let at = 0;
  if (program === 'dovecot') {
    // "dovecot[442]: dovecot: auth(default): …" repeats the name
    if (m.startsWith('dovecot: ')) at = 9;
    const end = m.indexOf(': ', at);
    if (end < 0 || end - at > MAX_PROCESS) return false;
    process = m.slice(at, end);
    at = end + 2;
  }
  if (m.startsWith('Info: ', at)) at += 6;
  if (process.endsWith('-login')) return readLogin(rec, m, at);
  if (process.startsWith('auth')) {
    // the auth request's own "(user,address,…)" may be in the process name: read from it
    if (process.indexOf('(') > 0 && program === 'dovecot') {
      m = message;
      at = message.indexOf(process);
    }
    return readLookup(rec, m, at);
  }
  return false;
}

/** A login process's line from `at` (past "imap-login: "). */
function readLogin(rec: LogRecord, m: string, at: number): boolean {
  const rip = m.lastIndexOf(' rip=');
  // The reason comes before the connection's fields (user=<…>, method=, rip=).
  let fields = m.indexOf(' user=<', at);
  const method = m.indexOf(' method=', at);
  if (fields < 0 || (method >= 0 && method < fields)) fields = method;
  if (fields < 0 || (rip >= at && rip < fields)) fields = rip;
  const reasonEnd = fields < 0 ? m.length : fields;

  let auth: AuthEvent | undefined;
  let attempts = -1;
  if (m.startsWith('Login: ', at)) auth = 'success';
  else {
    for (const reason of FAILED_REASONS) {
      const r = m.indexOf(reason, at);
      if (r >= 0 && r < reasonEnd) {
        auth = 'failure';
        if (reason === FAILED_REASONS[0]) attempts = numberAt(m, r + reason.length);
        break;
      }
    }
    if (auth === undefined) {
      for (const reason of NO_ATTEMPT_REASONS) {
        const r = m.indexOf(reason, at);
        if (r >= 0 && r < reasonEnd) {
          auth = 'disconnect';
          break;
        }
      }
    }
  }
  if (auth === undefined) return false;
  rec.kind = 'auth';
  rec.auth = auth;
  if (attempts > 1) rec.attempts = attempts;
  if (rip >= at) {
    const end = fieldEnd(m, rip + 5);
    const address = m.slice(rip + 5, end);
    if (isAddress(address)) rec.source = address;
    // user=<NAME> before the address: up to the last '>' before it
    const u = m.indexOf('user=<', at);
    if (u >= 0 && u < rip) {
      const close = m.lastIndexOf('>', rip);
      if (close > u + 6) rec.user = m.slice(u + 6, Math.min(close, u + 6 + MAX_USER));
    }
  }
  return true;
}

/** An auth process's password database lookup "DB(user,address[,…]): verdict", searched from `at`. */
function readLookup(rec: LogRecord, m: string, at: number): boolean {
  let open = m.indexOf('(', at);
  for (let tries = 0; open > 0 && tries < MAX_PARENS; tries++) {
    let s = open;
    while (s > at && isNameCode(m.charCodeAt(s - 1))) s--;
    const close = m.indexOf(')', open);
    if (close < 0) return false;
    if (close - open <= MAX_LOOKUP_ARGS && PASSDBS.has(m.slice(s, open))) {
      const comma = m.indexOf(',', open);
      if (comma > open && comma < close && readVerdict(rec, m, close)) {
        readLookupArgs(rec, m, open + 1, comma, close);
        return true;
      }
    }
    open = m.indexOf('(', close);
  }
  return false;
}

/** The verdict after a lookup's ")": failure, unknown user, or nothing to note. */
function readVerdict(rec: LogRecord, m: string, close: number): boolean {
  let auth: AuthEvent | undefined;
  if (m.indexOf('unknown user', close) > 0) auth = 'invalid-user';
  else if (
    m.indexOf('assword mismatch', close) > 0 ||
    m.indexOf('pam_authenticate() failed', close) > 0 ||
    m.indexOf('invalid credentials', close) > 0
  ) {
    auth = 'failure';
  }
  if (auth === undefined) return false;
  rec.kind = 'auth';
  rec.auth = auth;
  return true;
}

/**
 * "user,address[,session]" between `start` and `close`. The user name may hold commas (and
 * addresses), so the parts are read from the right: the last part that is an IP address is
 * the client's, and everything before it is the user.
 */
function readLookupArgs(rec: LogRecord, m: string, start: number, firstComma: number, close: number): void {
  let end = close;
  while (end > firstComma) {
    const comma = m.lastIndexOf(',', end - 1);
    const part = m.slice(comma + 1, end);
    if (isAddress(part)) {
      rec.source = part;
      const user = m.slice(start, comma);
      if (user.length > 0) rec.user = user.length > MAX_USER ? user.slice(0, MAX_USER) : user;
      return;
    }
    if (comma <= firstComma) break;
    end = comma;
  }
  const user = m.slice(start, firstComma);
  if (user.length > 0) rec.user = user.length > MAX_USER ? user.slice(0, MAX_USER) : user;
}

/** End of a ", "-separated field value starting at i. */
function fieldEnd(m: string, i: number): number {
  let j = i;
  while (j < m.length && j - i < 64) {
    const c = m.charCodeAt(j);
    if (c === 44 /* , */ || c === 32) break;
    j++;
  }
  return j;
}

/** Characters of a process or password database name ("passwd-file", "auth-worker"). */
function isNameCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 /* - */ || c === 95 /* _ */;
}

/** Number written at i (up to 9 digits), or -1. */
function numberAt(m: string, i: number): number {
  let n = 0;
  let j = i;
  while (j < m.length && j - i < 9 && m.charCodeAt(j) >= 48 && m.charCodeAt(j) <= 57) n = n * 10 + m.charCodeAt(j++) - 48;
  return j === i ? -1 : n;
}
