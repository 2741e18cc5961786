import type { AnalysisReport, FileReport, Finding, Severity } from '../model';
import { SEVERITIES } from '../model';
import { compareFindings, formatDuration } from '../score';
import { terminalSafe, truncate } from './terminalSafe';

/**
 * The terminal view (`logwarden analyze` without `--format`): per file a header line, then
 * one block per finding, most severe first:
 *
 *     HIGH      74%  brute-force  10.0.0.50 (admin)  line 5    Brute force against /admin/login
 *           6 failed logins (401) from 10.0.0.50 in 2m10s; threshold 5 in 10m
 *           lines 5, 6, 7, 9, 11, 12
 *
 * and a summary line with the counts by severity. Every log-derived value goes through
 * `terminalSafe` (a log line must not be able to drive the analyst's terminal) and is cut
 * to fit the width. Colour (ANSI SGR) only when asked for.
 */
export interface TableOptions {
  /** Colour severities with ANSI escapes (the CLI sets it when stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
  /** Terminal columns; lines are cut to fit. Default 100. */
  width?: number;
}

const DEFAULT_WIDTH = 100;
/** Below this the columns no longer fit anything useful; narrower requests are widened. */
const MIN_WIDTH = 60;
/** Source (+ user) column: an IPv6 address is 39 characters; longer values are cut. */
const MAX_WHO = 40;
/** The narrowest the source column gets on a narrow terminal (an IPv4 address fits). */
const MIN_WHO = 15;
/** Title room the source column leaves when it can (it gives up the user to do so). */
const MIN_TITLE = 30;
/** Below this many columns a title says nothing; the line wraps instead. */
const MIN_TITLE_CUT = 12;
/** Evidence lines listed before "… (+N)". */
const SHOWN_EVIDENCE_LINES = 10;
const INDENT = '      ';
/** The message is the explanation, so it wraps rather than being cut — up to this many lines. */
const MAX_MESSAGE_LINES = 6;

const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '\x1b[1;91m', // bold bright red
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
};

export function toTable(report: AnalysisReport, options: TableOptions): string {
  const width = Math.max(MIN_WIDTH, Math.floor(options.width ?? DEFAULT_WIDTH));
  const paint = options.color ? (code: string, text: string) => code + text + RESET : (_code: string, text: string) => text;
  const out: string[] = [];
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };

  for (const file of report.files) {
    if (out.length > 0) out.push('');
    out.push(paint(BOLD, fileHeader(file, width)));
    if (file.error !== undefined) {
      out.push(paint(SEVERITY_COLOR.high, truncate('  error: ' + terminalSafe(file.error), width)));
    }
    if (file.findings.length === 0) {
      out.push('  no findings');
      continue;
    }
    const findings = [...file.findings].sort(compareFindings);
    const rows = findings.map(rowOf);
    const ruleWidth = widest(rows, (r) => r.rule);
    const lineWidth = widest(rows, (r) => r.line);
    // The source column gives way first when the terminal is narrow: the user goes before
    // the address is cut, and the address only below MIN_WHO.
    const whoRoom = width - MIN_TITLE - (2 + 8 + 2 + 4 + 2 + ruleWidth + 2 + 2 + lineWidth + 2);
    const longestSource = widest(rows, (r) => r.source);
    const longestWho = widest(rows, (r) => r.who);
    const whoWidth = Math.min(longestWho, Math.max(MIN_WHO, whoRoom, Math.min(longestSource, MAX_WHO)));
    for (let i = 0; i < findings.length; i++) {
      const f = findings[i];
      const r = rows[i];
      counts[f.severity]++;
      const severity = paint(SEVERITY_COLOR[f.severity], f.severity.toUpperCase().padEnd(8));
      const head = `  ${severity}  ${r.confidence.padStart(4)}  ${r.rule.padEnd(ruleWidth)}  ${fitWho(r, whoWidth).padEnd(whoWidth)}  ${r.line.padEnd(lineWidth)}  `;
      const headWidth = 2 + 8 + 2 + 4 + 2 + ruleWidth + 2 + whoWidth + 2 + lineWidth + 2;
      // The title gets what is left; on a very narrow terminal the line wraps rather than lose it.
      out.push(head + truncate(r.title, Math.max(MIN_TITLE_CUT, width - headWidth)));
      for (const line of wrap(r.message, width - INDENT.length, MAX_MESSAGE_LINES)) out.push(INDENT + line);
      if (f.lines.length > 1) out.push(paint(DIM, INDENT + truncate(evidenceSummary(f), width - INDENT.length)));
    }
  }

  out.push('');
  out.push(summaryLine(report, counts, paint));
  return out.join('\n') + '\n';
}

interface Row {
  confidence: string;
  rule: string;
  /** The address (without one: the user, or '-'), made safe and capped at MAX_WHO. */
  source: string;
  /** "source (user)", or whichever of the two there is. */
  who: string;
  line: string;
  title: string;
  message: string;
}

function rowOf(f: Finding): Row {
  const source = f.source !== undefined ? truncate(terminalSafe(f.source), MAX_WHO) : '';
  const user = f.user !== undefined ? truncate(terminalSafe(f.user), MAX_WHO) : '';
  const who = source && user ? `${source} (${user})` : source || user || '-';
  return {
    confidence: `${Math.round(f.confidence * 100)}%`,
    rule: f.rule,
    source: source || who,
    who,
    line: `line ${f.line}`,
    title: terminalSafe(f.title).trim(),
    message: terminalSafe(f.message).trim(),
  };
}

/** The longest value of a column (a loop: a spread of 100K rows would overflow the stack). */
function widest(rows: Row[], column: (row: Row) => string): number {
  let max = 0;
  for (const row of rows) max = Math.max(max, column(row).length);
  return max;
}

/** The who column cut to `width`: drop the user before cutting the address. */
function fitWho(row: Row, width: number): string {
  if (row.who.length <= width) return row.who;
  if (row.source.length <= width) {
    const room = width - row.source.length - 3; // " (" + ")"
    const user = row.who.slice(row.source.length + 2, -1);
    // Only show part of the user if at least a few characters of it fit.
    return room >= 4 ? `${row.source} (${truncate(user, room)})` : row.source;
  }
  return truncate(row.source, width);
}

function fileHeader(file: FileReport, width: number): string {
  const facts =
    ` — ${file.format}, ${file.lines} lines (${file.parsed} parsed, ${file.skipped} skipped), ` +
    formatMs(file.durationMs);
  const path = terminalSafe(file.path);
  // Cut the path from the left: the file name at the end is what identifies it.
  const room = Math.max(20, width - facts.length);
  return truncateStart(path, room) + facts;
}

/** "lines 5, 6, 7 … (+12)": the first evidence lines and how many more there are. */
export function evidenceSummary(f: Finding): string {
  const recorded = f.evidence.evidenceLinesTotal;
  const total = typeof recorded === 'number' && recorded > f.lines.length ? recorded : f.lines.length;
  const shown = f.lines.slice(0, SHOWN_EVIDENCE_LINES);
  const more = total - shown.length;
  return `lines ${shown.join(', ')}${more > 0 ? ` … (+${more})` : ''}`;
}

function summaryLine(
  report: AnalysisReport,
  counts: Record<Severity, number>,
  paint: (code: string, text: string) => string,
): string {
  const total = SEVERITIES.reduce((n, s) => n + counts[s], 0);
  const files = report.files.length;
  const bySeverity = SEVERITIES.map((s) => {
    const text = `${counts[s]} ${s}`;
    return counts[s] > 0 ? paint(SEVERITY_COLOR[s], text) : text;
  }).join(', ');
  return `${files} ${files === 1 ? 'file' : 'files'}, ${total} ${total === 1 ? 'finding' : 'findings'}: ${bySeverity}`;
}

/** Analysis time as a person reads it: 2.1 ms, 1.35 s, 2m10s. */
function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '? ms';
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return formatDuration(ms / 1000);
}

/** Like `truncate`, but keeps the end: "…/logs/access.log". */
function truncateStart(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = truncate([...text].reverse().join(''), max);
  return [...cut].reverse().join('');
}

/** Word-wraps `text` to `width` columns; the last allowed line is cut with an ellipsis. */
function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width && lines.length < maxLines - 1) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= width / 3) cut = width; // no space worth breaking at: break inside the word
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(truncate(rest, width));
  return lines;
}
