/**
 * Makes log-derived text safe to print on a terminal.
 *
 * Log content is attacker-controlled: a user agent or a path can carry ANSI escape
 * sequences (clear the screen, move the cursor, retitle the window, OSC 8 links, even
 * "report cursor position" replies typed back into the shell), a carriage return that
 * overwrites what was printed before it, or bidi overrides that make a line read
 * differently than it is (Trojan Source, CVE-2021-42574). Everything here removes those,
 * so what the analyst sees is what the log holds, minus the invisible parts:
 *
 * - escape sequences (7-bit `ESC …` and their 8-bit C1 forms) are dropped whole: CSI
 *   (`ESC [` / 0x9B) up to its final byte, the string commands OSC, DCS, SOS, PM, APC
 *   (`ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _` / 0x9D, 0x90, 0x98, 0x9E, 0x9F) up to BEL
 *   or ST, and any other `ESC` + intermediates + final byte;
 * - TAB, LF, CR, U+2028 and U+2029 become one space (words stay apart, lines stay one);
 * - every other C0 control, DEL and C1 control is dropped;
 * - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
 *   implicit marks (U+200E, U+200F, U+061C) are dropped.
 *
 * One pass over the text, so linear whatever the input (no regex backtracking).
 */

const ESC = 0x1b;
const BEL = 0x07;
/** String Terminator in its 8-bit form. */
const ST = 0x9c;

/** Quick test: does the text hold anything this module would change? */
const NEEDS_CLEANING = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

export function terminalSafe(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text;
  let out = '';
  let runStart = 0; // start of the current run of characters kept as they are
  const n = text.length;
  const scan: ScanState = { from: 0, to: 0 };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const action = classify(c);
    if (action === KEEP) {
      i++;
      continue;
    }
    out += text.slice(runStart, i);
    if (action === SPACE) {
      out += ' ';
      i++;
    } else if (action === DROP) {
      i++;
    } else if (c === ESC) {
      i = skipEscape(text, i + 1, scan);
    } else if (c === 0x9b) {
      i = skipCsiBody(text, i + 1);
    } else {
      // 0x90 DCS, 0x98 SOS, 0x9D OSC, 0x9E PM, 0x9F APC
      i = skipControlString(text, i + 1, scan);
    }
    runStart = i;
  }
  return runStart === 0 ? text : out + text.slice(runStart);
}

const KEEP = 0;
const SPACE = 1;
const DROP = 2;
const SEQUENCE = 3;

function classify(c: number): number {
  if (c < 0x20) {
    if (c === 0x09 || c === 0x0a || c === 0x0d) return SPACE;
    return c === ESC ? SEQUENCE : DROP;
  }
  if (c < 0x7f) return KEEP;
  if (c <= 0x9f) {
    // DEL and the C1 controls; the ones that open a sequence swallow its body too.
    return c === 0x9b || c === 0x90 || c === 0x98 || c === 0x9d || c === 0x9e || c === 0x9f ? SEQUENCE : DROP;
  }
  if (c === 0x2028 || c === 0x2029) return SPACE;
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x061c) {
    return DROP;
  }
  return KEEP;
}

/**
 * What the last unterminated control string taught: from `from` up to `to` (an ESC that is
 * not ST, or the end of the text) there is no terminator, so an opener inside that span
 * needs no second scan. Keeps the pass linear when the text holds many such openers.
 */
interface ScanState {
  from: number;
  to: number;
}

/** `i` is just past an ESC; returns the index after the whole sequence. */
function skipEscape(text: string, i: number, scan: ScanState): number {
  if (i >= text.length) return i;
  const c = text.charCodeAt(i);
  if (c === 0x5b) return skipCsiBody(text, i + 1); // '['
  // ']' OSC, 'P' DCS, 'X' SOS, '^' PM, '_' APC: a string ended by BEL or ST.
  if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) return skipControlString(text, i + 1, scan);
  // Other escapes (ESC c, ESC ( B, ESC 7, ...): intermediates 0x20–0x2F, then a final 0x30–0x7E.
  let j = i;
  while (j < text.length && isIn(text.charCodeAt(j), 0x20, 0x2f)) j++;
  if (j < text.length && isIn(text.charCodeAt(j), 0x30, 0x7e)) j++;
  return j;
}

/** A CSI body: parameters 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E. */
function skipCsiBody(text: string, i: number): number {
  let j = i;
  while (j < text.length && isIn(text.charCodeAt(j), 0x30, 0x3f)) j++;
  while (j < text.length && isIn(text.charCodeAt(j), 0x20, 0x2f)) j++;
  if (j < text.length && isIn(text.charCodeAt(j), 0x40, 0x7e)) j++;
  return j;
}

/**
 * A control string (OSC title, OSC 8 link, DCS...) runs to BEL, `ESC \` or ST. When it has
 * no terminator a terminal would swallow the rest of the output; here only the opener is
 * dropped, so the (now inert) text stays readable.
 */
function skipControlString(text: string, i: number, scan: ScanState): number {
  if (i >= scan.from && i < scan.to) return i;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BEL || c === ST) return j + 1;
    if (c === ESC) {
      if (j + 1 < text.length && text.charCodeAt(j + 1) === 0x5c) return j + 2; // ESC '\'
      // Another escape begins before this string ended: treat this one as unterminated.
      scan.from = i;
      scan.to = j;
      return i;
    }
  }
  scan.from = i;
  scan.to = text.length + 1;
  return i;
}

function isIn(c: number, lo: number, hi: number): boolean {
  return c >= lo && c <= hi;
}

/**
 * Shortens text to at most `max` characters (code points), ending with '…' when cut.
 * Never splits a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  let count = 0;
  let i = 0;
  // Walk code points; stop when `max - 1` are taken so the ellipsis fits.
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
    if (count === max - 1) {
      // Is the rest exactly one code point? Then it fits without an ellipsis.
      return i + width === text.length ? text : text.slice(0, i) + '…';
    }
    count++;
    i += width;
  }
  return text;
}
