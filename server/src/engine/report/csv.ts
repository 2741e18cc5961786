import type { AnalysisReport } from '../model';

/**
 * One row per finding, RFC 4180: CRLF line ends, a field holding `,`, `"`, CR or LF is
 * quoted and its quotes doubled. Lists (`attack`, `lines`) are joined with spaces.
 *
 * Formula injection: log text is attacker-controlled and analysts open these files in
 * Excel / LibreOffice / Google Sheets, which run a cell starting with `=`, `+`, `-` or `@`
 * as a formula (`=cmd|' /C calc'!A0` starts a program through DDE; `=HYPERLINK(...)`
 * leaks data). Tab and CR are on the list too because some spreadsheets skip them before
 * reading the formula. Following OWASP's advice, such a field gets a leading `'`, which
 * spreadsheets read as "this is text" and do not display. The guard applies to every
 * field, so the rule is simple to state and to undo: a field that starts with `'` followed
 * by one of those characters had the `'` added. Our own values never start with them
 * (numbers are non-negative, ids are letters), so in practice only log text is touched.
 */
export const CSV_HEADER = [
  'file',
  'line',
  'rule',
  'severity',
  'confidence',
  'source',
  'user',
  'attack',
  'title',
  'message',
  'lines',
  'fingerprint',
] as const;

export interface CsvOptions {
  /**
   * Start with a UTF-8 byte order mark. Excel reads a CSV without one in the legacy code
   * page and garbles non-ASCII text; other tools may see the BOM as part of the first
   * header name. Off by default.
   */
  bom?: boolean;
}

export function toCsv(report: AnalysisReport, options: CsvOptions = {}): string {
  const rows: string[] = [CSV_HEADER.join(',')];
  for (const file of report.files) {
    for (const f of file.findings) {
      rows.push(
        [
          file.path,
          String(f.line),
          f.rule,
          f.severity,
          String(f.confidence),
          f.source ?? '',
          f.user ?? '',
          f.attack.join(' '),
          f.title,
          f.message,
          f.lines.join(' '),
          f.fingerprint,
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return (options.bom ? '\uFEFF' : '') + rows.join('\r\n') + '\r\n';
}

/** Characters that make a spreadsheet read a cell as a formula when they come first. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Characters that force quoting (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: formula-guarded, then quoted when RFC 4180 requires it. */
export function csvField(value: string): string {
  const guarded = FORMULA_START.test(value) ? "'" + value : value;
  return NEEDS_QUOTES.test(guarded) ? '"' + guarded.replace(/"/g, '""') + '"' : guarded;
}
