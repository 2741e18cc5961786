import { resolveConfig, type EngineConfig, type PartialConfig } from '../engine/config';
import { FORMAT_IDS } from '../engine/formats';
import type { Severity } from '../engine/model';
import { SEVERITIES } from '../engine/model';
import { EDITOR_DEFAULTS, type DiagnosticSeverityName, type LogWardenSettings } from '../protocol';
import type { DiagnosticOptions } from './diagnostics';

/** What a document is analysed and shown with. */
export interface EffectiveSettings {
  config: EngineConfig;
  diagnostics: DiagnosticOptions;
  /** Analyses kept in the history per file; 0 = none recorded. */
  historyRetention: number;
  /** Mistakes found in the settings and the team file, for the log. */
  problems: string[];
}

const SEVERITY_NAMES: readonly DiagnosticSeverityName[] = ['error', 'warning', 'information', 'hint'];

/**
 * Settings from the editor, then `.logwarden.json` merged over them, then the engine's
 * defaults for whatever is left. In an untrusted workspace user-defined patterns are dropped
 * from both.
 */
export function effectiveSettings(settings: LogWardenSettings | null | undefined, teamFile: unknown, trusted: boolean): EffectiveSettings {
  const problems: string[] = [];
  const fromEditor = settingsToPartialConfig(isObject(settings) ? settings : {}, problems);
  const fromTeam = isObject(teamFile) ? (teamFile as PartialConfig) : {};
  if (teamFile !== undefined && !isObject(teamFile)) problems.push('.logwarden.json: the top level must be an object');
  const merged = mergePartialConfigs(fromEditor, fromTeam);
  if (!trusted) dropUserPatterns(merged);
  const config = resolveConfig(merged, problems);
  const editor = isObject(settings) ? settings : {};
  return { config, diagnostics: diagnosticOptions(editor, problems), historyRetention: historyRetention(editor, problems), problems };
}

/** The editor settings as the engine's partial configuration. */
export function settingsToPartialConfig(settings: LogWardenSettings, problems: string[]): PartialConfig {
  const out: PartialConfig = {};
  const rules: Record<string, unknown> = {};
  if (settings.rules !== undefined) {
    if (isObject(settings.rules)) Object.assign(rules, settings.rules);
    else problems.push('logWarden.rules must be an object');
  }
  if (settings.mlOutlier !== undefined) {
    if (isObject(settings.mlOutlier)) rules['ml-outlier'] = settings.mlOutlier;
    else problems.push('logWarden.mlOutlier must be an object');
  }
  if (Object.keys(rules).length > 0) out.rules = rules as PartialConfig['rules'];
  if (settings.allowlist !== undefined) out.allowlist = settings.allowlist;
  const hours: Record<string, unknown> = {};
  if (isObject(settings.workingHours)) Object.assign(hours, settings.workingHours);
  if (typeof settings.timezone === 'string' && settings.timezone.trim()) hours.timezone = settings.timezone.trim();
  if (Object.keys(hours).length > 0) out.workingHours = hours;
  if (settings.logFormat !== undefined && settings.logFormat !== 'auto') {
    if (FORMAT_IDS.includes(settings.logFormat)) out.format = settings.logFormat;
    else problems.push(`logWarden.logFormat "${String(settings.logFormat)}" is not one of auto, ${FORMAT_IDS.join(', ')}`);
  }
  if (typeof settings.referenceYear === 'number' && settings.referenceYear > 0) out.referenceYear = settings.referenceYear;
  return out;
}

/**
 * `over` wins: rules and working hours merge key by key, lists (allowlist, suppressions)
 * are joined, other values are replaced.
 */
export function mergePartialConfigs(base: PartialConfig, over: PartialConfig): PartialConfig {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    if (key === 'rules' && isObject(prior) && isObject(value)) {
      const rules: Record<string, unknown> = { ...prior };
      for (const [rule, settings] of Object.entries(value)) {
        rules[rule] = isObject(rules[rule]) && isObject(settings) ? { ...(rules[rule] as object), ...settings } : settings;
      }
      out.rules = rules;
    } else if (key === 'workingHours' && isObject(prior) && isObject(value)) {
      out.workingHours = { ...prior, ...value };
    } else if ((key === 'allowlist' || key === 'suppressions') && Array.isArray(prior) && Array.isArray(value)) {
      out[key] = [...prior, ...value];
    } else out[key] = value;
  }
  return out as PartialConfig;
}

/**
 * Settings that hold patterns someone else wrote: ignored until the workspace is trusted.
 * (Today: the scanner rule's extra user-agent strings; custom formats or rules join here.)
 */
function dropUserPatterns(config: PartialConfig): void {
  const scanner = config.rules?.scanner as Record<string, unknown> | undefined;
  if (scanner && 'extraAgents' in scanner) {
    const copy = { ...scanner };
    delete copy.extraAgents;
    (config.rules as Record<string, unknown>).scanner = copy;
  }
}

function diagnosticOptions(settings: LogWardenSettings, problems: string[]): DiagnosticOptions {
  const severity: Record<Severity, DiagnosticSeverityName> = { ...EDITOR_DEFAULTS.severity };
  if (isObject(settings.severity)) {
    for (const s of SEVERITIES) {
      const v = (settings.severity as Record<string, unknown>)[s];
      if (v === undefined) continue;
      if (typeof v === 'string' && (SEVERITY_NAMES as string[]).includes(v)) severity[s] = v as DiagnosticSeverityName;
      else problems.push(`logWarden.severity.${s} must be one of ${SEVERITY_NAMES.join(', ')}`);
    }
  }
  return {
    severity,
    maxPerFinding: positiveInt(settings.maxDiagnosticsPerFinding, EDITOR_DEFAULTS.maxDiagnosticsPerFinding, 'maxDiagnosticsPerFinding', problems),
    maxPerDocument: positiveInt(settings.maxDiagnosticsPerDocument, EDITOR_DEFAULTS.maxDiagnosticsPerDocument, 'maxDiagnosticsPerDocument', problems),
  };
}

function historyRetention(settings: LogWardenSettings, problems: string[]): number {
  const value = settings.historyRetention;
  if (value === undefined || value === null) return EDITOR_DEFAULTS.historyRetention;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.floor(value);
  problems.push('logWarden.historyRetention must be a number ≥ 0');
  return EDITOR_DEFAULTS.historyRetention;
}

function positiveInt(value: unknown, fallback: number, name: string, problems: string[]): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 1) return Math.floor(value);
  problems.push(`logWarden.${name} must be a number ≥ 1`);
  return fallback;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
