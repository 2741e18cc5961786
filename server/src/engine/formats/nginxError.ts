/**
 * nginx error log:
 *
 *   2011/08/22 13:37:34 [error] 4452#0: *1 user "dude": password mismatch, client: 192.168.0.1,
 *       server: localhost, request: "GET / HTTP/1.1", host: "localhost"
 *
 * also behind a syslog / journal prefix (`host nginx[983478]: 2023/12/09 21:35:20 [error] ...`).
 * Dates carry no offset: they are read as UTC wall clock.
 *
 * nginx appends the request context (`, client: ..., server: ..., request: "...", host: ...`)
 * after the message without escaping anything, so a user name can itself contain a fake
 * `, client: 127.0.0.1, ...`. The real context is the rightmost `, client: ` whose remainder is
 * a well-formed context running to the end of the line (host and referrer cannot hold blanks,
 * so they cannot hide a fake one either).
 *
 * Authentication failures (`auth` records), as fail2ban's nginx-http-auth labels count them:
 * `user "X": password mismatch`, `user "X" was not found in "/path/.htpasswd"` (auth_basic)
 * and `PAM: user 'X' - not authenticated: ...` (auth_pam). `no user/password was provided for
 * basic authentication` is not one: every browser's first request to a protected page
 * carries no credentials and gets it. TLS handshake errors are events too (fail2ban only
 * counts them in its opt-in "fallback" mode).
 */
import type { LogRecord } from '../model';
import type { LogFormat } from './types';
import { newStampOut, readNumericStamp, StampOut } from '../time/webServerDates';
import { readRequestLine } from './httpRequestLine';

const LEVELS = new Set(['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg']);

/** How far into the line a syslog / journal prefix may reach before the nginx date. */
const MAX_PREFIX = 256;
/** `, client: ` candidates tried from the right: bounded so that a hostile line stays linear. */
const MAX_CONTEXT_TRIES = 8;
/** Longest address taken from a context that is not well-formed. */
const MAX_ADDRESS = 64;

/**
 * The request context from a `, client: ` to the end of the line. Every part has its own
 * literal prefix and a class that excludes the delimiter after it, so matching is linear.
 * Groups: 1 client, 2 server, 3 request, 4 host, 5 referrer.
 */
const CONTEXT =
  /, client: ([^,\s]+)(?:, server: ([^,\s]*))?(?:, request: "([^"]*)")?(?:, subrequest: "[^"]*")?(?:, upstream: "[^"]*")?(?:, host: "([^"\s]*)")?(?:, referrer: "([^"\s]*)")?\s*$/y;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Start of the `YYYY/MM/DD ` date: 0, or just after a `: ` that ends a syslog / journal prefix. */
function dateStart(text: string): number {
  if (isDigit(text.charCodeAt(0)) && text.charCodeAt(4) === 0x2f) return 0;
  let from = 0;
  for (let i = 0; i < 4; i++) {
    const at = text.indexOf(': ', from);
    if (at < 0 || at > MAX_PREFIX) return -1;
    if (isDigit(text.charCodeAt(at + 2)) && text.charCodeAt(at + 6) === 0x2f) return at + 2;
    from = at + 2;
  }
  return -1;
}

/** Slot for the user named by an authentication failure. */
let failedUser = '';

function isAuthFailure(msg: string): boolean {
  failedUser = '';
  if (msg.startsWith('user "')) {
    const mismatch = '": password mismatch';
    if (msg.endsWith(mismatch)) {
      failedUser = msg.slice(6, msg.length - mismatch.length);
      return true;
    }
    // `user "X" was not found in "/etc/nginx/.htpasswd"` (older versions: `"X": was not found`)
    const notFound = msg.lastIndexOf(' was not found in "');
    if (notFound < 7 || !msg.endsWith('"')) return false;
    let nameEnd = notFound;
    if (msg.charCodeAt(nameEnd - 1) === 0x3a) nameEnd--;
    if (msg.charCodeAt(nameEnd - 1) !== 0x22) return false;
    failedUser = msg.slice(6, nameEnd - 1);
    return true;
  }
  if (msg.startsWith("PAM: user '")) {
    const end = msg.lastIndexOf("' - not authenticated: ");
    if (end < 11) return false;
    failedUser = msg.slice(11, end);
    return true;
  }
  return false;
}

function parseNginxError(text: string, line: number, stamp: StampOut): LogRecord | null {
  const start = dateStart(text);
  if (start < 0 || text.charCodeAt(start + 4) !== 0x2f) return null;
  let p = readNumericStamp(text, start, stamp);
  if (p < 0 || text.charCodeAt(p) !== 0x20 || text.charCodeAt(p + 1) !== 0x5b) return null;
  const levelClose = text.indexOf(']', p + 2);
  if (levelClose < 0 || levelClose - p > 8) return null;
  const level = text.slice(p + 2, levelClose);
  if (!LEVELS.has(level) || text.charCodeAt(levelClose + 1) !== 0x20) return null;
  // pid#tid:
  p = levelClose + 2;
  const pidStart = p;
  while (isDigit(text.charCodeAt(p))) p++;
  if (p === pidStart || text.charCodeAt(p) !== 0x23) return null;
  p++;
  const tidStart = p;
  while (isDigit(text.charCodeAt(p))) p++;
  if (p === tidStart || text.charCodeAt(p) !== 0x3a) return null;
  p++;
  if (text.charCodeAt(p) === 0x20) p++;
  // *connection-id
  if (text.charCodeAt(p) === 0x2a) {
    let q = p + 1;
    while (isDigit(text.charCodeAt(q))) q++;
    if (q > p + 1 && text.charCodeAt(q) === 0x20) p = q + 1;
  }
  const messageStart = p;

  const record: LogRecord = {
    line,
    kind: 'event',
    time: stamp.time,
    offsetMinutes: stamp.offsetMinutes,
    source: undefined,
    user: undefined,
    auth: undefined,
    method: undefined,
    path: undefined,
    query: undefined,
    referrer: undefined,
    host: undefined,
    level,
    message: undefined,
    program: 'nginx',
  };

  let messageEnd = text.length;
  let at = text.lastIndexOf(', client: ');
  const rightmost = at;
  let context: RegExpExecArray | null = null;
  for (let tries = 0; at >= messageStart && tries < MAX_CONTEXT_TRIES; tries++) {
    CONTEXT.lastIndex = at;
    context = CONTEXT.exec(text);
    if (context) break;
    at = at > 0 ? text.lastIndexOf(', client: ', at - 1) : -1;
  }
  if (context) {
    messageEnd = at;
    record.source = context[1];
    if (context[3] !== undefined) readRequestLine(context[3], 0, context[3].length, record);
    record.host = context[4] || context[2] || undefined;
    record.referrer = context[5] || undefined;
  } else if (rightmost >= messageStart) {
    // A context of a kind not modelled above (stream and mail modules): take its client.
    messageEnd = rightmost;
    let q = rightmost + 10;
    const addressStart = q;
    while (q < text.length && q - addressStart < MAX_ADDRESS) {
      const c = text.charCodeAt(q);
      if (c === 0x2c || c === 0x20 || c === 0x09) break;
      q++;
    }
    if (q > addressStart) record.source = text.slice(addressStart, q);
  }
  const message = text.slice(messageStart, messageEnd).trimEnd();
  record.message = message;
  if (isAuthFailure(message)) {
    record.kind = 'auth';
    record.auth = 'failure';
    if (failedUser.length > 0) record.user = failedUser;
  }
  return record;
}

export const nginxError: LogFormat = {
  id: 'nginx-error',
  label: 'nginx error log',
  // Meant to stay above syslog's: a file of nginx lines sent through syslog reads better as this format.
  specificity: 6,
  createParser: () => {
    const stamp = newStampOut();
    return { parse: (text, line) => parseNginxError(text, line, stamp) };
  },
};
