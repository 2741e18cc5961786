/**
 * The access-line reader of accessLogFields.ts, on the bytes of an ASCII chunk instead of a
 * line's string: for a file's reader, which then takes only the fields it keeps out of the
 * bytes, and makes no string for the line at all. (A loop reads a Buffer's byte about three
 * times faster than a string's character, and most lines of a big access log come this way.)
 *
 * It reads the plain shape only — the one nearly every line has — and says false for any
 * other: no escaped quote, no quote the server left unescaped in a field, the canonical
 * timestamp, no line wrapped in quotes. The caller then reads the line as text, with the
 * general reader. So when this says true, the fields are exactly those scanAccessLine finds
 * in the line's latin1 text; when false, nothing is decided (tested on the corpora).
 *
 * Every loop moves forward within the line: linear in its length (the quote search: see
 * plainClosingQuote).
 */
import { indexOfByte } from '../byteSearch';
import { readCanonicalClfStampBytes, type StampOut } from '../time/webServerDates';
import { MAX_BYTES_DIGITS, MAX_TOKEN, type AccessLineFields } from './accessLogFields';
import { isMethodChar, MAX_METHOD, MAX_PROTOCOL } from './httpRequestLine';

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Where the request line's parts are, as byte positions (-1: not there). */
export class RequestRanges {
  methodStart = -1;
  methodEnd = -1;
  pathStart = -1;
  pathEnd = -1;
  queryStart = -1;
  queryEnd = -1;
}

// Scratch slots: reading is synchronous and never re-entered.
const tokenStart = new Int32Array(4);
const tokenEnd = new Int32Array(4);

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** As accessLogFields.ts's isAddressToken. */
function isAddressToken(b: Uint8Array, start: number, end: number): boolean {
  let alnum = false;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) alnum = true;
    else if (c !== 0x2e && c !== 0x3a && c !== 0x2d && c !== 0x5f && c !== 0x25) return false;
  }
  return alnum;
}

/**
 * The `"` that closes a field starting at `from`, when no backslash stands before it: -1 when
 * there is none before `end`, -2 when a backslash does (an escape: the text reader decides).
 */
function plainClosingQuote(b: Uint8Array, from: number, end: number): number {
  // The native search (several times faster than a loop over bytes) may run past the line's
  // end, but only to the next quote: a line that searches has an opening quote of its own, so
  // no byte is searched twice by consecutive lines, and the chunk stays linear.
  const q = indexOfByte(b, QUOTE, from);
  if (q < 0 || q >= end) return -1;
  return q > from && b[q - 1] === BACKSLASH ? -2 : q;
}

/**
 * Reads the access line bytes[start, end) into `f` (positions into `bytes`) and its request
 * into `request`; false when it is not a plain access line (see the top of this file). With
 * `requireAgent`, the referrer and user-agent fields must be there (Combined).
 */
export function scanAccessBytes(
  b: Uint8Array,
  start: number,
  end: number,
  requireAgent: boolean,
  stamp: StampOut,
  f: AccessLineFields,
  request: RequestRanges,
): boolean {
  while (end > start) {
    const c = b[end - 1];
    if (c !== SPACE && c !== TAB && c !== 0x0d) break;
    end--;
  }
  // Up to four blank-separated tokens before the date: [vhost] client ident authuser.
  let p = start;
  let n = 0;
  for (;;) {
    if (p >= end) return false;
    if (b[p] === 0x5b) break;
    if (n === 4) return false;
    const s = p;
    while (p < end) {
      const c = b[p];
      if (c === SPACE || c === TAB) break;
      if (c === QUOTE || c === 0x5b || c === 0x5d || p - s >= MAX_TOKEN) return false;
      p++;
    }
    tokenStart[n] = s;
    tokenEnd[n] = p;
    n++;
    const gap = p;
    while (p < end && isBlank(b[p])) p++;
    if (p === gap) return false;
  }
  if (n < 3) return false;
  const client = n - 3;
  if (!isAddressToken(b, tokenStart[client], tokenEnd[client])) return false;
  if (n === 4 && !isAddressToken(b, tokenStart[0], tokenEnd[0])) return false;

  const dateEnd = readCanonicalClfStampBytes(b, p + 1, end, stamp);
  if (dateEnd < 0) return false;
  p = dateEnd + 1;
  let gap = p;
  while (p < end && isBlank(b[p])) p++;
  if (p === gap || p >= end || b[p] !== QUOTE) return false;

  // The request, then ` status bytes` right after its first closing quote.
  const requestStart = p + 1;
  const requestEnd = plainClosingQuote(b, requestStart, end);
  if (requestEnd < 0) return false;
  p = requestEnd + 1;
  gap = p;
  while (p < end && isBlank(b[p])) p++;
  if (p === gap || p + 3 > end) return false;
  const d0 = b[p] - 48;
  const d1 = b[p + 1] - 48;
  const d2 = b[p + 2] - 48;
  if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return false;
  p += 3;
  gap = p;
  while (p < end && isBlank(b[p])) p++;
  if (p === gap || p >= end) return false;
  let bytes = 0;
  if (b[p] === 0x2d) p++;
  else {
    const digits = p;
    while (p < end && p - digits < MAX_BYTES_DIGITS) {
      const d = b[p] - 48;
      if (d < 0 || d > 9) break;
      bytes = bytes * 10 + d;
      p++;
    }
    if (p === digits) return false;
  }
  if (p < end && !isBlank(b[p])) return false;

  // "referrer" "user agent", each closed by its first quote, then anything (extra fields).
  f.referrerStart = f.referrerEnd = f.agentStart = f.agentEnd = -1;
  while (p < end && isBlank(b[p])) p++;
  if (p < end && b[p] === QUOTE) {
    const refStart = p + 1;
    const refEnd = plainClosingQuote(b, refStart, end);
    if (refEnd < 0) return false;
    p = refEnd + 1;
    if (p >= end || !isBlank(b[p])) return false;
    while (p < end && isBlank(b[p])) p++;
    if (p >= end || b[p] !== QUOTE) return false;
    const agentStart = p + 1;
    const agentEnd = plainClosingQuote(b, agentStart, end);
    if (agentEnd < 0 || (agentEnd + 1 < end && !isBlank(b[agentEnd + 1]))) return false;
    f.referrerStart = refStart;
    f.referrerEnd = refEnd;
    f.referrerEscaped = false;
    f.agentStart = agentStart;
    f.agentEnd = agentEnd;
    f.agentEscaped = false;
  } else if (requireAgent) return false;
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
  f.requestEscaped = false;
  f.status = d0 * 100 + d1 * 10 + d2;
  f.bytes = bytes;
  readRequestRanges(b, requestStart, requestEnd, request);
  return true;
}

/** readRequestLine (httpRequestLine.ts) on bytes: where the method, path and query are. */
function readRequestRanges(b: Uint8Array, start: number, end: number, into: RequestRanges): void {
  into.methodStart = into.methodEnd = into.pathStart = into.pathEnd = into.queryStart = into.queryEnd = -1;
  while (start < end && b[start] === SPACE) start++;
  while (end > start && b[end - 1] === SPACE) end--;
  const first = b[start] | 0x20;
  if (start >= end || first < 0x61 || first > 0x7a) return;
  let p = start;
  while (p < end && p - start <= MAX_METHOD && isMethodChar(b[p])) p++;
  if (p - start > MAX_METHOD) return;
  if (p < end && b[p] !== SPACE) return;
  into.methodStart = start;
  into.methodEnd = p;
  while (p < end && b[p] === SPACE) p++;
  if (p >= end) return;
  let uriEnd = end;
  let space = end - 1;
  while (space > p && end - space <= MAX_PROTOCOL && b[space] !== SPACE) space--;
  if (space > p && b[space] === SPACE && isHttpSlash(b, space + 1, end)) {
    uriEnd = space;
    while (uriEnd > p && b[uriEnd - 1] === SPACE) uriEnd--;
  }
  if (uriEnd <= p) return;
  let q = p;
  while (q < uriEnd && b[q] !== 0x3f) q++;
  into.pathStart = p;
  into.pathEnd = q;
  if (q < uriEnd) {
    into.queryStart = q + 1;
    into.queryEnd = uriEnd;
  }
}

/** `HTTP/` at b[at, …) before `end`. */
function isHttpSlash(b: Uint8Array, at: number, end: number): boolean {
  return at + 5 <= end && b[at] === 0x48 && b[at + 1] === 0x54 && b[at + 2] === 0x54 && b[at + 3] === 0x50 && b[at + 4] === 0x2f;
}
