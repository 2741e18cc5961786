import type { FormatId, RuleId } from './model';

/**
 * One configuration object for the whole engine. The CLI reads it from `.logwarden.json`
 * (`--config`), the language server from the `logWarden.*` settings; both go through
 * `resolveConfig`, so a partial object is always completed with the defaults below.
 */
export interface RuleSettingsBase {
  enabled: boolean;
}

export interface BruteForceSettings extends RuleSettingsBase {
  /** Failures from one source within `windowSeconds` that make a burst (fail2ban's maxretry). */
  threshold: number;
  /** Sliding window (fail2ban's findtime). */
  windowSeconds: number;
  /** Distinct users tried by one source from which the finding is password spraying (T1110.003). */
  sprayUsers: number;
}

export interface CompromiseSettings extends RuleSettingsBase {
  /** How long after the burst's last failure a success still counts (seconds). */
  withinSeconds: number;
}

export interface UrlScanSettings extends RuleSettingsBase {
  distinctPaths: number;
  /** Minimum share of 4xx answers among the source's requests in the window. */
  minErrorRatio: number;
  windowSeconds: number;
}

export interface PortScanSettings extends RuleSettingsBase {
  distinctPorts: number;
  windowSeconds: number;
}

export interface ScannerSettings extends RuleSettingsBase {
  /** Extra user-agent substrings (case-insensitive) treated as attack tools. */
  extraAgents: string[];
}

export interface WebAttackSettings extends RuleSettingsBase {
  /** How many times a value is URL-decoded at most (attackers double-encode). */
  decodeRounds: number;
}

export interface HighVolumeSettings extends RuleSettingsBase {
  /** Robust z-score (median/MAD) above which a source's volume is anomalous. */
  zThreshold: number;
  /** Sources with fewer requests are never reported, whatever their z. */
  minRequests: number;
}

export interface ExfiltrationSettings extends RuleSettingsBase {
  zThreshold: number;
  /** Minimum bytes sent to one source (or in one response) to report. */
  minBytes: number;
}

export interface ErrorRateSettings extends RuleSettingsBase {
  minRequests: number;
  minRatio: number;
  zThreshold: number;
}

export interface OffHoursSettings extends RuleSettingsBase {
  /** Minimum off-hours events from one source/user before it is reported. */
  minEvents: number;
}

export interface MlOutlierSettings extends RuleSettingsBase {
  /** Anomaly score (Liu et al.'s s, corrected) at or above which a source is reported. */
  scoreThreshold: number;
  trees: number;
  /** Per-tree subsample size ψ. */
  sampleSize: number;
  /** Seed for the repeatable random draws. */
  seed: number;
  /** Fewer sources than this and the forest has nothing to compare against. */
  minSources: number;
}

export interface RuleSettings {
  'brute-force': BruteForceSettings;
  'compromise-after-brute-force': CompromiseSettings;
  'url-scan': UrlScanSettings;
  'port-scan': PortScanSettings;
  scanner: ScannerSettings;
  'web-attack': WebAttackSettings;
  'high-volume': HighVolumeSettings;
  'data-exfiltration': ExfiltrationSettings;
  'error-rate': ErrorRateSettings;
  'off-hours': OffHoursSettings;
  'ml-outlier': MlOutlierSettings;
}

export interface WorkingHours {
  /** Hour of day the working day starts (inclusive), 0–23. */
  start: number;
  /** Hour of day it ends (exclusive), 1–24. */
  end: number;
  /** Working days, 0 = Sunday … 6 = Saturday. */
  days: number[];
  /**
   * 'log' = the clock the log itself was written in (its own UTC offset);
   * otherwise an IANA zone such as 'Europe/Berlin' or 'UTC'.
   */
  timezone: string;
}

/** Suppress one finding (by fingerprint) or one rule for one source. */
export interface Suppression {
  fingerprint?: string;
  rule?: RuleId;
  source?: string;
}

export interface EngineConfig {
  rules: RuleSettings;
  /** IPs and CIDRs (v4 and v6) never reported by any rule. */
  allowlist: string[];
  suppressions: Suppression[];
  workingHours: WorkingHours;
  /** Year for year-less syslog dates; undefined = the caller's reference (file mtime, or now). */
  referenceYear?: number;
  /** Forces a format instead of detecting it. */
  format?: FormatId;
  /** Characters of a line given to the parsers and patterns; the rest is ignored (and counted). */
  maxLineLength: number;
  /** Evidence lines kept per finding. */
  maxEvidenceLines: number;
  /** Findings kept per rule and file (most severe first). */
  maxFindingsPerRule: number;
}

/**
 * The most a setting may raise the per-line cap to: pattern work is linear, but a line is held
 * whole in memory before it is cut, and 1 MiB is already far beyond any real log line.
 */
export const MAX_LINE_LENGTH_LIMIT = 1024 * 1024;

export const DEFAULT_CONFIG: EngineConfig = {
  rules: {
    // fail2ban's sshd defaults are maxretry 5 / findtime 10m; the design's trigger is the same.
    'brute-force': { enabled: true, threshold: 5, windowSeconds: 600, sprayUsers: 3 },
    // A day: an attacker who got in rarely waits longer before using the account.
    'compromise-after-brute-force': { enabled: true, withinSeconds: 86_400 },
    'url-scan': { enabled: true, distinctPaths: 20, minErrorRatio: 0.5, windowSeconds: 600 },
    'port-scan': { enabled: true, distinctPorts: 10, windowSeconds: 300 },
    scanner: { enabled: true, extraAgents: [] },
    // Three rounds unwrap double and triple encoding; more only costs time.
    'web-attack': { enabled: true, decodeRounds: 3 },
    'high-volume': { enabled: true, zThreshold: 3, minRequests: 50 },
    'data-exfiltration': { enabled: true, zThreshold: 3, minBytes: 10 * 1024 * 1024 },
    'error-rate': { enabled: true, minRequests: 20, minRatio: 0.5, zThreshold: 3 },
    'off-hours': { enabled: true, minEvents: 1 },
    // ψ = 256 and 100 trees are Liu et al.'s defaults; 0.6 is the design's threshold.
    'ml-outlier': { enabled: true, scoreThreshold: 0.6, trees: 100, sampleSize: 256, seed: 42, minSources: 20 },
  },
  allowlist: [],
  suppressions: [],
  workingHours: { start: 8, end: 18, days: [1, 2, 3, 4, 5], timezone: 'log' },
  maxLineLength: 64 * 1024,
  maxEvidenceLines: 1000,
  maxFindingsPerRule: 10_000,
};

/** A partial configuration, as users write it. */
export type PartialConfig = {
  rules?: { [K in RuleId]?: Partial<RuleSettings[K]> };
  allowlist?: string[];
  suppressions?: Suppression[];
  workingHours?: Partial<WorkingHours>;
  referenceYear?: number;
  format?: FormatId;
  maxLineLength?: number;
  maxEvidenceLines?: number;
  maxFindingsPerRule?: number;
};

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Completes a user's partial configuration with the defaults. Values of the wrong type are
 * dropped (and reported in `problems`) rather than trusted, so a typo never disables a rule.
 */
export function resolveConfig(partial: unknown, problems: string[] = []): EngineConfig {
  const config: EngineConfig = structuredClone(DEFAULT_CONFIG);
  if (partial === undefined || partial === null) return config;
  if (!isObject(partial)) {
    problems.push('configuration must be a JSON object');
    return config;
  }
  const rules = partial.rules;
  if (rules !== undefined) {
    if (!isObject(rules)) problems.push('"rules" must be an object');
    else {
      for (const [ruleId, settings] of Object.entries(rules)) {
        const target = (config.rules as unknown as Record<string, Record<string, unknown>>)[ruleId];
        if (!target) {
          problems.push(`unknown rule "${ruleId}"`);
          continue;
        }
        if (!isObject(settings)) {
          problems.push(`rules.${ruleId} must be an object`);
          continue;
        }
        mergeTyped(target, settings, `rules.${ruleId}`, problems);
      }
    }
  }
  if (partial.workingHours !== undefined) {
    if (isObject(partial.workingHours)) {
      mergeTyped(config.workingHours as unknown as Record<string, unknown>, partial.workingHours, 'workingHours', problems);
    } else problems.push('"workingHours" must be an object');
  }
  for (const key of ['allowlist'] as const) {
    const v = partial[key];
    if (v === undefined) continue;
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) config[key] = v as string[];
    else problems.push(`"${key}" must be a list of strings`);
  }
  if (partial.suppressions !== undefined) {
    if (Array.isArray(partial.suppressions)) {
      config.suppressions = partial.suppressions.filter(isObject).map((s) => {
        const out: Suppression = {};
        if (typeof s.fingerprint === 'string') out.fingerprint = s.fingerprint;
        if (typeof s.rule === 'string') out.rule = s.rule as RuleId;
        if (typeof s.source === 'string') out.source = s.source;
        return out;
      });
    } else problems.push('"suppressions" must be a list');
  }
  for (const key of ['referenceYear', 'maxLineLength', 'maxEvidenceLines', 'maxFindingsPerRule'] as const) {
    const v = partial[key];
    if (v === undefined) continue;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) config[key] = Math.floor(v);
    else problems.push(`"${key}" must be a positive number`);
  }
  if (config.maxLineLength > MAX_LINE_LENGTH_LIMIT) {
    problems.push(`"maxLineLength" is capped at ${MAX_LINE_LENGTH_LIMIT} characters`);
    config.maxLineLength = MAX_LINE_LENGTH_LIMIT;
  }
  if (partial.format !== undefined) {
    if (typeof partial.format === 'string') config.format = partial.format as FormatId;
    else problems.push('"format" must be a string');
  }
  return config;
}

/** Copies values whose type matches the default's; reports the others. */
function mergeTyped(target: Record<string, unknown>, source: Record<string, unknown>, where: string, problems: string[]): void {
  for (const [key, value] of Object.entries(source)) {
    if (!(key in target)) {
      problems.push(`unknown setting ${where}.${key}`);
      continue;
    }
    const expected = target[key];
    const ok = Array.isArray(expected)
      ? Array.isArray(value)
      : typeof value === typeof expected && (typeof value !== 'number' || Number.isFinite(value));
    if (ok) target[key] = value;
    else problems.push(`${where}.${key} must be ${Array.isArray(expected) ? 'a list' : 'a ' + typeof expected}`);
  }
}
