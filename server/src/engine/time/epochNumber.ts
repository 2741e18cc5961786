/**
 * Epoch timestamps written as numbers, in whatever unit the writer chose.
 *
 * The unit is told by magnitude: any date between 1973 and 5138 has a distinct number of
 * digits in each unit (seconds < 1e11 ≤ ms < 1e14 ≤ µs < 1e17 ≤ ns), so no log of this
 * millennium is ambiguous.
 */
import type { ParsedTime } from './isoDateTime';

/** Epoch ms from a number of seconds, ms, µs or ns since 1970; NaN when not a plausible date. */
export function epochMsFromNumber(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return NaN;
  if (value < 1e11) return Math.round(value * 1000);
  if (value < 1e14) return Math.round(value);
  if (value < 1e17) return Math.round(value / 1e3);
  if (value < 1e20) return Math.round(value / 1e6);
  return NaN;
}

/** The same for a string of digits (with an optional fraction), as JSON writers often quote them. */
export function epochMsFromDigits(text: string): number {
  const n = text.length;
  if (n === 0 || n > 24) return NaN;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (++dots > 1 || i === 0 || i === n - 1) return NaN;
    } else if (c < 48 || c > 57) return NaN;
  }
  return epochMsFromNumber(Number(text));
}

/**
 * An epoch number at `start`: ten digits of seconds (2001-09-09 to 2286-11-20) with an
 * optional `.fraction`, or thirteen digits of milliseconds, with no letter or digit right
 * after. Other digit runs are ids or counters far more often than dates, so they are not taken.
 */
export function parseEpochAt(text: string, start: number, out: ParsedTime): boolean {
  let value = 0;
  let i = start;
  while (i - start < 14) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    value = value * 10 + d;
    i++;
  }
  const digits = i - start;
  let ms: number;
  if (digits === 13) ms = value;
  else if (digits === 10) {
    ms = value * 1000;
    if (text.charCodeAt(i) === 46) {
      let scale = 100;
      let j = i + 1;
      for (;;) {
        const d = text.charCodeAt(j) - 48;
        if (!(d >= 0 && d <= 9)) break;
        if (scale >= 1) ms += d * scale;
        scale /= 10;
        j++;
      }
      if (j > i + 1) i = j;
    }
  } else return false;
  const next = text.charCodeAt(i);
  if ((next >= 48 && next <= 57) || ((next | 32) >= 97 && (next | 32) <= 122)) return false;
  if (ms < 1e12) return false; // before 2001-09-09: more likely a counter
  out.time = Math.floor(ms);
  out.offsetMinutes = 0;
  out.end = i;
  return true;
}

/** TAI64 seconds 2^62 + 10 at 1970-01-01T00:00:00Z (daemontools' labels, leap seconds ignored). */
const TAI64_HIGH_AT_EPOCH = 0x40000000;
const TAI64_OFFSET_SECONDS = 10;

/**
 * A daemontools/s6 TAI64N label at `start`: `@` and 24 hex digits (16 of seconds, 8 of
 * nanoseconds), as multilog writes at the start of each line.
 */
export function parseTai64nAt(text: string, start: number, out: ParsedTime): boolean {
  if (text.charCodeAt(start) !== 64 /* @ */) return false;
  for (let k = 1; k <= 24; k++) {
    const c = text.charCodeAt(start + k) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  const high = parseInt(text.slice(start + 1, start + 9), 16) - TAI64_HIGH_AT_EPOCH;
  const low = parseInt(text.slice(start + 9, start + 17), 16);
  const nanos = parseInt(text.slice(start + 17, start + 25), 16);
  if (high < 0 || high > 0xff || nanos >= 1e9) return false;
  const seconds = high * 0x100000000 + low - TAI64_OFFSET_SECONDS;
  out.time = seconds * 1000 + Math.floor(nanos / 1e6);
  out.offsetMinutes = 0;
  out.end = start + 25;
  return true;
}
