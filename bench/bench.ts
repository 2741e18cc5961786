/**
 * `npm run bench`: Log Warden against the floor and GoAccess on the same generated logs,
 * interleaved over several rounds in separate processes, on this machine, in one run.
 *
 *   npm run bench                      1M-line combined log + 1M-line auth.log, editor figures
 *   npm run bench -- --large           also the 5M-line (~1.3 GB) log, and the check that its
 *                                      findings name the same attack sources as the 1M file's
 *   npm run bench -- --rounds 5 --no-goaccess --no-editor
 *
 * (a) the floor: a plain Node reader that streams the file, splits lines and applies one
 *     precompiled regex (bench/floor.ts), no detection at all;
 * (b) `node dist/cli.js analyze --format json FILE > /dev/null`: every rule, Isolation Forest
 *     included;
 * (c) GoAccess on the same file, JSON report, when `goaccess` is on the PATH.
 * Also (b) with every rule turned off in a settings file, on the 1M-line combined log: the
 * reading, parsing and per-source profiles alone — what the rules and findings add is the
 * difference to (b).
 * Times are wall-clock medians measured here; peak RSS comes from /usr/bin/time. Other work
 * on the machine moves all three alike, which is why they are interleaved and compared as
 * ratios within the run.
 *
 * The editor figure: the language server's DocumentAnalysis on a 200K-line document, then a
 * 1,000-line append to it (which only feeds the new lines to the kept detector state), in
 * EDITOR_RUNS_PER_ROUND child processes a round; medians over all of them.
 *
 * The input files are generated once into .bench/ (git-ignored) and reused.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { AUTH_1M, COMBINED_1M, COMBINED_5M, ensureFile, ensureHead, type CorpusFile } from './corpus';
import { runEditorFigure, type EditorFigure } from './editorFigure';
import { RULE_IDS } from '../server/src/engine/rules';

const ROOT = path.resolve(__dirname, '..');
const BENCH_DIR = path.join(ROOT, '.bench');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FLOOR = path.join(ROOT, 'dist', 'bench-floor.js');
const EDITOR_LINES = 200_000;
const APPEND_LINES = 1_000;
/**
 * Editor children per round: one child's first append varies ±15% from run to run, and the
 * figure sits near its goal, so the median is taken over more of them.
 */
const EDITOR_RUNS_PER_ROUND = 3;

type Tool = 'floor' | 'logwarden' | 'rules-off' | 'goaccess';

interface Job {
  label: string;
  tool: Tool;
  file: CorpusFile | { name: string; path: string; lines: number; bytes: number };
  command: string;
  args: string[];
  walls: number[];
  rss: number[];
}

function main(): void {
  if (process.argv[2] === '--editor-child') {
    void runEditorFigure(process.argv[3], Number(process.argv[4]), Number(process.argv[5])).then((figure) => {
      process.stdout.write(JSON.stringify(figure) + '\n');
    });
    return;
  }
  const { values } = parseArgs({
    options: {
      large: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '3' },
      'no-goaccess': { type: 'boolean', default: false },
      'no-editor': { type: 'boolean', default: false },
    },
  });
  const rounds = Math.max(1, Number(values.rounds) || 3);
  const say = (s: string) => process.stdout.write(s + '\n');
  if (!fs.existsSync(CLI) || !fs.existsSync(FLOOR)) throw new Error('dist/cli.js or dist/bench-floor.js missing: run `node esbuild.mjs` (npm run bench does)');

  say(`Log Warden bench — node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${loadAverage()}`);
  const combined = ensureFile(BENCH_DIR, COMBINED_1M, say);
  const auth = ensureFile(BENCH_DIR, AUTH_1M, say);
  const large = values.large ? ensureFile(BENCH_DIR, COMBINED_5M, say) : undefined;
  const editorDoc = ensureHead(BENCH_DIR, combined, 'combined-200k.log', EDITOR_LINES);

  const goaccess = values['no-goaccess'] ? undefined : findGoAccess();
  if (!values['no-goaccess'] && !goaccess) say('GoAccess: not on the PATH (Debian/Ubuntu: apt-get install goaccess) — its column is skipped.');
  const timeTool = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  if (!timeTool) say('/usr/bin/time not found: peak RSS is not measured.');

  const jobs: Job[] = [];
  const add = (label: string, tool: Tool, file: Job['file'], command: string, args: string[]) =>
    jobs.push({ label, tool, file, command, args, walls: [], rss: [] });
  const addFile = (file: CorpusFile, withGoAccess: boolean) => {
    add(file.name, 'floor', file, process.execPath, [FLOOR, file.path, file.kind]);
    add(file.name, 'logwarden', file, process.execPath, [CLI, 'analyze', '--format', 'json', file.path]);
    if (withGoAccess && goaccess && file.kind === 'combined') {
      add(file.name, 'goaccess', file, goaccess, [
        file.path,
        '--log-format=COMBINED',
        '--no-global-config',
        '--no-progress',
        '--no-parsing-spinner',
        '-o',
        path.join(BENCH_DIR, 'goaccess-report.json'),
      ]);
    }
  };
  addFile(combined, true);
  add(combined.name, 'rules-off', combined, process.execPath, [CLI, 'analyze', '--format', 'json', '--config', rulesOffSettings(), combined.path]);
  addFile(auth, false);
  const doc200k = { name: 'combined-200k.log', path: editorDoc, lines: EDITOR_LINES, bytes: fs.statSync(editorDoc).size };
  if (!values['no-editor']) add(doc200k.name, 'logwarden', doc200k, process.execPath, [CLI, 'analyze', '--format', 'json', editorDoc]);
  // GoAccess on 5M lines takes about a minute a round; the 1M file's ratio says the same.
  if (large) addFile(large, false);

  const editorRuns: EditorFigure[] = [];
  for (let round = 0; round < rounds; round++) {
    say(`round ${round + 1}/${rounds}...`);
    // rotate the order so that no tool always runs right after the same other one
    for (let k = 0; k < jobs.length; k++) {
      const job = jobs[(k + round) % jobs.length];
      const { wall, rss } = measure(job.command, job.args, timeTool);
      job.walls.push(wall);
      if (rss !== undefined) job.rss.push(rss);
    }
    if (!values['no-editor']) for (let k = 0; k < EDITOR_RUNS_PER_ROUND; k++) editorRuns.push(editorChild(combined.path));
  }

  say('');
  say(`Results (${rounds} rounds, medians; load average now ${loadAverage()})`);
  say(
    pad('file', 20) + pad('tool', 11) + padL('wall s', 8) + padL('lines/s', 11) + padL('MB/s', 8) + padL('peak RSS MB', 13) + '   runs (s)',
  );
  for (const job of jobs) {
    const m = median(job.walls);
    say(
      pad(job.label, 20) +
        pad(job.tool, 11) +
        padL(m.toFixed(2), 8) +
        padL(Math.round(job.file.lines / m).toLocaleString('en-US'), 11) +
        padL((job.file.bytes / 1e6 / m).toFixed(0), 8) +
        padL(job.rss.length ? (Math.max(...job.rss) / 1024).toFixed(0) : '-', 13) +
        '   ' +
        job.walls.map((w) => w.toFixed(2)).join(' '),
    );
  }
  say('');
  for (const file of [combined, auth, large]) {
    if (!file) continue;
    const of = (tool: Tool) => jobs.find((j) => j.file === file && j.tool === tool);
    const floor = of('floor');
    const lw = of('logwarden');
    const ga = of('goaccess');
    if (!floor || !lw) continue;
    const ab = median(lw.walls) / median(floor.walls);
    let line = `${pad(file.name, 20)} logwarden/floor (b/a) = ${ab.toFixed(2)}  (goal ≤ 1.00)`;
    if (ga) line += `   goaccess/logwarden (c/b) = ${(median(ga.walls) / median(lw.walls)).toFixed(1)}×  (goal ≥ 10×)`;
    say(line);
    const off = of('rules-off');
    if (off) {
      const m = median(off.walls);
      say(`${pad('', 20)} every rule off: ${m.toFixed(2)} s = ${(m / median(floor.walls)).toFixed(2)}× the floor; the rules and their findings add ${(median(lw.walls) - m).toFixed(2)} s`);
    }
  }

  if (editorRuns.length > 0) {
    const cli200k = jobs.find((j) => j.file === doc200k)!;
    const full = median(editorRuns.map((e) => e.fullMs));
    const append = median(editorRuns.map((e) => e.appendMs));
    const later = median(editorRuns.map((e) => e.laterAppendMs));
    const cli = median(cli200k.walls) * 1000;
    say('');
    say(`Editor (DocumentAnalysis, ${EDITOR_LINES.toLocaleString('en-US')}-line document, medians of ${editorRuns.length}):`);
    say(`  full analysis ${full.toFixed(0)} ms; ${APPEND_LINES.toLocaleString('en-US')}-line append ${append.toFixed(1)} ms` + ` (incremental: ${editorRuns.every((e) => e.appendWasIncremental) ? 'yes' : 'NO'})`);
    const ratios = editorRuns.map((e) => (100 * e.appendMs) / e.fullMs).sort((a, b) => a - b);
    say(`  append / full analysis = ${((100 * append) / full).toFixed(1)}%  (goal ≤ 5%; runs ${ratios[0].toFixed(1)}–${ratios[ratios.length - 1].toFixed(1)}%)`);
    say(`  each later ${APPEND_LINES.toLocaleString('en-US')}-line append (a log that keeps growing; median) ${later.toFixed(1)} ms = ${((100 * later) / full).toFixed(1)}% of the full analysis`);
    say(`  append / CLI on the same 200K lines (${cli.toFixed(0)} ms) = ${((100 * append) / cli).toFixed(1)}%;  full / CLI = ${(full / cli).toFixed(2)}`);
  }

  if (large) {
    say('');
    say(`Same attack sources in ${combined.name} and ${large.name}:`);
    const small = findingSources(combined.path);
    const big = findingSources(large.path);
    let ok = true;
    for (const attack of combined.attacks) {
      for (const rule of attack.rules) {
        const a = small.get(rule)?.has(attack.source) ?? false;
        const b = big.get(rule)?.has(attack.source) ?? false;
        if (!a || !b) ok = false;
        say(`  ${pad(rule, 30)} ${pad(attack.source, 16)} 1M: ${a ? 'found' : 'MISSED'}  5M: ${b ? 'found' : 'MISSED'}   (${attack.what})`);
      }
    }
    const attackRules = new Set(combined.attacks.flatMap((a) => a.rules));
    for (const rule of attackRules) {
      const a = small.get(rule) ?? new Set<string>();
      const b = big.get(rule) ?? new Set<string>();
      const onlyBig = [...b].filter((s) => !a.has(s));
      const onlySmall = [...a].filter((s) => !b.has(s));
      say(`  ${pad(rule, 30)} sources 1M ${a.size}, 5M ${b.size}` + (onlySmall.length ? `; only in 1M: ${onlySmall.slice(0, 5).join(', ')}` : '') + (onlyBig.length ? `; only in 5M: ${onlyBig.length} (${onlyBig.slice(0, 5).join(', ')}${onlyBig.length > 5 ? ', ...' : ''})` : ''));
    }
    say(ok ? '  every injected attack source is found in both files' : '  SOME INJECTED ATTACK SOURCES WERE MISSED');
  }
}

/** A settings file (in .bench/) that turns every rule off. */
function rulesOffSettings(): string {
  const file = path.join(BENCH_DIR, 'rules-off.json');
  const rules = Object.fromEntries(RULE_IDS.map((rule) => [rule, { enabled: false }]));
  fs.writeFileSync(file, JSON.stringify({ rules }, null, 2) + '\n');
  return file;
}

/** Runs one command (output discarded); wall time from here, peak RSS from /usr/bin/time. */
function measure(command: string, args: string[], timeTool: string | undefined): { wall: number; rss?: number } {
  const rssFile = path.join(os.tmpdir(), `logwarden-bench-${process.pid}.time`);
  const argv = timeTool ? [timeTool, '-f', '%M', '-o', rssFile, command, ...args] : [command, ...args];
  const t0 = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (result.error) throw result.error;
  if (result.status !== 0 && !(command === process.execPath && args[0] === CLI && result.status === 1)) {
    throw new Error(`${[command, ...args].join(' ')} exited with ${result.status}: ${String(result.stderr).slice(0, 500)}`);
  }
  let rss: number | undefined;
  if (timeTool) {
    const text = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()!;
    rss = Number(text);
    fs.rmSync(rssFile, { force: true });
  }
  return { wall, rss };
}

function editorChild(file: string): EditorFigure {
  const result = spawnSync(process.execPath, ['--expose-gc', __filename, '--editor-child', file, String(EDITOR_LINES), String(APPEND_LINES)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`editor figure failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as EditorFigure;
}

/** rule → sources named by its findings, from the CLI's JSON report. */
function findingSources(file: string): Map<string, Set<string>> {
  const out = path.join(BENCH_DIR, path.basename(file) + '.findings.json');
  const result = spawnSync(process.execPath, [CLI, 'analyze', '--format', 'json', '--output', out, file], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0 && result.status !== 1) throw new Error(`analysis of ${file} failed: ${result.stderr}`);
  const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { files: { findings: { rule: string; source?: string }[] }[] };
  const byRule = new Map<string, Set<string>>();
  for (const f of report.files[0].findings) {
    if (f.source === undefined) continue;
    let set = byRule.get(f.rule);
    if (!set) byRule.set(f.rule, (set = new Set()));
    set.add(f.source);
  }
  return byRule;
}

function findGoAccess(): string | undefined {
  const result = spawnSync('goaccess', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? 'goaccess' : undefined;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

function padL(s: string, n: number): string {
  return s.length >= n ? ' ' + s : ' '.repeat(n - s.length) + s;
}

main();
