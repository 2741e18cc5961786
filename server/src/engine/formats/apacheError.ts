/**
 * Apache httpd error log, 2.2 and 2.4 layouts:
 *
 *   [Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] user bob not found: /private
 *   [Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 1.2.3.4:50752] AH00124: ...
 *   [Mon Nov 06 13:39:56.637868 2023] [auth_basic:error] [pid 3175001] [remote 192.0.2.111:35924] AH01618: ...
 *   [...] [core:error] [pid 1] (13)Permission denied: [client 1.2.3.4:5678] AH00035: access to / denied
 *   Feb 15 16:23:00 srv httpd[22034]: [authz_core:error] [pid 22034] [client 192.0.2.1:58585] AH01630: ...
 *
 * (the last one is `ErrorLog syslog`). Dates carry no offset: they are read as UTC wall clock.
 *
 * Authentication failures become `auth` records; which messages count follows the labels of
 * fail2ban's apache-auth test log (a public, reviewed ground truth):
 *   - wrong password / unknown user: AH01617 `user X: authentication failure for "/p": Password
 *     Mismatch`, AH01618 `user X not found`, Digest AH01790/AH01792 and mod_authnz_ldap's
 *     `auth_ldap authenticate: user X authentication failed`;
 *   - refused authorisation of a named user: AH01631, AH01637;
 *   - a client breaking the auth protocol: AH01614 wrong scheme, Digest realm / algorithm / qop
 *     mismatches, nonces that are too short or from the future (a stale nonce whose hash does
 *     not match is what browsers send after a server restart: not a failure);
 *   - `client denied by server configuration` (AH01797, AH01630): the labels count it — a
 *     source that keeps asking for what the server refuses it is probing — except when
 *     mod_evasive writes it, where it only means a rate limit was hit.
 * Server-side configuration errors such as AH01615 `need AuthName` and TLS SNI mismatches
 * (AH02031-AH02033, which fail2ban also flags) are not authentication attempts: they stay
 * `event` records.
 */
import type { LogRecord } from '../model';
import type { LogFormat, ParseContext } from './types';
import { newStampOut, readCtimeStamp, readNumericStamp, readYearlessStamp, StampOut } from '../time/webServerDates';

const LEVELS = new Set([
  'emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug',
  'trace1', 'trace2', 'trace3', 'trace4', 'trace5', 'trace6', 'trace7', 'trace8',
]);

/** Widest `[module:level]` / `[pid ...:tid ...]` bracket taken (module names are short). */
const MAX_BRACKET = 80;
/** Widest `[client ...]` bracket: an IPv6 address with zone and port, or a host name. */
const MAX_CLIENT = 300;
/** How far after `(13)Permission denied` the `: [client` is looked for. */
const MAX_OS_ERROR = 200;
/** Longest syslog host or tag taken in the `ErrorLog syslog` layout. */
const MAX_SYSLOG_TOKEN = 255;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index of `ch` in text[from, from + max), or -1. */
function indexWithin(text: string, ch: string, from: number, max: number): number {
  const i = text.indexOf(ch, from);
  return i >= 0 && i - from < max ? i : -1;
}

/**
 * Reads the address of a `[client ...]` / `[remote ...]` bracket whose address starts at `p`;
 * returns the position after the closing `]`, or -1. Ports are dropped: `1.2.3.4:5`,
 * `[2001:db8::1]:5`, and, in the 2.4 layout (which always logs the port), `::1:58619`.
 */
function readClientAddress(text: string, p: number, record: LogRecord, withPort: boolean): number {
  if (text.charCodeAt(p) === 0x5b) {
    const close = indexWithin(text, ']', p + 1, MAX_CLIENT);
    if (close < 0) return -1;
    let q = close + 1;
    if (text.charCodeAt(q) === 0x3a) {
      q++;
      while (isDigit(text.charCodeAt(q)) && q - close < 8) q++;
    }
    if (text.charCodeAt(q) !== 0x5d) return -1;
    if (record.source === undefined) record.source = text.slice(p + 1, close);
    return q + 1;
  }
  const close = indexWithin(text, ']', p, MAX_CLIENT);
  if (close <= p) return -1;
  for (let i = p; i < close; i++) if (isBlank(text.charCodeAt(i))) return -1;
  if (record.source !== undefined) return close + 1; // a module repeating the client: the first one counts
  let addressEnd = close;
  const first = text.indexOf(':', p);
  if (first >= 0 && first < close) {
    const last = text.lastIndexOf(':', close - 1);
    let portDigits = 0;
    for (let i = last + 1; i < close && isDigit(text.charCodeAt(i)); i++) portDigits++;
    const isPort = portDigits > 0 && portDigits <= 5 && last + 1 + portDigits === close;
    if (first === last) {
      if (isPort) addressEnd = last; // IPv4 or name with port
    } else if (withPort && isPort) {
      // IPv6 with a port appended: keep it only if what is left is still an IPv6 address.
      let colonsLeft = 0;
      for (let i = p; i < last; i++) if (text.charCodeAt(i) === 0x3a) colonsLeft++;
      if (colonsLeft >= 2) addressEnd = last;
    }
  }
  record.source = text.slice(p, addressEnd);
  return close + 1;
}

// Authentication-failure markers after `user NAME` (2.2 and 2.4 wording, Basic and Digest).
const USER_MARKERS = [': authentication failure', ': authorization failure', ': password mismatch', ' not found', ' denied by provider'];

/** Result slot of the classifiers below: the user named by the failure ('' when none). */
let failedUser = '';

/** `user NAME ...` messages of mod_auth_basic, mod_auth_digest, mod_authz_core. */
function userFailure(msg: string, s: number): boolean {
  if (msg.charCodeAt(s) === 0x60) {
    // Digest: user `NAME' in realm `REALM' not found
    const nameEnd = msg.indexOf("' in realm `", s + 1);
    if (nameEnd < 0) return false;
    const realmEnd = msg.indexOf("'", nameEnd + 12);
    if (realmEnd < 0) return false;
    if (!msg.startsWith(' not found', realmEnd + 1) && !msg.startsWith(' denied by provider', realmEnd + 1)) return false;
    failedUser = msg.slice(s + 1, nameEnd);
    return true;
  }
  let best = -1;
  for (const marker of USER_MARKERS) {
    const i = msg.indexOf(marker, s);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  if (best < 0) return false;
  failedUser = msg.slice(s, best);
  return true;
}

/**
 * Whether an error message (after the brackets) reports an authentication failure; the user
 * it names is left in `failedUser`.
 */
function isAuthFailure(msg: string, module: string | undefined): boolean {
  failedUser = '';
  let m = 0;
  // 2.4 message codes: AH01617:
  if (msg.charCodeAt(0) === 0x41 && msg.charCodeAt(1) === 0x48 && msg.charCodeAt(7) === 0x3a && isDigit(msg.charCodeAt(2))) m = 9;
  if (msg.startsWith('Digest: ', m)) m += 8;
  switch (msg.charCodeAt(m)) {
    case 0x75: // u
      if (msg.startsWith('user ', m)) return userFailure(msg, m + 5);
      return msg.startsWith('unknown algorithm `', m);
    case 0x63: // c
      if (msg.startsWith('client used wrong authentication scheme', m)) return true;
      if (msg.startsWith('client denied by server configuration', m)) return !(module && module.startsWith('evasive'));
      return false;
    case 0x41: { // A
      if (!msg.startsWith('Authorization of user ', m)) return false;
      const to = msg.indexOf(' to access ', m + 22);
      if (to < 0 || msg.indexOf(' failed', to) < 0) return false;
      failedUser = msg.slice(m + 22, to);
      return true;
    }
    case 0x69: { // i
      if (msg.startsWith('invalid qop `', m)) return true;
      if (!msg.startsWith('invalid nonce ', m)) return false;
      const why = msg.indexOf(' received - ', m);
      return why >= 0 && (msg.startsWith('length is not', why + 12) || msg.startsWith('user attempted time travel', why + 12));
    }
    case 0x72: // r
      return msg.startsWith('realm mismatch - got `', m);
    case 0x61: { // a
      if (!msg.startsWith('auth_ldap authenticate: user ', m)) return false;
      const failed = msg.indexOf(' authentication failed', m + 29);
      if (failed < 0) return false;
      failedUser = msg.slice(m + 29, failed);
      return true;
    }
    default:
      return false;
  }
}

/**
 * Reads what follows the timestamp (or the syslog tag): `[module:level] [pid ...] [client ...]
 * message` from `p` to `end` into the record (level, source, message, and the auth fields for
 * authentication failures). False when the text is not in that shape. Exported so that the
 * syslog format can read httpd messages the same way.
 */
export function readApacheErrorFields(text: string, p: number, end: number, record: LogRecord): boolean {
  if (text.charCodeAt(p) !== 0x5b) return false;
  const levelClose = indexWithin(text, ']', p + 1, MAX_BRACKET);
  if (levelClose < 0) return false;
  let colon = levelClose - 1;
  while (colon > p && text.charCodeAt(colon) !== 0x3a) colon--;
  const hasModule = colon > p;
  const level = text.slice(hasModule ? colon + 1 : p + 1, levelClose);
  if (!LEVELS.has(level)) return false;
  const module = hasModule && colon > p + 1 ? text.slice(p + 1, colon) : undefined;
  // 2.4 writes `module:level` and `[pid ...]`; 2.2 writes neither (nor the client's port).
  let layout24 = hasModule;
  p = levelClose + 1;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  for (let i = 0; i < 4 && p < end && text.charCodeAt(p) === 0x5b; i++) {
    let next = -1;
    if (text.startsWith('pid ', p + 1)) {
      layout24 = true;
      const close = indexWithin(text, ']', p + 1, MAX_BRACKET);
      next = close < 0 ? -1 : close + 1;
    } else if (text.startsWith('client ', p + 1) || text.startsWith('remote ', p + 1)) {
      next = readClientAddress(text, p + 8, record, layout24);
    }
    if (next < 0) break; // the message itself starts with `[`
    p = next;
    while (p < end && isBlank(text.charCodeAt(p))) p++;
  }
  let message: string | undefined;
  if (record.source === undefined && text.charCodeAt(p) === 0x28) {
    // 2.4: `(13)Permission denied: [client 1.2.3.4:5678] AH00035: ...`
    let at = text.indexOf(': [client ', p);
    if (at < 0 || at - p > MAX_OS_ERROR) at = text.indexOf(': [remote ', p);
    if (at >= 0 && at - p <= MAX_OS_ERROR) {
      let after = readClientAddress(text, at + 10, record, true);
      if (after >= 0) {
        while (after < end && isBlank(text.charCodeAt(after))) after++;
        message = text.slice(p, at + 2) + text.slice(after, end);
      }
    }
  }
  if (message === undefined) message = text.slice(p, end);
  // `, referer: URL` that Apache appends for request errors (a URL holds no blank; anything
  // else is the message's own text).
  const referer = message.lastIndexOf(', referer: ');
  if (referer >= 0 && !/\s/.test(message.slice(referer + 11))) {
    record.referrer = message.slice(referer + 11) || undefined;
    message = message.slice(0, referer);
  }
  record.level = level;
  record.message = message;
  if (isAuthFailure(message, module)) {
    record.kind = 'auth';
    record.auth = 'failure';
    if (failedUser.length > 0) record.user = failedUser;
  }
  return true;
}

/**
 * The `ErrorLog syslog` header `Feb 15 16:23:00 host tag[pid]: ` (or with an RFC 3339 time):
 * returns where the message starts and leaves the program name in `syslogProgram`, or -1.
 */
let syslogProgram = '';
function readSyslogHeader(text: string, end: number, ctx: ParseContext, stamp: StampOut): number {
  let p = isDigit(text.charCodeAt(0))
    ? readNumericStamp(text, 0, stamp)
    : readYearlessStamp(text, 0, ctx.referenceYear, ctx.referenceTime, stamp);
  if (p < 0 || !isBlank(text.charCodeAt(p))) return -1;
  p++;
  // host
  const hostStart = p;
  while (p < end && !isBlank(text.charCodeAt(p)) && p - hostStart < MAX_SYSLOG_TOKEN) p++;
  if (p === hostStart || !isBlank(text.charCodeAt(p))) return -1;
  p++;
  // tag: `httpd[22034]:`, `httpd/backend1[22034]:`, `apache2:`
  const tagStart = p;
  let nameEnd = -1;
  while (p < end && p - tagStart < MAX_SYSLOG_TOKEN) {
    const c = text.charCodeAt(p);
    if (isBlank(c)) return -1;
    if (c === 0x5b && nameEnd < 0) nameEnd = p;
    if (c === 0x3a && isBlank(text.charCodeAt(p + 1))) break;
    p++;
  }
  if (text.charCodeAt(p) !== 0x3a || p === tagStart) return -1;
  syslogProgram = text.slice(tagStart, nameEnd >= 0 ? nameEnd : p);
  p++;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  return p;
}

function parseApacheError(text: string, line: number, ctx: ParseContext, stamp: StampOut): LogRecord | null {
  let end = text.length;
  while (end > 0 && (isBlank(text.charCodeAt(end - 1)) || text.charCodeAt(end - 1) === 0x0d)) end--;
  let p: number;
  let program: string | undefined;
  if (text.charCodeAt(0) === 0x5b) {
    // [Sun Dec 04 04:47:44 2005], or ErrorLogFormat's compact [2005-12-04 04:47:44.123456]
    let after = readCtimeStamp(text, 1, stamp);
    if (after < 0) after = readNumericStamp(text, 1, stamp);
    if (after < 0 || text.charCodeAt(after) !== 0x5d) return null;
    p = after + 1;
    while (p < end && isBlank(text.charCodeAt(p))) p++;
  } else {
    p = readSyslogHeader(text, end, ctx, stamp);
    if (p < 0) return null;
    program = syslogProgram;
  }
  const record: LogRecord = {
    line,
    kind: 'event',
    time: stamp.time,
    offsetMinutes: stamp.offsetMinutes,
    source: undefined,
    user: undefined,
    auth: undefined,
    level: undefined,
    message: undefined,
    referrer: undefined,
    program,
  };
  return readApacheErrorFields(text, p, end, record) ? record : null;
}

export const apacheError: LogFormat = {
  id: 'apache-error',
  label: 'Apache error log',
  // Meant to stay above syslog's: a file of httpd lines sent through syslog reads better as this format.
  specificity: 6,
  createParser: (ctx) => {
    const stamp = newStampOut();
    return { parse: (text, line) => parseApacheError(text, line, ctx, stamp) };
  },
};
