/**
 * The seeded hostile corpus (generator.ts) through every entry point: each parser line by
 * line, the Analyzer on the text, the editor's DocumentAnalysis, the byte stream reader
 * (LineSplitter) — and the built CLI and language server on the biggest inputs (a 50 MB line,
 * a million empty lines, binary garbage), streamed to temporary files.
 *
 * A crash is any exception (a binary file refused with an InputError is an answer, not a
 * crash); a hang is a line that takes longer than HANG_LINE_MS or an input longer than
 * HANG_INPUT_MS. The table printed at the end is the figure the robustness goal is judged by.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { Analyzer } from '../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { DocumentAnalysis } from '../../server/src/engine/documentAnalysis';
import { FORMATS } from '../../server/src/engine/formats';
import { LineSplitter } from '../../server/src/engine/lineSplitter';
import type { AnalysisReport } from '../../server/src/engine/model';
import { analyzeStream, InputError } from '../../server/src/io/analyzeFile';
import { GetReportRequest } from '../../server/src/protocol';
import { LspTestClient } from '../server/support/lspTestClient';
import { countLines, recordProblems, reportProblems } from './contract';
import {
  emptyLinesFile,
  HOSTILE_KINDS,
  hostileInputs,
  longLineFile,
  makeTempDir,
  randomBytesFile,
  removeTemp,
  writeHostileFile,
  type HostileFile,
} from './generator';
import { engineRegExps, REPO } from './regexInventory';

const SEED = Number(process.env.HOSTILE_SEED ?? 424242);
/** Rounds per kind (regex-adversarial: every pattern each round): two by default, more with HOSTILE_RUNS (runs / 100). */
const PER_KIND = Math.max(2, Math.round(Number(process.env.HOSTILE_RUNS ?? 200) / 100));
/** A single line that takes longer than this counts as a hang (lines are capped at 64K characters). */
const HANG_LINE_MS = 1000;
/** An input (up to a million lines or 50 MB) that takes longer than this counts as a hang. */
const HANG_INPUT_MS = 60_000;
const REFERENCE_TIME = Date.UTC(2024, 5, 1);
const CLI = path.join(REPO, 'dist', 'cli.js');

interface Tally {
  inputs: number;
  ms: number;
  lines: number;
  crashes: number;
  hangs: number;
  worstLineMs: number;
  worstLineWhere: string;
}

describe('hostile input: the seeded corpus through every entry point', function () {
  this.timeout(900_000);
  const tallies = new Map<string, Tally>();
  const failures: string[] = [];
  let tmp: string;

  function tally(kind: string): Tally {
    let t = tallies.get(kind);
    if (!t) tallies.set(kind, (t = { inputs: 0, ms: 0, lines: 0, crashes: 0, hangs: 0, worstLineMs: 0, worstLineWhere: '' }));
    return t;
  }

  function crash(kind: string, what: string, err: unknown): void {
    tally(kind).crashes++;
    failures.push(`${kind}: ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`.slice(0, 2000));
  }

  before(function () {
    this.timeout(120_000);
    tmp = makeTempDir();
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'pipe' });
  });

  after(() => {
    if (tmp) removeTemp(tmp);
    const rows = [...tallies.entries()].map(
      ([kind, t]) => `      ${kind.padEnd(26)} ${String(t.inputs).padStart(6)} ${String(t.lines).padStart(10)} ${String(t.crashes).padStart(7)} ${String(t.hangs).padStart(5)} ${t.worstLineMs.toFixed(2).padStart(9)} ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.worstLineWhere}`,
    );
    const total = [...tallies.values()].reduce((a, t) => ({ inputs: a.inputs + t.inputs, lines: a.lines + t.lines, crashes: a.crashes + t.crashes, hangs: a.hangs + t.hangs }), { inputs: 0, lines: 0, crashes: 0, hangs: 0 });
    console.log(`      ${'kind'.padEnd(26)} ${'inputs'.padStart(6)} ${'lines'.padStart(10)} ${'crashes'.padStart(7)} ${'hangs'.padStart(5)} ${'worst ms'.padStart(9)} ${'time'.padStart(8)}  (worst line: where)`);
    console.log(rows.join('\n'));
    console.log(`      ${'total'.padEnd(26)} ${String(total.inputs).padStart(6)} ${String(total.lines).padStart(10)} ${String(total.crashes).padStart(7)} ${String(total.hangs).padStart(5)}`);
  });

  it('every kind, in memory: parsers, Analyzer, DocumentAnalysis and the stream reader', async () => {
    const { regexps } = engineRegExps();
    const inputs = hostileInputs(HOSTILE_KINDS, { seed: SEED, perKind: PER_KIND, regexps, longLineBytes: 4 * 1024 * 1024 });
    for (const input of inputs) {
      const t = tally(input.kind);
      t.inputs++;
      const text = input.bytes.toString('utf8');
      const lines = text.split(/\r\n|\r|\n/);
      t.lines += lines.length;
      const started = performance.now();

      // 1. Every parser, line by line (capped as the Analyzer caps), timed per line.
      for (const format of FORMATS) {
        const parser = format.createParser({ referenceYear: 2024, referenceTime: REFERENCE_TIME });
        for (let n = 0; n < lines.length; n++) {
          const line = lines[n].length > DEFAULT_CONFIG.maxLineLength ? lines[n].slice(0, DEFAULT_CONFIG.maxLineLength) : lines[n];
          const t0 = performance.now();
          try {
            const record = parser.parse(line, n);
            const problems = recordProblems(record, n);
            if (problems.length) crash(input.kind, `${format.id} record of ${input.name} line ${n}`, problems.join('; '));
          } catch (err) {
            crash(input.kind, `${format.id} on ${input.name} line ${n}`, err);
          }
          let ms = performance.now() - t0;
          // A slow first reading may be a garbage collection or a compilation: the line is timed
          // again on its own (best of three), which is what counts.
          if (ms > t.worstLineMs) ms = retime(() => format.createParser({ referenceYear: 2024, referenceTime: REFERENCE_TIME }).parse(line, n));
          if (ms > t.worstLineMs) {
            t.worstLineMs = ms;
            t.worstLineWhere = `${format.id}: ${input.name.slice(0, 80)}`;
          }
          if (ms > HANG_LINE_MS) {
            t.hangs++;
            failures.push(`${input.kind}: ${format.id} took ${ms.toFixed(0)} ms on line ${n} of ${input.name}`);
          }
        }
      }

      // 2. The Analyzer over the whole text.
      try {
        const analyzer = new Analyzer({ path: 'hostile.log', config: DEFAULT_CONFIG, referenceTime: REFERENCE_TIME });
        analyzer.pushText(text);
        const report = analyzer.finish();
        if (analyzer.stats.failedRules.length) crash(input.kind, `failed rules on ${input.name}`, JSON.stringify(analyzer.stats.failedRules));
        const problems = reportProblems(report, countLines(text));
        if (problems.length) crash(input.kind, `report of ${input.name}`, problems.join('; '));

        // 3. The editor's analysis of the same text gives the same findings.
        const doc = new DocumentAnalysis(text, { path: 'hostile.log', config: DEFAULT_CONFIG, referenceTime: REFERENCE_TIME });
        const docReport = await doc.analyze();
        if (!docReport) crash(input.kind, `document analysis of ${input.name}`, 'no report');
        else if (JSON.stringify(docReport.findings) !== JSON.stringify(report.findings)) crash(input.kind, `document analysis of ${input.name}`, 'findings differ from analyzeText');
      } catch (err) {
        crash(input.kind, `analysis of ${input.name}`, err);
      }

      // 4. The bytes through the stream reader (what the CLI and "Analyze Log" use), in odd-sized chunks.
      try {
        const chunks: Buffer[] = [];
        for (let at = 0; at < input.bytes.length; at += 65_537) chunks.push(input.bytes.subarray(at, at + 65_537));
        const report = await analyzeStream(Readable.from(chunks), { config: DEFAULT_CONFIG, displayPath: 'hostile.log' });
        const problems = reportProblems(report, report.lines);
        if (problems.length) crash(input.kind, `streamed report of ${input.name}`, problems.join('; '));
      } catch (err) {
        if (!(err instanceof InputError && /binary content/.test(err.message))) crash(input.kind, `stream of ${input.name}`, err);
      }

      const ms = performance.now() - started;
      t.ms += ms;
      if (ms > HANG_INPUT_MS) {
        t.hangs++;
        failures.push(`${input.kind}: ${input.name} took ${ms.toFixed(0)} ms`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('the stream reader caps a 50 MB line at maxLineLength × 4 bytes and keeps counting lines', () => {
    const file = longLineFile(50, '%');
    let longest = 0;
    let lines = 0;
    const splitter = new LineSplitter((text) => {
      longest = Math.max(longest, text.length);
      lines++;
    }, DEFAULT_CONFIG.maxLineLength * 4);
    for (const chunk of file.chunks()) splitter.push(chunk);
    splitter.end();
    tally('long-line').inputs++;
    tally('long-line').lines += lines;
    assert.equal(lines, 3);
    assert.equal(splitter.stats.truncatedLines, 1);
    assert.ok(longest <= DEFAULT_CONFIG.maxLineLength * 4, `longest decoded line ${longest}`);
  });

  /** Runs the built CLI on a file; resolves to its exit code, output and peak RSS. */
  function runCli(args: string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }> {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, [CLI, ...args], { cwd: tmp });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
    });
  }

  const BIG: { file: string; make: () => HostileFile; binary?: boolean }[] = [
    { file: 'line-50mb.log', make: () => longLineFile(50, 'A') },
    { file: 'line-20mb-traversal.log', make: () => longLineFile(20, '..;/') },
    { file: 'empty-1e6.log', make: () => emptyLinesFile(1_000_000) },
    { file: 'empty-1e6-crlf.log', make: () => emptyLinesFile(1_000_000, '\r\n') },
    { file: 'random-64mb.bin', make: () => randomBytesFile(64 * 1024 * 1024, SEED), binary: true },
    { file: 'random-after-text.log', make: () => randomBytesFile(4 * 1024 * 1024, SEED + 1, true), binary: true },
  ];

  for (const big of BIG) {
    it(`the CLI on ${big.file}: answers (exit 0, 1 or 2), no internal error, a valid report`, async () => {
      const file = big.make();
      await writeHostileFile(tmp, big.file, file);
      const run = await runCli(['analyze', '--format', 'json', big.file]);
      const t = tally(file.kind);
      t.inputs++;
      t.lines += countNewlines(path.join(tmp, big.file));
      fs.rmSync(path.join(tmp, big.file));
      if (run.ms > HANG_INPUT_MS) t.hangs++;
      if (run.signal !== null || run.code === null || run.code > 2 || /internal error/.test(run.stderr)) {
        t.crashes++;
        assert.fail(`logwarden on ${big.file}: code ${run.code} signal ${run.signal}\n${run.stderr.slice(0, 2000)}`);
      }
      const report = JSON.parse(run.stdout) as AnalysisReport;
      if (big.binary) {
        assert.equal(report.files.length, 0, 'a binary file is refused');
        assert.match(run.stderr, /binary content/);
        assert.equal(run.code, 2);
      } else {
        assert.equal(report.files.length, 1);
        assert.deepEqual(reportProblems(report.files[0], report.files[0].lines), []);
      }
    });
  }

  it('the language server: hostile documents opened, hovered and reported without dying', async () => {
    const client = await LspTestClient.start({ transport: 'stdio', pull: false });
    try {
      const { regexps } = engineRegExps();
      let k = 0;
      let adversarial = 0;
      let hovers = 0;
      for (const input of hostileInputs(HOSTILE_KINDS, { seed: SEED + 7, perKind: 1, regexps, longLineBytes: 2 * 1024 * 1024 })) {
        // The patterns' strings were all tried in memory above; a sample of them is enough here.
        if (input.kind === 'regex-adversarial' && adversarial++ % 8 !== 0) continue;
        const uri = `untitled:hostile-${k++}.log`;
        const text = input.bytes.toString('utf8');
        const t = tally(`${input.kind} (LSP)`);
        t.inputs++;
        t.lines += countLines(text);
        const before = client.pushes(uri).length;
        const t0 = performance.now();
        await client.open(uri, text);
        await client.nextPush(uri, before, () => true, HANG_INPUT_MS);
        const report = await client.connection.sendRequest(GetReportRequest, { uri });
        assert.ok(report, `a report for ${input.name}`);
        assert.deepEqual(reportProblems(report, countLines(text)), [], input.name);
        const findingLines = report.findings.slice(0, 20).map((f) => f.line - 1);
        for (const line of [0, 1, Math.floor(countLines(text) / 2), countLines(text) + 5, ...findingLines]) {
          const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 3 } });
          const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
          hovers++;
          const problems = markdownInjection(value);
          if (problems.length) crash(input.kind, `hover on line ${line} of ${input.name}`, `${problems.join('; ')}\n${value.slice(0, 500)}`);
        }
        await client.close(uri);
        const ms = performance.now() - t0;
        if (ms > HANG_INPUT_MS) t.hangs++;
        assert.equal(client.exitCode, null, `the server died on ${input.name}`);
      }
      console.log(`      ${hovers} hovers checked for markdown injection`);
      assert.deepEqual(failures, []);
      const errors = client.logs.filter((l) => /uncaught|unhandled/i.test(l));
      assert.deepEqual(errors, [], 'no uncaught exception in the server');
    } finally {
      await client.stop();
    }
  });
});

/**
 * Log text in a hover's markdown must stay text: the only links are the ones the server writes
 * (rule docs, ATT&CK), every '<' and '[' from the log is escaped, and no line break (a lone
 * CR or U+2028 is one to some renderers) lets it start a heading, list or rule.
 */
function markdownInjection(hover: string): string[] {
  const problems: string[] = [];
  // Code spans hold text as it is (markdown is not read inside them): they are left out.
  const markdown = hover.replace(/`[^`]*`/g, '``');
  for (const m of markdown.matchAll(/\]\(([^)]*)\)/g)) {
    if (markdown[m.index - 1] === '\\') continue;
    if (!/^https:\/\/(attack\.mitre\.org\/|github\.com\/log-warden\/)/.test(m[1])) problems.push(`a link to ${m[1].slice(0, 80)}`);
  }
  for (let i = 0; i < markdown.length; i++) {
    const c = markdown[i];
    if ((c === '<' || c === '[') && markdown[i - 1] !== '\\' && !(c === '[' && /^\[[^\]\\]*\]\(https:\/\/(attack\.mitre\.org|github\.com\/log-warden)/.test(markdown.slice(i)))) {
      problems.push(`unescaped ${c} at ${i}`);
      break;
    }
  }
  if (/[\r\u2028\u2029\u0085]/.test(hover)) problems.push('a line break inside the text (CR, U+2028/2029 or NEL)');
  return problems;
}

/** Best of three timings of `run`, in ms. */
function retime(run: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function countNewlines(file: string): number {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let n = 0;
  try {
    for (;;) {
      const read = fs.readSync(fd, buf, 0, buf.length, null);
      if (read === 0) break;
      for (let i = 0; i < read; i++) if (buf[i] === 10) n++;
    }
  } finally {
    fs.closeSync(fd);
  }
  return n;
}

