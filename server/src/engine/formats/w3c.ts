/**
 * W3C extended log format, as IIS (and Oracle Web Cache, Incapsula, …) write it.
 *
 *   #Software: Microsoft Internet Information Services 10.0
 *   #Version: 1.0
 *   #Date: 2024-03-05 00:00:00
 *   #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken
 *   2024-03-05 00:00:01 10.0.0.1 GET /index.htm - 443 - 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 5120 320 15
 *
 * The parser is stateful: `#Fields` sets the column layout (any order, any subset) until the
 * next `#Fields`; `#Date`/`#Start-Date` give the day for layouts with a time but no date;
 * `#GMT-Offset` (Oracle) gives the zone of the clock. Directive lines are 'meta' records.
 *
 * Data lines: values separated by runs of spaces or tabs, `-` for empty, optionally in double
 * quotes (with `""` for a quote inside); `+` stands for a space in user agents (unquoted).
 * date+time are UTC (IIS logs in UTC) → offsetMinutes 0, unless `#GMT-Offset` says otherwise;
 * `date-local`/`time-local` are taken the same way (their zone is not written down).
 *
 * Before any `#Fields` (a file cut from the middle of a log), a line is accepted only in one
 * of IIS's default layouts, told apart by the number of values, and only when its date, time,
 * method, status and client address all check out:
 *   14: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status  (IIS 6)
 *   15: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken  (IIS 7–10)
 *   17: the same with sc-bytes cs-bytes before time-taken
 *
 * IIS FTP logs use the same format with methods like `[3]PASS`: PASS answered 530 is a
 * failed login and 230 a successful one (kind 'auth'; the user comes from the session's USER).
 */
import type { LogRecord } from '../model';
import type { LineParser, LogFormat } from './types';
import { newParsedTime, parseClockTime, parseIsoDate, parseIsoDateTime, parseZone } from '../time/isoDateTime';
import { parseClfDate } from '../time/monthNameDate';
import { addressOfField, isAddress } from '../net/findAddress';

/** What a column holds, for the columns a record uses. */
const enum Slot {
  Date,
  Time,
  ClientIp,
  Method,
  UriStem,
  UriQuery,
  Uri,
  User,
  UserAgent,
  Referrer,
  Status,
  Bytes,
  Host,
  Count,
}

const SLOT_OF_FIELD: Record<string, Slot> = {
  date: Slot.Date,
  'date-local': Slot.Date,
  time: Slot.Time,
  'time-local': Slot.Time,
  'c-ip': Slot.ClientIp,
  'cs-method': Slot.Method,
  'cs-uri-stem': Slot.UriStem,
  'cs-uri-query': Slot.UriQuery,
  'cs-uri': Slot.Uri,
  'cs-username': Slot.User,
  'c-auth-id': Slot.User,
  'cs(user-agent)': Slot.UserAgent,
  'cs(referer)': Slot.Referrer,
  'cs(referrer)': Slot.Referrer,
  'sc-status': Slot.Status,
  'sc-bytes': Slot.Bytes,
  bytes: Slot.Bytes,
  'cs-host': Slot.Host,
  'cs(host)': Slot.Host,
  's-computername': Slot.Host,
};

/** Columns past this are never read (no real layout comes near; hostile ones stay cheap). */
const MAX_COLUMNS = 256;

/** Column index of each slot, -1 when the layout lacks it. */
type Layout = Int16Array;

function layoutOf(fields: readonly string[]): Layout {
  const layout = new Int16Array(Slot.Count).fill(-1);
  for (let col = 0; col < fields.length && col < MAX_COLUMNS; col++) {
    const name = fields[col].toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(SLOT_OF_FIELD, name)) continue;
    const slot = SLOT_OF_FIELD[name];
    if (layout[slot] < 0) layout[slot] = col;
  }
  return layout;
}

const IIS_DEFAULT = 'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status';
/** Default layouts by number of values (see the header comment). */
const DEFAULT_LAYOUTS = new Map<number, Layout>([
  [14, layoutOf('date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status'.split(' '))],
  [15, layoutOf(`${IIS_DEFAULT} time-taken`.split(' '))],
  [17, layoutOf(`${IIS_DEFAULT} sc-bytes cs-bytes time-taken`.split(' '))],
]);

const DIRECTIVES = new Set(['version', 'fields', 'software', 'date', 'start-date', 'end-date', 'remark', 'gmt-offset']);

/** An HTTP method, or IIS FTP's "[session]COMMAND". */
const METHOD = /^(?:\[\d{1,10}\])?[A-Za-z][A-Za-z-]{0,19}$/;
const HTTP_METHOD = /^[A-Z][A-Z-]{0,19}$/;
const HOST_OR_ADDRESS = /^[\w.:%-]{1,255}$/;

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

class W3cParser implements LineParser {
  private layout: Layout | undefined;
  /** Columns to split a data line into: one past the last column a slot uses. */
  private columnsNeeded = 0;
  /** UTC midnight of the `#Date` day, for layouts without a date column. */
  private directiveDay = NaN;
  private gmtOffsetMinutes = 0;
  /** FTP session id → user named by its USER command (bounded). */
  private readonly ftpUsers = new Map<string, string>();
  private readonly starts = new Int32Array(MAX_COLUMNS);
  private readonly ends = new Int32Array(MAX_COLUMNS);
  private readonly quoted = new Uint8Array(MAX_COLUMNS);
  private readonly scratch = newParsedTime();

  parse(text: string, line: number): LogRecord | null {
    let i = 0;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 35 /* # */) return this.directive(text, i, line);
    if (this.layout) return this.data(text, line, this.layout, this.columnsNeeded, false);
    // No #Fields yet: split fully (bounded) and try the default layout for that count.
    const count = this.split(text, 18);
    const layout = DEFAULT_LAYOUTS.get(count);
    return layout ? this.data(text, line, layout, count, true) : null;
  }

  private directive(text: string, hash: number, line: number): LogRecord | null {
    const colon = text.indexOf(':', hash);
    if (colon < 0 || colon - hash > 16) return null;
    const name = text.slice(hash + 1, colon).trim().toLowerCase();
    if (!DIRECTIVES.has(name)) return null;
    let v = colon + 1;
    while (v < text.length && isSpace(text.charCodeAt(v))) v++;
    if (name === 'fields') this.setFields(text, v);
    else if (name === 'date' || name === 'start-date') {
      const t = this.scratch;
      if (parseIsoDateTime(text, v, t, true) || parseClfDate(text, v, t)) {
        this.directiveDay = Math.floor(t.time / 86_400_000) * 86_400_000;
      }
    } else if (name === 'gmt-offset') {
      const offset = parseZone(text, v, this.scratch);
      if (!Number.isNaN(offset)) this.gmtOffsetMinutes = offset;
    }
    return { line, kind: 'meta', time: NaN, offsetMinutes: 0, message: text.slice(hash) };
  }

  private setFields(text: string, from: number): void {
    const names: string[] = [];
    let i = from;
    const n = text.length;
    while (i < n && names.length < MAX_COLUMNS) {
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      const start = i;
      while (i < n && !isSpace(text.charCodeAt(i))) i++;
      if (i > start) names.push(text.slice(start, i));
    }
    this.layout = layoutOf(names);
    let needed = 0;
    for (let s = 0; s < Slot.Count; s++) needed = Math.max(needed, this.layout[s] + 1);
    this.columnsNeeded = needed;
  }

  /**
   * Splits text into at most `max` values (starts/ends/quoted); returns how many there are,
   * or max + 1 when there are more.
   */
  private split(text: string, max: number): number {
    const n = text.length;
    let i = 0;
    let count = 0;
    for (;;) {
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i >= n) return count;
      if (count === max) return max + 1;
      if (text.charCodeAt(i) === 34 /* " */) {
        const start = i + 1;
        let j = start;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            j = n;
            break;
          }
          if (text.charCodeAt(q + 1) === 34) j = q + 2; // "" is a quote inside
          else {
            j = q;
            break;
          }
        }
        this.starts[count] = start;
        this.ends[count] = j;
        this.quoted[count] = 1;
        count++;
        i = j + 1;
      } else {
        const start = i;
        while (i < n && !isSpace(text.charCodeAt(i))) i++;
        this.starts[count] = start;
        this.ends[count] = i;
        this.quoted[count] = 0;
        count++;
      }
    }
  }

  /** The value of a slot, undefined when absent or `-`. */
  private value(text: string, layout: Layout, count: number, slot: Slot): string | undefined {
    const col = layout[slot];
    if (col < 0 || col >= count) return undefined;
    const start = this.starts[col];
    const end = this.ends[col];
    if (end <= start || (end - start === 1 && text.charCodeAt(start) === 45 /* - */)) return undefined;
    const raw = text.slice(start, end);
    return this.quoted[col] && raw.includes('""') ? raw.split('""').join('"') : raw;
  }

  private data(text: string, line: number, layout: Layout, needed: number, strict: boolean): LogRecord | null {
    const count = strict ? needed : Math.min(this.split(text, Math.max(needed, 1)), needed);
    if (count === 0) return null;
    const t = this.scratch;

    // Time: both columns must parse when the layout has them; that is what tells a data line.
    let dayMs = this.directiveDay;
    const dateCol = layout[Slot.Date];
    if (dateCol >= 0) {
      if (dateCol >= count) return null;
      if (!parseIsoDate(text, this.starts[dateCol], t) || t.end !== this.ends[dateCol]) return null;
      dayMs = t.time;
    }
    let time = NaN;
    const timeCol = layout[Slot.Time];
    if (timeCol >= 0) {
      if (timeCol >= count) return null;
      if (!parseClockTime(text, this.starts[timeCol], t) || t.end !== this.ends[timeCol]) return null;
      time = dayMs + t.time - this.gmtOffsetMinutes * 60_000;
    } else if (dateCol >= 0) time = dayMs - this.gmtOffsetMinutes * 60_000;

    // The values the layout says are a status, a method and a client must look like one.
    const statusText = this.value(text, layout, count, Slot.Status);
    let status: number | undefined;
    if (statusText !== undefined) {
      if (!/^\d{3}$/.test(statusText)) return null;
      status = Number(statusText);
    }
    if (dateCol < 0 && timeCol < 0 && status === undefined) return null; // nothing tells it is a data line

    const record: LogRecord = { line, kind: 'http', time, offsetMinutes: Number.isNaN(time) ? 0 : this.gmtOffsetMinutes };
    if (status !== undefined) record.status = status;

    const client = this.value(text, layout, count, Slot.ClientIp);
    if (client !== undefined) {
      record.source = addressOfField(client);
      if (strict ? !isAddress(record.source) : !HOST_OR_ADDRESS.test(record.source)) return null;
    } else if (strict) return null;

    let method = this.value(text, layout, count, Slot.Method);
    if (method === undefined ? strict : !(strict ? HTTP_METHOD : METHOD).test(method)) return null;
    let ftpSession: string | undefined;
    if (method !== undefined && method.charCodeAt(0) === 91 /* [ */) {
      // IIS FTP: "[3]PASS" — session id, then the FTP command.
      const close = method.indexOf(']');
      if (close > 0) {
        ftpSession = method.slice(1, close);
        method = method.slice(close + 1);
      }
    }
    if (method !== undefined) record.method = method;

    const uri = this.value(text, layout, count, Slot.Uri);
    const stem = this.value(text, layout, count, Slot.UriStem);
    if (stem !== undefined) {
      record.path = stem;
      const query = this.value(text, layout, count, Slot.UriQuery);
      if (query !== undefined) record.query = query;
    } else if (uri !== undefined) setUri(record, uri);

    const user = this.value(text, layout, count, Slot.User);
    if (user !== undefined) record.user = user;
    const agentCol = layout[Slot.UserAgent];
    const agent = this.value(text, layout, count, Slot.UserAgent);
    if (agent !== undefined) record.userAgent = !this.quoted[agentCol] && agent.includes('+') ? agent.replace(/\+/g, ' ') : agent;
    const referrer = this.value(text, layout, count, Slot.Referrer);
    if (referrer !== undefined) record.referrer = referrer;
    const bytesText = this.value(text, layout, count, Slot.Bytes);
    if (bytesText !== undefined && /^\d{1,15}$/.test(bytesText)) record.bytes = Number(bytesText);
    const host = this.value(text, layout, count, Slot.Host);
    if (host !== undefined) record.host = host;

    if (ftpSession !== undefined) this.ftpEvent(record, ftpSession);
    return record;
  }

  private ftpEvent(record: LogRecord, session: string): void {
    const command = record.method?.toUpperCase();
    if (command === 'USER' && record.path !== undefined) {
      // Sessions are short; a bound keeps a long log from growing the map without end.
      if (this.ftpUsers.size >= 10_000) this.ftpUsers.clear();
      this.ftpUsers.set(session, record.path);
      record.user = record.path;
    } else if (command === 'PASS' && (record.status === 530 || record.status === 230)) {
      record.kind = 'auth';
      record.auth = record.status === 530 ? 'failure' : 'success';
      const user = this.ftpUsers.get(session);
      if (user !== undefined && record.user === undefined) record.user = user;
    }
  }
}

/**
 * A full `cs-uri`: "/a?b", an absolute "http://host/a?b", or host-prefixed "host/a?b"
 * (Incapsula) — the path always starts at the first '/' of the path part.
 */
function setUri(record: LogRecord, uri: string): void {
  const q = uri.indexOf('?');
  const pathEnd = q < 0 ? uri.length : q;
  let start = 0;
  if (uri.charCodeAt(0) !== 47 /* / */) {
    const scheme = uri.indexOf('://');
    const from = scheme > 0 && scheme < pathEnd ? scheme + 3 : 0;
    const slash = uri.indexOf('/', from);
    start = slash >= 0 && slash < pathEnd ? slash : -1;
  }
  record.path = start < 0 ? '/' : start === 0 && pathEnd === uri.length ? uri : uri.slice(start, pathEnd);
  if (q >= 0 && q + 1 < uri.length) record.query = uri.slice(q + 1);
}

export const w3c: LogFormat = {
  id: 'w3c',
  label: 'W3C extended (IIS)',
  specificity: 4,
  createParser: () => new W3cParser(),
};
