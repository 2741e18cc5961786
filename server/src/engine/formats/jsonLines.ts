/**
 * JSON lines: one JSON object per line (ECS, bunyan, pino, journald exports, nginx/caddy/
 * Cloudflare JSON access logs, application loggers).
 *
 * Each record field is looked up under a list of names, first listed wins; a dotted name
 * matches nested objects, flat dotted keys, and any mix ("log.level": …, {"log": {"level": …}},
 * {"http": {"response.status_code": …}}). The names form a tree of keys, and each line's object
 * is visited once along that tree: one JSON.parse, then one map look-up per key of the objects
 * the names lead into, never deeper than the longest name however deep the line nests.
 *
 *   source    source.ip, source.address, client.ip, client.address, client_ip, clientip,
 *             remote_addr, remote_ip, ip, src_ip, http.client_ip, c-ip, request.client_ip,
 *             request.remote_ip (caddy), ClientIP (Cloudflare)   — a ":port" is dropped
 *   time      @timestamp, timestamp, time, ts, date, datetime, time_local, time_iso8601, t.$date,
 *             timestamp_ns, __REALTIME_TIMESTAMP, EdgeStartTimestamp — ISO text with its offset,
 *             access-log dates, or epoch numbers/digit strings in s/ms/µs/ns told by magnitude
 *   status    http.response.status_code, status, status_code, response, response.status,
 *             EdgeResponseStatus (100–599 only)
 *   bytes     http.response.body.bytes, http.response.bytes, bytes, body_bytes_sent, size,
 *             bytes_sent, response.size, EdgeResponseBytes
 *   method    http.request.method, method, verb, request.method, ClientRequestMethod
 *   url       url.original, url.path + url.query, request ("GET /x?y HTTP/1.1" is split),
 *             uri, url, path, request.uri, ClientRequestURI
 *   agent     user_agent.original, user_agent, http_user_agent, agent, ua,
 *             request.headers.User-Agent, ClientRequestUserAgent
 *   referrer  http.request.referrer, referrer, referer, http_referer, ClientRequestReferer
 *   user      user.name, user, username, remote_user
 *   level     log.level, level, severity, lvl, loglevel, s (MongoDB), PRIORITY (journald);
 *             bunyan/pino numbers
 *   message   message, msg, MESSAGE, body, fields.message
 *
 * Authentication: ECS `event.category` "authentication" with `event.outcome` failure/success,
 * an `event.action` naming a failed or successful login (user_login_failed, logon-failed,
 * authentication_failed, login_success…), Windows event ids 4625/4624, or, failing those, the
 * message's own wording ("Failed password for root from …", see authPhrases.ts).
 *
 * Kind: 'auth' for an authentication event, 'http' when there is a method/path or a status,
 * else 'event'. A line that is not a JSON object is not a record of this format.
 */
import type { AuthEvent, LogRecord } from '../model';
import type { LineParser, LogFormat } from './types';
import { newParsedTime, parseIsoDateTime } from '../time/isoDateTime';
import { parseClfDate } from '../time/monthNameDate';
import { epochMsFromDigits, epochMsFromNumber } from '../time/epochNumber';
import { addressOfField, findAddress } from '../net/findAddress';
import { levelOfBunyanNumber, levelOfSyslogSeverity, levelOfWord } from './levelWords';
import { authFromPhrase } from './authPhrases';

/** What a record is built from; each is looked up under the names listed below, first wins. */
const enum Slot {
  Source,
  Time,
  Status,
  Bytes,
  Method,
  UrlOriginal,
  UrlPath,
  UrlQuery,
  UrlOther,
  UserAgent,
  Referrer,
  User,
  Level,
  Priority,
  Message,
  Host,
  Program,
  EventCategory,
  EventOutcome,
  EventAction,
  EventCode,
  Count,
}

const NAMES: [Slot, string[], (value: unknown) => boolean][] = [
  [Slot.Source, ['source.ip', 'source.address', 'client.ip', 'client.address', 'client_ip', 'clientip', 'remote_addr', 'remote_ip', 'ip', 'src_ip', 'http.client_ip', 'c-ip', 'request.client_ip', 'request.remote_ip', 'ClientIP'], isText],
  [Slot.Time, ['@timestamp', 'timestamp', 'time', 'ts', 'date', 'datetime', 'time_local', 'time_iso8601', 't.$date', 'timestamp_ns', '__REALTIME_TIMESTAMP', 'EdgeStartTimestamp'], isScalar],
  [Slot.Status, ['http.response.status_code', 'status', 'status_code', 'response', 'response.status', 'EdgeResponseStatus'], isInteger],
  [Slot.Bytes, ['http.response.body.bytes', 'http.response.bytes', 'bytes', 'body_bytes_sent', 'size', 'bytes_sent', 'response.size', 'EdgeResponseBytes'], isInteger],
  [Slot.Method, ['http.request.method', 'method', 'verb', 'request.method', 'ClientRequestMethod'], isString],
  [Slot.UrlOriginal, ['url.original'], isString],
  [Slot.UrlPath, ['url.path'], isString],
  [Slot.UrlQuery, ['url.query'], isString],
  [Slot.UrlOther, ['request', 'uri', 'url', 'path', 'request.uri', 'ClientRequestURI'], isString],
  [Slot.UserAgent, ['user_agent.original', 'user_agent', 'http_user_agent', 'agent', 'ua', 'request.headers.User-Agent', 'ClientRequestUserAgent'], isText],
  [Slot.Referrer, ['http.request.referrer', 'referrer', 'referer', 'http_referer', 'ClientRequestReferer'], isText],
  [Slot.User, ['user.name', 'user', 'username', 'remote_user'], isText],
  [Slot.Level, ['log.level', 'level', 'severity', 'lvl', 'loglevel', 's'], isScalar],
  [Slot.Priority, ['PRIORITY'], isInteger],
  [Slot.Message, ['message', 'msg', 'MESSAGE', 'body', 'fields.message'], anyValue],
  [Slot.Host, ['host.name', 'host.hostname', 'hostname', '_HOSTNAME'], isString],
  [Slot.Program, ['process.name', 'SYSLOG_IDENTIFIER', 'service.name'], isString],
  [Slot.EventCategory, ['event.category'], anyValue],
  [Slot.EventOutcome, ['event.outcome'], isString],
  [Slot.EventAction, ['event.action'], isString],
  [Slot.EventCode, ['event.code', 'winlog.event_id'], isInteger],
];

/**
 * The names as a tree of keys ("source.ip" → source → ip). A node may hold values (slot and
 * rank = position in the slot's list) and children (keys looked up inside an object value).
 */
interface KeyNode {
  slots: Slot[];
  ranks: number[];
  children: Map<string, KeyNode> | undefined;
}

function newNode(): KeyNode {
  return { slots: [], ranks: [], children: undefined };
}

const ROOT = newNode();
const ACCEPT: ((value: unknown) => boolean)[] = [];
for (const [slot, names, accept] of NAMES) {
  ACCEPT[slot] = accept;
  names.forEach((name, rank) => {
    let node = ROOT;
    for (const key of name.split('.')) {
      node.children ??= new Map();
      let next = node.children.get(key);
      if (!next) node.children.set(key, (next = newNode()));
      node = next;
    }
    node.slots.push(slot);
    node.ranks.push(rank);
  });
}

/** The node a dotted key ("log.level", "http.response.status_code") leads to from `node`. */
function walkDottedKey(node: KeyNode, key: string): KeyNode | undefined {
  let from = 0;
  let current: KeyNode | undefined = node;
  while (current) {
    const dot = key.indexOf('.', from);
    const part = dot < 0 ? key.slice(from) : key.slice(from, dot);
    current = current.children?.get(part);
    if (dot < 0) return current;
    from = dot + 1;
  }
  return undefined;
}

function anyValue(): boolean {
  return true;
}

function isString(value: unknown): boolean {
  return typeof value === 'string';
}

function isText(value: unknown): boolean {
  return textOf(value) !== undefined;
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number';
}

function isInteger(value: unknown): boolean {
  return integerOf(value) !== undefined;
}

/** A short text value: strings as they are, numbers as text, the first string of an array. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

function integerOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

const TIME = newParsedTime();

/** Reads a time value into TIME (epoch ms and offset); false when it is not one. */
function readTime(value: unknown): boolean {
  if (typeof value === 'number') {
    TIME.time = epochMsFromNumber(value);
    TIME.offsetMinutes = 0;
    return !Number.isNaN(TIME.time);
  }
  if (typeof value !== 'string') return false;
  let at = 0;
  while (value.charCodeAt(at) === 32) at++;
  if (parseIsoDateTime(value, at, TIME, true) || parseClfDate(value, at, TIME)) return true;
  TIME.time = epochMsFromDigits(value);
  TIME.offsetMinutes = 0;
  return !Number.isNaN(TIME.time);
}

function levelOf(value: unknown): string | undefined {
  if (typeof value === 'number') return levelOfBunyanNumber(value);
  if (typeof value === 'string') return levelOfWord(value);
  return undefined;
}

/** "GET /x?y HTTP/1.1" → method, target; anything else is taken as the target itself. */
const REQUEST_LINE = /^([A-Z][A-Z_-]{0,19}) (\S{1,8192}?)(?: HTTP\/\d(?:\.\d)?)?$/;

function isAbsoluteUrl(text: string): boolean {
  const scheme = text.indexOf('://');
  return scheme > 0 && scheme < 10 && text.indexOf(' ') < 0;
}

function setTarget(record: LogRecord, target: string): void {
  let start = 0;
  // An absolute URL: keep the path of it.
  const scheme = target.indexOf('://');
  if (scheme > 0 && scheme < 10) {
    const slash = target.indexOf('/', scheme + 3);
    if (slash < 0) {
      record.path = '/';
      return;
    }
    start = slash;
  }
  const q = target.indexOf('?', start);
  if (q < 0) record.path = start === 0 ? target : target.slice(start);
  else {
    record.path = target.slice(start, q);
    if (q + 1 < target.length) record.query = target.slice(q + 1);
  }
}

/** Normalised event.action words that name a login outcome. */
const LOGIN_WORDS = /log_?in|log_?on|sign_?in|auth|password|credential/;
const FAILURE_WORDS = /fail|denied|invalid|reject|bad_|wrong/;
const SUCCESS_WORDS = /success|succeeded|accepted|logged_in|granted/;

/** The values found for each slot in one object (reused from line to line). */
type Found = unknown[];

function authOfEvent(found: Found): AuthEvent | undefined {
  const category = found[Slot.EventCategory];
  const isAuthCategory = Array.isArray(category) ? category.includes('authentication') : category === 'authentication';
  if (isAuthCategory) {
    const outcome = found[Slot.EventOutcome];
    if (outcome === 'failure') return 'failure';
    if (outcome === 'success') return 'success';
  }
  const action = found[Slot.EventAction];
  if (typeof action === 'string' && action.length <= 64) {
    const words = action.toLowerCase().replace(/[-\s.]/g, '_');
    if (LOGIN_WORDS.test(words)) {
      if (FAILURE_WORDS.test(words)) return 'failure';
      if (SUCCESS_WORDS.test(words)) return 'success';
    }
  }
  // Windows security log: 4625 "An account failed to log on", 4624 "An account was successfully logged on".
  const code = integerOf(found[Slot.EventCode]);
  if (code === 4625) return 'failure';
  if (code === 4624) return 'success';
  return undefined;
}

class JsonLinesParser implements LineParser {
  private readonly found: Found = new Array(Slot.Count).fill(undefined);
  private readonly rank = new Int32Array(Slot.Count);

  parse(text: string, line: number): LogRecord | null {
    // Cheap checks before JSON.parse: an object, and not cut short.
    let first = 0;
    while (first < text.length && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    if (text.charCodeAt(first) !== 123 /* { */) return null;
    let last = text.length - 1;
    while (last > first && (text.charCodeAt(last) === 32 || text.charCodeAt(last) === 9)) last--;
    if (text.charCodeAt(last) !== 125 /* } */) return null;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return null;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
    this.found.fill(undefined);
    this.rank.fill(0x7fffffff);
    this.collect(obj as Record<string, unknown>, ROOT);
    return this.toRecord(this.found, line);
  }

  /**
   * Visits the object's own keys once, following only keys of the name tree: the walk goes
   * no deeper than the longest name (4 keys), whatever the nesting of the line.
   */
  private collect(obj: Record<string, unknown>, node: KeyNode): void {
    const children = node.children!;
    for (const key in obj) {
      const child = key.indexOf('.') < 0 ? children.get(key) : walkDottedKey(node, key);
      if (child === undefined) continue;
      const value = obj[key];
      if (value === undefined || value === null || value === '' || value === '-') continue;
      for (let k = 0; k < child.slots.length; k++) {
        const slot = child.slots[k];
        if (child.ranks[k] < this.rank[slot] && ACCEPT[slot](value)) {
          this.rank[slot] = child.ranks[k];
          this.found[slot] = value;
        }
      }
      if (child.children !== undefined && typeof value === 'object' && !Array.isArray(value)) {
        this.collect(value as Record<string, unknown>, child);
      }
    }
  }

  private toRecord(found: Found, line: number): LogRecord {
    const record: LogRecord = { line, kind: 'event', time: NaN, offsetMinutes: 0 };

    if (readTime(found[Slot.Time])) {
      record.time = TIME.time;
      record.offsetMinutes = TIME.offsetMinutes;
    }
    const source = textOf(found[Slot.Source]);
    if (source !== undefined) record.source = addressOfField(source.trim());

    const status = integerOf(found[Slot.Status]);
    if (status !== undefined && status >= 100 && status <= 599) record.status = status;
    const bytes = integerOf(found[Slot.Bytes]);
    if (bytes !== undefined) record.bytes = bytes;

    const method = found[Slot.Method];
    if (typeof method === 'string' && method.length <= 20) record.method = method.toUpperCase();
    readUrl(found, record);

    const agent = textOf(found[Slot.UserAgent]);
    if (agent !== undefined) record.userAgent = agent;
    const referrer = textOf(found[Slot.Referrer]);
    if (referrer !== undefined) record.referrer = referrer;
    const user = textOf(found[Slot.User]);
    if (user !== undefined) record.user = user;

    const level = levelOf(found[Slot.Level]);
    if (level !== undefined) record.level = level;
    else {
      const priority = integerOf(found[Slot.Priority]);
      const severity = priority === undefined ? undefined : levelOfSyslogSeverity(priority);
      if (severity !== undefined) record.level = severity;
    }
    const message = found[Slot.Message];
    if (typeof message === 'string') record.message = message;
    else if (message !== undefined && typeof message === 'object') {
      // OpenTelemetry bodies: {"stringValue": "..."}
      const inner = (message as Record<string, unknown>).stringValue;
      if (typeof inner === 'string') record.message = inner;
    }
    const host = found[Slot.Host];
    if (typeof host === 'string') record.host = host;
    const program = found[Slot.Program];
    if (typeof program === 'string') record.program = program;

    const auth = authOfEvent(found);
    if (auth) {
      record.kind = 'auth';
      record.auth = auth;
    } else if (record.message !== undefined) {
      const phrase = authFromPhrase(record.message);
      if (phrase) {
        record.kind = 'auth';
        record.auth = phrase.auth;
        if (record.user === undefined && phrase.user !== undefined) record.user = phrase.user;
        if (record.source === undefined) {
          const address = findAddress(record.message);
          if (address !== undefined) record.source = address;
        }
      }
    }
    if (record.kind !== 'auth' && (record.method !== undefined || record.path !== undefined || record.status !== undefined)) {
      record.kind = 'http';
    }
    return record;
  }
}

function readUrl(found: Found, record: LogRecord): void {
  const original = found[Slot.UrlOriginal];
  if (typeof original === 'string') {
    setTarget(record, original);
    return;
  }
  const path = found[Slot.UrlPath];
  if (typeof path === 'string') {
    record.path = path;
    const query = found[Slot.UrlQuery];
    if (typeof query === 'string') record.query = query.charCodeAt(0) === 63 ? query.slice(1) : query;
    return;
  }
  const other = found[Slot.UrlOther];
  if (typeof other !== 'string') return;
  if (other.charCodeAt(0) === 47 /* / */ || isAbsoluteUrl(other)) {
    setTarget(record, other);
    return;
  }
  const request = other.length <= 8300 ? REQUEST_LINE.exec(other) : null;
  if (request) {
    if (record.method === undefined) record.method = request[1];
    setTarget(record, request[2]);
  }
  // Anything else ("request": "checkout #42") is not a URL.
}

export const jsonLines: LogFormat = {
  id: 'json',
  label: 'JSON lines',
  specificity: 3,
  createParser: () => new JsonLinesParser(),
};
