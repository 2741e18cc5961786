/**
 * brute-force: repeated authentication failures from one source (T1110).
 *
 * What counts as one failure
 *   - auth records 'failure' / 'invalid-user' (sshd, dropbear, pam, su, HTTP auth errors),
 *     `record.attempts` times ("message repeated 5 times", "PAM 5 more authentication failures");
 *   - HTTP 401 on any path (credentials were refused), 403 on a login endpoint, and a POST to a
 *     login form answered 200 (the form was shown again: failed form logins answer 200, good
 *     ones redirect).
 *   One password attempt often writes several lines (sshd "Invalid user x from ip",
 *   pam_unix "authentication failure", sshd "Failed password for invalid user x"). Counting
 *   lines would make a user who mistyped three times look like six failures, so lines of one
 *   sshd/pam process (host + pid) are folded into attempts: see `FailedLoginCounter`.
 *
 * When it fires
 *   A burst is ≥ `threshold` failures from one source within `windowSeconds` (fail2ban's
 *   maxretry/findtime), over a sliding window of one-second buckets. One finding per source
 *   covers all its failures; `line` is where the threshold was first crossed. Records without a
 *   time count as one window of their own.
 *
 * Confidence (every term in [0, 1]):
 *   excess  = saturate(peak / threshold - 1, 3)        how far past the threshold the worst
 *             window went (5 in 10m → 0; 30 → 0.81; hundreds → ~1)
 *   speed   = saturate(max(0, perMinute - 2), 20)       failures per minute in that window, over
 *             at least ten seconds: people retype at a few a minute, scripts at tens to thousands
 *   agree   = 0.4·saturate(users - 1, sprayUsers)      several accounts tried
 *           + 0.3·invalidShare                          attempts on accounts that do not exist
 *           + 0.3·[a success from the source after the burst]
 *   confidence = 0.45 + 0.30·excess + 0.15·speed + 0.10·agree
 *   0.45 is the floor of a bare threshold crossing (fail2ban would ban it, yet a person locked
 *   out of their own account can get there: medium). 30 failures in 2 minutes ≈ 0.77 (high);
 *   hundreds in a few minutes > 0.85 (critical) even against a single account.
 */
import type { EngineConfig } from '../config';
import type { Finding, LogRecord } from '../model';
import type { Detector, DetectorContext, DetectorFactory, LineText } from './types';
import { formatDuration, makeFinding, saturate } from '../score';
import { copyString } from './stringIds';

/** Distinct users remembered per source; beyond it the count saturates (a sprayer tries thousands). */
const USERS_CAP = 256;
/** Users listed in evidence and titles. */
const USERS_LISTED = 20;
/** Distinct targets (services, login paths) remembered per source. */
const TARGETS_CAP = 8;
/** One record never stands for more attempts than this (a garbled "repeated N times"). */
const MAX_ATTEMPTS_PER_RECORD = 10_000;
/**
 * A process idle this long is forgotten: sshd drops a connection that has not authenticated
 * after LoginGraceTime (120 s by default), and the lines folded here all come before that.
 */
const CONNECTION_IDLE_MS = 150_000;
/** Lines apart after which an untimed connection is considered finished. */
const CONNECTION_IDLE_LINES = 20_000;
/**
 * A pam line naming the client by host name waits this long (log time) for a line of the same
 * process that names its IP; sshd writes its "Failed password ... from <ip>" within seconds.
 */
const PENDING_WAIT_MS = 60_000;
const PENDING_WAIT_LINES = 1_000;
/** Connections tracked before idle ones are first swept. */
const CONNECTION_SWEEP_AT = 4_096;

// ---------------------------------------------------------------------------------------------
// Login endpoints

/** Paths whose 401/403 answers are failed logins (prefix match, case-insensitive). */
const LOGIN_ENDPOINT =
  /^\/+(?:wp-login\.php|xmlrpc\.php|login|signin|sign-in|logon|admin|administrator|user\/login|auth|api\/login|api\/auth|sessions?|j_security_check|phpmyadmin)(?:[/.?;]|$)/i;
/** A login form anywhere in the path: /wp-login.php, /customer/account/login, /app/j_security_check. */
const LOGIN_FORM = /(?:^|[/_.-])(?:log[io]n|sign-?in|j_security_check)(?:[/_.?;-]|$)/i;

/** True for a path that takes credentials (the login endpoints of the rule table). */
export function isLoginPath(path: string | undefined): boolean {
  if (path === undefined || path.length === 0) return false;
  return LOGIN_ENDPOINT.test(path) || LOGIN_FORM.test(path);
}

/** A login form proper (not an API, not an admin area): a POST answered 200 re-shows it after a failure. */
function isLoginForm(path: string): boolean {
  return LOGIN_FORM.test(path) && !/^\/+api\//i.test(path) && !/^\/+xmlrpc\.php/i.test(path);
}

function isApiLogin(path: string): boolean {
  return /^\/+api\/(?:v\d{1,3}\/)?(?:login|auth|signin|sessions?|token)(?:[/.?;]|$)/i.test(path);
}

/**
 * What an HTTP request says about a login:
 *  - 'failure': 401 anywhere, 403 on a login endpoint, POST to a login form answered 200;
 *  - 'success': a POST to a login form redirected (302/303), a POST to an API login answered 2xx,
 *    or any 2xx/3xx answer to a request that carried an authenticated user (HTTP basic auth);
 *  - undefined: nothing about logins.
 */
export function httpLoginOutcome(record: LogRecord): 'failure' | 'success' | undefined {
  const status = record.status;
  if (status === undefined) return undefined;
  if (status === 401) return 'failure';
  if (status === 403) return isLoginPath(record.path) ? 'failure' : undefined;
  if (status < 200 || status >= 400) return undefined;
  const path = record.path;
  if (record.method === 'POST' && path !== undefined) {
    if (status === 200 && isLoginForm(path)) return 'failure';
    if ((status === 302 || status === 303) && isLoginForm(path)) return 'success';
    if (status < 300 && isApiLogin(path)) return 'success';
  }
  const user = record.user;
  if (user !== undefined && user !== '-' && user !== '') return 'success';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Folding the lines of one attempt

/** One counted failure (attempts may be 0: a line that belongs to an attempt already counted). */
export interface FailedAttempt {
  source: string;
  time: number;
  line: number;
  attempts: number;
  user: string | undefined;
  /** The account does not exist. */
  invalidUser: boolean;
  /** 'ssh', 'vsftpd', '/wp-login.php' ... */
  target: string;
  /** HTTP status of a failed request (401, 403, or 200 for a form shown again); 0 otherwise. */
  status: number;
}

interface Connection {
  ip: string | undefined;
  /** Attempts counted from announcement/pam lines that sshd's own "Failed ..." line will confirm. */
  provisional: number;
  /** "Invalid user" announcements whose pam line has not come yet (it is the same attempt). */
  announced: number;
  /** The service wrote its own failure line: later pam summaries repeat it. */
  seenService: boolean;
  lastTime: number;
  lastLine: number;
  pending: FailedAttempt | undefined;
}

interface PendingEntry {
  attempt: FailedAttempt;
  connection: Connection;
}

/**
 * Turns auth/HTTP records into failed attempts per source, folding the several lines one
 * attempt writes. For the lines of one process (same host and pid):
 *   - "Invalid user x from ip" (an announcement) and the first pam failure count one attempt
 *     provisionally; the service's own "Failed password ..." that follows confirms it instead
 *     of counting again;
 *   - once the service wrote its own failure lines, pam lines and summaries ("PAM 2 more
 *     authentication failures", "Disconnecting: Too many authentication failures") repeat
 *     them and count nothing;
 *   - a pam line that names the client by host name (rhost=) waits for a line of the same
 *     process naming its IP, so the attempt lands on the IP; if none comes it counts for the
 *     host name.
 * Lines without a pid (RFC 5424, JSON) are grouped by their source instead. HTTP requests
 * count one each.
 */
export class FailedLoginCounter {
  private readonly connections = new Map<string, Connection>();
  private readonly queue: PendingEntry[] = [];
  private queueHead = 0;
  private pendingCount = 0;
  private readonly labels = new Map<string, string>();
  private sweepAt = CONNECTION_SWEEP_AT;

  constructor(private readonly emit: (attempt: FailedAttempt) => void) {}

  /** Feeds one record; calls `emit` for every attempt (or evidence line) it settles. */
  observe(record: LogRecord, line: LineText): void {
    if (record.kind === 'http') {
      const source = record.source;
      if (source === undefined || httpLoginOutcome(record) !== 'failure') return;
      this.emit({
        source,
        time: record.time,
        line: record.line,
        attempts: 1,
        user: cleanUser(record.user),
        invalidUser: false,
        target: record.path ? firstSegments(record.path) : 'http',
        status: record.status ?? 0,
      });
      return;
    }
    if (record.kind !== 'auth') return;
    if (this.pendingCount > 0) this.flushDue(record);
    const auth = record.auth;
    const isFailure = auth === 'failure' || auth === 'invalid-user';
    if (!isFailure && this.pendingCount === 0) return;
    const source = record.source;
    const text = line.text;
    // Without a pid, the source's own lines are the best grouping there is.
    const key = connectionKey(record, text) ?? (source !== undefined ? '\u0000' + source : '');
    if (!isFailure) {
      // Another line of a process with a parked pam attempt may name the client's IP.
      if (source !== undefined && isIpLiteral(source)) {
        const connection = this.connections.get(key);
        if (connection?.pending) this.resolvePending(connection, source);
      }
      return;
    }
    if (source === undefined) return;
    let attempts = record.attempts ?? 1;
    if (!(attempts >= 1)) attempts = 1;
    attempts = Math.min(Math.floor(attempts), MAX_ATTEMPTS_PER_RECORD);
    const attempt: FailedAttempt = {
      source,
      time: record.time,
      line: record.line,
      attempts,
      user: cleanUser(record.user),
      invalidUser: auth === 'invalid-user' || isInvalidUserText(record, text),
      target: this.labelOf(record.program),
      status: 0,
    };
    const connection = this.connectionFor(key, record);
    const sourceIsIp = isIpLiteral(source);
    if (sourceIsIp) {
      if (connection.pending) this.resolvePending(connection, source);
      connection.ip = source;
    }
    const countedOn = sourceIsIp ? source : connection.ip;
    const kind = lineKind(record, text);
    if (kind === 'service') {
      const confirmed = Math.min(connection.provisional, attempts);
      connection.provisional -= confirmed;
      connection.announced = 0;
      connection.seenService = true;
      attempt.attempts = attempts - confirmed;
      if (countedOn !== undefined) attempt.source = countedOn;
      this.emit(attempt);
      return;
    }
    if (kind === 'announcement') {
      connection.provisional += attempts;
      connection.announced += attempts;
      if (countedOn !== undefined) attempt.source = countedOn;
      this.emit(attempt);
      return;
    }
    if (kind === 'summary') {
      // Counts only when nothing of the connection was counted (e.g. key probes not logged).
      if (connection.seenService || connection.provisional > 0) attempt.attempts = 0;
      else connection.seenService = true;
      if (countedOn !== undefined) attempt.source = countedOn;
      this.emit(attempt);
      return;
    }
    // pam: a repeat of what the service says, or of the announcement just before it.
    if (connection.seenService || connection.announced > 0) {
      if (connection.announced > 0) connection.announced--;
      attempt.attempts = 0;
      if (countedOn !== undefined) attempt.source = countedOn;
      this.emit(attempt);
      return;
    }
    if (countedOn !== undefined) {
      attempt.source = countedOn;
      connection.provisional += attempts;
      this.emit(attempt);
      return;
    }
    // A host name and no IP yet: park it until the process names its IP.
    if (connection.pending) this.settlePending(connection);
    attempt.source = copyString(source);
    if (attempt.user !== undefined) attempt.user = copyString(attempt.user);
    connection.pending = attempt;
    this.pendingCount++;
    this.queue.push({ attempt, connection });
  }

  /** Attempts still parked (their process never named an IP): they count for their host name. */
  unsettled(): FailedAttempt[] {
    const out: FailedAttempt[] = [];
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const { attempt, connection } = this.queue[i];
      if (connection.pending === attempt) out.push(attempt);
    }
    return out;
  }

  /** The target label of a program, memoised (a log has a handful of programs). */
  private labelOf(program: string | undefined): string {
    if (program === undefined || program === '') return 'login';
    let label = this.labels.get(program);
    if (label === undefined) {
      label = serviceLabel(program);
      if (this.labels.size < 256) this.labels.set(copyString(program), label);
    }
    return label;
  }

  private connectionFor(key: string, record: LogRecord): Connection {
    let connection = this.connections.get(key);
    if (connection) {
      const idle = Number.isFinite(record.time) && Number.isFinite(connection.lastTime)
        ? record.time - connection.lastTime > CONNECTION_IDLE_MS
        : record.line - connection.lastLine > CONNECTION_IDLE_LINES;
      if (idle) {
        if (connection.pending) this.settlePending(connection);
        connection.ip = undefined;
        connection.provisional = 0;
        connection.announced = 0;
        connection.seenService = false;
      }
    } else {
      if (this.connections.size >= this.sweepAt) {
        this.sweep(record);
        // Many live connections (a big storm, or pid-less lines grouped by source): sweep again
        // only when the table doubled, so sweeping stays linear overall.
        this.sweepAt = Math.max(CONNECTION_SWEEP_AT, this.connections.size * 2);
      }
      connection = { ip: undefined, provisional: 0, announced: 0, seenService: false, lastTime: NaN, lastLine: 0, pending: undefined };
      this.connections.set(copyString(key), connection);
    }
    if (Number.isFinite(record.time)) connection.lastTime = record.time;
    connection.lastLine = record.line;
    return connection;
  }

  /** Drops idle connections (their parked attempts are settled first). */
  private sweep(record: LogRecord): void {
    for (const [key, c] of this.connections) {
      const idle = Number.isFinite(record.time) && Number.isFinite(c.lastTime)
        ? record.time - c.lastTime > CONNECTION_IDLE_MS
        : record.line - c.lastLine > CONNECTION_IDLE_LINES;
      if (!idle) continue;
      if (c.pending) this.settlePending(c);
      this.connections.delete(key);
    }
  }

  /** The process named its IP: the parked attempt counts there, provisionally. */
  private resolvePending(connection: Connection, ip: string): void {
    const attempt = connection.pending!;
    connection.pending = undefined;
    this.pendingCount--;
    attempt.source = ip;
    connection.ip = ip;
    connection.provisional += attempt.attempts;
    this.emit(attempt);
  }

  /** No IP came: the parked attempt counts for the host name it named. */
  private settlePending(connection: Connection): void {
    const attempt = connection.pending!;
    connection.pending = undefined;
    this.pendingCount--;
    this.emit(attempt);
  }

  private flushDue(record: LogRecord): void {
    while (this.queueHead < this.queue.length) {
      const { attempt, connection } = this.queue[this.queueHead];
      if (connection.pending === attempt) {
        const due = Number.isFinite(record.time) && Number.isFinite(attempt.time)
          ? record.time - attempt.time > PENDING_WAIT_MS
          : record.line - attempt.line > PENDING_WAIT_LINES;
        if (!due) break;
        this.settlePending(connection);
      }
      this.queueHead++;
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }
}

type LineKind = 'service' | 'announcement' | 'pam' | 'summary';

function lineKind(record: LogRecord, text: string): LineKind {
  const message = record.message;
  if (message !== undefined) {
    if (message.startsWith('pam_') || message.startsWith('PAM ')) return 'pam';
  } else if (text.includes('pam_') || text.includes(' PAM ')) return 'pam';
  if (record.program !== undefined && record.program.includes('pam')) return 'pam';
  const m = message ?? text;
  // "Disconnecting: Too many authentication failures", "maximum authentication attempts
  // exceeded": the end of a connection whose attempts were (usually) logged one by one.
  if (m.includes('Too many authentication failures') || m.includes('maximum authentication attempts')) return 'summary';
  // "Invalid user x from ip" announces an attempt; "Failed password for invalid user x" is one.
  if (record.auth === 'invalid-user' && !m.includes('Failed') && !m.includes('failed')) return 'announcement';
  return 'service';
}

function isInvalidUserText(record: LogRecord, text: string): boolean {
  if (record.auth !== 'failure') return false;
  const m = record.message ?? text;
  return m.includes('invalid user') || m.includes('Invalid user') || m.includes('nonexistent user');
}

/** host + pid of a syslog line ("host sshd[1234]:", "sshd(pam_unix)[1234]:"); undefined without a pid. */
export function connectionKey(record: LogRecord, text: string): string | undefined {
  const limit = Math.min(text.length, 200);
  let from = 0;
  for (let tries = 0; tries < 3; tries++) {
    const open = text.indexOf('[', from);
    if (open < 0 || open >= limit) return undefined;
    let i = open + 1;
    while (i < limit && i - open <= 11) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      i++;
    }
    if (i > open + 1 && text.charCodeAt(i) === 93 /* ] */) return (record.host ?? '') + ' ' + text.slice(open + 1, i);
    from = open + 1;
  }
  return undefined;
}

/** An IPv4 or IPv6 literal (not a host name). */
export function isIpLiteral(s: string): boolean {
  if (s.includes(':')) return true;
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c < 48 || c > 57) return false;
  }
  return dots === 3;
}

function cleanUser(user: string | undefined): string | undefined {
  if (user === undefined || user === '' || user === '-') return undefined;
  return user;
}

/** 'sshd' → 'ssh'; 'sshd(pam_unix)' → 'ssh'; 'postfix/smtpd' → 'smtpd'. */
function serviceLabel(program: string): string {
  const m = /([A-Za-z0-9_-]{1,32})(?:\([^)]{0,32}\))?$/.exec(program.length > 64 ? program.slice(0, 64) : program);
  const name = (m ? m[1] : program).toLowerCase();
  if (name === 'sshd' || name === 'ssh' || name === 'dropbear') return 'ssh';
  return name;
}

/** A login path as it names the target: no query, at most 64 characters. */
function firstSegments(path: string): string {
  return path.length > 64 ? path.slice(0, 64) + '…' : path;
}

// ---------------------------------------------------------------------------------------------
// Per-source state

/**
 * Failure counts in one-second buckets over the sliding window: a queue of plain arrays with
 * a moving head (cheaper than typed arrays for the many sources that fail once or twice).
 */
class FailureWindow {
  /** Time (ms) of the first failure of each bucket. */
  times: number[] = [];
  lines: number[] = [];
  counts: number[] = [];
  head = 0;
  sum = 0;

  push(time: number, line: number, count: number): void {
    const n = this.times.length;
    // Same second, or a line out of order: fold into the newest bucket.
    if (n > this.head && Math.floor(time / 1000) <= Math.floor(this.times[n - 1] / 1000)) {
      this.counts[n - 1] += count;
      this.sum += count;
      return;
    }
    this.times.push(time);
    this.lines.push(line);
    this.counts.push(count);
    this.sum += count;
  }

  /** Drops buckets that fall out of a window ending at `time`. */
  evict(time: number, windowMs: number): void {
    const firstKept = Math.floor(time / 1000) - Math.floor(windowMs / 1000);
    const n = this.times.length;
    while (this.head < n && Math.floor(this.times[this.head] / 1000) <= firstKept) {
      this.sum -= this.counts[this.head];
      this.head++;
    }
    if (this.head === n) {
      this.times.length = this.lines.length = this.counts.length = this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= n) {
      this.times.splice(0, this.head);
      this.lines.splice(0, this.head);
      this.counts.splice(0, this.head);
      this.head = 0;
    }
  }

  get oldestTime(): number {
    return this.times[this.head];
  }

  get oldestLine(): number {
    return this.lines[this.head];
  }

  clone(): FailureWindow {
    const c = new FailureWindow();
    c.times = this.times.slice();
    c.lines = this.lines.slice();
    c.counts = this.counts.slice();
    c.head = this.head;
    c.sum = this.sum;
    return c;
  }
}

class SourceFailures {
  failures = 0;
  invalidUserAttempts = 0;
  // The first user and target are kept inline: most sources fail once or twice, and a Set and
  // a Map for each of them would cost more than the rest of the state.
  firstUser: string | undefined = undefined;
  otherUsers: Set<string> | undefined = undefined;
  usersOverflow = false;
  firstTarget: string | undefined = undefined;
  firstTargetAttempts = 0;
  otherTargets: Map<string, number> | undefined = undefined;
  /** HTTP failures by answer: 401, 403, and form posts answered 200. */
  http401 = 0;
  http403 = 0;
  httpForm = 0;
  /** Evidence lines (0-based), the first maxEvidenceLines. */
  lines: number[] = [];
  window = new FailureWindow();
  untimed = 0;
  untimedFirstLine = -1;
  firstTime = NaN;
  lastTime = NaN;
  lastFailureLine = -1;
  /** Most failures seen in one window, its span (ms) and the line that reached it. */
  peak = 0;
  peakSpanMs = 0;
  /** 0-based line where the threshold was first crossed; -1 while below it. */
  crossedLine = -1;
  burstStart = NaN;
  burstStartLine = -1;
  /** Successful logins from the source after the threshold was crossed. */
  successesAfter = 0;

  constructor(readonly source: string) {}

  add(a: FailedAttempt, settings: EngineConfig['rules']['brute-force'], maxLines: number): void {
    if (this.lines.length < maxLines) this.lines.push(a.line);
    if (a.user !== undefined) this.noteUser(a.user);
    if (a.attempts <= 0) return;
    this.failures += a.attempts;
    this.lastFailureLine = a.line;
    if (a.invalidUser) this.invalidUserAttempts += a.attempts;
    this.noteTarget(a.target, a.attempts);
    if (a.status === 401) this.http401 += a.attempts;
    else if (a.status === 403) this.http403 += a.attempts;
    else if (a.status !== 0) this.httpForm += a.attempts;
    const threshold = Math.max(1, settings.threshold);
    const t = a.time;
    if (!Number.isFinite(t)) {
      if (this.untimedFirstLine < 0) this.untimedFirstLine = a.line;
      this.untimed += a.attempts;
      if (this.untimed > this.peak) {
        this.peak = this.untimed;
        this.peakSpanMs = NaN;
      }
      if (this.crossedLine < 0 && this.untimed >= threshold) {
        this.crossedLine = a.line;
        this.burstStartLine = this.untimedFirstLine;
      }
      return;
    }
    if (!(t >= this.firstTime)) this.firstTime = t;
    if (!(t <= this.lastTime)) this.lastTime = t;
    const w = this.window;
    w.evict(t, settings.windowSeconds * 1000);
    w.push(t, a.line, a.attempts);
    if (w.sum > this.peak) {
      this.peak = w.sum;
      this.peakSpanMs = Math.max(0, t - w.oldestTime);
    }
    if (this.crossedLine < 0 && w.sum >= threshold) {
      this.crossedLine = a.line;
      this.burstStart = w.oldestTime;
      this.burstStartLine = w.oldestLine;
    }
  }

  /** Distinct users tried, in order of first try. */
  users(): string[] {
    if (this.firstUser === undefined) return [];
    return this.otherUsers ? [this.firstUser, ...this.otherUsers] : [this.firstUser];
  }

  /** Targets, most attempted first. */
  targets(): string[] {
    const all: [string, number][] = [];
    if (this.firstTarget !== undefined) all.push([this.firstTarget, this.firstTargetAttempts]);
    if (this.otherTargets) all.push(...this.otherTargets);
    return all.sort((a, b) => b[1] - a[1]).map(([t]) => t);
  }

  private noteUser(user: string): void {
    if (this.firstUser === undefined) {
      this.firstUser = copyString(user);
      return;
    }
    if (user === this.firstUser || this.otherUsers?.has(user)) return;
    this.otherUsers ??= new Set();
    if (this.otherUsers.size + 1 < USERS_CAP) this.otherUsers.add(copyString(user));
    else this.usersOverflow = true;
  }

  private noteTarget(target: string, attempts: number): void {
    if (this.firstTarget === undefined || this.firstTarget === target) {
      if (this.firstTarget === undefined) this.firstTarget = copyString(target);
      this.firstTargetAttempts += attempts;
      return;
    }
    this.otherTargets ??= new Map();
    const known = this.otherTargets.get(target);
    if (known !== undefined) this.otherTargets.set(target, known + attempts);
    else if (this.otherTargets.size + 1 < TARGETS_CAP) this.otherTargets.set(copyString(target), attempts);
  }

  clone(): SourceFailures {
    const c = Object.assign(new SourceFailures(this.source), this) as SourceFailures;
    if (this.otherUsers) c.otherUsers = new Set(this.otherUsers);
    if (this.otherTargets) c.otherTargets = new Map(this.otherTargets);
    c.lines = this.lines.slice();
    c.window = this.window.clone();
    return c;
  }
}

// ---------------------------------------------------------------------------------------------
// What the compromise rule reads back

/** A brute-force finding's burst, as the compromise rule needs it. */
export interface BruteForceBurst {
  source: string;
  /** Epoch ms of the first failure of the window that crossed the threshold (NaN when untimed). */
  burstStart: number;
  /** 0-based line of that failure. */
  burstStartLine: number;
  /** Epoch ms of the source's last failure (NaN when untimed). */
  lastFailure: number;
  /** 0-based line of the last failure. */
  lastFailureLine: number;
  failures: number;
  users: string[];
  confidence: number;
}

/** Reads the burst out of a brute-force finding's evidence; undefined for other findings. */
export function readBruteForceBurst(finding: Finding): BruteForceBurst | undefined {
  if (finding.rule !== 'brute-force' || finding.source === undefined) return undefined;
  const e = finding.evidence;
  const time = (v: unknown): number => (typeof v === 'string' ? Date.parse(v) : NaN);
  const line = (v: unknown): number => (typeof v === 'number' ? v - 1 : -1);
  return {
    source: finding.source,
    burstStart: time(e.burstStart),
    burstStartLine: line(e.burstStartLine),
    lastFailure: time(e.lastTime),
    lastFailureLine: line(e.lastFailureLine),
    failures: typeof e.failures === 'number' ? e.failures : 0,
    users: Array.isArray(e.users) ? (e.users as string[]) : [],
    confidence: finding.confidence,
  };
}

// ---------------------------------------------------------------------------------------------
// The detector

export const createBruteForceDetector: DetectorFactory = (config: EngineConfig): Detector => {
  const settings = config.rules['brute-force'];
  const maxLines = Math.max(1, config.maxEvidenceLines);
  const bySource = new Map<string, SourceFailures>();
  const record = (a: FailedAttempt, into: Map<string, SourceFailures>): void => {
    let s = into.get(a.source);
    if (!s) {
      if (a.attempts <= 0) return; // a line confirming nothing, for a source with no failures
      s = new SourceFailures(copyString(a.source));
      into.set(s.source, s);
    }
    s.add(a, settings, maxLines);
  };
  const counter = new FailedLoginCounter((a) => record(a, bySource));

  return {
    rule: 'brute-force',
    observe(r: LogRecord, line: LineText): void {
      const kind = r.kind;
      if (kind === 'auth') {
        counter.observe(r, line);
        if (r.auth === 'success') noteSuccess(r.source);
        return;
      }
      if (kind !== 'http' || r.status === undefined) return;
      const status = r.status;
      // Cheap pre-test: only these statuses can be login outcomes.
      if (status !== 401 && status !== 403 && (status < 200 || status >= 400)) return;
      if (status !== 401 && status !== 403 && r.method !== 'POST' && r.user === undefined) return;
      const outcome = httpLoginOutcome(r);
      if (outcome === 'failure') counter.observe(r, line);
      else if (outcome === 'success') noteSuccess(r.source);
    },
    finish(ctx: DetectorContext): Finding[] {
      // Parked pam attempts count for their host names; settle them on copies, never on the state.
      let view = bySource;
      const parked = counter.unsettled();
      if (parked.length > 0) {
        view = new Map(bySource);
        const copied = new Set<string>();
        for (const a of parked) {
          const s = view.get(a.source);
          if (s && !copied.has(a.source)) {
            view.set(a.source, s.clone());
            copied.add(a.source);
          }
          record({ ...a }, view);
        }
      }
      const findings: Finding[] = [];
      for (const s of view.values()) {
        if (s.crossedLine < 0 || ctx.isAllowed(s.source)) continue;
        findings.push(toFinding(s, ctx));
      }
      return findings;
    },
  };

  function noteSuccess(source: string | undefined): void {
    if (source === undefined) return;
    const s = bySource.get(source);
    if (s && s.crossedLine >= 0) s.successesAfter++;
  }

  function toFinding(s: SourceFailures, ctx: DetectorContext): Finding {
    const threshold = Math.max(1, settings.threshold);
    const users = s.users();
    const distinctUsers = users.length;
    const timed = Number.isFinite(s.peakSpanMs);
    // Rate over at least ten seconds, so five failures in one second are not "300 a minute"
    // (sshd's ~2 s delay after each wrong password keeps a person typing far below that).
    const perMinute = timed ? (s.peak / Math.max(s.peakSpanMs, 10_000)) * 60_000 : 0;
    const excess = saturate(s.peak / threshold - 1, 3);
    const speed = saturate(Math.max(0, perMinute - 2), 20);
    const invalidShare = s.failures > 0 ? s.invalidUserAttempts / s.failures : 0;
    const agree =
      0.4 * saturate(distinctUsers - 1, Math.max(1, settings.sprayUsers)) +
      0.3 * invalidShare +
      0.3 * (s.successesAfter > 0 ? 1 : 0);
    const confidence = 0.45 + 0.3 * excess + 0.15 * speed + 0.1 * agree;

    const spraying = distinctUsers >= Math.max(1, settings.sprayUsers);
    const targets = s.targets();
    const listed = users.slice(0, USERS_LISTED);
    const shownUsers = users.slice(0, 3).join(', ') + (distinctUsers > 3 || s.usersOverflow ? ', …' : '');
    const title = `Brute force against ${targets.slice(0, 2).join(' and ') || 'login'}` + (distinctUsers > 0 ? ` (${shownUsers})` : '');

    const usersText = s.usersOverflow ? `${USERS_CAP}+ users` : distinctUsers === 1 ? `user ${users[0]}` : `${distinctUsers} users`;
    const span = timed && Number.isFinite(s.firstTime) ? (s.lastTime - s.firstTime) / 1000 : NaN;
    const answers: string[] = [];
    if (s.http401 > 0) answers.push('401');
    if (s.http403 > 0) answers.push('403');
    if (s.httpForm > 0) answers.push('form re-shown with 200');
    const what = `${s.failures} failed login${s.failures === 1 ? '' : 's'}${answers.length ? ` (${answers.join(', ')})` : ''}`;
    const when = Number.isFinite(span) ? ` in ${formatDuration(span)}` : ' (no timestamps)';
    const who = distinctUsers > 0 ? ` (${usersText})` : '';
    const peakText = s.peak !== s.failures ? `, peak ${s.peak} in one window` : '';
    const message =
      `${what} from ${s.source}${when}${who}${peakText}; threshold ${threshold} in ${formatWindow(settings.windowSeconds)}` +
      (s.successesAfter > 0 ? `; followed by ${s.successesAfter} successful login${s.successesAfter === 1 ? '' : 's'}` : '');

    return makeFinding(
      {
        rule: 'brute-force',
        title,
        confidence,
        attack: spraying ? ['T1110.003', 'T1110.001'] : ['T1110.001'],
        source: s.source,
        user: distinctUsers === 1 ? users[0] : undefined,
        primaryLine: s.crossedLine,
        evidenceLines: s.lines,
        message,
        evidence: {
          failures: s.failures,
          windowSeconds: Number.isFinite(span) ? Math.round(span) : null,
          threshold,
          thresholdWindowSeconds: settings.windowSeconds,
          peakInWindow: s.peak,
          peakWindowSeconds: timed ? Math.round(s.peakSpanMs / 1000) : null,
          failuresPerMinute: Math.round(perMinute * 10) / 10,
          distinctUsers: s.usersOverflow ? USERS_CAP : distinctUsers,
          users: listed,
          invalidUserAttempts: s.invalidUserAttempts,
          targets,
          successesAfter: s.successesAfter,
          httpAnswers: [
            ...(s.http401 ? [`401: ${s.http401}`] : []),
            ...(s.http403 ? [`403: ${s.http403}`] : []),
            ...(s.httpForm ? [`200 to a login form post: ${s.httpForm}`] : []),
          ],
          firstTime: isoTime(s.firstTime),
          lastTime: isoTime(s.lastTime),
          burstStart: isoTime(s.burstStart),
          burstStartLine: s.burstStartLine + 1,
          lastFailureLine: s.lastFailureLine + 1,
        },
      },
      ctx.file,
      config.maxEvidenceLines,
    );
  }
};

/** ISO 8601 (UTC) of an instant, or null when there is none (or it is outside Date's range). */
export function isoTime(t: number): string | null {
  return Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : null;
}

/** 600 → "10m", 3600 → "1h", 90 → "1m30s". */
export function formatWindow(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  return formatDuration(seconds);
}
