/**
 * Rule `web-attack`: attack payloads in the request (path, query), the user agent and the
 * referrer of access-log records, after repeated URL/entity decoding; for any other record
 * only the unmistakable ones (Log4Shell `${jndi:`, Shellshock `() {`) in its message.
 *
 * Confidence of a source's finding:
 *   base   = the strongest pattern it matched (each pattern's strength below: Log4Shell and
 *            Shellshock 0.95, traversal to /etc/passwd 0.85, union/time-based/tautology SQLi
 *            0.8, script-tag XSS 0.75, generic XSS 0.65, webshell name probe 0.55 ...)
 *   boost  = 0.4 · saturate(payload lines − 1, 4)      more attempts, more intent
 *          + 0.3 · saturate(distinct subtypes − 1, 2)  a toolkit trying several classes
 *          + 0.3 · [a payload request answered 2xx]    possible success
 *   conf   = base + (1 − base) · boost
 *   and when every match was a weak signal (a quote then a comment, a tag break-out,
 *   alternating quotes ...): × 0.85 and at most 0.55, so weak signals alone stay medium.
 * One payload of the strongest kinds is already critical; a single generic XSS is high.
 *
 * Speed: most request lines carry none of the characters a payload needs, so each field is
 * first tested with one character-class pattern; only values that pass are decoded and
 * matched, and spans (a second decoding that tracks offsets) are computed once per source.
 * Every pattern is linear: bounded repeats, classes that exclude what follows them.
 */
import type { EvidenceValue, Finding, LogRecord } from '../model';
import type { Detector, DetectorContext, DetectorFactory, LineText, RecordIds } from './types';
import { makeFinding, saturate } from '../score';
import { copyString, DirectIdMemo, IdMemo } from './stringIds';
import { emptyList } from '../emptyList';

export type WebAttackSubtype =
  | 'sqli'
  | 'xss'
  | 'traversal'
  | 'lfi'
  | 'rfi'
  | 'cmdi'
  | 'log4shell'
  | 'shellshock'
  | 'ssrf'
  | 'webshell';

export type WebAttackField = 'path' | 'query' | 'user-agent' | 'referrer' | 'message';

/** The parts of a record the rule reads (a LogRecord fits). */
export interface WebAttackFields {
  kind?: LogRecord['kind'];
  method?: string;
  path?: string;
  query?: string;
  userAgent?: string;
  referrer?: string;
  /** Read only when the record is not an HTTP request (no path/query/agent/referrer). */
  message?: string;
}

export interface WebAttackMatch {
  subtype: WebAttackSubtype;
  field: WebAttackField;
  /** The payload as decoded (control characters escaped), at most 200 characters. */
  match: string;
  /**
   * [start, end) of the payload as written on the raw line (0-based UTF-16 columns): the
   * encoded token when the payload was encoded. When the field cannot be located on the line
   * (escaped JSON, say) it is the whole line; without a line, offsets in the field's value.
   */
  span: [number, number];
  /** The pattern's strength (see the header). */
  strength: number;
  /** True for weak signals only (break-outs, lone comments). */
  weak: boolean;
}

const SUBTYPES: readonly WebAttackSubtype[] = [
  'sqli',
  'xss',
  'traversal',
  'lfi',
  'rfi',
  'cmdi',
  'log4shell',
  'shellshock',
  'ssrf',
  'webshell',
];

const SUBTYPE_LABEL: Record<WebAttackSubtype, string> = {
  sqli: 'SQL injection',
  xss: 'Cross-site scripting',
  traversal: 'Path traversal',
  lfi: 'Local file inclusion',
  rfi: 'Remote file inclusion',
  cmdi: 'Command injection',
  log4shell: 'Log4Shell',
  shellshock: 'Shellshock',
  ssrf: 'SSRF to a metadata endpoint',
  webshell: 'Webshell access',
};

/** Strength of a webshell name or upload-folder script that answered 2xx (vs 0.55/0.7 when not). */
const WEBSHELL_ANSWERED = 0.75;
/** Weak signals alone never reach high severity. */
const WEAK_ONLY_CAP = 0.55;
/** Evidence excerpt length: enough to read a payload, short enough for a table cell. */
const EXCERPT_MAX = 200;
/** Characters of a Log4j expression that are resolved; obfuscated ones are far shorter. */
const LOOKUP_WINDOW = 2048;

// ---------------------------------------------------------------------------------------
// Gates: one test on the raw value decides whether it is worth decoding at all.

// A character class test is the cheapest scan V8 offers (about a nanosecond a character);
// alternations and the `i` flag are several times slower, so keywords are looked up with
// indexOf, and only in queries.

/** Characters without which no payload can be written in a path (plus `..`). */
const PATH_CHARS = /[%'"<>()$;|`{}\\*!:]/;
/** Queries also carry `+` for spaces, `@`, and `#` of entities. */
const QUERY_CHARS = /[%'"<>()$;|`{}\\*!:+@#]/;
/** Every agent has `(` and `;`; payloads in agents need one of these, or `..`. */
const AGENT_GATE = /[$'"<>%{`|\\]|\.\./;

function pathIsSuspicious(v: string): boolean {
  return PATH_CHARS.test(v) || v.indexOf('..') >= 0;
}

/** Query payloads that need no special character: ?file=/etc/passwd, ?url=169.254.169.254/, ?f=WEB-INF/web.xml, ?cmd=id. */
function queryIsSuspicious(v: string): boolean {
  if (QUERY_CHARS.test(v) || v.indexOf('..') >= 0) return true;
  return (
    v.indexOf('/etc/') >= 0 ||
    v.indexOf('/proc/') >= 0 ||
    v.indexOf('169.254.') >= 0 ||
    v.indexOf('100.100.100.200') >= 0 ||
    v.indexOf('metadata.') >= 0 ||
    v.indexOf('.ini') >= 0 ||
    v.indexOf('-INF') >= 0 ||
    v.indexOf('-inf') >= 0 ||
    SHELL_PARAM_ANY_CASE.test(v)
  );
}

/** A referrer's path and query (its scheme and host are skipped before). */
function referrerIsSuspicious(v: string): boolean {
  return QUERY_CHARS.test(v) || v.indexOf('..') >= 0;
}

/** QUERY_CHARS as a table, for gating a value in place (without slicing it first). */
const QUERY_CHAR_TABLE = (() => {
  const table = new Uint8Array(128);
  for (const c of "%'\"<>()$;|`{}\\*!:+@#") table[c.charCodeAt(0)] = 1;
  return table;
})();

/** Same answer as `referrerIsSuspicious(v.slice(from))`, without the slice (most referrers are plain). */
function referrerTailIsSuspicious(v: string, from: number): boolean {
  for (let i = from; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 128 && QUERY_CHAR_TABLE[c] === 1) return true;
    if (c === 46 && v.charCodeAt(i + 1) === 46) return true;
  }
  return false;
}

function agentIsSuspicious(v: string): boolean {
  return AGENT_GATE.test(v);
}

/** Messages of non-HTTP records: only Log4Shell and Shellshock. */
function messageIsSuspicious(v: string): boolean {
  return v.indexOf('${') >= 0 || v.indexOf('()') >= 0 || v.indexOf('%24') >= 0;
}

/** `cmd=` and kin as a parameter name (any case), for the gate. */
const SHELL_PARAM_ANY_CASE = /(?:^|&)(?:cmd|exec|command|execute|shell)=/i;

// ---------------------------------------------------------------------------------------
// Patterns. They run on the decoded, lower-cased value; `\b`, bounded repeats and classes
// that exclude the following delimiter keep each one linear.

interface PatternGroup {
  re: RegExp;
  strength: number;
  weak?: boolean;
  /** The pattern starts with the delimiter before the payload (`=`, `&`...): not shown. */
  lead?: boolean;
  /** A character the pattern cannot match without: the pattern is not run on values lacking it. */
  needs?: string;
}

/** Length of a leading delimiter a pattern matched before the payload itself. */
function leadLength(m: string): number {
  const c = m.charCodeAt(0);
  // = ? & space ' " ( / \ :
  return c === 61 || c === 63 || c === 38 || c === 32 || c === 9 || c === 39 || c === 34 || c === 40 || c === 47 || c === 92 || c === 58
    ? 1
    : 0;
}

const SQLI: PatternGroup[] = [
  {
    strength: 0.8,
    re: new RegExp(
      [
        // UNION [ALL] SELECT followed by what an injection selects (not "union select committee")
        String.raw`\bunion[\s(]{1,20}(?:(?:all|distinct)[\s(]{1,20})?select[\s(]{1,20}(?:\d|null\b|@@|'|"|\*|0x|(?:group_)?concat|char\b|version|user\b|database|schema|[a-z_][\w.]{0,30}\s{0,3},)`,
        // time-based blind
        String.raw`\b(?:sleep|benchmark|pg_sleep)\s{0,4}\(\s{0,4}\d`,
        String.raw`\bwaitfor\s{1,8}delay\s{0,8}'`,
        String.raw`\bdbms_pipe\.receive_message\s{0,4}\(`,
        // error-based extraction and file access
        String.raw`\b(?:extractvalue|updatexml|load_file)\s{0,4}\(`,
        String.raw`\binto\s{1,8}(?:out|dump)file\b`,
        String.raw`\bxp_cmdshell\b`,
        // tautologies after a closing quote: ' or 1=1, ' or 'a'='a, ") or ("1"="1
        String.raw`['"]\s{0,8}\)?\s{0,8}(?:or|and|xor|\|\||&&)\s{1,8}\(?\s{0,8}(['"]?)(\w{1,20})\1\s{0,8}(?:=|<=>|like\b)\s{0,8}\(?\s{0,8}['"]?\2\b`,
        String.raw`['"]\s{0,8}or\s{0,8}(?:''|"")\s{0,4}=`,
        String.raw`['"]\s{0,8}or\s{1,8}true\b`,
        // numeric tautology without quotes: OR 1=1
        String.raw`\b(?:or|and)\s{1,8}(\d{1,10})\s{0,4}=\s{0,4}\3\b`,
        // arithmetic comparisons after a closed value: -1 OR 2+196-196-1=0+0+0+1
        String.raw`['"\d)]\s{0,8}(?:or|and)\s{1,8}\d{1,10}\s{0,4}[-+*\/]\s{0,4}\d[\d\s+*\/-]{0,60}=\s{0,4}\d`,
      ].join('|'),
    ),
  },
  {
    strength: 0.7,
    re: new RegExp(
      [
        String.raw`\binformation_schema\b`,
        // stacked queries: ;DROP TABLE, ;SELECT pg_sleep, ;EXEC master..
        String.raw`;\s{0,8}(?:drop|truncate|alter|create|delete|insert|update|shutdown|exec|execute|declare|select)\s{1,8}(?:table\b|database\b|from\b|into\b|procedure\b|function\b|@|\*|\d|pg_sleep|sleep|master\.|[\w.]{1,64}\s{0,8}(?:\(|set\b|values\b))`,
        String.raw`\bconcat(?:_ws)?\s{0,4}\(\s{0,4}(?:0x|char\s{0,4}\(|@@|\(\s{0,4}select\b)`,
        String.raw`\bchar\s{0,4}\(\s{0,4}\d{1,3}\s{0,4}\)\s{0,4}(?:\+|\|\||,)\s{0,4}char\s{0,4}\(`,
        String.raw`\bcast\s{0,4}\(\s{0,4}0x`,
        String.raw`\bconvert\s{0,4}\(\s{0,4}int\b`,
        // a sub-select: (SELECT ... FROM
        String.raw`\(\s{0,8}select\s[^()]{1,100}\bfrom\b`,
        String.raw`@@(?:version|datadir|hostname)\b`,
        String.raw`\border\s{1,8}by\s{1,8}\d{1,3}\s{0,4}(?:--|#)`,
      ].join('|'),
    ),
  },
  {
    strength: 0.45,
    weak: true,
    re: new RegExp(
      [
        // a quote closed and the rest commented out: admin'--, x' #
        String.raw`['"]\s{0,4}(?:--|#|\/\*)`,
        // a boolean probe after a quote: ' and 1=2
        String.raw`['"]\s{0,8}(?:or|and)\s{1,8}['"]?\w{1,20}['"]?\s{0,4}(?:=|<|>|like\b)`,
        String.raw`;\s{0,4}--`,
        // quotes of both kinds alternating, as fuzzers probe for a breakable string: a'b"c'd"
        String.raw`'\w{0,12}"\w{0,12}'\w{0,12}"|"\w{0,12}'\w{0,12}"\w{0,12}'`,
        // a quote behind a multi-byte lead byte (GBK escaping bypass): %bf%27
        String.raw`\u00bf['"]`,
      ].join('|'),
    ),
  },
];

const XSS: PatternGroup[] = [
  {
    strength: 0.75,
    re: new RegExp(
      [
        String.raw`<\/?script\b`,
        // an event handler inside a tag: <img src=x onerror=, <svg/onload=, <body onload=
        String.raw`<[a-z][^<>]{0,200}?[\s\/"'\x60]on[a-z]{3,30}\s{0,8}=`,
        // a javascript: URL that calls or assigns something (not "javascript: the good parts")
        String.raw`\bjavascript\s{0,4}:(?!\s{0,4}void\s{0,4}\(\s{0,4}0\s{0,4}\))[^\s]{0,60}?[(=\x60]`,
        String.raw`\bdocument\s{0,4}\.\s{0,4}(?:cookie\b|domain\b|location\s{0,4}=|write\s{0,4}\()`,
        // breaking out of an attribute into an event handler: "onmouseover=
        String.raw`["'\/]\s{0,4}on(?:mouse[a-z]{2,5}|load|error|focus|blur|click|dblclick|key(?:up|down|press)|change|submit|input|toggle|begin|end|wheel|drag[a-z]{0,5}|drop|copy|cut|paste|scroll|resize|select|show|start|unload|beforeunload|hashchange|message|pageshow|popstate|pointer[a-z]{2,5}|animation[a-z]{3,9}|transition[a-z]{3,6}|touch[a-z]{3,6}|auxclick|contextmenu)\s{0,8}=`,
        String.raw`<(?:iframe|frame|object|embed|applet|base|meta|form|math|link)\b[^<>]{0,200}?(?:src|href|data|action|content|formaction)\s{0,4}=\s{0,4}['"]?\s{0,4}(?:javascript|vbscript|data)\s{0,4}:`,
      ].join('|'),
    ),
  },
  {
    strength: 0.65,
    re: new RegExp(
      [
        String.raw`\b(?:alert|prompt|confirm)\s{0,4}(?:\(|\x60)\s{0,4}(?:\d|['"\x60]|document\b|window\b|\/|string\.fromcharcode)`,
        String.raw`\bstring\.fromcharcode\s{0,4}\(`,
        String.raw`\bvbscript\s{0,4}:`,
        String.raw`<(?:iframe|frame|object|embed|applet|svg|math)\b`,
      ].join('|'),
    ),
  },
  {
    strength: 0.45,
    weak: true,
    // breaking out of an attribute into a new tag: "><img, '></a><
    re: /['"]\s{0,4}\/?>\s{0,4}<[a-z!\/]/,
  },
];

/** A sensitive file reached by traversal or named outright: /etc/passwd, win.ini... */
const TRAVERSAL_TARGET =
  /(?:^|[\/\\=:'"\s])(?:etc[\/\\]{1,4}(?:\.[\/\\]{1,4}){0,4}(?:passwd|shadow|master\.passwd|security[\/\\]{1,4}passwd)\b|proc[\/\\]{1,4}self[\/\\]{1,4}(?:environ|cmdline|maps|fd[\/\\])|(?:boot|win|system)\.ini\b|(?:windows|winnt)[\/\\]{1,4}(?:system32[\/\\]|win\.ini)|web-inf[\/\\]{1,4}web\.xml\b)/;
/** Two or more `../` steps (also `..\`, `..;/`, with `./` in between). */
const TRAVERSAL_REPEAT = /\.\.[\/\\;]{1,4}(?:\.[\/\\]{1,4}){0,4}\.\.[\/\\;]/;
const TRAVERSAL_SINGLE = /\.\.[\/\\]/;
/** In the raw value: a traversal step written encoded (..%2f, %2e%2e/, ..%5c, %c0%af). */
const ENCODED_TRAVERSAL_RAW = /%2e|%2f|%5c|%c0%a[ef]|%c1%9c|%u002e|%u2215|%u2216/i;

const LFI: PatternGroup[] = [
  { strength: 0.85, lead: true, re: /(?:^|[=?&\s'"(])(?:php:\/\/(?:filter|input|fd|memory|temp)|expect:\/\/)/ },
  {
    strength: 0.75,
    lead: true,
    re: /(?:^|[=?&\s'"(])(?:file:\/\/|zip:\/\/|phar:\/\/|glob:\/\/|compress\.(?:zlib|bzip2):\/\/|php:\/\/|data:(?:\/\/|[\w\/+.-]{0,40};base64,|text\/plain,))/,
  },
];

/** A remote URL as a parameter value, cut short with `?` or NUL so nothing is appended. */
const RFI = /(?:^|[=?&])\s{0,4}(?:https?|ftps?):\/\/[^\s&#?\0]{1,200}(?:\?\s{0,4}(?=$|&|\0)|\0|\.txt(?=$|&))/;

const CMDI: PatternGroup[] = [
  {
    strength: 0.9,
    re: new RegExp(
      [
        String.raw`\/bin\/(?:ba|z|da|k|c|tc)?sh\b`,
        String.raw`\/dev\/(?:tcp|udp)\/`,
        String.raw`\bn(?:c|cat|etcat)\s{1,8}(?:-[a-z]{1,4}\s{1,8}){0,4}-[a-z]{0,3}e\s`,
        String.raw`\$\{ifs\}`,
        String.raw`\bpowershell(?:\.exe)?\s{1,8}-(?:e|en|enc|encodedcommand|nop|noprofile|w|c)\b`,
        String.raw`\bcmd(?:\.exe)?\s{1,4}\/c\s`,
      ].join('|'),
    ),
  },
  {
    strength: 0.9,
    // a download piped into a shell; it scans up to 200 characters for the pipe after each
    // curl/wget, so it only runs on values that have one
    re: /\b(?:curl|wget)\s[^|;&\n]{1,200}\|\s{0,4}(?:ba|z|da)?sh\b/,
    needs: '|',
  },
  {
    strength: 0.8,
    // a shell separator (; | ` newline && $( ) then a command an attacker runs first
    re: new RegExp(
      [
        // commands that are not English words need no argument; those that are (cat, sleep,
        // echo, ping, rm) need one that looks like a command line: "; sleep well" is prose
        String.raw`(?:[;|\x60\n\r]|&&|\$\()\s{0,8}(?:\/(?:usr\/)?s?bin\/)?(?:(?:ls|id|uname|whoami|wget|curl|nc|ncat|netcat|bash|sh|zsh|nslookup|ifconfig|ipconfig|systeminfo|pwd|busybox|tftp|powershell|cmd|chmod|python[23]?|perl)(?![\w=.\/-])|cat\s{1,8}[\/.~$]|sleep\s{1,4}\d|echo\s{1,8}['"$\d]|ping\s{1,8}(?:-[a-z]|\d)|rm\s{1,8}-[rf])`,
        // a lone & also separates commands, but in queries it separates parameters and in
        // prose it joins words: only commands no sentence uses
        String.raw`&\s{0,8}(?:(?:nslookup|wget|curl)\s{1,8}[-\w.\/]|(?:uname|whoami|ipconfig|ifconfig)\b|ping\s{1,8}-[a-z]|cat\s{1,8}\/)`,
      ].join('|'),
    ),
  },
  {
    strength: 0.7,
    // code injection probes (PHP, ASP, templates): the server runs the attacker's code
    re: new RegExp(
      [
        String.raw`\b(?:system|passthru|shell_exec|popen|proc_open|pcntl_exec)\s{0,4}\(\s{0,4}['"$]`,
        String.raw`\beval\s{0,4}\(\s{0,4}(?:\$|base64_decode|gzinflate|str_rot13|['"])`,
        String.raw`\bphpinfo\s{0,4}\(\s{0,4}\)`,
        String.raw`\bprint\s{0,4}\(\s{0,4}md5\s{0,4}\(`,
        String.raw`\b(?:file_put_contents|base64_decode)\s{0,4}\(`,
        // ASP and template/expression injection probes: response.write(9*9), {{7*7}}, ${7*7}
        String.raw`\bresponse\s{0,4}\.\s{0,4}write\s{0,4}\(`,
        String.raw`\{\{\s{0,4}\d{1,12}\s{0,4}[*+]\s{0,4}\d{1,12}\s{0,4}\}\}`,
        String.raw`\$\{\s{0,4}\d{1,12}\s{0,4}[*+]\s{0,4}\d{1,12}\s{0,4}\}`,
      ].join('|'),
    ),
  },
];

const JNDI = /\$\{\s{0,8}jndi\s{0,8}:/;
/** Log4j lookups that only an injection puts in a request: ${env:..}, ${lower:..}, ${::-j}. */
const LOG4J_LOOKUP =
  /\$\{\s{0,8}(?:env|sys|java|lower|upper|date|main|bundle|ctx|sd|map|marker|spring|k8s|docker|log4j|base64|web|jvmrunargs|event)\s{0,8}:|\$\{\s{0,8}:{1,2}-/;
/** Innermost Log4j lookup (no nested `${`, `}`). */
const INNER_LOOKUP = /\$\{([^${}]{0,200})\}/g;

/** `() {` at the start of a value, or followed by the classic `:;};` / `_; } >` bodies. */
const SHELLSHOCK = /^\s{0,8}['"]?\(\)\s{0,8}\{|\(\)\s{0,8}\{(?:\s{0,8}:\s{0,4};|[^}]{0,40}\}\s{0,8}[;>])/;

const SSRF: PatternGroup[] = [
  {
    strength: 0.85,
    re: /169\.254\.169\.254|\bmetadata\.google\.internal\b|\b100\.100\.100\.200\b|\[?fd00:ec2::254\]?|169\.254\.170\.2\b|\bmetadata\.azure\.com\b|\/\/(?:0x)?a9fea9fe\b|\/\/2852039166\b/,
  },
  { strength: 0.75, lead: true, re: /(?:^|[=?&])\s{0,4}(?:gopher|dict):\/\// },
];

/** Well-known webshell file names (checked on the last path segment). */
const WEBSHELL_NAME =
  /\/(?:c99|c99shell|c100|r57|r57shell|wso|wso2|wso25|b374k[\w.-]{0,20}|alfa(?:rex|shell|-shell|-rex)?|shell|cmd|cmdshell|webshell|indoxploit|priv8|k2ll33d|leafmailer)\.(?:php\d?|phtml|aspx?|ashx|jsp|jspx|cfm)$|\/(?:alfacgiapi|alfa_data)\/|b374k/i;
/** A script in WordPress's upload folder, where only media belongs. */
const UPLOADED_SCRIPT = /\/wp-content\/uploads\/[^?#]{0,300}\.(?:php\d?|phtml|pht|phar)$/i;
/** A command passed to a shell parameter: cmd=id, exec=whoami, cmd=cat /etc/passwd. */
const SHELL_PARAM_COMMAND =
  /(?:^|&)(?:cmd|exec|command|execute|shell)=\s{0,4}(?:cat|ls|id|uname|whoami|wget|curl|nc|bash|sh|ping|dir|type|ipconfig|net|echo|pwd|ps|cd|powershell|python|perl|ifconfig|systeminfo)(?![\w.=-])/;
const SHELL_PARAM = /(?:^|&)(?:cmd|exec|command|execute)=/;

// ---------------------------------------------------------------------------------------
// Decoding

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** The byte of a `%XX` at i, or -1. */
function percentByte(s: string, i: number): number {
  if (i + 2 >= s.length || s.charCodeAt(i) !== 37) return -1;
  const h = hexValue(s.charCodeAt(i + 1));
  const l = hexValue(s.charCodeAt(i + 2));
  return h < 0 || l < 0 ? -1 : (h << 4) | l;
}

const NAMED_ENTITIES: Record<string, number> = {
  lt: 60,
  gt: 62,
  quot: 34,
  apos: 39,
  amp: 38,
  colon: 58,
  lpar: 40,
  rpar: 41,
  sol: 47,
  bsol: 92,
  semi: 59,
  equals: 61,
  grave: 96,
  tab: 9,
  newline: 10,
  nbsp: 32,
};

interface Decoded {
  /** Code point (BMP only matters here). */
  code: number;
  /** Source characters consumed. */
  length: number;
}

const scratch: Decoded = { code: 0, length: 0 };

/** `%XX`, `%uXXXX`, and UTF-8 sequences of two or three bytes (overlong ones too: %c0%af). */
function decodePercent(s: string, i: number, out: Decoded): boolean {
  const n = s.length;
  if (i + 5 < n && (s.charCodeAt(i + 1) | 32) === 117) {
    // %uXXXX (IIS)
    let v = 0;
    for (let k = 2; k < 6; k++) {
      const h = hexValue(s.charCodeAt(i + k));
      if (h < 0) {
        v = -1;
        break;
      }
      v = (v << 4) | h;
    }
    if (v >= 0) {
      out.code = v;
      out.length = 6;
      return true;
    }
  }
  const b = percentByte(s, i);
  if (b < 0) return false;
  if (b >= 0xc0 && b < 0xf0) {
    const b2 = percentByte(s, i + 3);
    if (b2 >= 0x80 && b2 < 0xc0) {
      if (b < 0xe0) {
        out.code = ((b & 0x1f) << 6) | (b2 & 0x3f);
        out.length = 6;
        return true;
      }
      const b3 = percentByte(s, i + 6);
      if (b3 >= 0x80 && b3 < 0xc0) {
        out.code = ((b & 0x0f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
        out.length = 9;
        return true;
      }
    }
  }
  out.code = b;
  out.length = 3;
  return true;
}

/** `&lt;`, `&#60;`, `&#x3c;` (numeric ones with or without `;`, as browsers read them). */
function decodeEntity(s: string, i: number, out: Decoded): boolean {
  const n = s.length;
  if (s.charCodeAt(i + 1) === 35) {
    let j = i + 2;
    const hex = (s.charCodeAt(j) | 32) === 120;
    if (hex) j++;
    let v = 0;
    const start = j;
    while (j < n && j - start < 8) {
      const c = s.charCodeAt(j);
      const d = hex ? hexValue(c) : c >= 48 && c <= 57 ? c - 48 : -1;
      if (d < 0) break;
      v = v * (hex ? 16 : 10) + d;
      j++;
    }
    if (j === start || v > 0x10ffff) return false;
    if (s.charCodeAt(j) === 59) j++;
    out.code = v;
    out.length = j - i;
    return true;
  }
  let j = i + 1;
  while (j < n && j - i <= 8) {
    const c = s.charCodeAt(j) | 32;
    if (c < 97 || c > 122) break;
    j++;
  }
  if (s.charCodeAt(j) !== 59 || j === i + 1) return false;
  const code = NAMED_ENTITIES[s.slice(i + 1, j).toLowerCase()];
  if (code === undefined) return false;
  out.code = code;
  out.length = j + 1 - i;
  return true;
}

/**
 * One round of decoding: `%XX`, `%uXXXX`, UTF-8 sequences, `+` as a space (queries), HTML
 * entities. Full-width forms (＜ U+FF1C ...) fold to ASCII, as some filters forget.
 * `map`, when given (length ≥ s.length + 1), receives for each output character the index
 * of its first source character, plus a final entry for the end. Decoding never makes a
 * value longer, so the map always fits.
 */
function decodeOnce(s: string, plusIsSpace: boolean, map: Int32Array | null): string {
  const n = s.length;
  let out = '';
  let runStart = 0;
  let o = 0;
  for (let i = 0; i < n; ) {
    const c = s.charCodeAt(i);
    let ok = false;
    if (c === 37) ok = decodePercent(s, i, scratch);
    else if (c === 43 && plusIsSpace) {
      scratch.code = 32;
      scratch.length = 1;
      ok = true;
    } else if (c === 38) ok = decodeEntity(s, i, scratch);
    else if (c === 92) ok = decodeBackslash(s, i, scratch);
    if (!ok) {
      if (map) map[o] = i;
      o++;
      i++;
      continue;
    }
    let code = scratch.code;
    if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0;
    // astral code points (only numeric entities reach them) are not payload characters
    if (code > 0xffff) code = 0xfffd;
    out += s.slice(runStart, i) + String.fromCharCode(code);
    if (map) map[o] = i;
    o++;
    i += scratch.length;
    runStart = i;
  }
  if (map) map[o] = n;
  return runStart === 0 ? s : out + s.slice(runStart);
}

/**
 * SQL comments used as spaces or to hide keywords (/​**​/, /​*!50000 ... *​/) become one
 * space. Same map convention as decodeOnce.
 */
function stripComments(s: string, map: Int32Array | null): string {
  const n = s.length;
  let out = '';
  let runStart = 0;
  let o = 0;
  for (let i = 0; i < n; ) {
    const c = s.charCodeAt(i);
    let skip = 0;
    if (c === 47 && s.charCodeAt(i + 1) === 42) {
      // "/*!50000" opens a versioned comment whose content runs; "/* ... */" is removed
      if (s.charCodeAt(i + 2) === 33) {
        skip = 3;
        while (skip < 8 && s.charCodeAt(i + skip) >= 48 && s.charCodeAt(i + skip) <= 57) skip++;
      } else {
        const close = s.indexOf('*/', i + 2);
        skip = close >= 0 && close - i <= 64 ? close + 2 - i : 2;
      }
    } else if (c === 42 && s.charCodeAt(i + 1) === 47) skip = 2;
    if (map) map[o] = i;
    o++;
    if (skip === 0) {
      i++;
      continue;
    }
    out += s.slice(runStart, i) + ' ';
    i += skip;
    runStart = i;
  }
  if (map) map[o] = n;
  return runStart === 0 ? s : out + s.slice(runStart);
}

function needsDecoding(s: string, plusIsSpace: boolean): boolean {
  return s.indexOf('%') >= 0 || s.indexOf('&') >= 0 || s.indexOf('\\') >= 0 || (plusIsSpace && s.indexOf('+') >= 0);
}

/** JavaScript escapes `\u003c` and `\x3c` (payloads written for a script context). */
function decodeBackslash(s: string, i: number, out: Decoded): boolean {
  const kind = s.charCodeAt(i + 1) | 32;
  const digits = kind === 117 ? 4 : kind === 120 ? 2 : 0; // u, x
  if (digits === 0 || i + 1 + digits >= s.length) return false;
  let v = 0;
  for (let k = 0; k < digits; k++) {
    const h = hexValue(s.charCodeAt(i + 2 + k));
    if (h < 0) return false;
    v = (v << 4) | h;
  }
  out.code = v;
  out.length = 2 + digits;
  return true;
}

interface Normalized {
  /** Decoded, case kept (for excerpts). */
  decoded: string;
  /** Decoded and lower-cased (for matching); same length as `decoded`. */
  lower: string;
  /** Output index → raw index (when asked for); one entry more than `decoded` has characters. */
  map: Int32Array | null;
}

/**
 * Decodes up to `rounds` times (attackers double- and triple-encode), then folds SQL comments
 * and case. With `withMap` it also tracks where each decoded character came from.
 */
function normalize(raw: string, plusIsSpace: boolean, rounds: number, withMap: boolean): Normalized {
  let s = raw;
  let map: Int32Array | null = null;
  let step: Int32Array | null = null;
  if (withMap) {
    map = new Int32Array(raw.length + 1);
    for (let i = 0; i <= raw.length; i++) map[i] = i;
    step = new Int32Array(raw.length + 1);
  }
  // `+` means a space only as written: a `+` that decoding produced (%2b) is a plus
  for (let round = 0; round < rounds && needsDecoding(s, plusIsSpace && round === 0); round++) {
    const next = decodeOnce(s, plusIsSpace && round === 0, step);
    if (next === s) break;
    if (map && step) compose(map, step, next.length + 1);
    s = next;
  }
  if (s.indexOf('/*') >= 0 || s.indexOf('*/') >= 0) {
    const next = stripComments(s, step);
    if (map && step) compose(map, step, next.length + 1);
    s = next;
  }
  let lower = s.toLowerCase();
  if (lower.length !== s.length) lower = asciiLower(s);
  return { decoded: s, lower, map };
}

/** map[i] ← map[step[i]] for the first `count` entries; in place, as step[i] ≥ i (decoding only shrinks). */
function compose(map: Int32Array, step: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) map[i] = map[step[i]];
}

function asciiLower(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : s[i];
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Matching

/** A match inside one field's normalized value (or, with `raw`, inside the raw value). */
interface Hit {
  subtype: WebAttackSubtype;
  field: WebAttackField;
  start: number;
  end: number;
  strength: number;
  weak: boolean;
  /** Offsets are on the raw value (no decoding involved). */
  raw: boolean;
  /** Where in the field's raw value the scanned part starts (referrers skip scheme and host). */
  from: number;
  excerpt: string;
}

/** Which subtypes are looked for in which field. */
const FIELD_SUBTYPES: Record<WebAttackField, ReadonlySet<WebAttackSubtype>> = {
  path: new Set(['sqli', 'xss', 'traversal', 'cmdi', 'log4shell', 'shellshock', 'ssrf']),
  query: new Set(['sqli', 'xss', 'traversal', 'lfi', 'rfi', 'cmdi', 'log4shell', 'shellshock', 'ssrf', 'webshell']),
  'user-agent': new Set(['sqli', 'xss', 'traversal', 'cmdi', 'log4shell', 'shellshock']),
  referrer: new Set(['sqli', 'xss', 'traversal', 'cmdi', 'log4shell', 'shellshock']),
  message: new Set(['log4shell', 'shellshock']),
};

/** The decoded payload, copied out of the line it came from (findings and caches keep it). */
function excerptOf(decoded: string, start: number, end: number): string {
  const to = Math.min(end, start + EXCERPT_MAX);
  let s = copyString(decoded.slice(start, to));
  // control characters (a decoded %00 or %0a) are shown escaped, never raw
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(s)) {
    // eslint-disable-next-line no-control-regex
    s = s.replace(/[\x00-\x1f\x7f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
    if (s.length > EXCERPT_MAX) s = s.slice(0, EXCERPT_MAX);
  }
  return s;
}

function firstOf(groups: PatternGroup[], lower: string): { m: RegExpExecArray; g: PatternGroup } | null {
  for (const g of groups) {
    if (g.needs !== undefined && !lower.includes(g.needs)) continue;
    const m = g.re.exec(lower);
    if (m) return { m, g };
  }
  return null;
}

/** Extent of a `${ ... }` expression starting at `start` (brace-balanced, capped). */
function lookupEnd(s: string, start: number): number {
  let depth = 0;
  const limit = Math.min(s.length, start + LOOKUP_WINDOW);
  for (let i = start; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i + 1;
  }
  return limit;
}

/**
 * Resolves the lookups obfuscation hides `${jndi:` behind (`${lower:j}`, `${::-j}`,
 * `${env:X:-j}`, `${upper:..}`) and says whether the result is a JNDI lookup.
 */
function resolvesToJndi(expr: string): boolean {
  let s = expr;
  // each pass resolves the innermost level; real obfuscation nests a few levels at most
  for (let pass = 0; pass < 12; pass++) {
    let changed = false;
    let jndi = false;
    s = s.replace(INNER_LOOKUP, (_all, body: string) => {
      const b = body.trim();
      if (/^jndi\s{0,8}:/.test(b)) {
        jndi = true;
        return '';
      }
      changed = true;
      const dflt = b.indexOf(':-');
      if (dflt >= 0) return b.slice(dflt + 2);
      const colon = b.indexOf(':');
      if (colon >= 0) {
        const prefix = b.slice(0, colon);
        if (prefix === 'lower' || prefix === 'upper') return b.slice(colon + 1);
        if (prefix === 'date') return b.slice(colon + 1).replace(/'/g, '');
      }
      // an unknown lookup (${env:AWS_SECRET}) resolves to some text
      return 'x';
    });
    if (jndi) return true;
    if (!changed) break;
    if (JNDI.test(s)) return true;
  }
  return false;
}

function matchLog4j(lower: string, decoded: string, field: WebAttackField, out: Hit[]): void {
  const first = lower.indexOf('${');
  if (first < 0) return;
  const direct = JNDI.exec(lower);
  if (direct) {
    const end = lookupEnd(lower, direct.index);
    out.push(hit('log4shell', field, direct.index, end, 0.95, false, decoded));
    return;
  }
  const lookup = LOG4J_LOOKUP.exec(lower);
  if (!lookup) return;
  // resolve the expression around the first suspicious lookup: find the `${` that opens it
  let open = lookup.index;
  for (let i = lookup.index - 1; i >= 0 && lookup.index - i < LOOKUP_WINDOW; i--) {
    if (lower.charCodeAt(i) === 123 && lower.charCodeAt(i - 1) === 36) open = i - 1;
    else if (lower.charCodeAt(i) === 125) break;
  }
  const end = lookupEnd(lower, open);
  const jndi = resolvesToJndi(lower.slice(open, end));
  out.push(hit('log4shell', field, open, end, jndi ? 0.95 : 0.7, false, decoded));
}

function hit(
  subtype: WebAttackSubtype,
  field: WebAttackField,
  start: number,
  end: number,
  strength: number,
  weak: boolean,
  decoded: string,
  raw = false,
): Hit {
  return { subtype, field, start, end, strength, weak, raw, from: 0, excerpt: excerptOf(decoded, start, end) };
}

function pushGroupHit(
  subtype: WebAttackSubtype,
  groups: PatternGroup[],
  n: Normalized,
  field: WebAttackField,
  out: Hit[],
): void {
  const found = firstOf(groups, n.lower);
  if (!found) return;
  const { m, g } = found;
  const start = g.lead ? m.index + leadLength(m[0]) : m.index;
  out.push(hit(subtype, field, start, m.index + m[0].length, g.strength, g.weak === true, n.decoded));
}

/** Matches one normalized field value. `rawValue` is the undecoded value. */
function matchValue(n: Normalized, field: WebAttackField, rawValue: string, out: Hit[]): void {
  const want = FIELD_SUBTYPES[field];
  const lower = n.lower;
  if (want.has('log4shell')) matchLog4j(lower, n.decoded, field, out);
  if (want.has('shellshock')) {
    const m = SHELLSHOCK.exec(lower);
    if (m) {
      // the function definition and the command after it are the payload: to the value's end
      const start = lower.indexOf('(', m.index);
      out.push(hit('shellshock', field, start, Math.min(lower.length, start + EXCERPT_MAX), 0.95, false, n.decoded));
    }
  }
  if (field === 'message') return;
  pushGroupHit('sqli', SQLI, n, field, out);
  pushGroupHit('xss', XSS, n, field, out);
  matchTraversal(n, field, rawValue, out);
  if (want.has('lfi')) pushGroupHit('lfi', LFI, n, field, out);
  if (want.has('rfi')) {
    const m = RFI.exec(lower);
    if (m) {
      // cut short (?, NUL) and a .txt shell is the classic; a bare .txt URL is less sure
      const cut = /[?\0]$/.test(m[0]);
      const strength = cut ? (m[0].indexOf('.txt') >= 0 ? 0.8 : 0.7) : 0.6;
      out.push(hit('rfi', field, m.index + leadLength(m[0]), m.index + m[0].length, strength, false, n.decoded));
    }
  }
  pushGroupHit('cmdi', CMDI, n, field, out);
  if (want.has('ssrf')) pushGroupHit('ssrf', SSRF, n, field, out);
  if (want.has('webshell')) {
    const m = SHELL_PARAM_COMMAND.exec(lower);
    if (m) out.push(hit('webshell', field, m.index + leadLength(m[0]), m.index + m[0].length, 0.85, false, n.decoded));
  }
}

function matchTraversal(n: Normalized, field: WebAttackField, rawValue: string, out: Hit[]): void {
  const lower = n.lower;
  let m = TRAVERSAL_TARGET.exec(lower);
  if (m) {
    // the match may start with the delimiter before the target; show from the target on,
    // or from the start of the traversal run (../../) just before it
    let start = m.index + leadLength(m[0]);
    let p = start;
    while (p > 0 && start - p < 256) {
      const c = lower.charCodeAt(p - 1);
      if (c !== 46 && c !== 47 && c !== 92) break;
      p--;
    }
    while (p < start && lower.charCodeAt(p) !== 46) p++;
    if (p < start) start = p;
    out.push(hit('traversal', field, start, m.index + m[0].length, 0.85, false, n.decoded));
    return;
  }
  if (lower.indexOf('..') < 0) return;
  m = TRAVERSAL_REPEAT.exec(lower);
  if (m) {
    out.push(hit('traversal', field, m.index, m.index + m[0].length, 0.7, false, n.decoded));
    return;
  }
  m = TRAVERSAL_SINGLE.exec(lower);
  if (!m) return;
  // one step is a payload only when it was hidden (encoded) or uses Windows separators
  if (ENCODED_TRAVERSAL_RAW.test(rawValue) && rawValue.indexOf('../') < 0) {
    out.push(hit('traversal', field, m.index, m.index + 3, 0.6, false, n.decoded));
  } else if (lower.charCodeAt(m.index + 2) === 92) {
    out.push(hit('traversal', field, m.index, m.index + 3, 0.5, true, n.decoded));
  }
}

/** True when a path ends in a script extension a webshell could have (.php, .asp, .jsp, .alfa). */
function hasScriptExtension(path: string): boolean {
  // the extension is at most 6 characters: look back from the end for the dot
  for (let i = path.length - 1, stop = Math.max(0, path.length - 8); i >= stop; i--) {
    const c = path.charCodeAt(i);
    if (c === 47) return false;
    if (c === 46) {
      const e = path.charCodeAt(i + 1) | 32;
      return e === 112 || e === 97 || e === 106 || e === 99; // p(hp), a(sp), j(sp), c(fm|gi)
    }
  }
  return false;
}

/**
 * What a path says of a webshell by itself: false when it names no script; else the hit on
 * the path (a webshell's name, a script among uploads), or null when only a query can tell
 * (matchWebshellPath). A function of the path alone, so remembered per path: asked of every
 * request for an asset (.css, .js, .png pass the cheap extension test), the two patterns were
 * 3% of the analysing thread's time on the 1M-line bench log.
 */
function webshellPathHit(path: string): Hit | null | false {
  if (!hasScriptExtension(path)) return false;
  let m = WEBSHELL_NAME.exec(path);
  if (m) {
    const start = m[0].charCodeAt(0) === 47 ? m.index + 1 : m.index;
    return hit('webshell', 'path', start, m.index + m[0].length, 0.55, false, path, true);
  }
  m = UPLOADED_SCRIPT.exec(path);
  if (m) return hit('webshell', 'path', m.index, m.index + m[0].length, 0.7, false, path, true);
  return null;
}

/** The webshell hit of a request for a script: its path's (webshellPathHit), else a bare shell parameter in its query. */
function matchWebshellPath(path: string, pathHit: Hit | null, query: string | undefined, out: Hit[]): void {
  if (pathHit !== null) {
    out.push(pathHit);
    return;
  }
  // a bare ?cmd= on a script: a weak sign (some applications name a parameter so)
  if (query !== undefined && SHELL_PARAM.test(query) && !SHELL_PARAM_COMMAND.test(query.toLowerCase())) {
    const slash = path.lastIndexOf('/');
    out.push(hit('webshell', 'path', slash + 1, path.length, 0.5, true, path, true));
  }
}

/** Index where the host part of an absolute referrer ends (its path starts), else 0. */
function referrerPathStart(ref: string): number {
  const scheme = ref.indexOf('://');
  if (scheme < 0 || scheme > 10) return 0;
  const slash = ref.indexOf('/', scheme + 3);
  return slash < 0 ? ref.length : slash;
}

/** Raw value of a field and where in it scanning starts (referrers skip scheme and host). */
function fieldValue(fields: WebAttackFields, field: WebAttackField): { value: string; from: number } | null {
  switch (field) {
    case 'path':
      return fields.path === undefined ? null : { value: fields.path, from: 0 };
    case 'query':
      return fields.query === undefined ? null : { value: fields.query, from: 0 };
    case 'user-agent':
      return fields.userAgent === undefined ? null : { value: fields.userAgent, from: 0 };
    case 'referrer':
      return fields.referrer === undefined ? null : { value: fields.referrer, from: referrerPathStart(fields.referrer) };
    case 'message':
      return fields.message === undefined ? null : { value: fields.message, from: 0 };
  }
}

function isHttp(fields: WebAttackFields): boolean {
  if (fields.kind !== undefined) return fields.kind === 'http';
  return fields.path !== undefined || fields.query !== undefined || fields.userAgent !== undefined || fields.referrer !== undefined;
}

/** Hits per raw value for each field, so repeated values (a page's referrer, a campaign query) are matched once. */
interface ScanCache {
  byField: Map<string, readonly Hit[]>[];
}

/** Values remembered per field; when full the map starts over (cheaper than LRU bookkeeping). */
const CACHE_ENTRIES = 2048;
/**
 * Paths and agents remembered with their verdict, whether or not they passed the gate (by
 * the analyzer's ids; this cap is for detectors made without them). Sites have thousands
 * of distinct paths.
 */
const CANONICAL_CACHE_ENTRIES = 16_384;
/** Referrers remembered (by the reader's ids, or by their text without): a site's own pages, search engines, a few hundred others. */
const REFERRER_CACHE_ENTRIES = 8192;
const NO_HITS: readonly Hit[] = emptyList();

function newScanCache(): ScanCache {
  return { byField: [new Map(), new Map(), new Map(), new Map(), new Map()] };
}

const FIELD_INDEX: Record<WebAttackField, number> = { path: 0, query: 1, 'user-agent': 2, referrer: 3, message: 4 };

/**
 * Gates, decodes and matches one field; appends its hits to `out` (created on the first hit).
 * `from` skips a prefix of the value (a referrer's scheme and host). Hits may be shared
 * through the cache: never change them.
 */
function scanField(
  raw: string | undefined,
  from: number,
  field: WebAttackField,
  gate: (value: string) => boolean,
  plusIsSpace: boolean,
  rounds: number,
  out: Hit[] | null,
  cache: ScanCache | null,
): Hit[] | null {
  if (raw === undefined || raw.length <= from) return out;
  const value = from > 0 ? raw.slice(from) : raw;
  if (!gate(value)) return out;
  const memo = cache ? cache.byField[FIELD_INDEX[field]] : null;
  let found = memo ? memo.get(raw) : undefined;
  if (found === undefined) {
    const hits: Hit[] = emptyList();
    matchValue(normalize(value, plusIsSpace, rounds, false), field, value, hits);
    for (const h of hits) h.from = from;
    found = hits.length > 0 ? hits : NO_HITS;
    if (memo) {
      if (memo.size >= CACHE_ENTRIES) memo.clear();
      memo.set(copyString(raw), found);
    }
  }
  if (found.length === 0) return out;
  if (!out) return found.slice();
  for (const h of found) out.push(h);
  return out;
}

/**
 * scanField for a path or user agent: the verdict is remembered per value (by the analyzer's
 * id when there is one), gated or not — paths and agents repeat all through a log.
 */
function scanRememberedField(
  raw: string | undefined,
  id: number,
  field: WebAttackField,
  gate: (value: string) => boolean,
  rounds: number,
  out: Hit[] | null,
  memo: IdMemo<readonly Hit[]> | null,
): Hit[] | null {
  if (raw === undefined) return out;
  // By id, the verdict is known without reading the string (it misses the cache: a busy log
  // has thousands of paths and agents); the empty string's verdict is no hit either way.
  if (!memo) return raw.length === 0 ? out : scanField(raw, 0, field, gate, false, rounds, out, null);
  return appendHits(out, memo.get(id, raw));
}

/** A referrer's hits, from its path on (scheme and host skipped). */
function scanReferrer(ref: string, rounds: number, out: Hit[] | null, cache: ScanCache | null): Hit[] | null {
  const from = referrerPathStart(ref);
  return referrerTailIsSuspicious(ref, from) ? scanField(ref, from, 'referrer', referrerIsSuspicious, true, rounds, out, cache) : out;
}

/** Remembered hits added to `out` (created when there are any); the remembered list is not changed. */
function appendHits(out: Hit[] | null, found: readonly Hit[]): Hit[] | null {
  if (found.length === 0) return out;
  if (!out) return found.slice();
  for (const h of found) out.push(h);
  return out;
}

/** Remembered verdicts of the paths and agents of one detector. */
interface ScanMemos {
  ids: RecordIds | undefined;
  path: IdMemo<readonly Hit[]>;
  agent: IdMemo<readonly Hit[]>;
  /** webshellPathHit per path. */
  webshell: IdMemo<Hit | null | false>;
  /** Referrers by the reader's ids (RecordIds.referrer), or by their text without. */
  referrer: DirectIdMemo<readonly Hit[]>;
}

function newScanMemos(rounds: number, ids: RecordIds | undefined): ScanMemos {
  const verdict = (field: WebAttackField, gate: (value: string) => boolean) => (raw: string) =>
    scanField(raw, 0, field, gate, false, rounds, null, null) ?? NO_HITS;
  return {
    ids,
    path: new IdMemo(verdict('path', pathIsSuspicious), CANONICAL_CACHE_ENTRIES),
    agent: new IdMemo(verdict('user-agent', agentIsSuspicious), CANONICAL_CACHE_ENTRIES),
    webshell: new IdMemo(webshellPathHit, CANONICAL_CACHE_ENTRIES),
    referrer: new DirectIdMemo((ref: string) => (ref.length > 1 ? scanReferrer(ref, rounds, null, null) : null) ?? NO_HITS, REFERRER_CACHE_ENTRIES, REFERRER_CACHE_ENTRIES),
  };
}

/** All hits on a record, one per (field, subtype); null when there are none. */
function scan(fields: WebAttackFields, rounds: number, cache: ScanCache | null, memos: ScanMemos | null = null): Hit[] | null {
  let out: Hit[] | null = null;
  if (isHttp(fields)) {
    const ids = memos?.ids;
    out = scanRememberedField(fields.path, ids ? ids.path : -1, 'path', pathIsSuspicious, rounds, out, memos ? memos.path : null);
    out = scanField(fields.query, 0, 'query', queryIsSuspicious, true, rounds, out, cache);
    out = scanRememberedField(fields.userAgent, ids ? ids.agent : -1, 'user-agent', agentIsSuspicious, rounds, out, memos ? memos.agent : null);
    const ref = fields.referrer;
    if (ref !== undefined) {
      if (memos) out = appendHits(out, memos.referrer.get(ids ? ids.referrer : -1, ref));
      else if (ref.length > 1) out = scanReferrer(ref, rounds, out, cache);
    }
    const path = fields.path;
    const pathHit = path === undefined ? false : memos ? memos.webshell.get(ids ? ids.path : -1, path) : webshellPathHit(path);
    if (pathHit !== false) {
      const hits: Hit[] = out ?? emptyList();
      matchWebshellPath(path!, pathHit, fields.query, hits);
      if (hits.length > 0) out = hits;
    }
  } else if (fields.message !== undefined) {
    out = scanField(fields.message, 0, 'message', messageIsSuspicious, false, rounds, out, null);
  }
  return out;
}

/** Column where a field's raw value starts on the line, or -1 when it cannot be found. */
function locateField(fields: WebAttackFields, field: WebAttackField, text: string): number {
  switch (field) {
    case 'path': {
      const path = fields.path!;
      if (fields.method) {
        const i = text.indexOf(fields.method + ' ' + path);
        if (i >= 0) return i + fields.method.length + 1;
      }
      const quoted = text.indexOf(' ' + path);
      if (quoted >= 0 && path.length > 1) return quoted + 1;
      return path.length > 1 ? text.indexOf(path) : -1;
    }
    case 'query': {
      const query = fields.query!;
      const p = fields.path !== undefined ? locateField(fields, 'path', text) : -1;
      if (p >= 0 && text.startsWith('?' + query, p + fields.path!.length)) return p + fields.path!.length + 1;
      const i = text.indexOf('?' + query);
      return i >= 0 ? i + 1 : text.indexOf(query);
    }
    case 'user-agent':
      return text.lastIndexOf(fields.userAgent!);
    case 'referrer': {
      const ref = fields.referrer!;
      const i = text.indexOf('"' + ref + '"');
      return i >= 0 ? i + 1 : text.indexOf(ref);
    }
    case 'message':
      return text.lastIndexOf(fields.message!);
  }
}

/** Maps a hit back onto the raw line. */
function spanOf(h: Hit, fields: WebAttackFields, text: string | undefined, rounds: number): [number, number] {
  const fv = fieldValue(fields, h.field)!;
  const from = h.from;
  let start: number;
  let end: number;
  if (h.raw) {
    start = h.start;
    end = h.end;
  } else {
    const value = from > 0 ? fv.value.slice(from) : fv.value;
    const n = normalize(value, h.field === 'query' || h.field === 'referrer', rounds, true);
    const map = n.map!;
    const last = n.decoded.length;
    start = from + map[Math.min(h.start, last)];
    end = from + map[Math.min(h.end, last)];
    if (end <= start) end = Math.min(fv.value.length, start + 1);
  }
  if (text === undefined) return [start, end];
  const at = locateField(fields, h.field, text);
  if (at < 0) return [0, text.length];
  return [at + start, at + end];
}

function toMatch(h: Hit, fields: WebAttackFields, text: string | undefined, rounds: number): WebAttackMatch {
  return {
    subtype: h.subtype,
    field: h.field,
    match: h.excerpt,
    span: spanOf(h, fields, text, rounds),
    strength: h.strength,
    weak: h.weak,
  };
}

/**
 * The attack payloads in one record, for the editor's hover and for tests: one match per
 * (field, subtype), strongest first. `text` is the raw line the spans
 * refer to. Pure: no state, no allocation when nothing suspicious is there.
 */
export function findWebAttack(fields: WebAttackFields, text?: string, decodeRounds = 3): WebAttackMatch[] {
  const rounds = clampRounds(decodeRounds);
  const hits = scan(fields, rounds, null);
  if (!hits) return [];
  return hits.sort((a, b) => b.strength - a.strength).map((h) => toMatch(h, fields, text, rounds));
}

function clampRounds(r: number): number {
  return Number.isFinite(r) ? Math.max(1, Math.min(8, Math.floor(r))) : 3;
}

// ---------------------------------------------------------------------------------------
// The detector

interface SourceState {
  source: string | undefined;
  /** 0-based payload lines, first ones (capped). */
  lines: number[];
  payloadLines: number;
  firstLine: number;
  first: WebAttackMatch;
  /** Payload lines per subtype, in SUBTYPES order. */
  counts: Int32Array;
  maxStrength: number;
  strongestSubtype: WebAttackSubtype;
  anyStrong: boolean;
  /** Payload requests answered 2xx. */
  successes: number;
}

export const createWebAttackDetector: DetectorFactory = (config, ids): Detector => {
  const rounds = clampRounds(config.rules['web-attack'].decodeRounds);
  const maxLines = Math.max(1, config.maxEvidenceLines);
  const bySource = new Map<string, SourceState>();
  const cache = newScanCache();
  const memos = newScanMemos(rounds, ids);

  return {
    rule: 'web-attack',

    observe(record: LogRecord, line: LineText): void {
      if (record.kind === 'meta') return;
      const hits = scan(record, rounds, cache, memos);
      if (!hits) return;
      const status = record.status ?? 0;
      const success = status >= 200 && status < 300;
      const key = record.source ?? '';
      let st = bySource.get(key);
      if (!st) {
        const best = strongest(hits);
        st = {
          source: record.source === undefined ? undefined : copyString(record.source),
          lines: [],
          payloadLines: 0,
          firstLine: record.line,
          first: toMatch(best, record, line.text, rounds),
          counts: new Int32Array(SUBTYPES.length),
          maxStrength: 0,
          strongestSubtype: best.subtype,
          anyStrong: false,
          successes: 0,
        };
        bySource.set(key, st);
      }
      st.payloadLines++;
      if (st.lines.length < maxLines) st.lines.push(record.line);
      if (success) st.successes++;
      let seen = 0;
      for (const h of hits) {
        const idx = SUBTYPES.indexOf(h.subtype);
        if (!(seen & (1 << idx))) {
          seen |= 1 << idx;
          st.counts[idx]++;
        }
        // a webshell that answers 2xx is worse than a name that 404s
        const strength = h.subtype === 'webshell' && success && !h.weak ? Math.max(h.strength, WEBSHELL_ANSWERED) : h.strength;
        if (strength > st.maxStrength) {
          st.maxStrength = strength;
          st.strongestSubtype = h.subtype;
        }
        if (!h.weak) st.anyStrong = true;
      }
    },

    finish(ctx: DetectorContext): Finding[] {
      const findings: Finding[] = [];
      for (const st of bySource.values()) {
        if (st.source !== undefined && ctx.isAllowed(st.source)) continue;
        findings.push(makeFinding(draftOf(st), ctx.file, ctx.config.maxEvidenceLines));
      }
      return findings;
    },
  };
};

function strongest(hits: Hit[]): Hit {
  let best = hits[0];
  for (const h of hits) if (h.strength > best.strength) best = h;
  return best;
}

/** Reads a source's state (never changes it) into a finding draft. */
function draftOf(st: SourceState) {
  const subtypes: WebAttackSubtype[] = [];
  const counts: number[] = [];
  for (let i = 0; i < SUBTYPES.length; i++) {
    if (st.counts[i] > 0) {
      subtypes.push(SUBTYPES[i]);
      counts.push(st.counts[i]);
    }
  }
  const base = st.maxStrength;
  // 4 more payload lines or 2 more subtypes give ~63% of their share of the remaining gap
  const boost =
    0.4 * saturate(st.payloadLines - 1, 4) + 0.3 * saturate(subtypes.length - 1, 2) + (st.successes > 0 ? 0.3 : 0);
  let confidence = base + (1 - base) * Math.min(1, boost);
  if (!st.anyStrong) confidence = Math.min(WEAK_ONLY_CAP, confidence * 0.85);

  const who = st.source ?? 'an unknown source';
  const label = SUBTYPE_LABEL[st.strongestSubtype];
  const others = subtypes.filter((s) => s !== st.strongestSubtype);
  const title = `${label}${others.length ? ` (+${others.map((s) => SUBTYPE_LABEL[s]).join(', ')})` : ''} from ${who}`;
  const perType = subtypes.map((s, i) => `${s} ×${counts[i]}`).join(', ');
  const fieldName = st.first.field === 'user-agent' ? 'user agent' : st.first.field;
  const answered = st.successes > 0 ? `; ${st.successes} answered 2xx (possible success)` : '';
  const message =
    `${st.payloadLines} request${st.payloadLines === 1 ? '' : 's'} with attack payloads from ${who} (${perType}); ` +
    `first on line ${st.firstLine + 1} in the ${fieldName}: ${st.first.match}${answered}`;
  const attack = subtypes.includes('webshell')
    ? subtypes.length === 1
      ? ['T1505.003', 'T1190']
      : ['T1190', 'T1505.003']
    : ['T1190'];
  const evidence: Record<string, EvidenceValue> = {
    subtypes,
    subtypeCounts: counts,
    payloadLines: st.payloadLines,
    successResponses: st.successes,
    excerpt: st.first.match,
    field: st.first.field,
    span: [st.first.span[0], st.first.span[1]],
    strongestSubtype: st.strongestSubtype,
    onlyWeakSignals: !st.anyStrong,
  };
  return {
    rule: 'web-attack' as const,
    title,
    confidence,
    attack,
    source: st.source,
    primaryLine: st.firstLine,
    evidenceLines: st.lines,
    message,
    evidence,
  };
}
