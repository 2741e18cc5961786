/**
 * Date-times written with an English month abbreviation, as the generic fallback meets them:
 *
 *   05/Mar/2024:14:07:09 +0100   (access-log style; a space instead of the ':' is accepted)
 *   Mar  5 14:07:09              (syslog style, no year: resolved against a reference year)
 *   Tue Mar 05 14:07:09.123 2024 (ctime style, as Apache's error log writes it)
 *
 * Char-by-char parsers from a given position, bounded steps, no allocation.
 */
import { ParsedTime, parseClockTime, parseZone, readDigits } from './isoDateTime';

/** The English month abbreviations, January first: how logs write them and how messages quote them. */
export const MONTH_ABBREVIATIONS: readonly string[] = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const MONTHS = new Map<number, number>();
MONTH_ABBREVIATIONS.forEach((name, index) => {
  MONTHS.set(monthKey(name.charCodeAt(0), name.charCodeAt(1), name.charCodeAt(2)), index);
});

function monthKey(a: number, b: number, c: number): number {
  return ((a | 32) << 16) | ((b | 32) << 8) | (c | 32);
}

/** 0-based month of the three-letter abbreviation at `at` (any case) when no letter follows it, else -1. */
export function monthAt(text: string, at: number): number {
  const month = MONTHS.get(monthKey(text.charCodeAt(at), text.charCodeAt(at + 1), text.charCodeAt(at + 2)));
  if (month === undefined) return -1;
  const next = text.charCodeAt(at + 3) | 32;
  return next >= 97 && next <= 122 ? -1 : month;
}

/** What resolves a year-less date. */
export interface YearReference {
  referenceYear: number;
  /** Dates may not lie after this instant (epoch ms); later ones belong to the year before. */
  referenceTime: number;
}

const DAY_MS = 86_400_000;

/**
 * Epoch ms of a year-less date: the reference year, or the year before when that would put
 * the date after the reference instant (a December line read in January). A day of slack,
 * because the clock is local time of an unknown zone.
 */
export function resolveYearless(month: number, day: number, clockMs: number, ref: YearReference): number {
  const t = Date.UTC(ref.referenceYear, month, day) + clockMs;
  if (t > ref.referenceTime + DAY_MS) return Date.UTC(ref.referenceYear - 1, month, day) + clockMs;
  return t;
}

/** `dd/Mon/yyyy:hh:mm:ss` with an optional ` ±hhmm` zone, exactly at `start`. */
export function parseClfDate(text: string, start: number, out: ParsedTime): boolean {
  const d = readDigits(text, start, 2);
  if (d < 1 || d > 31 || text.charCodeAt(start + 2) !== 47 /* / */) return false;
  const month = monthAt(text, start + 3);
  if (month < 0 || text.charCodeAt(start + 6) !== 47) return false;
  const y = readDigits(text, start + 7, 4);
  const sep = text.charCodeAt(start + 11);
  if (y < 0 || (sep !== 58 /* : */ && sep !== 32)) return false;
  if (!parseClockTime(text, start + 12, out)) return false;
  const clock = out.time;
  let offsetMinutes = 0;
  if (text.charCodeAt(out.end) === 32) {
    const end = out.end;
    const offset = parseZone(text, end + 1, out);
    if (!Number.isNaN(offset) && text.charCodeAt(end + 1) !== 90) offsetMinutes = offset;
    else out.end = end;
  }
  out.time = Date.UTC(y, month, d) + clock - offsetMinutes * 60_000;
  out.offsetMinutes = offsetMinutes;
  return true;
}

/** `Mon dd hh:mm:ss` (day space- or zero-padded, or one digit) exactly at `start`; offset 0. */
export function parseSyslogDate(text: string, start: number, ref: YearReference, out: ParsedTime): boolean {
  const month = monthAt(text, start);
  if (month < 0 || text.charCodeAt(start + 3) !== 32) return false;
  let i = start + 4;
  if (text.charCodeAt(i) === 32) i++;
  let day = readDigits(text, i, 2);
  if (day >= 0) i += 2;
  else {
    day = readDigits(text, i, 1);
    i += 1;
  }
  if (day < 1 || day > 31 || text.charCodeAt(i) !== 32) return false;
  if (!parseClockTime(text, i + 1, out)) return false;
  out.time = resolveYearless(month, day, out.time, ref);
  out.offsetMinutes = 0;
  return true;
}

/** `Ddd Mon dd hh:mm:ss[.frac] yyyy` exactly at `start`; offset 0 (the writer's local time). */
export function parseCtimeDate(text: string, start: number, out: ParsedTime): boolean {
  for (let k = 0; k < 3; k++) {
    const c = text.charCodeAt(start + k) | 32;
    if (c < 97 || c > 122) return false;
  }
  if (text.charCodeAt(start + 3) !== 32) return false;
  const month = monthAt(text, start + 4);
  if (month < 0 || text.charCodeAt(start + 7) !== 32) return false;
  let i = start + 8;
  if (text.charCodeAt(i) === 32) i++;
  let day = readDigits(text, i, 2);
  if (day >= 0) i += 2;
  else {
    day = readDigits(text, i, 1);
    i += 1;
  }
  if (day < 1 || day > 31 || text.charCodeAt(i) !== 32) return false;
  if (!parseClockTime(text, i + 1, out)) return false;
  const clock = out.time;
  const end = out.end;
  if (text.charCodeAt(end) !== 32) return false;
  const y = readDigits(text, end + 1, 4);
  if (y < 0) return false;
  out.time = Date.UTC(y, month, day) + clock;
  out.offsetMinutes = 0;
  out.end = end + 5;
  return true;
}
