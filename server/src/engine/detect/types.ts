import type { EngineConfig } from '../config';
import type { Finding, LogRecord, RuleId } from '../model';
import type { SourceProfiles } from './sourceProfiles';

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
}

/**
 * One rule. Detectors are fed every record in line order, then asked for their findings.
 * `finish` must not change the detector's state: the editor keeps feeding appended lines
 * to the same detector and asks again.
 */
export interface Detector {
  readonly rule: RuleId;
  /** `text` is the line as given to the parsers (capped at maxLineLength); don't keep it. */
  observe(record: LogRecord, text: string): void;
  finish(ctx: DetectorContext): Finding[];
}

export type DetectorFactory = (config: EngineConfig) => Detector;
