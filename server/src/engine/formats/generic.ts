/**
 * The generic fallback: any line with a recognisable timestamp and/or a level word, plus the
 * first IPv4/IPv6 address on it as the source. It is the last parser tried for every line the
 * file's own format rejects, so it stays cheap: a few char tests at up to four token starts
 * for the timestamp, one scan of a short window for the level, one linear scan for an address,
 * and the authentication wording only behind a one-regex gate.
 *
 * Timestamps (at the start of the line or of one of its first four tokens, after an optional
 * `[` or `(`):
 *   2024-03-05T14:07:09.123+01:00, 2024-03-05 14:07:09,123 (ISO 8601, with or without T/zone/fraction)
 *   2024/03/05 14:07:09
 *   05/Mar/2024:14:07:09 +0100      (access-log style)
 *   Tue Mar 05 14:07:09 2024        (ctime style)
 *   Mar  5 14:07:09                 (syslog style; year from the reference, rolled back at New Year)
 *   1709647629[.123], 1709647629123  (epoch seconds or ms, at the line start only)
 *   @4000000065e7245d0f0b6b1c       (TAI64N, as daemontools' multilog writes; line start only)
 * Level words: upper-case TRACE, DEBUG, INFO, NOTICE, WARN(ING), ERROR, CRIT(ICAL), ALERT,
 * EMERG, FATAL, SEVERE, PANIC… standing alone within the first 96 characters after the
 * timestamp, or `level=<word>` there, or a level word in any case right after the timestamp.
 *
 * Security wording ("login failed for user bob", "invalid password", "logged in") makes the
 * line an 'auth' record (see authPhrases.ts). Lines with neither timestamp, level nor address
 * are not records of this format.
 */
import type { LogRecord } from '../model';
import type { LineParser, LogFormat, ParseContext } from './types';
import { newParsedTime, parseIsoDateTime, ParsedTime } from '../time/isoDateTime';
import { parseClfDate, parseCtimeDate, parseSyslogDate, YearReference } from '../time/monthNameDate';
import { parseEpochAt, parseTai64nAt } from '../time/epochNumber';
import { findAddress } from '../net/findAddress';
import { levelOfUpperWord, levelOfWord } from './levelWords';
import { authFromPhrase } from './authPhrases';

/** Tokens whose start may hold the timestamp ("host | 2024-…", "E [05/Mar/2024…"). */
const TIMESTAMP_TOKENS = 4;
/** Only the head of a line is searched for a timestamp; past it a date is message text. */
const TIMESTAMP_WINDOW = 64;
/** Characters after the timestamp searched for a level word (levels sit right after it). */
const LEVEL_WINDOW = 96;

/** Tries every timestamp shape at `at`. */
function timestampAt(text: string, at: number, ref: YearReference, out: ParsedTime, lineStart: boolean): boolean {
  const c = text.charCodeAt(at);
  if (c >= 48 && c <= 57) {
    const c2 = text.charCodeAt(at + 2);
    if (c2 === 47 /* / */) return parseClfDate(text, at, out);
    return parseIsoDateTime(text, at, out) || (lineStart && parseEpochAt(text, at, out));
  }
  if (c === 64 /* @ */) return lineStart && parseTai64nAt(text, at, out);
  const lower = c | 32;
  if (lower >= 97 && lower <= 122) {
    if (text.charCodeAt(at + 3) === 32) return parseSyslogDate(text, at, ref, out) || parseCtimeDate(text, at, out);
  }
  return false;
}

/** Finds the timestamp; returns its end or -1 (out holds time/offset). */
function findTimestamp(text: string, ref: YearReference, out: ParsedTime): number {
  const n = Math.min(text.length, TIMESTAMP_WINDOW);
  let i = 0;
  for (let token = 0; token < TIMESTAMP_TOKENS && i < n; token++) {
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    let at = i;
    const open = text.charCodeAt(at);
    if (open === 91 /* [ */ || open === 40 /* ( */) at++;
    if (timestampAt(text, at, ref, out, token === 0)) return out.end;
    while (i < n && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
  }
  return -1;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLetter(c: number): boolean {
  return (c | 32) >= 97 && (c | 32) <= 122;
}

interface LevelMatch {
  level: string | undefined;
  end: number;
}

/** The first stand-alone upper-case level word (or `level=word`) in text[from, to). */
function findLevel(text: string, from: number, to: number, out: LevelMatch): void {
  out.level = undefined;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (!isLetter(c)) {
      i++;
      continue;
    }
    const start = i;
    let allUpper = true;
    while (i < to && isLetter(text.charCodeAt(i))) {
      if (!isUpper(text.charCodeAt(i))) allUpper = false;
      i++;
    }
    const len = i - start;
    if (allUpper && len >= 3 && len <= 13 && !isLetter(text.charCodeAt(i))) {
      const level = levelOfUpperWord(text.slice(start, i));
      if (level) {
        out.level = level;
        out.end = i;
        return;
      }
    } else if (len === 5 && text.charCodeAt(i) === 61 /* = */ && text.slice(start, i).toLowerCase() === 'level') {
      let v = i + 1;
      if (text.charCodeAt(v) === 34 /* " */) v++;
      const vStart = v;
      while (v < text.length && v - vStart < 14 && isLetter(text.charCodeAt(v))) v++;
      const level = levelOfWord(text.slice(vStart, v));
      if (level) {
        out.level = level;
        out.end = v;
        return;
      }
    }
  }
}

/** A level word in any case ("warn", "Error") as the first word right after the timestamp. */
function firstWordLevel(text: string, at: number, out: LevelMatch): void {
  let i = at;
  while (i < text.length && i - at < 3 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 91 /* [ */)) i++;
  const start = i;
  while (i < text.length && i - start <= 13 && isLetter(text.charCodeAt(i))) i++;
  if (i - start < 3 || i - start > 13 || isLetter(text.charCodeAt(i))) return;
  const level = levelOfUpperWord(text.slice(start, i).toUpperCase());
  if (level) {
    out.level = level;
    out.end = i;
  }
}

/** Index of the first character of the message after `at` (skipping separators). */
function messageStart(text: string, at: number): number {
  let i = at;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    // space, tab, ':', ']', ')', '-', '|', ','
    if (c === 32 || c === 9 || c === 58 || c === 93 || c === 41 || c === 45 || c === 124 || c === 44) i++;
    else break;
  }
  return i;
}

class GenericParser implements LineParser {
  private readonly time = newParsedTime();
  private readonly levelMatch: LevelMatch = { level: undefined, end: 0 };

  constructor(private readonly ctx: ParseContext) {}

  parse(text: string, line: number): LogRecord | null {
    const tsEnd = findTimestamp(text, this.ctx, this.time);
    const afterTs = tsEnd < 0 ? 0 : tsEnd;
    const levelMatch = this.levelMatch;
    findLevel(text, afterTs, Math.min(text.length, afterTs + LEVEL_WINDOW), levelMatch);
    if (levelMatch.level === undefined && tsEnd >= 0) firstWordLevel(text, tsEnd, levelMatch);
    const source = findAddress(text, afterTs);
    if (tsEnd < 0 && levelMatch.level === undefined && source === undefined) return null;

    const record: LogRecord = {
      line,
      kind: 'event',
      time: tsEnd < 0 ? NaN : this.time.time,
      offsetMinutes: tsEnd < 0 ? 0 : this.time.offsetMinutes,
    };
    if (source !== undefined) record.source = source;
    if (levelMatch.level !== undefined) record.level = levelMatch.level;
    // The message starts after the level when the level comes first (right after the time).
    let from = afterTs;
    if (levelMatch.level !== undefined && levelMatch.end - afterTs <= 32) from = levelMatch.end;
    const msgAt = messageStart(text, from);
    if (msgAt < text.length) record.message = msgAt === 0 ? text : text.slice(msgAt);
    const phrase = authFromPhrase(text);
    if (phrase) {
      record.kind = 'auth';
      record.auth = phrase.auth;
      if (phrase.user !== undefined) record.user = phrase.user;
    }
    return record;
  }
}

export const generic: LogFormat = {
  id: 'generic',
  label: 'Generic (timestamp, level, message)',
  specificity: 0,
  createParser: (ctx) => new GenericParser(ctx),
};
