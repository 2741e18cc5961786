/**
 * The reader shared by the two access-log formats (Apache/nginx Common Log Format and
 * Combined):
 *
 *   [vhost[:port]] client ident authuser [10/Oct/2000:13:55:36 -0700] "request" status bytes
 *       ["referrer" "user agent"] [extra fields: request time, upstream time, "quoted extras"...]
 *
 * A hand-written scanner over char codes, not a regex: it runs on every line of files with
 * millions of them, and each step only moves forward (bounded retries at most), so a hostile
 * line costs time linear in its length.
 */
import type { LogRecord } from '../model';
import { readClfStamp, StampOut } from '../time/webServerDates';
import { readRequestLine } from './httpRequestLine';

/**
 * How many later quotes are tried as a field's end when the first does not fit (quotes the
 * server did not escape, as old Apache versions and some custom formats write them). Bounded
 * so that a line full of quotes stays linear.
 */
const QUOTE_RETRIES = 8;
/** Longest host / ident / user token before the date; real ones are far shorter (a DNS name is ≤ 253). */
const MAX_TOKEN = 255;
/** Longest byte count taken (15 digits: up to ~1 PB, still exact in a double). */
const MAX_BYTES_DIGITS = 15;

// Scratch state: parsing is synchronous and never re-entered, so module-level slots avoid
// allocating per line.
const tokenStart = new Int32Array(4);
const tokenEnd = new Int32Array(4);
let sawEscapedQuote = false;
let parsedStatus = 0;
let parsedBytes = 0;
let parsedEnd = 0;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Host names and addresses: letters, digits, `.`, `:` (IPv6, port), `-`, `_`, `%` (IPv6 zone); at least one letter or digit. */
function isAddressToken(text: string, start: number, end: number): boolean {
  let alnum = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) alnum = true;
    else if (c !== 0x2e && c !== 0x3a && c !== 0x2d && c !== 0x5f && c !== 0x25) return false;
  }
  return alnum;
}

/**
 * The `"` that closes a quoted field whose text starts at `from`: the first one not escaped
 * by an odd run of backslashes (Apache writes `\"` and `\\`), or -1 before `end`. Notes in
 * `sawEscapedQuote` when it skipped an escaped one.
 */
function closingQuote(text: string, from: number, end: number): number {
  let q = text.indexOf('"', from);
  while (q >= 0 && q < end) {
    let b = q - 1;
    while (b >= from && text.charCodeAt(b) === 0x5c) b--;
    if (((q - 1 - b) & 1) === 0) return q;
    sawEscapedQuote = true;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}

/** A quoted field's value with the log's `\"` escape undone; other escapes (`\\`, `\xhh`) are kept as written. */
function quotedValue(text: string, start: number, end: number, escaped: boolean): string {
  const raw = text.slice(start, end);
  return escaped ? raw.replace(/\\"/g, '"') : raw;
}

/** A referrer / user-agent value, undefined for `-` and empty. */
function optionalValue(text: string, start: number, end: number, escaped: boolean): string | undefined {
  if (end === start || (end === start + 1 && text.charCodeAt(start) === 0x2d)) return undefined;
  return quotedValue(text, start, end, escaped);
}

/**
 * ` status bytes` after the request's closing quote: three digits, then digits or `-` (no
 * body: 0 bytes), each followed by a blank or the end. Leaves them in the parsed* slots.
 */
function readStatusAndBytes(text: string, p: number, end: number): boolean {
  const gap = p;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  if (p === gap || p + 3 > end) return false;
  const d0 = text.charCodeAt(p) - 48;
  const d1 = text.charCodeAt(p + 1) - 48;
  const d2 = text.charCodeAt(p + 2) - 48;
  if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return false;
  p += 3;
  const afterStatus = p;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  if (p === afterStatus || p >= end) return false;
  let bytes = 0;
  if (text.charCodeAt(p) === 0x2d) p++;
  else {
    const digits = p;
    while (p < end && p - digits < MAX_BYTES_DIGITS) {
      const d = text.charCodeAt(p) - 48;
      if (d < 0 || d > 9) break;
      bytes = bytes * 10 + d;
      p++;
    }
    if (p === digits) return false;
  }
  if (p < end && !isBlank(text.charCodeAt(p))) return false;
  parsedStatus = d0 * 100 + d1 * 10 + d2;
  parsedBytes = bytes;
  parsedEnd = p;
  return true;
}

/** Position of the `"` that opens the next field after the quote at `q` (blanks between), or -1. */
function nextQuotedField(text: string, q: number, end: number): number {
  let p = q + 1;
  if (p >= end || !isBlank(text.charCodeAt(p))) return -1;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  return p < end && text.charCodeAt(p) === 0x22 ? p : -1;
}

function parseRange(text: string, start: number, end: number, line: number, requireAgent: boolean, stamp: StampOut): LogRecord | null {
  // Up to four blank-separated tokens before the date: [vhost] client ident authuser.
  let p = start;
  let n = 0;
  for (;;) {
    if (p >= end) return null;
    if (text.charCodeAt(p) === 0x5b) break;
    if (n === 4) return null;
    const s = p;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === 0x20 || c === 0x09) break;
      // `"`: quoted or JSON text; `[`, `]`: a syslog tag such as `sshd[123]:`.
      if (c === 0x22 || c === 0x5b || c === 0x5d || p - s >= MAX_TOKEN) return null;
      p++;
    }
    tokenStart[n] = s;
    tokenEnd[n] = p;
    n++;
    const gap = p;
    while (p < end && isBlank(text.charCodeAt(p))) p++;
    if (p === gap) return null;
  }
  if (n < 3) return null;
  const client = n - 3;
  if (!isAddressToken(text, tokenStart[client], tokenEnd[client])) return null;
  if (n === 4 && !isAddressToken(text, tokenStart[0], tokenEnd[0])) return null;

  const dateEnd = readClfStamp(text, p + 1, end, stamp);
  if (dateEnd < 0) return null;
  p = dateEnd + 1;
  const gap = p;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  if (p === gap || p >= end || text.charCodeAt(p) !== 0x22) return null;

  // The request, then status and bytes. When they do not follow the first closing quote,
  // the request held a quote the server did not escape: try the next ones.
  const requestStart = p + 1;
  sawEscapedQuote = false;
  let requestEnd = closingQuote(text, requestStart, end);
  for (let tries = 0; requestEnd >= 0 && !readStatusAndBytes(text, requestEnd + 1, end); tries++) {
    requestEnd = tries < QUOTE_RETRIES ? closingQuote(text, requestEnd + 1, end) : -1;
  }
  if (requestEnd < 0) return null;
  const requestEscaped = sawEscapedQuote;
  const status = parsedStatus;
  const bytes = parsedBytes;
  p = parsedEnd;

  // "referrer" "user agent", then anything (extra fields).
  let hasAgentField = false;
  let referrer: string | undefined;
  let userAgent: string | undefined;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  if (p < end && text.charCodeAt(p) === 0x22) {
    const refStart = p + 1;
    sawEscapedQuote = false;
    let refEnd = closingQuote(text, refStart, end);
    let agentOpen = refEnd >= 0 ? nextQuotedField(text, refEnd, end) : -1;
    for (let tries = 0; refEnd >= 0 && agentOpen < 0; tries++) {
      refEnd = tries < QUOTE_RETRIES ? closingQuote(text, refEnd + 1, end) : -1;
      agentOpen = refEnd >= 0 ? nextQuotedField(text, refEnd, end) : -1;
    }
    if (refEnd >= 0) {
      const refEscaped = sawEscapedQuote;
      const agentStart = agentOpen + 1;
      sawEscapedQuote = false;
      let agentEnd = closingQuote(text, agentStart, end);
      for (let tries = 0; agentEnd >= 0 && agentEnd + 1 < end && !isBlank(text.charCodeAt(agentEnd + 1)); tries++) {
        agentEnd = tries < QUOTE_RETRIES ? closingQuote(text, agentEnd + 1, end) : -1;
      }
      // A user agent cut off by the line's end (a truncated write) still counts, up to the end.
      if (agentEnd < 0) {
        const quote = text.indexOf('"', agentStart);
        if (quote < 0 || quote >= end) agentEnd = end;
      }
      if (agentEnd >= 0) {
        hasAgentField = true;
        referrer = optionalValue(text, refStart, refEnd, refEscaped);
        userAgent = optionalValue(text, agentStart, agentEnd, sawEscapedQuote);
      }
    }
  }
  if (requireAgent && !hasAgentField) return null;

  const userStart = tokenStart[n - 1];
  const userEnd = tokenEnd[n - 1];
  const record: LogRecord = {
    line,
    kind: 'http',
    time: stamp.time,
    offsetMinutes: stamp.offsetMinutes,
    source: text.slice(tokenStart[client], tokenEnd[client]),
    user: userEnd === userStart + 1 && text.charCodeAt(userStart) === 0x2d ? undefined : text.slice(userStart, userEnd),
    method: undefined,
    path: undefined,
    query: undefined,
    status,
    bytes,
    referrer,
    userAgent,
    host: n === 4 ? text.slice(tokenStart[0], tokenEnd[0]) : undefined,
  };
  if (requestEscaped) {
    const request = quotedValue(text, requestStart, requestEnd, true);
    readRequestLine(request, 0, request.length, record);
  } else readRequestLine(text, requestStart, requestEnd, record);
  return record;
}

/**
 * One access-log line as a record, or null when it is not one. With `requireAgent` the
 * quoted referrer and user-agent fields must be there (Combined); without, they are read when
 * present and optional otherwise (Common). Lines wrapped in one extra pair of double quotes
 * (as some exports write them) are read inside the quotes when the plain reading fails.
 */
export function parseAccessLine(text: string, line: number, requireAgent: boolean, stamp: StampOut): LogRecord | null {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    end--;
  }
  const record = parseRange(text, 0, end, line, requireAgent, stamp);
  if (record || text.charCodeAt(0) !== 0x22 || end < 2 || text.charCodeAt(end - 1) !== 0x22) return record;
  return parseRange(text, 1, end - 1, line, requireAgent, stamp);
}
