import { viewOf } from '../byteSearch';

/**
 * Timestamps as web servers write them, read straight from the line's characters (no regex,
 * no Date parsing, no allocation):
 *
 *   access logs (CLF)    10/Oct/2000:13:55:36 -0700      (inside [ ])
 *   Apache error log     Wed Oct 11 14:32:52.123456 2000 (inside [ ]; wall clock, no offset)
 *   nginx error log      2011/08/22 13:37:34             (wall clock, no offset)
 *   syslog headers       Feb 15 16:23:00  /  2023-12-09T21:35:20.123+01:00  (ErrorLog syslog)
 *
 * Every reader takes the position where the timestamp starts and returns the position just
 * after it (or -1 when the text is not such a timestamp), writing the instant into `out`.
 * Dates without an offset are taken as UTC wall clock (offsetMinutes 0).
 */

export interface StampOut {
  /** Epoch milliseconds (UTC instant). */
  time: number;
  /** The log's own UTC offset in minutes (0 when the log gives none). */
  offsetMinutes: number;
}

export function newStampOut(): StampOut {
  return { time: NaN, offsetMinutes: 0 };
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12); exact integer arithmetic. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Epoch ms of a wall-clock time (month 1-12), or NaN when a field is out of range. Second 60
 * (a leap second) is accepted and lands on the next minute, as most loggers mean it.
 */
export function wallClockMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 60) return NaN;
  return daysFromCivil(year, month, day) * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

/** Month 1-12 of an English three-letter month name (any case) at `pos`, or 0. */
export function monthAt(text: string, pos: number): number {
  return monthOfCodes(text.charCodeAt(pos), text.charCodeAt(pos + 1), text.charCodeAt(pos + 2));
}

/** Month 1-12 of a three-letter month name given as its three character codes (any case), or 0. */
function monthOfCodes(a: number, b: number, c: number): number {
  a |= 0x20;
  b |= 0x20;
  c |= 0x20;
  switch (a) {
    case 0x6a: // j: jan jun jul
      if (b === 0x61) return c === 0x6e ? 1 : 0;
      if (b === 0x75) return c === 0x6e ? 6 : c === 0x6c ? 7 : 0;
      return 0;
    case 0x66: // feb
      return b === 0x65 && c === 0x62 ? 2 : 0;
    case 0x6d: // mar may
      if (b !== 0x61) return 0;
      return c === 0x72 ? 3 : c === 0x79 ? 5 : 0;
    case 0x61: // apr aug
      if (b === 0x70 && c === 0x72) return 4;
      return b === 0x75 && c === 0x67 ? 8 : 0;
    case 0x73: // sep
      return b === 0x65 && c === 0x70 ? 9 : 0;
    case 0x6f: // oct
      return b === 0x63 && c === 0x74 ? 10 : 0;
    case 0x6e: // nov
      return b === 0x6f && c === 0x76 ? 11 : 0;
    case 0x64: // dec
      return b === 0x65 && c === 0x63 ? 12 : 0;
    default:
      return 0;
  }
}

/** Value of the digit at `pos`, or -1. */
function digitAt(text: string, pos: number): number {
  const c = text.charCodeAt(pos) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Value of exactly `n` digits at `pos`, or -1. */
function digitsAt(text: string, pos: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = digitAt(text, pos + i);
    if (d < 0) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** `HH:MM:SS` at `pos` into a scratch triple; returns false when it is not one. */
const hms = { h: 0, m: 0, s: 0 };
function readHms(text: string, pos: number): boolean {
  const h = digitsAt(text, pos, 2);
  const m = digitsAt(text, pos + 3, 2);
  const s = digitsAt(text, pos + 6, 2);
  if (h < 0 || m < 0 || s < 0 || text.charCodeAt(pos + 2) !== 0x3a || text.charCodeAt(pos + 5) !== 0x3a) return false;
  hms.h = h;
  hms.m = m;
  hms.s = s;
  return true;
}

/**
 * Optional fraction of a second (`.123`, `.123456`, up to 9 digits) at `pos`: returns the
 * position after it and leaves the milliseconds in `fraction.ms`.
 */
const fraction = { ms: 0 };
function readFraction(text: string, pos: number): number {
  fraction.ms = 0;
  if (text.charCodeAt(pos) !== 0x2e && text.charCodeAt(pos) !== 0x2c) return pos;
  let p = pos + 1;
  let scale = 100;
  let ms = 0;
  while (p - pos <= 9) {
    const d = digitAt(text, p);
    if (d < 0) break;
    ms += d * scale;
    scale /= 10;
    p++;
  }
  if (p === pos + 1) return pos; // a lone dot is not a fraction
  fraction.ms = Math.floor(ms);
  return p;
}

/** `+HHMM` / `-HH:MM` at `pos` → minutes east of UTC, or NaN. Sets `offsetEnd`. */
let offsetEnd = 0;
function readOffset(text: string, pos: number): number {
  const sign = text.charCodeAt(pos);
  if (sign !== 0x2b && sign !== 0x2d) return NaN;
  const h = digitsAt(text, pos + 1, 2);
  let mPos = pos + 3;
  if (text.charCodeAt(mPos) === 0x3a) mPos++;
  const m = digitsAt(text, mPos, 2);
  if (h < 0 || m < 0 || h > 23 || m > 59) return NaN;
  offsetEnd = mPos + 2;
  const minutes = h * 60 + m;
  return sign === 0x2d ? -minutes : minutes;
}

// Lines of one log share their date: the epoch ms of the last day seen is kept.
let cachedDayKey = -1;
let cachedDayMs = 0;

/** Value of two digits given as character codes, or -1 when they are not digits. */
function twoDigitCodes(a: number, b: number): number {
  a -= 48;
  b -= 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The layout nearly every access log uses, `10/Oct/2000:13:55:36 -0700]`, read straight
 * through (about three times faster than the general reader; it runs on every line).
 * Returns the index of `]`, or -1 to let the general reader decide.
 */
function readCanonicalClfStamp(text: string, pos: number, end: number, out: StampOut): number {
  const close = pos + 26;
  if (close >= end || text.charCodeAt(close) !== 0x5d || text.charCodeAt(pos + 20) !== 0x20) return -1;
  if (text.charCodeAt(pos + 2) !== 0x2f || text.charCodeAt(pos + 6) !== 0x2f || text.charCodeAt(pos + 11) !== 0x3a) return -1;
  if (text.charCodeAt(pos + 14) !== 0x3a || text.charCodeAt(pos + 17) !== 0x3a) return -1;
  const t = text;
  const p = pos;
  return canonicalClfStampOf(
    t.charCodeAt(p), t.charCodeAt(p + 1), t.charCodeAt(p + 3), t.charCodeAt(p + 4), t.charCodeAt(p + 5),
    t.charCodeAt(p + 7), t.charCodeAt(p + 8), t.charCodeAt(p + 9), t.charCodeAt(p + 10),
    t.charCodeAt(p + 12), t.charCodeAt(p + 13), t.charCodeAt(p + 15), t.charCodeAt(p + 16), t.charCodeAt(p + 18), t.charCodeAt(p + 19),
    t.charCodeAt(p + 21), t.charCodeAt(p + 22), t.charCodeAt(p + 23), t.charCodeAt(p + 24), t.charCodeAt(p + 25),
    out,
  ) ? close : -1;
}

/**
 * readCanonicalClfStamp on bytes: the time at bytes[pos, …) of an ASCII line ending at `end`
 * (the same layout, the same instant); the index of `]`, or -1 when the bytes are not in that
 * layout (the general reader, on the line's text, decides then).
 */
export function readCanonicalClfStampBytes(bytes: Uint8Array, pos: number, end: number, out: StampOut): number {
  const close = pos + CANONICAL_STAMP_BYTES;
  if (close >= end || bytes[close] !== 0x5d) return -1;
  // The same bytes as the last stamp read: the same instant. Compared eight bytes at a time
  // (as doubles: exact for ASCII, see AsciiKeyIndex.sameBytes), the seconds' word first (the
  // 1M-line run: reader thread 1,256 → 1,203 ms).
  const last = lastStamp.bytes;
  const view = viewOf(bytes);
  const seen = lastStamp.view;
  if (
    lastStamp.valid &&
    view.getFloat64(pos + 16, true) === seen.getFloat64(16, true) &&
    view.getFloat64(pos + 8, true) === seen.getFloat64(8, true) &&
    view.getFloat64(pos, true) === seen.getFloat64(0, true) &&
    view.getUint16(pos + 24, true) === seen.getUint16(24, true)
  ) {
    out.time = lastStamp.time;
    out.offsetMinutes = lastStamp.offsetMinutes;
    return close;
  }
  if (bytes[pos + 20] !== 0x20) return -1;
  if (bytes[pos + 2] !== 0x2f || bytes[pos + 6] !== 0x2f || bytes[pos + 11] !== 0x3a) return -1;
  if (bytes[pos + 14] !== 0x3a || bytes[pos + 17] !== 0x3a) return -1;
  const b = bytes;
  const p = pos;
  const read = canonicalClfStampOf(
    b[p], b[p + 1], b[p + 3], b[p + 4], b[p + 5],
    b[p + 7], b[p + 8], b[p + 9], b[p + 10],
    b[p + 12], b[p + 13], b[p + 15], b[p + 16], b[p + 18], b[p + 19],
    b[p + 21], b[p + 22], b[p + 23], b[p + 24], b[p + 25],
    out,
  );
  if (!read) return -1;
  for (let i = 0; i < CANONICAL_STAMP_BYTES; i++) last[i] = b[p + i];
  lastStamp.valid = true;
  lastStamp.time = out.time;
  lastStamp.offsetMinutes = out.offsetMinutes;
  return close;
}

/** `DD/Mon/YYYY:hh:mm:ss ±hhmm`. */
const CANONICAL_STAMP_BYTES = 26;

/**
 * The stamp readCanonicalClfStampBytes read last and its instant: a busy log writes many lines
 * a second, and comparing 26 bytes costs less than reading them as a date (the 1M-line bench
 * log, ~5 lines a stamp: the reading thread's time in timestamps 105 → 92 ms, CPU profile).
 */
const lastStampBytes = new Uint8Array(CANONICAL_STAMP_BYTES);
const lastStamp = { bytes: lastStampBytes, view: new DataView(lastStampBytes.buffer), valid: false, time: 0, offsetMinutes: 0 };

/**
 * The instant of a canonical CLF stamp `DD/Mon/YYYY:hh:mm:ss ±hhmm`, given its character
 * codes (the separators already checked), into `out`; false when a field is not a number in
 * range.
 */
function canonicalClfStampOf(
  d0: number, d1: number,
  m0: number, m1: number, m2: number,
  y0: number, y1: number, y2: number, y3: number,
  h0: number, h1: number, i0: number, i1: number, s0: number, s1: number,
  sign: number, oh0: number, oh1: number, om0: number, om1: number,
  out: StampOut,
): boolean {
  if (sign !== 0x2b && sign !== 0x2d) return false;
  const day = twoDigitCodes(d0, d1);
  const century = twoDigitCodes(y0, y1);
  const yy = twoDigitCodes(y2, y3);
  const hour = twoDigitCodes(h0, h1);
  const minute = twoDigitCodes(i0, i1);
  const second = twoDigitCodes(s0, s1);
  const offH = twoDigitCodes(oh0, oh1);
  const offM = twoDigitCodes(om0, om1);
  if (day < 0 || century < 0 || yy < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  if (offH < 0 || offH > 23 || offM < 0 || offM > 59) return false;
  const month = monthOfCodes(m0, m1, m2);
  if (month === 0) return false;
  const year = century * 100 + yy;
  const key = (year * 16 + month) * 32 + day;
  if (key !== cachedDayKey) {
    const midnight = wallClockMs(year, month, day, 0, 0, 0, 0);
    if (Number.isNaN(midnight)) return false;
    cachedDayKey = key;
    cachedDayMs = midnight;
  }
  const offset = sign === 0x2d ? -(offH * 60 + offM) : offH * 60 + offM;
  out.time = cachedDayMs + hour * 3_600_000 + minute * 60_000 + second * 1000 - offset * 60_000;
  out.offsetMinutes = offset;
  return true;
}

/**
 * CLF access-log time, from just after `[` up to (and returning the index of) the closing `]`:
 * `10/Oct/2000:13:55:36 -0700`, with an optional fraction (`:36.123`), a `GMT`/`UTC`/`Z` zone
 * or none, and the space-separated variant Python's http.server writes (`29/Aug/2023 22:02:58`).
 */
export function readClfStamp(text: string, pos: number, end: number, out: StampOut): number {
  const fast = readCanonicalClfStamp(text, pos, end, out);
  if (fast >= 0) return fast;
  let p = pos;
  let day = digitAt(text, p);
  if (day < 0) return -1;
  p++;
  const d2 = digitAt(text, p);
  if (d2 >= 0) {
    day = day * 10 + d2;
    p++;
  }
  if (text.charCodeAt(p) !== 0x2f) return -1;
  const month = monthAt(text, p + 1);
  if (month === 0 || text.charCodeAt(p + 4) !== 0x2f) return -1;
  const year = digitsAt(text, p + 5, 4);
  if (year < 0) return -1;
  p += 9;
  const sep = text.charCodeAt(p);
  if ((sep !== 0x3a && sep !== 0x20) || !readHms(text, p + 1)) return -1;
  p = readFraction(text, p + 9);
  const ms = fraction.ms;
  let offset = 0;
  if (text.charCodeAt(p) === 0x20) {
    while (text.charCodeAt(p) === 0x20 && p < end) p++;
    const c = text.charCodeAt(p);
    if (c === 0x2b || c === 0x2d) {
      offset = readOffset(text, p);
      if (Number.isNaN(offset)) return -1;
      p = offsetEnd;
    } else if (text.startsWith('GMT', p) || text.startsWith('UTC', p)) p += 3;
    else if (c === 0x5a) p++;
    while (text.charCodeAt(p) === 0x20 && p < end) p++;
  }
  if (p >= end || text.charCodeAt(p) !== 0x5d) return -1;
  const wall = wallClockMs(year, month, day, hms.h, hms.m, hms.s, ms);
  if (Number.isNaN(wall)) return -1;
  out.time = wall - offset * 60_000;
  out.offsetMinutes = offset;
  return p;
}

/**
 * Apache error-log time (C `ctime` layout), from its first character to just after the year:
 * `Sun Dec 04 04:47:44 2005`, `Wed Oct 11 14:32:52.123456 2000` (the day may be space-padded).
 * Apache writes local wall-clock time without an offset; it is taken as UTC (offset 0).
 */
export function readCtimeStamp(text: string, pos: number, out: StampOut): number {
  // Weekday: three letters; not checked against the date (a wrong weekday is still a date).
  for (let i = 0; i < 3; i++) {
    const c = text.charCodeAt(pos + i) | 0x20;
    if (c < 0x61 || c > 0x7a) return -1;
  }
  if (text.charCodeAt(pos + 3) !== 0x20) return -1;
  const month = monthAt(text, pos + 4);
  if (month === 0 || text.charCodeAt(pos + 7) !== 0x20) return -1;
  let p = pos + 8;
  if (text.charCodeAt(p) === 0x20) p++; // " 4"
  let day = digitAt(text, p);
  if (day < 0) return -1;
  p++;
  const d2 = digitAt(text, p);
  if (d2 >= 0) {
    day = day * 10 + d2;
    p++;
  }
  if (text.charCodeAt(p) !== 0x20 || !readHms(text, p + 1)) return -1;
  p = readFraction(text, p + 9);
  const ms = fraction.ms;
  if (text.charCodeAt(p) !== 0x20) return -1;
  const year = digitsAt(text, p + 1, 4);
  if (year < 0) return -1;
  const wall = wallClockMs(year, month, day, hms.h, hms.m, hms.s, ms);
  if (Number.isNaN(wall)) return -1;
  out.time = wall;
  out.offsetMinutes = 0;
  return p + 5;
}

/**
 * Numeric date and time `YYYY<sep>MM<sep>DD<T or space>HH:MM:SS[.frac]`, with `sep` `/` (nginx)
 * or `-` (ISO, Apache's `%{cu}t`), and — for `-` dates only — an optional `Z` or `±HH:MM` zone.
 * Returns the position after it.
 */
export function readNumericStamp(text: string, pos: number, out: StampOut): number {
  const year = digitsAt(text, pos, 4);
  if (year < 0) return -1;
  const sep = text.charCodeAt(pos + 4);
  if ((sep !== 0x2f && sep !== 0x2d) || text.charCodeAt(pos + 7) !== sep) return -1;
  const month = digitsAt(text, pos + 5, 2);
  const day = digitsAt(text, pos + 8, 2);
  if (month < 0 || day < 0) return -1;
  const t = text.charCodeAt(pos + 10);
  if ((t !== 0x20 && t !== 0x54) || !readHms(text, pos + 11)) return -1;
  let p = readFraction(text, pos + 19);
  const ms = fraction.ms;
  let offset = 0;
  if (sep === 0x2d) {
    const c = text.charCodeAt(p);
    if (c === 0x5a) p++;
    else if (c === 0x2b || c === 0x2d) {
      offset = readOffset(text, p);
      if (Number.isNaN(offset)) return -1;
      p = offsetEnd;
    }
  }
  const wall = wallClockMs(year, month, day, hms.h, hms.m, hms.s, ms);
  if (Number.isNaN(wall)) return -1;
  out.time = wall - offset * 60_000;
  out.offsetMinutes = offset;
  return p;
}

/**
 * Year-less syslog time `Feb 15 16:23:00` (day space-padded or not). The year is
 * `referenceYear`, or the one before when that would put the line more than a day after
 * `referenceTime` (a December line read in January). Returns the position after it.
 */
export function readYearlessStamp(text: string, pos: number, referenceYear: number, referenceTime: number, out: StampOut): number {
  const month = monthAt(text, pos);
  if (month === 0 || text.charCodeAt(pos + 3) !== 0x20) return -1;
  let p = pos + 4;
  if (text.charCodeAt(p) === 0x20) p++;
  let day = digitAt(text, p);
  if (day < 0) return -1;
  p++;
  const d2 = digitAt(text, p);
  if (d2 >= 0) {
    day = day * 10 + d2;
    p++;
  }
  if (text.charCodeAt(p) !== 0x20 || !readHms(text, p + 1)) return -1;
  p = readFraction(text, p + 9);
  let time = wallClockMs(referenceYear, month, day, hms.h, hms.m, hms.s, fraction.ms);
  // A date more than a day (clock skew) past the reference instant belongs to the year before.
  if (Number.isNaN(time) || time > referenceTime + MS_PER_DAY) {
    time = wallClockMs(referenceYear - 1, month, day, hms.h, hms.m, hms.s, fraction.ms);
  }
  if (Number.isNaN(time)) return -1;
  out.time = time;
  out.offsetMinutes = 0;
  return p;
}
