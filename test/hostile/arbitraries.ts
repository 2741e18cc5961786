/**
 * fast-check arbitraries for hostile log lines and records. Lines mix three sources: any
 * code points (lone surrogates and controls included), the line shapes of every format with
 * hostile payloads in their fields, and soups of the tokens the parsers look for (so that
 * random input gets deep into their branches instead of failing on the first character).
 */
import fc from 'fast-check';
import type { AuthEvent, LogRecord, RecordKind } from '../../server/src/engine/model';
import { LINE_SHAPES } from './generator';

/** Runs per property: a few hundred by default, more with HOSTILE_RUNS=n. */
export const RUNS = Math.max(1, Number(process.env.HOSTILE_RUNS ?? 200));
/** Seed of every property (fast-check prints it with a counterexample; HOSTILE_SEED replays one). */
export const SEED = Number(process.env.HOSTILE_SEED ?? 424242);

const CONTROL = fc.constantFrom('\0', '\x1b[31m', '\x1b]0;t\x07', '\t', '\x7f', '\x85', '\u2028', '\u202e', '\u200b', '\ufeff', '\ud800', '\udfff', '\r');

/** Tokens of the formats' syntax: what a parser branches on. */
const TOKENS = [
  ' ', ' ', ' ', '"', '"', '[', ']', '-', '/', ':', '.', ',', ';', '=', '%', '?', '&', '#', '(', ')', '{', '}', '<', '>', '\\', "'",
  'GET', 'POST', 'HTTP/1.1', 'HTTP/2.0', '200', '401', '404', '500', '0', '-1', '99999999999999999999', '1e309',
  '203.0.113.5', '10.0.0.1', '::1', '::ffff:192.0.2.1', '2001:db8::', 'fe80::1%eth0', '999.1.1.1', ':443',
  '12/Mar/2024:09:00:00 +0000', '[12/Mar/2024:09:00:00 -1400]', 'Mar 12 09:00:00', 'Feb 30 25:61:61', '2024-03-12T09:00:00Z',
  '2024-03-12 09:00:00', '2024/03/12 09:00:00', '+99:99', '[Tue Mar 12 09:00:00.123456 2024]',
  'sshd[123]:', 'sudo:', 'su:', 'kernel:', 'dropbear[1]:', 'pam_unix(sshd:auth):', 'Failed password for', 'Accepted password for',
  'invalid user', 'from', 'port', 'ssh2', 'message repeated 3 times:', 'more authentication failures;', 'COMMAND=', 'USER=',
  '[UFW BLOCK]', 'SRC=', 'DST=', 'PROTO=TCP', 'SPT=', 'DPT=', 'IN=eth0',
  '<34>1', '<999>', '- -', '[id a="b"]', '#Fields:', '#Software:', 'date', 'time', 'c-ip', 'cs-uri-stem', 'cs(User-Agent)', 'sc-status',
  '[error]', '[auth_basic:error]', '[client', 'client:', 'server:', 'request:', 'host:', 'AH01618:', 'user', 'not found:',
  '{"', '":', '"status":', '"client_ip":', '"source":{"ip":', '"@timestamp":', '"message":', '"__proto__":', 'null', 'true',
  'ERROR', 'WARN', 'login failed', 'authentication failure', 'logged in', 'user=', 'admin', 'root',
  '${jndi:ldap://x}', "' or 1=1--", 'union select', '<script>', '../../etc/passwd', '() { :; };', 'sqlmap/1.7', 'Nikto', '%2e%2e%2f', '%25',
];

const token = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: CONTROL }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });

/** A payload for a field: short, of any characters, or of tokens. */
export const payload = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.array(token, { maxLength: 8 }).map((t) => t.join('')),
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
);

/** One line (no line end inside: the splitter would have cut it). */
export const hostileLine = fc
  .oneof(
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 120 }) },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...LINE_SHAPES), payload, fc.nat(1_000_000), fc.nat()).map(([shape, p, i, k]) => {
        const lines = shape.make(p, i);
        return lines[k % lines.length];
      }),
    },
    { weight: 4, arbitrary: fc.array(token, { minLength: 1, maxLength: 40 }).map((t) => t.join('')) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  )
  .map(stripLineEnds);

export function stripLineEnds(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    out += c === 10 || c === 13 ? ' ' : line[i];
  }
  return out;
}

/** Lines in file order: single hostile lines, and whole groups of a shape (W3C's #Fields before its data). */
export const hostileLines = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: hostileLine.map((l) => [l]) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...LINE_SHAPES), payload, fc.nat(1_000_000)).map(([shape, p, i]) => shape.make(p, i).map(stripLineEnds)) },
      // The same line again and again: bursts that cross the rules' thresholds.
      { weight: 1, arbitrary: fc.tuple(hostileLine, fc.integer({ min: 3, max: 40 })).map(([l, n]) => new Array<string>(n).fill(l)) },
    ),
    { maxLength: 40 },
  )
  .map((groups) => groups.flat());

/** A whole text: hostile lines joined by any mix of line ends. */
export const hostileText = fc
  .tuple(hostileLines, fc.array(fc.constantFrom('\n', '\n', '\r\n', '\r', '\n\n'), { minLength: 1, maxLength: 8 }), fc.boolean())
  .map(([lines, ends, finalEnd]) => lines.map((l, i) => l + (i < lines.length - 1 || finalEnd ? ends[i % ends.length] : '')).join(''));

// ---------------------------------------------------------------------------------------
// Records for the detectors

const SOURCES = ['203.0.113.5', '203.0.113.6', '198.51.100.7', '10.0.0.1', '::1', '2001:db8::5', '::ffff:192.0.2.1', 'host.example', ''];
const USERS = ['root', 'admin', 'alice', 'bob', '', 'a'.repeat(300)];
const PATHS = ['/', '/login', '/wp-login.php', '/admin', '/.env', '/api/login', '/index.php', "/x?id=1' or 1=1--", '/a/../../etc/passwd', '/wp-content/uploads/x.php'];
const AGENTS = ['Mozilla/5.0', 'sqlmap/1.7', 'Nikto/2.5', 'curl/8.0', '() { :; }; /bin/bash', '${jndi:ldap://x/a}', ''];
const KINDS: RecordKind[] = ['http', 'auth', 'firewall', 'event'];
const AUTH: AuthEvent[] = ['failure', 'invalid-user', 'success', 'session-open', 'session-close', 'privilege', 'disconnect'];

const fromPoolOrAny = (pool: string[]) => fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) });
/** Where the clock of a record sequence starts (a weekday morning: some records fall after hours). */
const TIME_BASE = Date.UTC(2024, 2, 12, 6, 0, 0);

/** A record template (without its line and time, which the sequence gives). */
const recordTemplate = fc.record(
  {
    kind: fc.constantFrom(...KINDS),
    offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -24 * 60, max: 24 * 60 })),
    source: fromPoolOrAny(SOURCES),
    destination: fromPoolOrAny(SOURCES),
    destinationPort: fc.integer({ min: 0, max: 65535 }),
    protocol: fc.constantFrom('TCP', 'UDP', 'ICMP', ''),
    action: fc.constantFrom<'block' | 'allow'>('block', 'allow'),
    user: fromPoolOrAny(USERS),
    method: fc.constantFrom('GET', 'POST', 'HEAD', 'PROPFIND', ''),
    path: fromPoolOrAny(PATHS),
    query: fc.oneof(fc.constantFrom('id=1', "q=' or 1=1--", 'cmd=cat%20/etc/passwd', 'x=${jndi:ldap://a}', ''), fc.string({ maxLength: 30 })),
    status: fc.oneof(fc.constantFrom(200, 301, 401, 403, 404, 500), fc.integer({ min: 0, max: 999_999 })),
    bytes: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constant(0), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    userAgent: fromPoolOrAny(AGENTS),
    referrer: fc.string({ maxLength: 30 }),
    auth: fc.constantFrom(...AUTH),
    attempts: fc.integer({ min: 1, max: 1_000_000 }),
    program: fc.constantFrom('sshd', 'sudo', 'su', 'kernel', 'nginx', 'sshd(pam_unix)', ''),
    host: fc.string({ maxLength: 12 }),
    level: fc.constantFrom('error', 'warn', 'info', ''),
    message: fc.string({ maxLength: 60 }),
  },
  { requiredKeys: ['kind', 'offsetMinutes'] },
);

/**
 * Records in line order: templates repeated in bursts (so thresholds are crossed). Within a
 * burst the clock moves forward by a fixed step; a burst may also carry no time at all, or
 * jump anywhere between 1970 and 2100 (logs are not always in order).
 */
export const recordSequence = fc
  .array(
    fc.tuple(
      recordTemplate,
      fc.integer({ min: 1, max: 30 }),
      fc.oneof(
        { weight: 8, arbitrary: fc.record({ step: fc.integer({ min: 0, max: 60_000 }) }) },
        { weight: 1, arbitrary: fc.constant({ untimed: true as const }) },
        { weight: 1, arbitrary: fc.record({ jumpTo: fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }) }) },
      ),
    ),
    { maxLength: 40 },
  )
  .map((bursts) => {
    const records: LogRecord[] = [];
    let clock = TIME_BASE;
    for (const [template, count, timing] of bursts) {
      if ('jumpTo' in timing) clock = timing.jumpTo;
      const step = 'step' in timing ? timing.step : 1000;
      for (let k = 0; k < count; k++) {
        clock += step;
        records.push({ ...template, line: records.length, time: 'untimed' in timing ? NaN : clock } as LogRecord);
      }
    }
    return records;
  });

/** Rule settings drawn within what the settings schema allows (small thresholds so rules fire). */
export const ruleSettings = fc.record({
  'brute-force': fc.record({ threshold: fc.integer({ min: 2, max: 10 }), windowSeconds: fc.integer({ min: 1, max: 7200 }), sprayUsers: fc.integer({ min: 2, max: 5 }) }),
  'compromise-after-brute-force': fc.record({ withinSeconds: fc.integer({ min: 1, max: 200_000 }) }),
  'url-scan': fc.record({ distinctPaths: fc.integer({ min: 2, max: 30 }), minErrorRatio: fc.double({ min: 0, max: 1, noNaN: true }), windowSeconds: fc.integer({ min: 1, max: 7200 }) }),
  'port-scan': fc.record({ distinctPorts: fc.integer({ min: 2, max: 20 }), windowSeconds: fc.integer({ min: 1, max: 7200 }) }),
  'high-volume': fc.record({ zThreshold: fc.double({ min: 0, max: 10, noNaN: true }), minRequests: fc.integer({ min: 1, max: 100 }) }),
  'data-exfiltration': fc.record({ zThreshold: fc.double({ min: 0, max: 10, noNaN: true }), minBytes: fc.integer({ min: 0, max: 1_000_000 }) }),
  'error-rate': fc.record({ minRequests: fc.integer({ min: 1, max: 50 }), minRatio: fc.double({ min: 0, max: 1, noNaN: true }), zThreshold: fc.double({ min: 0, max: 10, noNaN: true }) }),
  'off-hours': fc.record({ minEvents: fc.integer({ min: 1, max: 5 }) }),
  'ml-outlier': fc.record({ scoreThreshold: fc.double({ min: 0, max: 1, noNaN: true }), trees: fc.integer({ min: 1, max: 30 }), sampleSize: fc.integer({ min: 2, max: 64 }), minSources: fc.integer({ min: 2, max: 10 }) }),
});

/**
 * A population of ordinary sources and a few outliers (many requests, errors, bytes,
 * distinct paths or ports): what the statistical rules compare. Interleaved by time.
 */
export const populationSequence = fc
  .tuple(
    fc.integer({ min: 5, max: 60 }),
    fc.array(
      fc.record({
        requests: fc.integer({ min: 20, max: 400 }),
        errorShare: fc.double({ min: 0, max: 1, noNaN: true }),
        bytes: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2 ** 40 })),
        distinct: fc.boolean(),
        firewall: fc.boolean(),
        source: fromPoolOrAny(SOURCES),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    fc.integer({ min: 0, max: 1000 }),
  )
  .map(([ordinary, outliers, seed]) => {
    const records: LogRecord[] = [];
    let clock = TIME_BASE;
    const push = (r: Omit<LogRecord, 'line' | 'time' | 'offsetMinutes'>) => {
      clock += 1000 + ((seed * (records.length + 1)) % 997);
      records.push({ ...r, line: records.length, time: clock, offsetMinutes: 0 } as LogRecord);
    };
    for (let i = 0; i < ordinary; i++) {
      for (let k = 0; k < 5 + (i % 7); k++) push({ kind: 'http', source: `10.1.${i >> 8}.${i & 255}`, method: 'GET', path: `/page/${k % 3}`, status: k % 9 === 0 ? 404 : 200, bytes: 1000 + k * 13, userAgent: 'Mozilla/5.0' });
    }
    outliers.forEach((o, j) => {
      for (let k = 0; k < o.requests; k++) {
        if (o.firewall) push({ kind: 'firewall', source: o.source, destination: '10.0.0.1', destinationPort: o.distinct ? k % 65536 : 22, protocol: 'TCP', action: 'block' });
        else push({ kind: 'http', source: o.source, method: k % 2 ? 'POST' : 'GET', path: o.distinct ? `/probe/${j}/${k}` : '/', status: (k % 100) / 100 < o.errorShare ? 404 : 200, bytes: o.bytes, userAgent: `agent ${k % 3}` });
      }
    });
    return records;
  });

/** Failed logins from one source, then its success: brute force and compromise, with arbitrary names around. */
export const bruteThenSuccess = fc
  .tuple(fromPoolOrAny(SOURCES), fromPoolOrAny(USERS), fc.integer({ min: 2, max: 40 }), fc.integer({ min: 0, max: 30_000 }), recordSequence)
  .map(([source, user, failures, step, noise]) => {
    const records: LogRecord[] = noise.map((r) => ({ ...r }));
    let clock = TIME_BASE;
    for (let k = 0; k < failures; k++) {
      clock += step;
      records.push({ kind: 'auth', auth: k % 3 ? 'failure' : 'invalid-user', source, user: k % 2 ? user : `u${k}`, program: 'sshd', line: 0, time: clock, offsetMinutes: 0 });
    }
    records.push({ kind: 'auth', auth: 'success', source, user, program: 'sshd', line: 0, time: clock + step, offsetMinutes: 0 });
    records.forEach((r, i) => (r.line = i));
    return records;
  });
