import type { FormatId, LogRecord } from '../model';
import type { AccessLineFields } from './accessLogFields';
import type { RequestRanges } from './accessLineBytes';

export interface ParseContext {
  /** Year given to year-less dates (syslog RFC 3164); dates after the reference roll back a year. */
  referenceYear: number;
  /** Instant the year-less dates must not pass (file mtime or now), epoch ms. */
  referenceTime: number;
}

/**
 * Parses one file's lines in order. Parsers may keep state between lines (W3C `#Fields`,
 * syslog's New Year roll-back), so a new one is created per file.
 */
export interface LineParser {
  /** The record for this line, or null when the line is not of this format. */
  parse(text: string, line: number): LogRecord | null;
  /**
   * Access-log formats only: reads the line's fields into `into` without making a record;
   * true exactly when `parse` returns a record, which is then `accessRecord(text, line, into)`.
   */
  scanAccess?(text: string, into: AccessLineFields): boolean;
  /**
   * Access-log formats only: the same on the ASCII bytes[start, end) of a line (positions into
   * `bytes`, the request's parts in `request`). True only when scanAccess on the line's text
   * reads the same fields; false leaves the line to be read as text.
   */
  scanAccessBytes?(bytes: Uint8Array, start: number, end: number, into: AccessLineFields, request: RequestRanges): boolean;
}

export interface LogFormat {
  id: FormatId;
  /** What a person calls it. */
  label: string;
  /**
   * Tie-breaker between formats that parse the same share of the sample: the more specific
   * format (more fields, stricter shape) has the higher number. The generic fallback is 0.
   */
  specificity: number;
  createParser(ctx: ParseContext): LineParser;
}
