/**
 * Hostile inputs for the engine, the CLI and the language server, all from a seed: the same
 * seed gives the same bytes. Logs are written by attackers, so everything a line can hold
 * is fair game: binary garbage, broken encodings, control and formatting characters, lines
 * of megabytes, millions of empty lines, JSON built to exhaust a recursive parser, addresses
 * built to exhaust an address matcher, and for every regular expression of the engine the
 * strings that make a backtracking matcher work hardest (long runs of what a pattern repeats,
 * matches cut short just before their end).
 *
 * Small inputs come as text (`lines`); big ones (`HostileFile`) as chunks, so that they can be
 * streamed to a temporary file or a splitter without ever existing whole.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { seededRandom } from '../support/syntheticLogs';
import type { EngineRegExp } from './regexInventory';
import { MONTH_ABBREVIATIONS as MONTHS } from '../../server/src/engine/time/monthNameDate';

export type Random = () => number;

export const HOSTILE_KINDS = [
  'random-bytes',
  'invalid-utf8',
  'nul-bytes',
  'long-line',
  'empty-lines',
  'json-nested',
  'json-broken',
  'ansi-escapes',
  'line-endings',
  'bidi-zero-width',
  'long-ip',
  'regex-adversarial',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** An input small enough to hold: its bytes and (for the editor's view) its text. */
export interface HostileInput {
  kind: HostileKind;
  name: string;
  bytes: Buffer;
}

/** An input that is only ever produced piece by piece. */
export interface HostileFile {
  kind: HostileKind;
  name: string;
  /** Total size in bytes (known before producing it). */
  size: number;
  chunks(): Iterable<Buffer>;
}

// ---------------------------------------------------------------------------------------
// Small helpers

const int = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

function randomBytes(random: Random, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}

const p2 = (n: number) => String(n).padStart(2, '0');

function clock(i: number): { syslog: string; clf: string; iso: string; w3cDate: string; w3cTime: string; nginx: string; apache: string } {
  const d = new Date(Date.UTC(2024, 2, 12, 9, 0, 0) + i * 1000);
  const hh = p2(d.getUTCHours());
  const mm = p2(d.getUTCMinutes());
  const ss = p2(d.getUTCSeconds());
  const mon = MONTHS[d.getUTCMonth()];
  const day = d.getUTCDate();
  return {
    syslog: `${mon} ${String(day).padStart(2, ' ')} ${hh}:${mm}:${ss}`,
    clf: `${p2(day)}/${mon}/2024:${hh}:${mm}:${ss} +0000`,
    iso: d.toISOString(),
    w3cDate: d.toISOString().slice(0, 10),
    w3cTime: `${hh}:${mm}:${ss}`,
    nginx: `2024/03/${p2(day)} ${hh}:${mm}:${ss}`,
    apache: `[Tue Mar ${p2(day)} ${hh}:${mm}:${ss}.000000 2024]`,
  };
}

/**
 * Where a payload can sit in a line of each format: every field a parser or a detector
 * reads. A payload is tried in all of them, so it meets every pattern that reads that field.
 */
export const LINE_SHAPES: readonly { name: string; make(payload: string, i: number): string[] }[] = [
  { name: 'raw', make: (p) => [p] },
  { name: 'access-path', make: (p, i) => [`203.0.113.${i % 250} - - [${clock(i).clf}] "GET /${p} HTTP/1.1" 404 153 "-" "Mozilla/5.0"`] },
  { name: 'access-query', make: (p, i) => [`203.0.113.${i % 250} - - [${clock(i).clf}] "GET /search?q=${p}&id=${p} HTTP/1.1" 200 512 "-" "Mozilla/5.0"`] },
  { name: 'access-agent', make: (p, i) => [`198.51.100.${i % 250} - - [${clock(i).clf}] "POST /wp-login.php HTTP/1.1" 401 0 "${p}" "${p}"`] },
  { name: 'access-fields', make: (p, i) => [`${p} ${p} ${p} [${clock(i).clf}] "${p}" ${p} ${p} "${p}" "${p}"`] },
  { name: 'access-vhost', make: (p, i) => [`${p}:443 192.0.2.${i % 250} - ${p} [${clock(i).clf}] "GET /${p}?${p} HTTP/2.0" 500 ${i} "${p}" "${p}" ${p}`] },
  { name: 'sshd', make: (p, i) => [`${clock(i).syslog} web01 sshd[${1000 + i}]: Failed password for ${p} from ${p} port 22 ssh2`] },
  { name: 'sshd-invalid', make: (p, i) => [`${clock(i).syslog} web01 sshd[${1000 + i}]: Invalid user ${p} from 203.0.113.9 port ${p}`] },
  { name: 'syslog-message', make: (p, i) => [`${clock(i).syslog} ${p} ${p}[${p}]: ${p}`, `${clock(i).syslog} host su: pam_unix(su:auth): authentication failure; logname=${p} uid=0 euid=0 tty=${p} ruser=${p} rhost=${p}  user=${p}`] },
  { name: 'sudo', make: (p, i) => [`${clock(i).syslog} host sudo: ${p} : TTY=pts/0 ; PWD=${p} ; USER=root ; COMMAND=${p}`] },
  { name: 'firewall', make: (p, i) => [`${clock(i).syslog} fw kernel: [${i}.0] [UFW BLOCK] IN=${p} OUT= MAC=${p} SRC=${p} DST=${p} LEN=${p} PROTO=${p} SPT=${p} DPT=${p} ${p}`] },
  { name: 'syslog-5424', make: (p, i) => [`<34>1 ${clock(i).iso} ${p} ${p} ${p} ${p} [${p} a="${p}"] ${p}`] },
  {
    name: 'json-escaped',
    make: (p, i) => [
      JSON.stringify({ '@timestamp': clock(i).iso, 'source.ip': p, client_ip: p, message: p, url: p, 'user_agent.original': p, status: p, user: p, event: { outcome: p } }),
    ],
  },
  { name: 'json-raw', make: (p, i) => [`{"ts":"${clock(i).iso}","remote_addr":"${p}","request":"GET /${p} HTTP/1.1","status":${p},"msg":"${p}"}`] },
  {
    name: 'w3c',
    make: (p, i) => [
      '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-bytes',
      `${clock(i).w3cDate} ${clock(i).w3cTime} 10.0.0.1 GET /${p} ${p} 443 ${p} ${p} ${p} ${p} 404 ${p}`,
      `#Fields: ${p}`,
      `${p} ${p} ${p}`,
    ],
  },
  { name: 'nginx-error', make: (p, i) => [`${clock(i).nginx} [error] 1#1: *${i} ${p}, client: ${p}, server: ${p}, request: "${p}", upstream: "${p}", host: "${p}", referrer: "${p}"`] },
  { name: 'apache-error', make: (p, i) => [`${clock(i).apache} [auth_basic:error] [pid ${i}] [client ${p}:${p}] AH01618: user ${p} not found: /${p}`] },
  { name: 'generic', make: (p, i) => [`${clock(i).iso} ERROR login failed for user=${p} from ${p} ${p}`] },
];

/** Each payload in every line shape. */
export function inShapes(payloads: readonly string[], firstLine = 0): string[] {
  const out: string[] = [];
  let i = firstLine;
  for (const p of payloads) for (const shape of LINE_SHAPES) out.push(...shape.make(p, i++));
  return out;
}

// ---------------------------------------------------------------------------------------
// Payloads per kind

const INVALID_UTF8: readonly number[][] = [
  [0x80], // lone continuation byte
  [0xbf, 0xbf],
  [0xc0, 0x80], // overlong NUL
  [0xc1, 0xbf],
  [0xe0, 0x80, 0x80], // overlong
  [0xed, 0xa0, 0x80], // UTF-16 surrogate encoded in UTF-8
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf5, 0x80, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xfe],
  [0xff],
  [0xe2, 0x82], // truncated 3-byte (€ without its last byte)
  [0xf0, 0x9f, 0x98], // truncated emoji
  [0xc3], // truncated 2-byte
];

const ANSI: readonly string[] = [
  '\x1b[31m',
  '\x1b[0m',
  '\x1b[2J\x1b[H', // clear screen, home
  '\x1b[1;1H\x1b[K',
  '\x1b]0;pwned\x07', // window title
  '\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\', // hyperlink
  '\x1b[6n', // cursor position report request
  '\x1b[?1049h', // alternate screen
  '\x1bP+q544e\x1b\\', // DCS
  '\x9b31m', // 8-bit CSI
  '\x1b[38;2;255;0;0m',
  '\x1b[' + '9'.repeat(64) + 'm',
  '\x08\x08\x08\x08', // backspaces over what came before
  '\r', // carriage return inside a field (a line end to some readers)
];

const BIDI_ZW: readonly string[] = [
  '\u202e', // RIGHT-TO-LEFT OVERRIDE
  '\u202d',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\u200b', // ZERO WIDTH SPACE
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff', // BOM in the middle of a line
  '\u00ad', // soft hyphen
  '\u034f', // combining grapheme joiner
  '\u0301\u0301\u0301', // stacked combining marks
  '\ud800', // lone high surrogate
  '\udc00', // lone low surrogate
  '\u2028', // LINE SEPARATOR
  '\u2029',
  '\u0085', // NEXT LINE
  '\uff11\uff19\uff12\uff0e\uff11', // fullwidth "192.1"
  '\u0661\u0669\u0662', // Arabic-Indic digits
  '\u0430dmin', // Cyrillic a
];

/** Addresses that are long, almost valid, or valid in forms few parsers expect. */
function longAddresses(random: Random): string[] {
  const n = int(random, 100, 2000);
  const hex = () => int(random, 0, 0xffff).toString(16);
  return [
    Array.from({ length: n }, hex).join(':'), // far more than 8 groups
    ':'.repeat(n),
    '::' + 'ffff:'.repeat(n) + '1.2.3.4',
    'f'.repeat(n) + '::1',
    '::ffff:' + Array.from({ length: 4 }, () => int(random, 0, 999)).join('.'), // IPv4-mapped, octets may be out of range
    '::ffff:1.2.3.4',
    '0:0:0:0:0:ffff:192.0.2.128',
    '::ffff:0:192.0.2.128',
    '64:ff9b::192.0.2.33',
    '::ffff:' + '1.'.repeat(n) + '1',
    'fe80::1%' + 'e'.repeat(n), // zone id
    '[2001:db8::1]:' + '9'.repeat(n),
    '[' + '2001:db8:'.repeat(n) + ']',
    '1.' .repeat(n) + '1', // dotted digits without end
    Array.from({ length: n }, () => int(random, 0, 255)).join('.'),
    '0' .repeat(n) + '1.2.3.4',
    '01.02.03.04',
    '4294967295',
    '0x7f.0.0.1',
    '999.999.999.999',
    '2001:db8::' + ':1'.repeat(n),
    '::' + '1:'.repeat(7) + ':1',
  ];
}

function nestedJson(random: Random, depth: number): string[] {
  const objects = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const arrays = '['.repeat(depth) + ']'.repeat(depth);
  const unclosed = '{"source.ip":"203.0.113.7","x":' + '['.repeat(depth);
  const mixed = Array.from({ length: depth }, () => (random() < 0.5 ? '{"k":' : '[')).join('');
  return [objects, arrays, unclosed, mixed, `{"message":${arrays},"client_ip":"192.0.2.1","status":404}`];
}

function brokenJson(random: Random): string[] {
  const big = '9'.repeat(int(random, 20, 400));
  return [
    '{"client_ip":"203.0.113.5","status":401,"msg":"login failed"',
    '{"client_ip":"203.0.113.5","status":',
    '{"client_ip":"203.0.113.5"',
    '{"client_ip":"203.0.113.5\\',
    '{"client_ip":"\\ud800","status":401}',
    '{"client_ip":"\\u0000\\u001b[31m","status":401}',
    '{"client_ip":"203.0.113.5",}',
    '{,}',
    '{"a":1}{"b":2}',
    '{"a":1} trailing',
    `{"status":${big},"bytes":${big},"time":${big}}`,
    `{"status":-${big},"bytes":-1e309,"time":1e309}`,
    '{"status":NaN,"bytes":Infinity}',
    '{"@timestamp":"9999-99-99T99:99:99Z","client_ip":"203.0.113.5","status":200}',
    '{"@timestamp":-8640000000000001,"client_ip":"203.0.113.5","status":200}',
    '{"__proto__":{"polluted":true},"client_ip":"203.0.113.5","status":401}',
    '{"constructor":{"prototype":{"polluted":true}},"source":{"ip":"203.0.113.5"}}',
    '{"source":{"ip":{"__proto__":null}},"status":{"code":401}}',
    '{"client_ip":["203.0.113.5"],"status":[401],"url":{"path":{}}}',
    '{"client_ip":true,"status":true,"url":null,"user_agent":false}',
    '{"' + 'k'.repeat(int(random, 1000, 100_000)) + '":1}',
    '{"a":"' + '\\"'.repeat(int(random, 1000, 50_000)) + '"}',
    '{"a":"' + '\\u'.repeat(int(random, 1000, 50_000)) + '"}',
    '"just a string"',
    '[1,2,3]',
    'null',
    '{"message":"' + '\\\\'.repeat(int(random, 10, 10_000)) + '"}',
  ];
}

// ---------------------------------------------------------------------------------------
// Adversarial strings for regular expressions

/** The pattern made usable by fast-check's `stringMatching` (no flags it refuses, no lookarounds). */
function generatable(re: EngineRegExp): RegExp | undefined {
  const flags = re.flags.replace(/[gyi]/g, '');
  let source = re.source;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const candidate = new RegExp(source, flags);
      fc.sample(fc.stringMatching(candidate), { seed: 1, numRuns: 1 });
      return candidate;
    } catch {
      source = withoutLookarounds(source);
    }
  }
  return undefined;
}

/** Removes `(?=…)`, `(?!…)`, `(?<=…)` and `(?<!…)` groups. */
function withoutLookarounds(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      out += source.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '(' && source[i + 1] === '?' && (source[i + 2] === '=' || source[i + 2] === '!' || (source[i + 2] === '<' && (source[i + 3] === '=' || source[i + 3] === '!')))) {
      let depth = 0;
      let inClass = false;
      for (; i < source.length; i++) {
        const d = source[i];
        if (d === '\\') {
          i++;
          continue;
        }
        if (inClass) {
          if (d === ']') inClass = false;
          continue;
        }
        if (d === '[') inClass = true;
        else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * Strings that make a backtracking matcher of `re` work hardest, about `length` characters
 * each: matches repeated back to back, matches cut short by their last character and
 * repeated (the matcher gets far every time, then fails), runs of each character a match
 * uses, and recheck's own attack when one is given.
 */
export function adversarialStrings(re: EngineRegExp, length: number, seed: number, attack?: { pumps: { prefix: string; pump: string }[]; suffix: string }): string[] {
  const out: string[] = [];
  const fit = (unit: string) => (unit.length === 0 ? '' : unit.repeat(Math.max(1, Math.ceil(length / unit.length))).slice(0, length));
  const generator = generatable(re);
  const matches = generator ? fc.sample(fc.stringMatching(generator, { size: 'small' }), { seed, numRuns: 4 }).filter((m) => m.length > 0) : [];
  if (matches.length === 0) matches.push(literalPieces(re.source));
  for (const m of matches) {
    out.push(fit(m));
    if (m.length > 1) out.push(fit(m.slice(0, -1)), fit(m.slice(0, -1) + '\0'));
    // The match's first half, its last character pumped, its end missing: 'union((((((' for 'union(select'.
    const half = Math.max(1, Math.floor(m.length / 2));
    out.push(m.slice(0, half) + fit(m.slice(half - 1, half)));
    // Heads of the match back to back: every repetition starts a new attempt that gets as
    // far as the head allows ('=ftp://x=ftp://x…' for a URL pattern).
    for (const cut of [0.25, 0.5, 0.75]) {
      const head = m.slice(0, Math.max(1, Math.round(m.length * cut)));
      if (head.length > 1) out.push(fit(head));
    }
  }
  const chars = new Set<string>();
  for (const m of matches) for (const ch of m) chars.add(ch);
  for (const ch of [...chars].slice(0, 12)) out.push(fit(ch));
  if (attack) {
    const pumpLength = attack.pumps.reduce((n, p) => n + p.pump.length, 0) || 1;
    let s = '';
    const times = Math.max(1, Math.floor(length / pumpLength));
    for (const p of attack.pumps) s += p.prefix + p.pump.repeat(times);
    out.push(s + attack.suffix);
  }
  // A line never holds a line end (the splitter cut there): those become spaces.
  return [...new Set(out.map((s) => s.replace(/[\r\n]/g, ' ')))].filter((s) => s.length > 0);
}

/** The letters and digits of a pattern's source, for patterns no generator can read. */
function literalPieces(source: string): string {
  let out = '';
  for (const ch of source) if (/[A-Za-z0-9 ._\/:=-]/.test(ch)) out += ch;
  return out || 'a';
}

// ---------------------------------------------------------------------------------------
// Inputs per kind

export interface GeneratorOptions {
  seed: number;
  /** Inputs of each kind (about; some kinds have a fixed list). */
  perKind: number;
  /** Bytes of a "long" line held in memory (the streamed ones go to 50 MB). */
  longLineBytes?: number;
  regexps?: readonly EngineRegExp[];
  /** recheck's attack per pattern id (from an alternative that has one). */
  attacks?: ReadonlyMap<string, { pumps: { prefix: string; pump: string }[]; suffix: string }>;
}

/** Inputs that fit in memory, by kind. */
export function* hostileInputs(kinds: readonly HostileKind[], options: GeneratorOptions): Generator<HostileInput> {
  for (const kind of kinds) {
    const random = seededRandom(options.seed ^ hashKind(kind));
    for (let k = 0; k < options.perKind; k++) {
      for (const input of inputsOf(kind, random, k, options)) yield input;
    }
  }
}

function hashKind(kind: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < kind.length; i++) h = Math.imul(h ^ kind.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function textInput(kind: HostileKind, name: string, lines: readonly string[], eol = '\n'): HostileInput {
  return { kind, name, bytes: Buffer.from(lines.join(eol) + eol, 'utf8') };
}

function inputsOf(kind: HostileKind, random: Random, k: number, options: GeneratorOptions): HostileInput[] {
  switch (kind) {
    case 'random-bytes': {
      const n = int(random, 0, k % 4 === 0 ? 65_536 : 2048);
      // Some of it behind a text-looking head, so it gets past a binary sniff.
      const head = k % 2 === 0 ? Buffer.from(inShapes(['x'], k).join('\n') + '\n') : Buffer.alloc(0);
      return [{ kind, name: `${n} random bytes${head.length ? ' after a text head' : ''}`, bytes: Buffer.concat([head, randomBytes(random, n)]) }];
    }
    case 'invalid-utf8': {
      const lines = inShapes([''], k).map((line) => {
        const bad = Buffer.from(pick(random, INVALID_UTF8));
        const at = int(random, 0, line.length);
        return Buffer.concat([Buffer.from(line.slice(0, at)), bad, Buffer.from(line.slice(at))]);
      });
      const joined: Buffer[] = [];
      for (const l of lines) joined.push(l, Buffer.from('\n'));
      return [{ kind, name: 'invalid UTF-8 sequences inside every line shape', bytes: Buffer.concat(joined) }];
    }
    case 'nul-bytes': {
      const nul = '\0'.repeat(int(random, 1, 64));
      return [
        textInput(kind, 'NULs inside every line shape', inShapes([nul, `203.0.113.9${nul}`, `admin${nul}root`], k)),
        textInput(kind, 'lines of NULs', Array.from({ length: 50 }, () => '\0'.repeat(int(random, 1, 4096)))),
      ];
    }
    case 'long-line': {
      const bytes = options.longLineBytes ?? 1024 * 1024;
      const unit = pick(random, ['A', '%', '/', '..;/', '%25', 'union select ', '${jndi:', '<script>', '\\"', ' ', '1.', ':']);
      const payload = unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
      const shape = LINE_SHAPES[k % LINE_SHAPES.length];
      return [textInput(kind, `${(bytes / 1024 / 1024).toFixed(1)} MB line of ${JSON.stringify(unit)} in ${shape.name}`, [...shape.make(payload, k), ...inShapes(['ok'], k)])];
    }
    case 'empty-lines': {
      const n = k === 0 ? 1_000_000 : int(random, 1000, 100_000);
      const eol = pick(random, ['\n', '\r\n', '\r', ' \n', '\t\r\n', '\0\n']);
      return [{ kind, name: `${n} empty lines (${JSON.stringify(eol)})`, bytes: Buffer.from(eol.repeat(n) + inShapes(['last'], k).join('\n')) }];
    }
    case 'json-nested': {
      const depth = k === 0 ? 100_000 : int(random, 100, 20_000);
      return [textInput(kind, `JSON nested ${depth} deep`, nestedJson(random, depth))];
    }
    case 'json-broken':
      return [textInput(kind, 'broken and hostile JSON lines', brokenJson(random))];
    case 'ansi-escapes': {
      const payloads = Array.from({ length: 6 }, () => Array.from({ length: int(random, 1, 6) }, () => pick(random, ANSI)).join('x'));
      return [textInput(kind, 'ANSI/OSC escapes inside every line shape', inShapes(payloads, k))];
    }
    case 'line-endings': {
      const lines = inShapes(['admin', '203.0.113.9'], k);
      let text = '';
      for (const l of lines) text += l + pick(random, ['\n', '\r\n', '\r', '\r\r\n', '\n\r', '\r\n\r\n']);
      return [{ kind, name: 'mixed CR / LF / CRLF / CRCRLF / LFCR', bytes: Buffer.from(text, 'utf8') }];
    }
    case 'bidi-zero-width': {
      const payloads = Array.from({ length: 6 }, () => {
        const base = pick(random, ['203.0.113.9', 'admin', '/wp-login.php', "' or 1=1--", '${jndi:ldap://x}', 'sqlmap/1.7']);
        const at = int(random, 0, base.length);
        return base.slice(0, at) + pick(random, BIDI_ZW) + base.slice(at) + pick(random, BIDI_ZW);
      });
      return [textInput(kind, 'bidi controls, zero-width and look-alike characters inside every line shape', inShapes(payloads, k))];
    }
    case 'long-ip':
      return [textInput(kind, 'long, malformed and IPv4-mapped addresses in every line shape', inShapes(longAddresses(random), k))];
    case 'regex-adversarial': {
      // Every pattern each round, at a length that grows with the round (up to just under the line cap).
      const length = [1024, 4096, 16_384, 32_768][k % 4];
      return (options.regexps ?? []).map((re, i) => {
        const strings = adversarialStrings(re, length, (options.seed + k * 997 + i) | 0, options.attacks?.get(re.id));
        const lines: string[] = [];
        for (const s of strings) {
          lines.push(s);
          // Three of the line shapes per string: every field meets the string across the rounds.
          for (let j = 0; j < 3; j++) lines.push(...pick(random, LINE_SHAPES).make(s, lines.length));
        }
        return textInput(kind, `adversarial strings for ${re.id} /${re.source.slice(0, 40)}…/ (${length} chars)`, lines);
      });
    }
  }
}

// ---------------------------------------------------------------------------------------
// Big inputs, streamed

const CHUNK = 1 << 20;

/** One line of `megabytes` MB (1–50) between ordinary lines, produced in 1 MB chunks. */
export function longLineFile(megabytes: number, unit = 'A', shape: 'access-path' | 'raw' = 'access-path'): HostileFile {
  const body = megabytes * 1024 * 1024;
  const head = shape === 'access-path' ? Buffer.from('203.0.113.5 - - [12/Mar/2024:09:00:00 +0000] "GET /') : Buffer.alloc(0);
  const tail = Buffer.from(shape === 'access-path' ? ' HTTP/1.1" 404 153 "-" "Mozilla/5.0"\n' : '\n');
  const before = Buffer.from('203.0.113.5 - - [12/Mar/2024:09:00:00 +0000] "GET /before HTTP/1.1" 200 10 "-" "Mozilla/5.0"\n');
  const after = Buffer.from('203.0.113.5 - - [12/Mar/2024:09:00:01 +0000] "GET /after?id=1%27%20or%201=1-- HTTP/1.1" 200 10 "-" "Mozilla/5.0"\n');
  const piece = Buffer.from(unit.repeat(Math.ceil(CHUNK / unit.length)).slice(0, CHUNK));
  return {
    kind: 'long-line',
    name: `${megabytes} MB line of ${JSON.stringify(unit)}`,
    size: before.length + head.length + body + tail.length + after.length,
    *chunks() {
      yield before;
      yield head;
      for (let left = body; left > 0; left -= CHUNK) yield left >= CHUNK ? piece : piece.subarray(0, left);
      yield tail;
      yield after;
    },
  };
}

/** `count` empty lines, then one ordinary line. */
export function emptyLinesFile(count: number, eol = '\n'): HostileFile {
  const unit = Buffer.from(eol.repeat(Math.floor(CHUNK / eol.length)));
  const perChunk = Math.floor(CHUNK / eol.length);
  const last = Buffer.from('203.0.113.5 - - [12/Mar/2024:09:00:00 +0000] "GET / HTTP/1.1" 200 10 "-" "Mozilla/5.0"\n');
  return {
    kind: 'empty-lines',
    name: `${count} empty lines`,
    size: count * eol.length + last.length,
    *chunks() {
      for (let left = count; left > 0; left -= perChunk) yield left >= perChunk ? unit : unit.subarray(0, left * eol.length);
      yield last;
    },
  };
}

/** `bytes` random bytes (optionally after a text head), in chunks. */
export function randomBytesFile(bytes: number, seed: number, textHead = false): HostileFile {
  const head = textHead ? Buffer.from(inShapes(['x'], 0).join('\n') + '\n') : Buffer.alloc(0);
  return {
    kind: 'random-bytes',
    name: `${bytes} random bytes${textHead ? ' after a text head' : ''}`,
    size: head.length + bytes,
    *chunks() {
      const random = seededRandom(seed);
      yield head;
      for (let left = bytes; left > 0; left -= CHUNK) yield randomBytes(random, Math.min(CHUNK, left));
    },
  };
}

/** A fresh temporary directory, removed by the caller with `removeTemp`. */
export function makeTempDir(prefix = 'logwarden-hostile-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Streams a file's chunks to disk; resolves to its path. */
export async function writeHostileFile(dir: string, name: string, file: HostileFile): Promise<string> {
  const target = path.join(dir, name);
  const out = fs.createWriteStream(target);
  for (const chunk of file.chunks()) {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return target;
}
