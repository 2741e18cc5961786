/**
 * Numeric date-times as logs write them: ISO 8601 and its everyday relatives.
 *
 *   2024-03-05T14:07:09Z            2024-03-05 14:07:09,123        2024/03/05 14:07:09
 *   2024-03-05T14:07:09.123456+02:00  2024-03-05T14:07:09-0500     2024-03-05 (date only, when allowed)
 *
 * Parsed by hand, char by char from a given position: no regex, no allocation, a bounded
 * number of steps (the fraction is the only open-ended part and it only reads digits).
 */

/** Where a parse writes its result (reused by callers to avoid allocating per line). */
export interface ParsedTime {
  /** Epoch ms of the instant (UTC). */
  time: number;
  /** The text's own UTC offset in minutes (0 when it gives none). */
  offsetMinutes: number;
  /** Index just past the timestamp. */
  end: number;
}

export function newParsedTime(): ParsedTime {
  return { time: NaN, offsetMinutes: 0, end: 0 };
}

/** The value of `count` ASCII digits at `at`, or -1 when any of them is not a digit. */
export function readDigits(text: string, at: number, count: number): number {
  let value = 0;
  for (let k = 0; k < count; k++) {
    const d = text.charCodeAt(at + k) - 48;
    if (!(d >= 0 && d <= 9)) return -1; // written this way so NaN (past the end) fails too
    value = value * 10 + d;
  }
  return count > 0 ? value : -1;
}

function isDigitAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= 48 && c <= 57;
}

/**
 * Reads `hh:mm[:ss][.,fraction]` at `at`; writes the ms of the day into out.time and the end
 * into out.end. False when there is no valid time there.
 */
export function parseClockTime(text: string, at: number, out: ParsedTime): boolean {
  const hh = readDigits(text, at, 2);
  if (hh < 0 || hh > 23 || text.charCodeAt(at + 2) !== 58 /* : */) return false;
  const mi = readDigits(text, at + 3, 2);
  if (mi < 0 || mi > 59) return false;
  let i = at + 5;
  let ss = 0;
  let ms = 0;
  if (text.charCodeAt(i) === 58 && isDigitAt(text, i + 1)) {
    ss = readDigits(text, i + 1, 2);
    if (ss < 0 || ss > 60) return false; // 60: a leap second
    i += 3;
    const sep = text.charCodeAt(i);
    if ((sep === 46 /* . */ || sep === 44) /* , */ && isDigitAt(text, i + 1)) {
      i++;
      let scale = 100;
      while (isDigitAt(text, i)) {
        // Only milliseconds matter; further digits (micro/nanoseconds) are read and dropped.
        if (scale >= 1) ms += (text.charCodeAt(i) - 48) * scale;
        scale /= 10;
        i++;
      }
      ms = Math.floor(ms);
    }
  }
  out.time = ((hh * 60 + mi) * 60 + ss) * 1000 + ms;
  out.end = i;
  return true;
}

/**
 * Reads a zone designator at `at`: `Z`, `+hh:mm`, `+hhmm` or `+hh`. Returns the offset in
 * minutes and sets out.end past it, or returns NaN (out untouched) when there is none.
 */
export function parseZone(text: string, at: number, out: ParsedTime): number {
  const c = text.charCodeAt(at);
  if (c === 90 /* Z */ || c === 122 /* z */) {
    out.end = at + 1;
    return 0;
  }
  if (c !== 43 /* + */ && c !== 45 /* - */) return NaN;
  const hh = readDigits(text, at + 1, 2);
  if (hh < 0 || hh > 14) return NaN;
  let mm = 0;
  let end = at + 3;
  if (text.charCodeAt(end) === 58 && isDigitAt(text, end + 1)) {
    mm = readDigits(text, end + 1, 2);
    end += 3;
  } else if (isDigitAt(text, end)) {
    mm = readDigits(text, end, 2);
    end += 2;
  }
  if (mm < 0 || mm > 59 || isDigitAt(text, end)) return NaN;
  out.end = end;
  const minutes = hh * 60 + mm;
  return c === 45 ? -minutes : minutes;
}

/**
 * Parses `YYYY-MM-DD` (or `YYYY/MM/DD`), then `T` or one space and a clock time, then an
 * optional zone, starting exactly at `start`. Without a zone the time is taken as UTC
 * (offsetMinutes 0). With `allowDateOnly`, a date with no time after it is midnight UTC.
 */
export function parseIsoDateTime(text: string, start: number, out: ParsedTime, allowDateOnly = false): boolean {
  if (!parseIsoDate(text, start, out)) return false;
  const dayMs = out.time;
  const t = text.charCodeAt(start + 10);
  if ((t === 84 /* T */ || t === 116 /* t */ || t === 32) && parseClockTime(text, start + 11, out)) {
    const clock = out.time;
    const offset = parseZone(text, out.end, out);
    const offsetMinutes = Number.isNaN(offset) ? 0 : offset;
    out.time = dayMs + clock - offsetMinutes * 60_000;
    out.offsetMinutes = offsetMinutes;
    return true;
  }
  if (!allowDateOnly) return false;
  out.time = dayMs;
  out.offsetMinutes = 0;
  out.end = start + 10;
  return true;
}

/** Only the date, `YYYY-MM-DD` or `YYYY/MM/DD`, at `start`: UTC midnight, end = start + 10. */
export function parseIsoDate(text: string, start: number, out: ParsedTime): boolean {
  const y = readDigits(text, start, 4);
  if (y < 0) return false;
  const sep = text.charCodeAt(start + 4);
  if (sep !== 45 /* - */ && sep !== 47 /* / */) return false;
  const mo = readDigits(text, start + 5, 2);
  if (mo < 1 || mo > 12 || text.charCodeAt(start + 7) !== sep) return false;
  const d = readDigits(text, start + 8, 2);
  if (d < 1 || d > 31 || isDigitAt(text, start + 10)) return false;
  out.time = Date.UTC(y, mo - 1, d);
  out.offsetMinutes = 0;
  out.end = start + 10;
  return true;
}
