/**
 * BSD syslog (RFC 3164) as files hold it:
 *
 *   Jan 15 10:00:00 web01 sshd[4101]: Failed password for root from 203.0.113.7 port 38016 ssh2
 *   <38>Jan 15 10:00:00 web01 sshd[4101]: …                  (PRI kept by some relays)
 *   2024-01-15T10:00:00.123456+01:00 web01 sshd[4101]: …    (rsyslog's high-precision template)
 *   Jan 15 10:00:00 sshd[4101]: …                            (no host)
 *   Jan 15 10:00:00 web01 [sshd] …   /   … web01 kernel: …   (bracketed tag, tag without pid)
 *   web01 sshd[4101]: …                                      (journal output without time)
 *   Jan 15 10:00:00 web01 last message repeated 3 times
 *   <tab>continuation of a multi-line message                 (kept as a 'meta' record)
 *
 * Year-less dates are the log's wall clock read as UTC (offsetMinutes 0), in the reference
 * year — or the one before when the date would lie more than a day after the reference
 * instant (a December line read in January). ISO stamps keep their own offset; after one a
 * tag is required ("2024-… app.py ERROR: x" is an application log, not syslog), while after a
 * BSD stamp a host and free text are enough.
 *
 * The header is read with char tests and indexOf only; the message goes to the
 * AuthMessageReader, which knows sshd, PAM, su, sudo, dropbear and packet-filter lines.
 */
import type { LogRecord } from '../model';
import type { LineParser, LogFormat, ParseContext } from './types';
import { newParsedTime, parseClockTime, parseIsoDateTime, readDigits } from '../time/isoDateTime';
import { monthAt } from '../time/monthNameDate';
import { AuthMessageReader } from './authMessages';
import { newSyslogRecord, readPri, SEVERITY_LEVELS } from './syslogFields';

const DAY_MS = 86_400_000;

/** Longest host name taken (DNS names are at most 253 characters). */
const MAX_HOST = 255;
/** Longest program name in a tag; RFC 3164 allows 32, real tags run longer ("com.apple.xpc.launchd"). */
const MAX_TAG = 128;
/** Longest process id in a tag ("[1189575]", journald's "[DEBUG]"-style labels). */
const MAX_PID = 32;

/** The tag read by `readTag`. */
interface Tag {
  program: string;
  pid: string | undefined;
  /** The tag had "[pid]" and a colon: the shape journal output without time must have. */
  strict: boolean;
  /** Where the message starts (set by the spaced-tag reader only). */
  end: number;
}

/**
 * Reads a tag spanning text[s, e): "prog:", "prog[pid]", "prog[pid]:", "[prog]" or "[prog]:".
 * A bare word is not a tag (it may be a host or the message).
 */
function readTag(text: string, s: number, e: number, out: Tag): boolean {
  if (e - s < 2) return false;
  if (text.charCodeAt(s) === 91 /* [ */) {
    let close = e - 1;
    if (text.charCodeAt(close) === 58 /* : */) close--;
    if (close <= s + 1 || close - s > MAX_TAG || text.charCodeAt(close) !== 93 /* ] */) return false;
    for (let k = s + 1; k < close; k++) if (text.charCodeAt(k) === 93 || text.charCodeAt(k) === 91) return false;
    out.program = text.slice(s + 1, close);
    out.pid = undefined;
    out.strict = false;
    return true;
  }
  let i = s;
  while (i < e) {
    const c = text.charCodeAt(i);
    if (c === 91 /* [ */ || c === 58 /* : */ || c === 93 /* ] */) break;
    i++;
  }
  if (i === s || i - s > MAX_TAG || i === e) return false;
  const nameEnd = i;
  let pid: string | undefined;
  if (text.charCodeAt(i) === 91) {
    const close = text.indexOf(']', i);
    if (close < 0 || close >= e || close === i + 1 || close - i - 1 > MAX_PID) return false;
    pid = text.slice(i + 1, close);
    i = close + 1;
  }
  const colon = i < e && text.charCodeAt(i) === 58;
  if (colon) i++;
  if (i !== e || (!colon && pid === undefined)) return false;
  out.program = text.slice(s, nameEnd);
  out.pid = pid;
  out.strict = colon && pid !== undefined;
  return true;
}

function isLetter(c: number): boolean {
  const l = c | 32;
  return l >= 97 && l <= 122;
}

function tokenEnd(text: string, i: number): number {
  const sp = text.indexOf(' ', i);
  return sp < 0 ? text.length : sp;
}

function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

class Syslog3164Parser implements LineParser {
  private readonly reader = new AuthMessageReader();
  private readonly stamp = newParsedTime();
  private readonly pri = { end: 0 };
  private readonly tag: Tag = { program: '', pid: undefined, strict: false, end: 0 };
  /** The last record parsed, for continuation lines; null after a line of another shape. */
  private last: LogRecord | null = null;
  /** Midnight of the last BSD date seen, in the reference year and the year before (Date.UTC is slow). */
  private dayKey = -1;
  private dayInYear = 0;
  private dayInYearBefore = 0;

  constructor(private readonly ctx: ParseContext) {}

  /**
   * "Mmm dd hh:mm:ss[.fff]" at i (day space- or zero-padded, or one digit), followed by a space.
   * The year is the reference year, or the one before when the date would lie more than a day
   * after the reference instant — a day of slack because the clock is the log's local time.
   */
  private readBsdStamp(text: string, i: number): boolean {
    const month = monthAt(text, i);
    if (month < 0 || text.charCodeAt(i + 3) !== 32) return false;
    let j = i + 4;
    if (text.charCodeAt(j) === 32) j++;
    let day = readDigits(text, j, 2);
    if (day >= 0) j += 2;
    else {
      day = readDigits(text, j, 1);
      j++;
    }
    if (day < 1 || day > 31 || text.charCodeAt(j) !== 32) return false;
    const stamp = this.stamp;
    if (!parseClockTime(text, j + 1, stamp) || text.charCodeAt(stamp.end) !== 32) return false;
    const key = month * 32 + day;
    if (key !== this.dayKey) {
      this.dayKey = key;
      this.dayInYear = Date.UTC(this.ctx.referenceYear, month, day);
      this.dayInYearBefore = Date.UTC(this.ctx.referenceYear - 1, month, day);
    }
    let time = this.dayInYear + stamp.time;
    if (time > this.ctx.referenceTime + DAY_MS) time = this.dayInYearBefore + stamp.time;
    stamp.time = time;
    stamp.offsetMinutes = 0;
    return true;
  }

  parse(text: string, line: number): LogRecord | null {
    const record = this.parseHeader(text, line);
    if (record === null) this.last = null;
    else if (record.kind !== 'meta') this.last = record;
    return record;
  }

  private parseHeader(text: string, line: number): LogRecord | null {
    const len = text.length;
    if (len === 0) return null;
    let c = text.charCodeAt(0);
    if (c === 9 || c === 32) return this.continuation(text, line);

    let i = 0;
    let priority = -1;
    if (c === 60 /* < */) {
      priority = readPri(text, 0, this.pri);
      if (priority < 0) return null;
      i = this.pri.end;
      if (text.charCodeAt(i) === 32) i++;
      c = text.charCodeAt(i);
    }

    let time = NaN;
    let offsetMinutes = 0;
    let stamped = false;
    let iso = false;
    const stamp = this.stamp;
    if (isLetter(c)) stamped = this.readBsdStamp(text, i);
    else if (c >= 48 && c <= 57) {
      // Only the syslog shape "YYYY-MM-DDThh:mm:ss…": a space or '/' date is some other log.
      stamped =
        text.charCodeAt(i + 4) === 45 &&
        (text.charCodeAt(i + 10) | 32) === 116 &&
        parseIsoDateTime(text, i, stamp) &&
        text.charCodeAt(stamp.end) === 32;
      iso = stamped;
    }
    if (stamped) {
      time = stamp.time;
      offsetMinutes = stamp.offsetMinutes;
      i = skipSpaces(text, stamp.end);
      if (i >= len) return null;
    } else if (priority >= 0 || !isLetter(c)) {
      return null;
    }

    let host: string | undefined;
    let program: string | undefined;
    let pid: string | undefined;
    let messageStart: number;
    const tag = this.tag;
    const first = text.charCodeAt(i);
    if (
      stamped &&
      ((first === 45 /* - */ && text.startsWith('--- last message repeated ', i)) ||
        (first === 108 /* l */ && text.startsWith('last message repeated ', i)))
    ) {
      messageStart = i;
    } else {
      const e1 = tokenEnd(text, i);
      if (readTag(text, i, e1, tag)) {
        // Without a host, only "prog[pid]:" is surely a tag ("2024-… ERROR: x" is not syslog).
        if ((!stamped || iso) && !tag.strict) return null;
        program = tag.program;
        pid = tag.pid;
        messageStart = e1;
      } else {
        if (e1 - i > MAX_HOST) {
          if (!stamped || iso) return null;
          messageStart = i; // no host worth the name: all of it is message
        } else {
          host = text.slice(i, e1);
          const j = skipSpaces(text, e1);
          const e2 = tokenEnd(text, j);
          if (j < len && readTag(text, j, e2, tag) && (stamped || tag.strict)) {
            program = tag.program;
            pid = tag.pid;
            messageStart = e2;
          } else if (stamped && this.spacedTag(text, j)) {
            program = tag.program;
            pid = tag.pid;
            messageStart = tag.end;
          } else if (stamped && !iso) {
            // "Nov  3 09:23:38 veridian lookup for opt failed": the BSD stamp alone says syslog.
            // After an ISO stamp a tag is required: "2015-04-24T21:09:29 25376]INFO:…" is not syslog.
            messageStart = j;
          } else return null;
        }
      }
    }

    let m = skipSpaces(text, messageStart);
    // Solaris adds a message id: "[ID 800047 auth.info] ".
    if (text.charCodeAt(m) === 91 /* [ */ && text.startsWith('[ID ', m)) {
      const close = text.indexOf('] ', m);
      if (close > 0 && close - m < 48) m = close + 2;
    }
    const message = m === 0 ? text : text.slice(m);
    const level = priority >= 0 ? SEVERITY_LEVELS[priority & 7] : undefined;
    const record = newSyslogRecord(line, time, offsetMinutes, host, program, level, message);
    this.reader.read(record, program, pid, message);
    return record;
  }

  /**
   * Tags with a space: a program name with spaces before a numeric pid ("Setup Assistant[1173]:
   * …", "-- root[2421]: …"), or a name and a version ("syslogd 1.4.1: restart."). Only these
   * strict shapes, within the tag length limit.
   */
  private spacedTag(text: string, j: number): boolean {
    return this.versionTag(text, j) || this.spacedPidTag(text, j);
  }

  private versionTag(text: string, j: number): boolean {
    const e = tokenEnd(text, j);
    const v = e + 1;
    if (e - j > MAX_TAG || text.charCodeAt(e) !== 32) return false;
    let k = v;
    while (k < text.length && k - v < 16) {
      const c = text.charCodeAt(k);
      if (!((c >= 48 && c <= 57) || c === 46)) break;
      k++;
    }
    const first = text.charCodeAt(v);
    if (k === v || first < 48 || first > 57 || text.charCodeAt(k) !== 58 /* : */ || text.charCodeAt(k + 1) !== 32) return false;
    const tag = this.tag;
    tag.program = text.slice(j, k);
    tag.pid = undefined;
    tag.end = k + 2;
    return true;
  }

  private spacedPidTag(text: string, j: number): boolean {
    const limit = Math.min(text.length - 2, j + MAX_TAG + 1);
    let colon = -1;
    for (let k = j; k < limit; k++) {
      if (text.charCodeAt(k) === 93 /* ] */ && text.charCodeAt(k + 1) === 58 && text.charCodeAt(k + 2) === 32) {
        colon = k;
        break;
      }
    }
    if (colon < 0) return false;
    const open = text.lastIndexOf('[', colon);
    if (open <= j || colon - open - 1 > MAX_PID || colon === open + 1) return false;
    for (let k = open + 1; k < colon; k++) {
      const c = text.charCodeAt(k);
      if (c < 48 || c > 57) return false;
    }
    const tag = this.tag;
    tag.program = text.slice(j, open);
    tag.pid = text.slice(open + 1, colon);
    tag.end = colon + 2;
    return true;
  }

  /** A tab- or space-indented line right after a syslog line continues its message. */
  private continuation(text: string, line: number): LogRecord | null {
    const last = this.last;
    if (last === null) return null;
    const body = text.trim();
    if (body.length === 0) return null;
    const record: LogRecord = { line, kind: 'meta', time: last.time, offsetMinutes: last.offsetMinutes, message: body };
    if (last.host !== undefined) record.host = last.host;
    if (last.program !== undefined) record.program = last.program;
    return record;
  }
}

export const syslog3164: LogFormat = {
  id: 'syslog',
  label: 'syslog (RFC 3164)',
  specificity: 3,
  createParser: (ctx: ParseContext) => new Syslog3164Parser(ctx),
};
