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
export const MAX_TOKEN = 255;
/** Longest byte count taken (15 digits: up to ~1 PB, still exact in a double). */
export const MAX_BYTES_DIGITS = 15;

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

/**
 * Where an access line's fields are, once read (scanAccessLine): what a record is made of,
 * as positions in the line's text, so that a reader can take the fields without a record.
 * Positions are -1 for a field that is not there.
 */
export class AccessLineFields {
  /** [vhost] client and authuser tokens. */
  hostStart = -1;
  hostEnd = -1;
  clientStart = 0;
  clientEnd = 0;
  userStart = 0;
  userEnd = 0;
  time = 0;
  offsetMinutes = 0;
  /** The request's text between its quotes, and whether it had `\"` in it. */
  requestStart = 0;
  requestEnd = 0;
  requestEscaped = false;
  status = 0;
  bytes = 0;
  /** The quoted referrer and user agent (both there, or both -1). */
  referrerStart = -1;
  referrerEnd = -1;
  referrerEscaped = false;
  agentStart = -1;
  agentEnd = -1;
  agentEscaped = false;

  /** The authuser, undefined for `-`. */
  user(text: string): string | undefined {
    return this.userEnd === this.userStart + 1 && text.charCodeAt(this.userStart) === 0x2d ? undefined : text.slice(this.userStart, this.userEnd);
  }

  referrer(text: string): string | undefined {
    return this.referrerStart < 0 ? undefined : optionalValue(text, this.referrerStart, this.referrerEnd, this.referrerEscaped);
  }

  userAgent(text: string): string | undefined {
    return this.agentStart < 0 ? undefined : optionalValue(text, this.agentStart, this.agentEnd, this.agentEscaped);
  }

  /** Method, path and query into `into` (undefined for what the request does not have). */
  readRequest(text: string, into: LogRecord): void {
    into.method = undefined;
    into.path = undefined;
    into.query = undefined;
    if (this.requestEscaped) {
      const request = quotedValue(text, this.requestStart, this.requestEnd, true);
      readRequestLine(request, 0, request.length, into);
    } else readRequestLine(text, this.requestStart, this.requestEnd, into);
  }
}

/** The record of a line read into `f` (the one parseAccessLine returns). */
export function accessRecord(text: string, line: number, f: AccessLineFields): LogRecord {
  const record: LogRecord = {
    line,
    kind: 'http',
    time: f.time,
    offsetMinutes: f.offsetMinutes,
    source: text.slice(f.clientStart, f.clientEnd),
    user: f.user(text),
    method: undefined,
    path: undefined,
    query: undefined,
    status: f.status,
    bytes: f.bytes,
    referrer: f.referrer(text),
    userAgent: f.userAgent(text),
    host: f.hostStart >= 0 ? text.slice(f.hostStart, f.hostEnd) : undefined,
  };
  f.readRequest(text, record);
  return record;
}

/** Reads text[start, end) into `f`; false when it is not an access line. */
function scanRange(text: string, start: number, end: number, requireAgent: boolean, stamp: StampOut, f: AccessLineFields): boolean {
  // Up to four blank-separated tokens before the date: [vhost] client ident authuser.
  let p = start;
  let n = 0;
  for (;;) {
    if (p >= end) return false;
    if (text.charCodeAt(p) === 0x5b) break;
    if (n === 4) return false;
    const s = p;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === 0x20 || c === 0x09) break;
      // `"`: quoted or JSON text; `[`, `]`: a syslog tag such as `sshd[123]:`.
      if (c === 0x22 || c === 0x5b || c === 0x5d || p - s >= MAX_TOKEN) return false;
      p++;
    }
    tokenStart[n] = s;
    tokenEnd[n] = p;
    n++;
    const gap = p;
    while (p < end && isBlank(text.charCodeAt(p))) p++;
    if (p === gap) return false;
  }
  if (n < 3) return false;
  const client = n - 3;
  if (!isAddressToken(text, tokenStart[client], tokenEnd[client])) return false;
  if (n === 4 && !isAddressToken(text, tokenStart[0], tokenEnd[0])) return false;

  const dateEnd = readClfStamp(text, p + 1, end, stamp);
  if (dateEnd < 0) return false;
  p = dateEnd + 1;
  const gap = p;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  if (p === gap || p >= end || text.charCodeAt(p) !== 0x22) return false;

  // The request, then status and bytes. When they do not follow the first closing quote,
  // the request held a quote the server did not escape: try the next ones.
  const requestStart = p + 1;
  sawEscapedQuote = false;
  let requestEnd = closingQuote(text, requestStart, end);
  for (let tries = 0; requestEnd >= 0 && !readStatusAndBytes(text, requestEnd + 1, end); tries++) {
    requestEnd = tries < QUOTE_RETRIES ? closingQuote(text, requestEnd + 1, end) : -1;
  }
  if (requestEnd < 0) return false;
  const requestEscaped = sawEscapedQuote;
  const status = parsedStatus;
  const bytes = parsedBytes;
  p = parsedEnd;

  // "referrer" "user agent", then anything (extra fields).
  let hasAgentField = false;
  f.referrerStart = f.referrerEnd = f.agentStart = f.agentEnd = -1;
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
        f.referrerStart = refStart;
        f.referrerEnd = refEnd;
        f.referrerEscaped = refEscaped;
        f.agentStart = agentStart;
        f.agentEnd = agentEnd;
        f.agentEscaped = sawEscapedQuote;
      }
    }
  }
  if (requireAgent && !hasAgentField) return false;
  f.hostStart = n === 4 ? tokenStart[0] : -1;
  f.hostEnd = n === 4 ? tokenEnd[0] : -1;
  f.clientStart = tokenStart[client];
  f.clientEnd = tokenEnd[client];
  f.userStart = tokenStart[n - 1];
  f.userEnd = tokenEnd[n - 1];
  f.time = stamp.time;
  f.offsetMinutes = stamp.offsetMinutes;
  f.requestStart = requestStart;
  f.requestEnd = requestEnd;
  f.requestEscaped = requestEscaped;
  f.status = status;
  f.bytes = bytes;
  return true;
}

/**
 * Reads one access-log line into `f`; false when it is not one. With `requireAgent` the
 * quoted referrer and user-agent fields must be there (Combined); without, they are read when
 * present and optional otherwise (Common). Lines wrapped in one extra pair of double quotes
 * (as some exports write them) are read inside the quotes when the plain reading fails.
 */
export function scanAccessLine(text: string, requireAgent: boolean, stamp: StampOut, f: AccessLineFields): boolean {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    end--;
  }
  if (scanRange(text, 0, end, requireAgent, stamp, f)) return true;
  if (text.charCodeAt(0) !== 0x22 || end < 2 || text.charCodeAt(end - 1) !== 0x22) return false;
  return scanRange(text, 1, end - 1, requireAgent, stamp, f);
}

/** One access-log line as a record, or null when it is not one (see scanAccessLine). */
export function parseAccessLine(text: string, line: number, requireAgent: boolean, stamp: StampOut, f: AccessLineFields): LogRecord | null {
  return scanAccessLine(text, requireAgent, stamp, f) ? accessRecord(text, line, f) : null;
}
