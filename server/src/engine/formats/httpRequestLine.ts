import type { LogRecord } from '../model';

/** Longest method name taken as one (WebDAV's VERSION-CONTROL is 15; room for custom verbs). */
export const MAX_METHOD = 32;

/** Longest protocol token looked for at the end (`HTTP/1.1` is 8; room for odd versions). */
export const MAX_PROTOCOL = 16;

/** A method is a plain token: letters, digits, `-` and `_` (so `\x16\x03...` garbage is not one). */
export function isMethodChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
}

/** The method as a shared constant for the common ones (no string allocated per line). */
function methodName(text: string, start: number, end: number): string {
  const c = text.charCodeAt(start);
  switch (end - start) {
    case 3:
      if (c === 0x47 && text.charCodeAt(start + 1) === 0x45 && text.charCodeAt(start + 2) === 0x54) return 'GET';
      if (c === 0x50 && text.charCodeAt(start + 1) === 0x55 && text.charCodeAt(start + 2) === 0x54) return 'PUT';
      break;
    case 4:
      if (c === 0x50 && text.startsWith('POST', start)) return 'POST';
      if (c === 0x48 && text.startsWith('HEAD', start)) return 'HEAD';
      break;
    case 6:
      if (c === 0x44 && text.startsWith('DELETE', start)) return 'DELETE';
      break;
    case 7:
      if (c === 0x4f && text.startsWith('OPTIONS', start)) return 'OPTIONS';
      break;
  }
  return text.slice(start, end);
}

/**
 * Reads an HTTP request line `METHOD URI [HTTP/x.y]` from text[start, end) into the record's
 * `method`, `path` (the URI before `?`) and `query` (after `?`, without it), leaving them
 * undefined for what is not there: `-`, an empty request, TLS or binary bytes sent to a
 * plain-HTTP port. The URI is kept as written (not URL-decoded); an HTTP/0.9 line without
 * protocol and a URI with spaces in it (some servers log it raw) are understood.
 */
export function readRequestLine(text: string, start: number, end: number, record: LogRecord): void {
  while (start < end && text.charCodeAt(start) === 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
  const first = text.charCodeAt(start) | 0x20;
  if (first < 0x61 || first > 0x7a) return; // `-`, `"`, `\x16...`: no method
  let p = start;
  while (p < end && p - start <= MAX_METHOD && isMethodChar(text.charCodeAt(p))) p++;
  if (p === start || p - start > MAX_METHOD) return;
  if (p < end && text.charCodeAt(p) !== 0x20) return; // not a method: garbage
  record.method = methodName(text, start, p);
  while (p < end && text.charCodeAt(p) === 0x20) p++;
  if (p >= end) return;
  // ` HTTP/x.y` at the end: look back over at most the protocol's length (a hand loop, as
  // lastIndexOf would search the whole URI back when there is no protocol).
  let uriEnd = end;
  let space = end - 1;
  while (space > p && end - space <= MAX_PROTOCOL && text.charCodeAt(space) !== 0x20) space--;
  if (space > p && text.charCodeAt(space) === 0x20 && text.startsWith('HTTP/', space + 1)) {
    uriEnd = space;
    while (uriEnd > p && text.charCodeAt(uriEnd - 1) === 0x20) uriEnd--;
  }
  if (uriEnd <= p) return;
  const q = text.indexOf('?', p);
  if (q >= 0 && q < uriEnd) {
    record.path = text.slice(p, q);
    record.query = text.slice(q + 1, uriEnd);
  } else record.path = text.slice(p, uriEnd);
}
