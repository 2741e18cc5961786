#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { resolveConfig, type EngineConfig } from './engine/config';
import type { AnalysisReport, FileReport, Severity } from './engine/model';
import { isSeverity, severityRank } from './engine/score';
import { FORMAT_IDS } from './engine/formats';
import { writeReport, type OutputFormat } from './engine/report';
import { TOOL_NAME, TOOL_VERSION } from './engine/version';
import { analyzeFile, analyzeStream, InputError } from './io/analyzeFile';
import { ProgressBar } from './io/progressBar';
import { runHistoryCommand } from './history/historyCommand';
import { HistoryFile } from './history/historyFile';
import { settingsHash } from './history/settingsHash';

/** Exit codes: the contract CI pipelines rely on. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_IO = 2;

const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'sarif', 'csv'];
/** Files smaller than this finish before a progress bar would be worth drawing. */
const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;
/** Analyses kept per log in a --history database (the editor's default too). */
const DEFAULT_HISTORY_RETENTION = 100;

const USAGE = `Usage: logwarden analyze [options] FILE... | DIR | -
       logwarden history [--db FILE.sqlite] [--file F] [--diff A [B]] [--format table|json]

Finds attacks in server logs (access/error logs, syslog/auth.log, firewall, JSON lines,
IIS/W3C) and reports them with their evidence lines.

Options:
  -f, --format F        output: table (default), json, sarif, csv
  -o, --output FILE     write the report to FILE instead of standard output
      --min-severity S  report only findings at or above S (low, medium, high, critical)
      --fail-on S       exit with 1 when a finding at or above S is reported
  -c, --config FILE     settings file (default: ./.logwarden.json when present)
      --log-format F    don't detect the format, use F (${FORMAT_IDS.join(', ')})
      --year YYYY       year of year-less syslog dates (default: from the file's mtime)
      --color / --no-color   colour the table (default: when stdout is a terminal)
      --history FILE.sqlite  record this run in a history database (created if missing);
                        \`logwarden history --db FILE.sqlite\` lists and compares runs
      --history-retention N  analyses kept per log in that database (default ${DEFAULT_HISTORY_RETENTION})
  -h, --help            this help
  -v, --version         the version

A DIR is searched for files (hidden ones and binary files are skipped); - reads stdin.

Exit status: 0 no finding at or above --fail-on; 1 there is one; 2 usage or I/O error.`;

interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  cwd: string;
}

/** What the launcher (cliLauncher.ts) started before the CLI was loaded. */
export interface CliHeadStart {
  /** A reader thread waiting for a big file (see prestartReaderThread): the first file analysed on two threads takes it. */
  readerThread?: Worker;
}

/** Runs the CLI; returns the exit code (never calls process.exit, so tests can call it). */
export async function runCli(argv: string[], io: CliIo, headStart: CliHeadStart = {}): Promise<number> {
  const say = (text: string) => io.stderr.write(`logwarden: ${text}\n`);
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help' || command === undefined) {
    (command === undefined ? io.stderr : io.stdout).write(USAGE + '\n');
    return command === undefined ? EXIT_USAGE_OR_IO : EXIT_OK;
  }
  if (command === '-v' || command === '--version') {
    io.stdout.write(`${TOOL_NAME} ${TOOL_VERSION}\n`);
    return EXIT_OK;
  }
  if (command === 'history') return runHistoryCommand(rest, io);
  if (command !== 'analyze') {
    say(`unknown command "${command}" (try: logwarden analyze --help or logwarden history --help)`);
    return EXIT_USAGE_OR_IO;
  }

  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'table' },
        output: { type: 'string', short: 'o' },
        'min-severity': { type: 'string' },
        'fail-on': { type: 'string' },
        config: { type: 'string', short: 'c' },
        'log-format': { type: 'string' },
        year: { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        history: { type: 'string' },
        'history-retention': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    say(`${(err as Error).message}\n${USAGE}`);
    return EXIT_USAGE_OR_IO;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return EXIT_OK;
  }
  if (values.version) {
    io.stdout.write(`${TOOL_NAME} ${TOOL_VERSION}\n`);
    return EXIT_OK;
  }
  const format = values.format as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) return usage(`--format must be one of ${OUTPUT_FORMATS.join(', ')}`);
  const minSeverity = values['min-severity'];
  if (minSeverity !== undefined && !isSeverity(minSeverity)) return usage('--min-severity must be low, medium, high or critical');
  const failOn = values['fail-on'];
  if (failOn !== undefined && !isSeverity(failOn)) return usage('--fail-on must be low, medium, high or critical');
  const retention = values['history-retention'] === undefined ? DEFAULT_HISTORY_RETENTION : Number(values['history-retention']);
  if (!Number.isInteger(retention) || retention < 1) return usage('--history-retention must be a whole number ≥ 1');
  if (values['history-retention'] !== undefined && values.history === undefined) return usage('--history-retention needs --history FILE.sqlite');
  if (positionals.length === 0) return usage('no input: give log files, a directory, or - for standard input');

  const problems: string[] = [];
  const config = loadConfig(values.config, io.cwd, problems);
  if (!config) {
    for (const p of problems) say(p);
    return EXIT_USAGE_OR_IO;
  }
  for (const p of problems) say(`warning: ${p}`);
  if (values['log-format'] !== undefined) {
    if (!FORMAT_IDS.includes(values['log-format'] as never)) return usage(`--log-format must be one of ${FORMAT_IDS.join(', ')}`);
    config.format = values['log-format'] as EngineConfig['format'];
  }
  if (values.year !== undefined) {
    const year = Number(values.year);
    if (!Number.isInteger(year) || year < 1970 || year > 9999) return usage('--year must be a four-digit year');
    config.referenceYear = year;
  }

  let inputs: string[];
  try {
    inputs = expandInputs(positionals, io.cwd);
  } catch (err) {
    say((err as Error).message);
    return EXIT_USAGE_OR_IO;
  }

  const report: AnalysisReport = { tool: { name: TOOL_NAME, version: TOOL_VERSION }, files: [] };
  let ioFailed = false;
  const showProgress = Boolean(io.stderr.isTTY) && !process.env.CI;
  let readerThread = headStart.readerThread;
  const takeReaderThread = () => {
    const taken = readerThread;
    readerThread = undefined;
    return taken;
  };
  for (const input of inputs) {
    try {
      let fileReport: FileReport;
      if (input === '-') {
        fileReport = await analyzeStream(io.stdin as AsyncIterable<Uint8Array>, { config, displayPath: '-' });
      } else {
        const absolute = path.resolve(io.cwd, input);
        const size = fs.statSync(absolute, { throwIfNoEntry: false })?.size ?? 0;
        const bar = showProgress && size >= PROGRESS_MIN_BYTES ? new ProgressBar(io.stderr, input) : undefined;
        try {
          const result = await analyzeFile(absolute, {
            config,
            displayPath: toDisplayPath(input),
            onProgress: bar ? (p) => bar.update(p.bytesRead, p.totalBytes) : undefined,
            takeReaderThread,
          });
          const { truncatedLines, invalidUtf8Lines, ...rest } = result;
          fileReport = rest;
          if (truncatedLines > 0) say(`${input}: ${truncatedLines} line(s) longer than the line cap were cut for analysis`);
          if (invalidUtf8Lines > 0) say(`${input}: ${invalidUtf8Lines} line(s) were not valid UTF-8 (decoded with replacement characters)`);
        } finally {
          bar?.done();
        }
      }
      if (fileReport.skipped > 0 && fileReport.parsed === 0) {
        say(`${input}: no line was understood (${fileReport.skipped} skipped); is it a log? try --log-format`);
      }
      for (const failed of fileReport.failedRules ?? []) {
        say(`${input}: rule ${failed.rule} failed (${failed.error}); its findings are missing, the other rules ran`);
      }
      report.files.push(fileReport);
    } catch (err) {
      if (err instanceof InputError) {
        say(err.message);
        // Binary files found while walking a directory are skipped, not failures.
        if (!/binary content/.test(err.message) || positionals.includes(input)) ioFailed = true;
        continue;
      }
      say(`${input}: ${(err as Error).message ?? String(err)}`);
      ioFailed = true;
    }
  }

  // The history keeps whole reports: --min-severity only filters what is printed.
  if (values.history !== undefined && report.files.length > 0) {
    const recorded = await recordHistory(path.resolve(io.cwd, values.history), report.files, config, retention, say);
    if (!recorded) ioFailed = true;
  }

  if (minSeverity !== undefined) {
    const floor = severityRank(minSeverity as Severity);
    for (const file of report.files) file.findings = file.findings.filter((f) => severityRank(f.severity) >= floor);
  }

  const color = values['no-color'] ? false : values.color ?? (Boolean(io.stdout.isTTY) && !values.output && !process.env.NO_COLOR);
  // Not a terminal: 120 columns keep titles whole in files and CI logs.
  const options = { color, width: (io.stdout as { columns?: number }).columns ?? 120 };
  // Written as it is made: a report of thousands of findings is never held whole.
  if (values.output) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(path.resolve(io.cwd, values.output), 'w');
      const out = fd;
      writeReport(report, format, options, (chunk) => fs.writeSync(out, chunk));
    } catch (err) {
      say(`${values.output}: cannot write (${(err as Error).message})`);
      return EXIT_USAGE_OR_IO;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  } else {
    let last = '';
    writeReport(report, format, options, (chunk) => {
      io.stdout.write(chunk);
      last = chunk;
    });
    if (!last.endsWith('\n')) io.stdout.write('\n');
  }

  if (ioFailed) return EXIT_USAGE_OR_IO;
  if (failOn !== undefined) {
    const floor = severityRank(failOn as Severity);
    if (report.files.some((f) => f.findings.some((x) => severityRank(x.severity) >= floor))) return EXIT_FINDINGS;
  }
  return EXIT_OK;

  function usage(message: string): number {
    say(`${message}\n(see logwarden analyze --help)`);
    return EXIT_USAGE_OR_IO;
  }
}

/**
 * Records the reports in a history database and waits for the atomic save: true once they
 * are on disk. A damaged database is moved aside (with a warning) and a new one started.
 */
async function recordHistory(file: string, files: FileReport[], config: EngineConfig, retention: number, say: (text: string) => void): Promise<boolean> {
  let db: HistoryFile;
  try {
    db = await HistoryFile.open(file, { warn: (message) => say(`warning: ${message.replace(/^Log Warden: /, '')}`) });
  } catch (err) {
    say(`${file}: cannot open the history (${(err as Error).message})`);
    return false;
  }
  try {
    const options = { origin: 'cli' as const, settingsHash: settingsHash(config), retention };
    const saves = files.map((f) => db.record(f, options, 0).saved);
    await Promise.all(saves);
    return true;
  } catch (err) {
    say(`${file}: the run was not recorded (${(err as Error).message})`);
    return false;
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** Reads --config, or ./.logwarden.json when present. Returns undefined on a fatal problem. */
function loadConfig(file: string | undefined, cwd: string, problems: string[]): EngineConfig | undefined {
  const candidate = file ?? path.join(cwd, '.logwarden.json');
  if (!file && !fs.existsSync(candidate)) return resolveConfig(undefined);
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, candidate), 'utf8');
  } catch (err) {
    problems.push(`${candidate}: cannot read settings (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    problems.push(`${candidate}: not valid JSON (${(err as Error).message})`);
    return undefined;
  }
  const found: string[] = [];
  const config = resolveConfig(json, found);
  problems.push(...found.map((p) => `${candidate}: ${p}`));
  return config;
}

/** Files to analyse, in a stable order: directories are walked, hidden entries skipped. */
function expandInputs(inputs: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push(input);
      continue;
    }
    const absolute = path.resolve(cwd, input);
    const stat = fs.statSync(absolute, { throwIfNoEntry: false });
    if (!stat) throw new InputError(`${input}: no such file or directory`);
    if (stat.isDirectory()) {
      const found = walk(absolute).map((f) => path.join(input, path.relative(absolute, f)));
      if (found.length === 0) throw new InputError(`${input}: no files in this directory`);
      out.push(...found);
    } else out.push(input);
  }
  return out;
}

function walk(dir: string): string[] {
  const files: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...walk(full));
    else if (e.isFile()) files.push(full);
  }
  return files;
}

/** Forward slashes, as in the contract's example and in SARIF URIs. */
function toDisplayPath(input: string): string {
  return input.split(path.sep).join('/');
}

/** The `logwarden` command on this process's arguments and streams; sets the exit code. */
export function main(headStart: CliHeadStart = {}): void {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() }, headStart).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`logwarden: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = EXIT_USAGE_OR_IO;
    },
  );
}

if (require.main === module) main();
