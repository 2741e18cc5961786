/**
 * Finds IPv4 and IPv6 addresses in free text, in one left-to-right pass.
 *
 * The scan jumps from one run of address characters ([0-9A-Fa-f:.]) to the next, and looks
 * at each run once, from its start only: a run costs its own length plus at most 45 chars of
 * validation, so the whole scan is linear whatever the text (`1.1.1.1.1…` included).
 *
 * What is not taken for an address:
 * - dotted quads with an octet over 255, a leading zero ("01") or a fifth part
 *   ("1.2.3.4.5" is a version or an OID), and runs glued to a letter ("v1.2.3.4");
 * - colon groups that are not a valid IPv6 text: clock times ("10:22:40"), MAC addresses,
 *   and all-letter ones ("bad::face", more likely a name than an address).
 * A trailing `:port` after a compressed IPv6 address ("::1:58619", as Apache writes clients)
 * is dropped when the whole run is not an address but the part before the last colon is.
 */
export interface AddressSpan {
  start: number;
  end: number;
}

const MAX_IPV6_TEXT = 45; // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".length

function isHexCode(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

function isRunCode(c: number): boolean {
  return c === 58 /* : */ || c === 46 /* . */ || isHexCode(c);
}

/** A letter, digit or underscore: what may not touch the start of an address. */
function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;
}

/** End of a dotted quad starting at `at` (not checking what follows), or -1. */
function dottedQuadEnd(text: string, at: number, limit: number): number {
  let i = at;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= limit || text.charCodeAt(i) !== 46) return -1;
      i++;
    }
    const first = i;
    let value = 0;
    while (i < limit && i - first < 4) {
      const d = text.charCodeAt(i) - 48;
      if (!(d >= 0 && d <= 9)) break;
      value = value * 10 + d;
      i++;
    }
    const len = i - first;
    if (len === 0 || len > 3 || value > 255) return -1;
    if (len > 1 && text.charCodeAt(first) === 48) return -1; // leading zero
  }
  return i;
}

/** True when text[start, end) is a valid IPv6 text (with an optional dotted-quad tail). */
export function isIPv6Range(text: string, start: number, end: number): boolean {
  const len = end - start;
  if (len < 2 || len > MAX_IPV6_TEXT) return false;
  let groups = 0;
  let doubleColon = false;
  let i = start;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return false;
    doubleColon = true;
    i += 2;
    if (i === end) return true; // "::"
  }
  for (;;) {
    // One group: 1–4 hex digits, or a dotted quad that ends the text.
    const groupStart = i;
    while (i < end && i - groupStart < 5 && isHexCode(text.charCodeAt(i))) i++;
    const glen = i - groupStart;
    if (i < end && text.charCodeAt(i) === 46) {
      if (dottedQuadEnd(text, groupStart, end) !== end) return false;
      groups += 2;
      break;
    }
    if (glen === 0 || glen > 4) return false;
    groups++;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (doubleColon) return false;
      doubleColon = true;
      i++;
      if (i === end) break;
    } else if (i === end) return false; // a single trailing colon
  }
  return doubleColon ? groups <= 7 : groups === 8;
}

/**
 * Writes into `out` the first address in text[from, to) and returns true, or returns false.
 */
export function findAddressSpan(text: string, out: AddressSpan, from = 0, to = text.length): boolean {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (!isRunCode(c)) {
      i++;
      continue;
    }
    let runStart = i;
    let colons = 0;
    let digits = 0;
    let j = i;
    while (j < to) {
      const k = text.charCodeAt(j);
      if (k === 58) colons++;
      else if (k >= 48 && k <= 57) digits++;
      else if (k !== 46 && !isHexCode(k)) break;
      j++;
    }
    let before = runStart > 0 ? text.charCodeAt(runStart - 1) : 32;
    // "ip:1.2.3.4": a single leading colon is a separator (no IPv6 text starts with one).
    if (c === 58 && text.charCodeAt(runStart + 1) !== 58) {
      runStart++;
      colons--;
      before = 58;
    }
    const first = text.charCodeAt(runStart);
    if (digits > 0 && !isWordCode(before) && (j >= to || !isWordCode(text.charCodeAt(j)))) {
      if (first >= 48 && first <= 57) {
        const end = dottedQuadEnd(text, runStart, j);
        // Not a fifth part ("1.2.3.4.5") nor more digits/hex glued on ("1.2.3.4a").
        if (end > 0) {
          const next = end < j ? text.charCodeAt(end) : 32;
          const afterDot = end + 1 < j ? text.charCodeAt(end + 1) : 32;
          if (next !== 46 ? !isHexCode(next) : !(afterDot >= 48 && afterDot <= 57)) {
            out.start = runStart;
            out.end = end;
            return true;
          }
        }
      }
      if (colons >= 2 && j - runStart <= MAX_IPV6_TEXT + 6) {
        let end = j;
        if (text.charCodeAt(end - 1) === 46) end--; // a full stop after the address
        if (isIPv6Range(text, runStart, end)) {
          out.start = runStart;
          out.end = end;
          return true;
        }
        const lastColon = text.lastIndexOf(':', end - 1);
        // Only compressed forms ("::1:58619"): nine plain groups are not an address and a port.
        if (
          lastColon > runStart &&
          hasDoubleColon(text, runStart, lastColon) &&
          isPort(text, lastColon + 1, end) &&
          isIPv6Range(text, runStart, lastColon)
        ) {
          out.start = runStart;
          out.end = lastColon;
          return true;
        }
      }
    }
    i = j;
  }
  return false;
}

function hasDoubleColon(text: string, start: number, end: number): boolean {
  for (let i = start; i + 1 < end; i++) {
    if (text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 58) return true;
  }
  return false;
}

function isPort(text: string, start: number, end: number): boolean {
  if (end - start < 1 || end - start > 5) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const scratch: AddressSpan = { start: 0, end: 0 };

/** The first IPv4/IPv6 address in text[from, to), or undefined. */
export function findAddress(text: string, from = 0, to = text.length): string | undefined {
  return findAddressSpan(text, scratch, from, to) ? text.slice(scratch.start, scratch.end) : undefined;
}

/** True when the whole text is one IPv4 or IPv6 address. */
export function isAddress(text: string): boolean {
  return findAddressSpan(text, scratch, 0, text.length) && scratch.start === 0 && scratch.end === text.length;
}

/**
 * An address given in a field that may carry a port or a proxy chain ("1.2.3.4:5678",
 * "[::1]:80", "1.2.3.4, 10.0.0.1"): the first address when the value starts with one,
 * else the value unchanged (a host name is still a source).
 */
export function addressOfField(value: string): string {
  const at = value.charCodeAt(0) === 91 /* [ */ ? 1 : 0;
  if (findAddressSpan(value, scratch, at, Math.min(value.length, at + 64)) && scratch.start === at) {
    return scratch.end - scratch.start === value.length ? value : value.slice(scratch.start, scratch.end);
  }
  return value;
}
