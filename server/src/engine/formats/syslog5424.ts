/**
 * Syslog RFC 5424:
 *
 *   <34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick
 *   <165>1 2003-10-11T22:14:15.003Z host app 1234 ID47 [exampleSDID@32473 iut="3" eventSource="App"] msg
 *
 * PRI, VERSION, TIMESTAMP, HOSTNAME, APP-NAME, PROCID, MSGID, STRUCTURED-DATA, then the
 * message; any header field may be the NILVALUE "-". Structured data is one or more
 * "[id name="value" …]" elements whose values may hold escaped '"', '\' and ']'; a line whose
 * structured data does not close is not RFC 5424. The message (a UTF-8 BOM dropped) goes to
 * the AuthMessageReader like RFC 3164 messages.
 */
import type { LogRecord } from '../model';
import type { LineParser, LogFormat, ParseContext } from './types';
import { newParsedTime, parseIsoDateTime } from '../time/isoDateTime';
import { AuthMessageReader } from './authMessages';
import { newSyslogRecord, readPri, SEVERITY_LEVELS } from './syslogFields';

// Field lengths from RFC 5424 §6 (HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32).
const MAX_HOSTNAME = 255;
const MAX_APP_NAME = 48;
const MAX_PROCID = 128;
const MAX_MSGID = 32;

/** End of the header field at i (the next space), or -1 when it is empty, too long or ends the line. */
function fieldEnd(text: string, i: number, max: number): number {
  const sp = text.indexOf(' ', i);
  if (sp <= i || sp - i > max) return -1;
  return sp;
}

function isNil(text: string, s: number, e: number): boolean {
  return e === s + 1 && text.charCodeAt(s) === 45 /* - */;
}

/**
 * End of the STRUCTURED-DATA at i ("-" or elements "[id param="value"…]…"), or -1 when it
 * is malformed. One pass: a backslash inside a value skips the next character.
 */
export function structuredDataEnd(text: string, i: number): number {
  const len = text.length;
  if (text.charCodeAt(i) === 45) return i + 1;
  if (text.charCodeAt(i) !== 91 /* [ */) return -1;
  let j = i;
  while (j < len && text.charCodeAt(j) === 91) {
    j++;
    const idStart = j;
    // SD-NAME: printable, no space, '=', ']' or '"'
    while (j < len) {
      const c = text.charCodeAt(j);
      if (c === 32 || c === 61 || c === 93 || c === 34) break;
      j++;
    }
    if (j === idStart) return -1;
    for (;;) {
      if (j >= len) return -1;
      const c = text.charCodeAt(j);
      if (c === 93 /* ] */) {
        j++;
        break;
      }
      if (c !== 32) return -1;
      j++;
      const nameStart = j;
      while (j < len) {
        const n = text.charCodeAt(j);
        if (n === 32 || n === 61 || n === 93 || n === 34) break;
        j++;
      }
      if (j === nameStart || text.charCodeAt(j) !== 61 /* = */ || text.charCodeAt(j + 1) !== 34 /* " */) return -1;
      j += 2;
      while (j < len) {
        const v = text.charCodeAt(j);
        if (v === 92 /* \ */) j += 2;
        else if (v === 34) break;
        else j++;
      }
      if (j >= len) return -1;
      j++; // closing quote
    }
  }
  return j;
}

class Syslog5424Parser implements LineParser {
  private readonly reader = new AuthMessageReader();
  private readonly stamp = newParsedTime();
  private readonly pri = { end: 0 };

  parse(text: string, line: number): LogRecord | null {
    const priority = readPri(text, 0, this.pri);
    if (priority < 0) return null;
    let i = this.pri.end;
    // VERSION: 1-2 digits, not starting with 0 (only "1" is defined)
    const v = text.charCodeAt(i) - 48;
    if (!(v >= 1 && v <= 9)) return null;
    i++;
    const v2 = text.charCodeAt(i) - 48;
    if (v2 >= 0 && v2 <= 9) i++;
    if (text.charCodeAt(i) !== 32) return null;
    i++;

    let time = NaN;
    let offsetMinutes = 0;
    if (text.charCodeAt(i) === 45 && text.charCodeAt(i + 1) === 32) i += 2;
    else {
      const stamp = this.stamp;
      if (text.charCodeAt(i + 4) !== 45 || (text.charCodeAt(i + 10) | 32) !== 116) return null;
      if (!parseIsoDateTime(text, i, stamp) || text.charCodeAt(stamp.end) !== 32) return null;
      time = stamp.time;
      offsetMinutes = stamp.offsetMinutes;
      i = stamp.end + 1;
    }

    const hostEnd = fieldEnd(text, i, MAX_HOSTNAME);
    if (hostEnd < 0) return null;
    const host = isNil(text, i, hostEnd) ? undefined : text.slice(i, hostEnd);
    i = hostEnd + 1;
    const appEnd = fieldEnd(text, i, MAX_APP_NAME);
    if (appEnd < 0) return null;
    const program = isNil(text, i, appEnd) ? undefined : text.slice(i, appEnd);
    i = appEnd + 1;
    const procEnd = fieldEnd(text, i, MAX_PROCID);
    if (procEnd < 0) return null;
    const pid = isNil(text, i, procEnd) ? undefined : text.slice(i, procEnd);
    i = procEnd + 1;
    const msgIdEnd = fieldEnd(text, i, MAX_MSGID);
    if (msgIdEnd < 0) return null;
    i = msgIdEnd + 1;

    const sdEnd = structuredDataEnd(text, i);
    if (sdEnd < 0) return null;
    let message = '';
    if (sdEnd < text.length) {
      if (text.charCodeAt(sdEnd) !== 32) return null;
      let m = sdEnd + 1;
      while (text.charCodeAt(m) === 32) m++;
      if (text.charCodeAt(m) === 0xfeff) m++; // BOM: the message is UTF-8
      message = text.slice(m);
    }

    const record = newSyslogRecord(line, time, offsetMinutes, host, program, SEVERITY_LEVELS[priority & 7], message);
    this.reader.read(record, program, pid, message);
    return record;
  }
}

export const syslog5424: LogFormat = {
  id: 'syslog-5424',
  label: 'syslog (RFC 5424)',
  specificity: 4,
  createParser: (_ctx: ParseContext) => new Syslog5424Parser(),
};
