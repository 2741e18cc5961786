import type { EngineConfig } from '../config';
import type { Finding, LogRecord, RuleId } from '../model';
import type { SourceProfiles } from './sourceProfiles';
import type { ForestThread } from './outlierScores';

export interface DetectorContext {
  config: EngineConfig;
  /** The file's path as reported (used in fingerprints). */
  file: string;
  /** Per-source aggregates over every record seen so far. */
  profiles: SourceProfiles;
  /** True when the source is on the allowlist (IP or CIDR). */
  isAllowed(source: string | undefined): boolean;
  /** Findings of the detectors that finished before this one (brute-force before compromise). */
  earlier: readonly Finding[];
  /** A second thread for ml-outlier's numbers, when the caller has one (AnalyzerOptions.forestThread). */
  forestThread?: ForestThread;
}

/** The text of the line being observed (see Detector.observe). */
export interface LineText {
  readonly text: string;
}

/**
 * One rule. Detectors are fed every record in line order, then asked for their findings.
 * `finish` must not change the detector's state: the editor keeps feeding appended lines
 * to the same detector and asks again.
 */
export interface Detector {
  readonly rule: RuleId;
  /**
   * `line.text` is the line as given to the parsers (capped at maxLineLength), decoded the
   * first time it is read: most records never need it. Don't keep `line` or its text. The analyzer hands `record.source`, `path` and `userAgent` over as canonical copies
   * (see SourceProfiles): they may be kept as they are, and maps keyed by them find them by
   * identity. Other fields may be slices of the line: copy what is kept.
   */
  observe(record: LogRecord, line: LineText): void;
  /**
   * Called at the start of every finish, before any detector's `finish`: work that another
   * thread can do while the other detectors finish (ml-outlier hands its numbers over).
   * Whatever it starts, this detector's own `finish` collects.
   */
  prepare?(ctx: DetectorContext): void;
  finish(ctx: DetectorContext): Finding[];
}

/**
 * Interned ids of the record being observed, in the analyzer's SourceProfiles tables
 * (-1: the field is absent). The analyzer sets them just before the detectors see the record,
 * so a detector can keep per-source or per-path state in typed arrays instead of maps keyed
 * by strings. A detector made without them (a unit test) interns on its own.
 */
export interface RecordIds {
  source: number;
  path: number;
  agent: number;
  /**
   * The referrer's id, -1 when it has none (or the record's strings were not interned). Two
   * records with one id have one referrer; an id is never given to another referrer (the
   * reader's table of referrers starts over now and then, with ids from a new span), but one
   * referrer may get a new id then.
   */
  referrer: number;
}

export type DetectorFactory = (config: EngineConfig, ids?: RecordIds) => Detector;
