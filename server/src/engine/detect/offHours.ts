/**
 * off-hours: logins, privileged actions and admin-panel use outside working hours, judged by
 * each event's own timestamp on the configured clock (`config.workingHours`; T1078).
 *
 * What counts (and what deliberately does not)
 *   - auth 'success' (sshd Accepted, dropbear, login), 'privilege' (sudo, su) and interactive
 *     'session-open' (su, login, gdm: not sshd/sudo, whose own lines already count, and not
 *     cron/systemd/at sessions, which run at night by design);
 *   - automation is left out: sessions opened "by (uid=0)", sudo run by root, su "on none";
 *   - HTTP requests to admin areas (/admin, /wp-admin, /phpmyadmin, /manager, /console,
 *     /actuator, ...) answered 2xx, or 3xx when the request was a POST or carried a user: an
 *     anonymous GET /wp-admin/ is redirected to the login page and proves nothing. Login pages,
 *     static assets, WordPress' public admin-ajax/admin-post and health probes are left out.
 *   Ordinary browsing is never counted: a public site has visitors at night.
 * One finding per (source, user) with all its off-hours lines as evidence. sudo/su lines name
 * no address: they join the pair of their user's last login (within 12 hours), so "deploy
 * logged in from X and became root" is one finding.
 *
 * Confidence (terms in [0, 1]):
 *   count     = saturate(visits - 1, 4)   logins, privileged actions, sessions, and admin visits
 *               (admin requests more than 30 minutes apart); one page view is many requests
 *   privilege = 1 for root/admin-like accounts or any privileged action
 *   hour      = the oddest event: 1 deep night (00–05), 0.6 a non-working day, 0.3 an evening
 *   bruteForce = 1 when the same source has a brute-force finding (it finishes earlier)
 *   confidence = 0.25 + 0.20·count + 0.10·privilege + 0.10·hour + 0.30·bruteForce
 * A single evening login by an ordinary account is ≈ 0.28 (low: people work late); three root
 * logins on a Saturday night ≈ 0.53; the same after a brute force from that address ≈ 0.83.
 */
import type { EngineConfig, WorkingHours } from '../config';
import type { Finding, LogRecord } from '../model';
import type { Detector, DetectorContext, DetectorFactory, LineText } from './types';
import { makeFinding, saturate } from '../score';
import { WorkingHoursClock } from '../time/workingHours';
import { MONTH_ABBREVIATIONS } from '../time/monthNameDate';
import { copyString, IdMemo } from './stringIds';
import { connectionKey, isoTime } from './bruteForce';

/** Admin requests of one (source, user) closer than this are one visit. */
const VISIT_GAP_MS = 30 * 60_000;
/** Local times listed in evidence. */
const TIMES_IN_EVIDENCE = 20;
/** su processes remembered so their pam session line is not counted a second time. */
const RECENT_PRIVILEGE_CAP = 64;
/**
 * A sudo/su line names no address; it belongs to the session its user opened last, if that
 * was this recent (a working session rarely lasts longer).
 */
const SESSION_MAX_MS = 12 * 3_600_000;
/** Users whose last login is remembered (cleared past it: a table, not a leak). */
const LAST_LOGIN_CAP = 10_000;
/** Paths whose admin-area verdict is remembered when there are no ids (see IdMemo). */
const ADMIN_VERDICTS_CAP = 16_384;
/** Hours 00:00–04:59 are "deep night". */
const DEEP_NIGHT_END = 5;

const ADMIN_PATH =
  /^\/+(?:admin(?:istrator)?|wp-admin|phpmyadmin|pma|myadmin|adminer|manager|console|actuator|cpanel|webadmin|siteadmin)(?:[/.?;_-]|$)/i;
/** Admin-area paths anyone can load: assets, WordPress' public AJAX endpoints, health probes, login pages. */
const NOT_ADMIN_USE =
  /\.(?:css|js|map|png|jpe?g|gif|svg|ico|webp|woff2?|ttf|eot)$|^\/+wp-admin\/(?:admin-ajax|admin-post|load-styles|load-scripts)\.php|^\/+actuator\/(?:health|info|prometheus)(?:[/.]|$)|(?:^|[/_.-])(?:log[io]n|logout|sign-?in)(?:[/_.?;-]|$)/i;
const PRIVILEGED_USER = /^(?:root|admin|administrator|superuser|sa|sysadmin|toor)$/i;
/** pam services whose sessions are not a person logging in (or are counted by their own line). */
const NOT_INTERACTIVE_SERVICE = /^(?:sshd|sudo|cron|crond|systemd|systemd-user|atd|anacron|dropbear|runuser)/i;

type Category = 'login' | 'privilege' | 'session' | 'admin';

/** Whether an admin-area request counts: the path is the admin area's own, and it worked. */
export function isAdminUse(record: LogRecord, adminArea: (path: string) => boolean = isAdminAreaPath): boolean {
  const status = record.status;
  const path = record.path;
  if (status === undefined || path === undefined || status < 200 || status >= 400) return false;
  if (!adminArea(path)) return false;
  if (status < 300) return true;
  return record.method === 'POST' || (record.user !== undefined && record.user !== '-' && record.user !== '');
}

/** The path is the admin area's own (not its public assets, AJAX endpoints or login page). */
function isAdminAreaPath(path: string): boolean {
  return ADMIN_PATH.test(path) && !NOT_ADMIN_USE.test(path);
}

function authCategory(record: LogRecord, text: string): Category | undefined {
  const auth = record.auth;
  if (auth === 'success') return 'login';
  if (auth === 'privilege') {
    // Scripts: sudo run by root, su without a terminal.
    if (record.user === 'root' && text.includes('TTY=unknown')) return undefined;
    if (text.includes(' on none')) return undefined;
    return 'privilege';
  }
  if (auth === 'session-open') {
    if (text.includes('by (uid=0)')) return undefined;
    const service = /\(([A-Za-z0-9_-]{1,32}):session\)/.exec(text)?.[1] ?? record.program;
    if (service !== undefined && NOT_INTERACTIVE_SERVICE.test(service)) return undefined;
    if (record.program !== undefined && /cron|systemd/i.test(record.program)) return undefined;
    return 'session';
  }
  return undefined;
}

interface Pair {
  source: string | undefined;
  user: string | undefined;
  events: number;
  /** Privileged actions placed at this address by their user's last login. */
  inferredSource: number;
  logins: number;
  privileged: number;
  sessions: number;
  adminRequests: number;
  adminVisits: number;
  lastAdmin: number;
  deepNight: number;
  nonWorkingDay: number;
  /** The oddest hour score seen (see the formula). */
  hourScore: number;
  firstTime: number;
  firstOffset: number;
  lastTime: number;
  lastOffset: number;
  firstLine: number;
  lines: number[];
  /** The first events' instants and offsets, for the evidence list. */
  times: number[];
  offsets: number[];
}

export const createOffHoursDetector: DetectorFactory = (config: EngineConfig, ids): Detector => {
  // the admin-area verdict per path, remembered by the analyzer's path id (paths repeat)
  const adminArea = new IdMemo(isAdminAreaPath, ADMIN_VERDICTS_CAP);
  const isAdminAreaOf = (path: string) => adminArea.get(ids ? ids.path : -1, path);
  const settings = config.rules['off-hours'];
  const hours = config.workingHours;
  const clock = new WorkingHoursClock(hours);
  const maxLines = Math.max(1, config.maxEvidenceLines);
  const pairs = new Map<string, Pair>();
  const workingDays = new Set(hours.days);
  /** host + pid of recent privilege lines ("su: (to root) bob on pts/0"). */
  const recentPrivilege = new Set<string>();
  /** user → address and time of their last successful login. */
  const lastLogin = new Map<string, { source: string; time: number }>();

  return {
    rule: 'off-hours',
    observe(r: LogRecord, line: LineText): void {
      let category: Category | undefined;
      if (r.kind === 'auth') {
        const auth = r.auth;
        if (auth !== 'success' && auth !== 'privilege' && auth !== 'session-open') return;
        if (auth === 'success' && r.source !== undefined && r.user !== undefined && Number.isFinite(r.time)) {
          if (lastLogin.size >= LAST_LOGIN_CAP && !lastLogin.has(r.user)) lastLogin.clear();
          lastLogin.set(copyString(r.user), { source: copyString(r.source), time: r.time });
        }
        category = authCategory(r, line.text);
      } else if (r.kind === 'http') {
        const status = r.status;
        if (status === undefined || status < 200 || status >= 400 || r.path === undefined) return;
        if (isAdminUse(r, isAdminAreaOf)) category = 'admin';
      } else return;
      if (category === undefined) return;
      if (category === 'privilege' || category === 'session') {
        // su writes "(to root) bob on pts/0" and then pam's "session opened for user root by
        // bob": one action, counted once (as the privileged command).
        const key = connectionKey(r, line.text);
        if (key !== undefined) {
          if (category === 'session' && recentPrivilege.has(key)) return;
          if (category === 'privilege') {
            if (recentPrivilege.size >= RECENT_PRIVILEGE_CAP) recentPrivilege.delete(recentPrivilege.values().next().value as string);
            recentPrivilege.add(key);
          }
        }
      }
      const t = r.time;
      // Outside Date's range there is no clock to read (and Intl would throw).
      if (!(Math.abs(t) <= 8.64e15) || !clock.isOffHours(t, r.offsetMinutes)) return;
      let source = r.source;
      let inferred = false;
      if (source === undefined && r.user !== undefined && (category === 'privilege' || category === 'session')) {
        const login = lastLogin.get(r.user);
        if (login && t >= login.time && t - login.time <= SESSION_MAX_MS) {
          source = login.source;
          inferred = true;
        }
      }
      add(r, source, inferred, category, t);
    },
    finish(ctx: DetectorContext): Finding[] {
      const bruteForced = new Set<string>();
      for (const f of ctx.earlier) if (f.rule === 'brute-force' && f.source !== undefined) bruteForced.add(f.source);
      const findings: Finding[] = [];
      for (const p of pairs.values()) {
        if (p.events < Math.max(1, settings.minEvents)) continue;
        if (p.source !== undefined && ctx.isAllowed(p.source)) continue;
        findings.push(toFinding(p, p.source !== undefined && bruteForced.has(p.source), ctx));
      }
      return findings;
    },
  };

  function add(r: LogRecord, source: string | undefined, inferred: boolean, category: Category, t: number): void {
    const user = r.user === undefined || r.user === '' || r.user === '-' ? undefined : r.user;
    const key = (source ?? '') + '\u0000' + (user ?? '');
    let p = pairs.get(key);
    if (!p) {
      p = {
        source: source === undefined ? undefined : copyString(source),
        user: user === undefined ? undefined : copyString(user),
        events: 0,
        inferredSource: 0,
        logins: 0,
        privileged: 0,
        sessions: 0,
        adminRequests: 0,
        adminVisits: 0,
        lastAdmin: NaN,
        deepNight: 0,
        nonWorkingDay: 0,
        hourScore: 0,
        firstTime: t,
        firstOffset: r.offsetMinutes,
        lastTime: t,
        lastOffset: r.offsetMinutes,
        firstLine: r.line,
        lines: [],
        times: [],
        offsets: [],
      };
      pairs.set(copyString(key), p);
    }
    p.events++;
    if (inferred) p.inferredSource++;
    if (category === 'login') p.logins++;
    else if (category === 'privilege') p.privileged++;
    else if (category === 'session') p.sessions++;
    else {
      p.adminRequests++;
      if (!(Math.abs(t - p.lastAdmin) <= VISIT_GAP_MS)) p.adminVisits++;
      p.lastAdmin = t;
    }
    const { day, hour } = clock.localDayHour(t, r.offsetMinutes);
    const offDay = !workingDays.has(day);
    const deep = hour < DEEP_NIGHT_END;
    if (deep) p.deepNight++;
    if (offDay) p.nonWorkingDay++;
    const score = deep ? 1 : offDay ? 0.6 : 0.3;
    if (score > p.hourScore) p.hourScore = score;
    if (t < p.firstTime) {
      p.firstTime = t;
      p.firstOffset = r.offsetMinutes;
    }
    if (t >= p.lastTime) {
      p.lastTime = t;
      p.lastOffset = r.offsetMinutes;
    }
    if (p.lines.length < maxLines) p.lines.push(r.line);
    if (p.times.length < TIMES_IN_EVIDENCE) {
      p.times.push(t);
      p.offsets.push(r.offsetMinutes);
    }
  }

  function toFinding(p: Pair, bruteForce: boolean, ctx: DetectorContext): Finding {
    const visits = p.logins + p.privileged + p.sessions + p.adminVisits;
    const privileged = p.privileged > 0 || (p.user !== undefined && PRIVILEGED_USER.test(p.user));
    const confidence =
      0.25 + 0.2 * saturate(visits - 1, 4) + 0.1 * (privileged ? 1 : 0) + 0.1 * p.hourScore + 0.3 * (bruteForce ? 1 : 0);

    const parts: string[] = [];
    const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
    if (p.logins > 0) parts.push(plural(p.logins, 'successful login', 'successful logins'));
    if (p.privileged > 0) parts.push(plural(p.privileged, 'privileged command', 'privileged commands'));
    if (p.sessions > 0) parts.push(plural(p.sessions, 'session opened', 'sessions opened'));
    if (p.adminRequests > 0) parts.push(plural(p.adminRequests, 'admin-area request', 'admin-area requests'));
    const what = parts.length > 1 ? parts.slice(0, -1).join(', ') + ' and ' + parts[parts.length - 1] : parts[0];
    const forUser = p.user !== undefined ? ` for ${p.user}` : '';
    const from = p.source !== undefined ? ` from ${p.source}` : '';
    const range = describeRange(p.firstTime, p.firstOffset, p.lastTime, p.lastOffset, hours);
    const clockName = hours.timezone === 'log' ? 'log clock' : hours.timezone;
    const message =
      `${what}${forUser}${from} outside working hours (${range}, ${clockName}); working hours ${describeHours(hours)}` +
      (bruteForce ? '; the same source brute-forced logins' : '');
    const main: Category =
      p.logins > 0 ? 'login' : p.privileged > 0 ? 'privilege' : p.sessions > 0 ? 'session' : 'admin';
    const titleWhat = { login: 'login', privilege: 'privileged command', session: 'session', admin: 'admin-area use' }[main];
    const title =
      `Off-hours ${titleWhat}` + (p.user !== undefined ? ` as ${p.user}` : '') + (p.source !== undefined ? ` from ${p.source}` : '');

    return makeFinding(
      {
        rule: 'off-hours',
        title,
        confidence,
        source: p.source,
        user: p.user,
        primaryLine: p.firstLine,
        evidenceLines: p.lines,
        message,
        evidence: {
          events: p.events,
          logins: p.logins,
          privilegedCommands: p.privileged,
          sessions: p.sessions,
          adminRequests: p.adminRequests,
          adminVisits: p.adminVisits,
          deepNightEvents: p.deepNight,
          nonWorkingDayEvents: p.nonWorkingDay,
          privilegedAccount: privileged,
          bruteForceFromSource: bruteForce,
          eventsPlacedByLogin: p.inferredSource,
          localTimes: p.times.map((t, i) => formatLocal(t, p.offsets[i], hours, true)),
          firstTime: isoTime(p.firstTime),
          lastTime: isoTime(p.lastTime),
          workingHours: describeHours(hours),
          clock: clockName,
        },
      },
      ctx.file,
      config.maxEvidenceLines,
    );
  }
};

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formatters = new Map<string, Intl.DateTimeFormat | null>();

interface LocalParts {
  weekday: string;
  month: string;
  day: number;
  hh: string;
  mm: string;
  dayKey: string;
}

/** The instant on the working-hours clock: the log's own offset, or the configured zone. */
function localParts(time: number, offsetMinutes: number, hours: WorkingHours): LocalParts {
  const zone = hours.timezone;
  if (zone !== 'log') {
    let f = formatters.get(zone);
    if (f === undefined) {
      try {
        f = new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          hourCycle: 'h23',
          weekday: 'short',
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
        });
      } catch {
        f = null; // unknown zone: the clock falls back to the log's own offset too
      }
      formatters.set(zone, f);
    }
    if (f) {
      const parts: Record<string, string> = {};
      for (const part of f.formatToParts(new Date(time))) parts[part.type] = part.value;
      return {
        weekday: parts.weekday,
        month: parts.month,
        day: Number(parts.day),
        hh: parts.hour.padStart(2, '0'),
        mm: parts.minute.padStart(2, '0'),
        dayKey: `${parts.month} ${parts.day}`,
      };
    }
  }
  const d = new Date(time + offsetMinutes * 60_000);
  return {
    weekday: WEEKDAYS[d.getUTCDay()],
    month: MONTH_ABBREVIATIONS[d.getUTCMonth()],
    day: d.getUTCDate(),
    hh: String(d.getUTCHours()).padStart(2, '0'),
    mm: String(d.getUTCMinutes()).padStart(2, '0'),
    dayKey: `${d.getUTCFullYear()}-${d.getUTCMonth()}-${d.getUTCDate()}`,
  };
}

function formatLocal(time: number, offsetMinutes: number, hours: WorkingHours, withDate: boolean): string {
  const p = localParts(time, offsetMinutes, hours);
  return withDate ? `${p.weekday} ${p.month} ${p.day} ${p.hh}:${p.mm}` : `${p.weekday} ${p.hh}:${p.mm}`;
}

/** "Sat 02:14", "Sat 02:14–02:31", or "Fri Dec 8 23:50 – Sat Dec 9 02:31". */
function describeRange(first: number, firstOffset: number, last: number, lastOffset: number, hours: WorkingHours): string {
  const a = localParts(first, firstOffset, hours);
  const b = localParts(last, lastOffset, hours);
  if (a.dayKey === b.dayKey) {
    const start = `${a.weekday} ${a.hh}:${a.mm}`;
    return a.hh === b.hh && a.mm === b.mm ? start : `${start}–${b.hh}:${b.mm}`;
  }
  return `${formatLocal(first, firstOffset, hours, true)} – ${formatLocal(last, lastOffset, hours, true)}`;
}

/** "Mon–Fri 08–18", "Mon, Wed, Fri 09–17". */
export function describeHours(hours: WorkingHours): string {
  const days = Array.from(new Set(hours.days)).filter((d) => d >= 0 && d <= 6).sort((a, b) => a - b);
  let dayText: string;
  const contiguous = days.length > 1 && days.every((d, i) => i === 0 || d === days[i - 1] + 1);
  if (days.length === 0) dayText = 'no days';
  else if (days.length === 7) dayText = 'every day';
  else if (contiguous && days.length > 2) dayText = `${WEEKDAYS[days[0]]}–${WEEKDAYS[days[days.length - 1]]}`;
  else dayText = days.map((d) => WEEKDAYS[d]).join(', ');
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${dayText} ${two(hours.start)}–${two(hours.end)}`;
}
