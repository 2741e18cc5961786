import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Finding, Severity } from '../engine/model';
import { SEVERITIES } from '../engine/model';
import { terminalSafe } from '../engine/report';
import { truncate } from '../engine/report/terminalSafe';
import { HistoryFile } from './historyFile';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './historyStore';
import type { AnalysisComparison, AnalysisSummary } from './types';

/** Where `logwarden analyze --history` and `logwarden history` keep runs when no file is named. */
export const DEFAULT_HISTORY_DB = 'logwarden-history.sqlite';

export const HISTORY_USAGE = `Usage: logwarden history [options]

Lists the analyses recorded by \`logwarden analyze --history FILE.sqlite\`, newest first,
or compares two of them: the findings that are new, resolved and unchanged (by fingerprint).

Options:
      --db FILE         the history database (default: ./${DEFAULT_HISTORY_DB})
      --file F          only the analyses of the log F (as reported, e.g. logs/access.log)
      --diff A [B]      compare analysis A with B (default B: the latest analysis of A's log);
                        findings of B not in A are new, of A not in B resolved
      --limit N         analyses listed (default ${DEFAULT_LIST_LIMIT}, at most ${MAX_LIST_LIMIT})
      --offset N        skip the newest N
  -f, --format F        table (default) or json
  -h, --help            this help

Exit status: 0 done; 2 usage or I/O error (no such database, unknown analysis).`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

/** `logwarden history`: returns the exit code (0 done, 2 usage or I/O error). */
export async function runHistoryCommand(args: string[], io: Io): Promise<number> {
  const say = (text: string) => io.stderr.write(`logwarden: ${text}\n`);
  const usage = (message: string) => {
    say(`${message}\n(see logwarden history --help)`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        file: { type: 'string' },
        diff: { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        format: { type: 'string', short: 'f', default: 'table' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HISTORY_USAGE + '\n');
    return 0;
  }
  const format = values.format;
  if (format !== 'table' && format !== 'json') return usage('--format must be table or json');
  const limit = values.limit === undefined ? DEFAULT_LIST_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIST_LIMIT) return usage(`--limit must be a whole number from 0 to ${MAX_LIST_LIMIT}`);
  const offset = values.offset === undefined ? 0 : Number(values.offset);
  if (!Number.isInteger(offset) || offset < 0) return usage('--offset must be a whole number ≥ 0');
  const diffFrom = values.diff === undefined ? undefined : parseId(values.diff);
  if (values.diff !== undefined && diffFrom === undefined) return usage('--diff takes analysis ids: --diff A [B]');
  const diffTo = positionals.length > 0 ? parseId(positionals[0]) : undefined;
  if (positionals.length > (values.diff === undefined ? 0 : 1) || (positionals.length > 0 && diffTo === undefined)) {
    return usage(`unexpected argument "${positionals[values.diff === undefined ? 0 : positionals.length - 1]}"`);
  }

  const file = path.resolve(io.cwd, values.db ?? DEFAULT_HISTORY_DB);
  if (!fs.existsSync(file)) {
    say(`${file}: no history here (record one with: logwarden analyze --history ${values.db ?? DEFAULT_HISTORY_DB} LOG...)`);
    return 2;
  }
  let db: HistoryFile;
  try {
    db = await HistoryFile.open(file, { warn: (message) => say(`warning: ${message.replace(/^Log Warden: /, '')}`) });
  } catch (err) {
    say(`${file}: cannot open the history (${(err as Error).message})`);
    return 2;
  }
  try {
    if (diffFrom !== undefined) {
      const from = db.store.summary(diffFrom);
      if (!from) {
        say(`no analysis ${diffFrom} in ${file}`);
        return 2;
      }
      const to = diffTo ?? db.store.list({ file: from.file, limit: 1 }).analyses[0]?.id;
      if (to === undefined || !db.store.summary(to)) {
        say(`no analysis ${diffTo} in ${file}`);
        return 2;
      }
      const comparison = db.store.compare(diffFrom, to);
      io.stdout.write(format === 'json' ? JSON.stringify(comparison, null, 2) + '\n' : comparisonTable(comparison));
      return 0;
    }
    const page = db.store.list({ file: values.file, limit, offset });
    io.stdout.write(format === 'json' ? JSON.stringify(page, null, 2) + '\n' : listTable(page.analyses, page.total, offset));
    return 0;
  } finally {
    await db.close().catch(() => undefined);
  }
}

function parseId(text: string): number | undefined {
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n) ? n : undefined;
}

/** Local time as an analyst reads it: 2024-03-12 10:15:02. */
function localTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const SHORT: Record<Severity, string> = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW' };

function listTable(analyses: AnalysisSummary[], total: number, offset: number): string {
  if (analyses.length === 0) return total === 0 ? 'no analyses recorded\n' : `no analyses after the newest ${offset} (of ${total})\n`;
  const header = ['ID', 'TIME', 'ORIGIN', 'FORMAT', 'LINES', ...SEVERITIES.map((s) => SHORT[s]), 'FILE'];
  const rows = analyses.map((a) => [
    String(a.id),
    localTime(a.time),
    a.origin,
    a.format,
    String(a.lines),
    ...SEVERITIES.map((s) => String(a.counts[s])),
    truncate(terminalSafe(a.file), 80) + (a.error !== undefined ? '  (incomplete)' : a.failedRules?.length ? '  (a rule failed)' : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = new Set([0, 4, 5, 6, 7, 8]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  out.push('', `${analyses.length} of ${total} analyses${offset > 0 ? ` (after the newest ${offset})` : ''}`);
  return out.join('\n') + '\n';
}

function comparisonTable(c: AnalysisComparison): string {
  const out: string[] = [];
  const describe = (a: AnalysisSummary) => `#${a.id} ${localTime(a.time)} ${terminalSafe(a.file)} (${a.lines} lines)`;
  out.push(`from ${describe(c.from)}`, `  to ${describe(c.to)}`);
  if (c.from.settingsHash !== c.to.settingsHash) out.push('  (analysed with different settings: some differences may come from them)');
  const section = (title: string, mark: string, findings: Finding[]) => {
    out.push('', `${title} (${findings.length})`);
    for (const f of findings) {
      const who = terminalSafe([f.source, f.user && `(${f.user})`].filter(Boolean).join(' ') || '-');
      out.push(
        `  ${mark} ${f.severity.toUpperCase().padEnd(8)} ${`${Math.round(f.confidence * 100)}%`.padStart(4)}  ${f.rule.padEnd(28)} ${truncate(who, 40).padEnd(16)} line ${String(f.line).padEnd(6)} ${truncate(terminalSafe(f.title), 80)}`,
      );
    }
  };
  section('New', '+', c.new);
  section('Resolved', '-', c.resolved);
  section('Unchanged', '=', c.unchanged);
  if (c.notCompared?.length) {
    const failed = [...new Set([...(c.from.failedRules ?? []), ...(c.to.failedRules ?? [])].map((f) => f.rule))].join(', ');
    section(`Not compared: rule ${failed} failed in one of the two analyses`, '?', c.notCompared);
  }
  return out.join('\n') + '\n';
}
