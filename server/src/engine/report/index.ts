import type { AnalysisReport } from '../model';
import { toCsv } from './csv';
import { toJson, writeJson } from './json';
import { toSarif, writeSarif } from './sarif';
import { toTable } from './table';

export { toCsv, toJson, toSarif, toTable };
export { terminalSafe } from './terminalSafe';

/** The output formats of `logwarden analyze --format` and of the panel's export. */
export type OutputFormat = 'table' | 'json' | 'sarif' | 'csv';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'sarif', 'csv'];

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

export interface RenderOptions {
  /** Table only: ANSI colours. */
  color?: boolean;
  /** Table only: terminal width in columns. */
  width?: number;
  /** CSV only: start with a UTF-8 byte order mark (for Excel). */
  bom?: boolean;
}

/** The report as text in the chosen format. Pure: no I/O. */
export function renderReport(report: AnalysisReport, format: OutputFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'table':
      return toTable(report, { color: options.color ?? false, width: options.width });
    case 'json':
      return toJson(report);
    case 'sarif':
      return toSarif(report);
    case 'csv':
      return toCsv(report, { bom: options.bom });
  }
}

/**
 * The same text, handed to `write` in pieces: the JSON formats are written as they are made,
 * so a report with thousands of findings never sits in memory whole.
 */
export function writeReport(report: AnalysisReport, format: OutputFormat, options: RenderOptions, write: (chunk: string) => void): void {
  if (format === 'json') writeJson(report, write);
  else if (format === 'sarif') writeSarif(report, write);
  else write(renderReport(report, format, options));
}
