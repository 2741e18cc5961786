import type { AnalysisReport, FileReport, Finding, RuleId, Severity } from '../model';
import { attackUrl, ruleDocsUrl, RULE_IDS, RULES } from '../rules';
import { severityRank } from '../score';
import { TOOL_VERSION } from '../version';
import { prettyJson, writePrettyJson } from './prettyJson';
import { terminalSafe } from './terminalSafe';

/**
 * SARIF 2.1.0 (OASIS), the format code-scanning tools read (GitHub code scanning, the SARIF
 * viewer of VS Code, Azure DevOps). One run; every rule of the catalog is listed so that
 * `ruleIndex` is stable across reports; one result per finding, located at its first line,
 * with the other evidence lines as related locations.
 */

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/log-warden/log-warden';
/** Key of `partialFingerprints`; the version suffix changes if the fingerprint recipe does. */
export const FINGERPRINT_KEY = 'logWarden/v1';
/**
 * Related locations per result. Viewers list them one by one; past a hundred they are
 * noise, and the full list is in the JSON output.
 */
export const MAX_RELATED_LOCATIONS = 100;

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/**
 * GitHub code scanning reads `security-severity` (0.0–10.0, as a string) and buckets it:
 * > 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. One value inside each bucket,
 * away from its edges, so our severity lands in the same-named bucket.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '7.5', medium: '5.0', low: '2.0' };

export function toSarif(report: AnalysisReport): string {
  return prettyJson(sarifLog(report)) + '\n';
}

/** toSarif's text, handed to `write` in pieces as it is made (see writePrettyJson). */
export function writeSarif(report: AnalysisReport, write: (chunk: string) => void): void {
  writePrettyJson(sarifLog(report), write);
  write('\n');
}

/** The SARIF log as plain data, members in the order they are written. */
function sarifLog(report: AnalysisReport): unknown {
  const artifacts: unknown[] = [];
  const artifactIndex = new Map<string, number>();
  const results: unknown[] = [];
  const notifications: unknown[] = [];
  // Per rule: the most severe finding and every technique named, for the rule descriptors.
  const worst = new Map<RuleId, Severity>();
  const techniques = new Map<RuleId, Set<string>>();

  for (const file of report.files) {
    const uri = artifactUri(file.path);
    let index = artifactIndex.get(uri);
    if (index === undefined) {
      index = artifacts.length;
      artifactIndex.set(uri, index);
      artifacts.push(artifactOf(file, uri));
    }
    const location = { uri, index };
    if (file.error !== undefined) {
      notifications.push({
        level: 'error',
        message: { text: `${terminalSafe(file.path)}: ${terminalSafe(file.error)}` },
        locations: [{ physicalLocation: { artifactLocation: location } }],
      });
    }
    for (const failed of file.failedRules ?? []) {
      notifications.push({
        level: 'error',
        message: { text: `${terminalSafe(file.path)}: rule ${failed.rule} failed (${terminalSafe(failed.error)}); its findings are missing` },
        descriptor: { id: failed.rule },
        locations: [{ physicalLocation: { artifactLocation: location } }],
      });
    }
    for (const finding of file.findings) {
      results.push(resultOf(finding, location));
      const seen = worst.get(finding.rule);
      if (seen === undefined || severityRank(finding.severity) > severityRank(seen)) worst.set(finding.rule, finding.severity);
      let set = techniques.get(finding.rule);
      if (!set) techniques.set(finding.rule, (set = new Set()));
      for (const t of finding.attack) set.add(t);
    }
  }

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Log Warden',
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: INFORMATION_URI,
            rules: RULE_IDS.map((id) => ruleOf(id, worst.get(id), techniques.get(id))),
          },
        },
        invocations: [
          notifications.length > 0
            ? { executionSuccessful: true, toolExecutionNotifications: notifications }
            : { executionSuccessful: true },
        ],
        artifacts,
        results,
      },
    ],
  };
  return log;
}

function ruleOf(id: RuleId, worst: Severity | undefined, seenTechniques: Set<string> | undefined) {
  const info = RULES[id];
  const helpUri = info.attack.length > 0 ? attackUrl(info.attack[0]) : ruleDocsUrl(id);
  const tags = [...new Set([...info.attack, ...(seenTechniques ?? [])])].sort();
  const attackText =
    info.attack.length > 0
      ? ` MITRE ATT&CK: ${info.attack.join(', ')}.`
      : ' Not tied to one ATT&CK technique: an outlier is a lead to investigate.';
  const properties: Record<string, unknown> = { tags: [...tags, 'security'] };
  // The worst severity this rule reached in the report: what code scanning shows for the rule.
  if (worst !== undefined) properties['security-severity'] = SECURITY_SEVERITY[worst];
  return {
    id,
    name: pascalCase(info.name),
    shortDescription: { text: info.summary },
    fullDescription: { text: info.summary + attackText },
    helpUri,
    help: {
      text: `${info.summary}${attackText}\nTechniques: ${
        info.attack.map((t) => `${t} ${attackUrl(t)}`).join('; ') || 'none'
      }\nRule documentation: ${ruleDocsUrl(id)}`,
      markdown: `**${info.name}** — ${info.summary}\n\n${
        info.attack.length > 0
          ? `MITRE ATT&CK: ${info.attack.map((t) => `[${t}](${attackUrl(t)})`).join(', ')}\n\n`
          : ''
      }[Rule documentation](${ruleDocsUrl(id)})`,
    },
    properties,
  };
}

function resultOf(finding: Finding, artifactLocation: { uri: string; index: number }) {
  const related: unknown[] = [];
  let omitted = 0;
  for (const line of finding.lines) {
    if (line === finding.line) continue;
    if (related.length >= MAX_RELATED_LOCATIONS) {
      omitted++;
      continue;
    }
    // No message: the region says it all, and a million of them would cost 40 MB.
    related.push({ id: related.length + 1, physicalLocation: { artifactLocation, region: { startLine: line } } });
  }
  const properties: Record<string, unknown> = {
    confidence: finding.confidence,
    severity: finding.severity,
    source: finding.source,
    user: finding.user,
    attack: finding.attack,
    evidence: finding.evidence,
    'security-severity': SECURITY_SEVERITY[finding.severity],
  };
  if (omitted > 0) properties.relatedLocationsOmitted = omitted;
  return {
    ruleId: finding.rule,
    ruleIndex: RULE_IDS.indexOf(finding.rule),
    level: LEVEL[finding.severity],
    // Display text: log-derived parts cleaned of controls and bidi overrides; the raw
    // values stay in `properties`.
    message: { text: `${terminalSafe(finding.title)}: ${terminalSafe(finding.message)}` },
    locations: [{ physicalLocation: { artifactLocation, region: { startLine: finding.line } } }],
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    // SARIF rank is a priority in [0, 100]; confidence is the best priority we have.
    rank: Math.round(finding.confidence * 1000) / 10,
    properties,
  };
}

function artifactOf(file: FileReport, uri: string) {
  return {
    location: { uri },
    roles: ['analysisTarget'],
    mimeType: 'text/plain',
    properties: {
      format: file.format,
      lines: file.lines,
      parsed: file.parsed,
      skipped: file.skipped,
      durationMs: file.durationMs,
    },
  };
}

/**
 * A file path as a SARIF artifact URI. Relative paths stay relative references
 * (`logs/my%20app.log`), with `\` read as a separator since log paths often come from
 * Windows; absolute paths become `file:` URIs (`/var/log/x` → `file:///var/log/x`,
 * `C:\logs\x` → `file:///C:/logs/x`, `\\host\share\x` → `file://host/share/x`). Every
 * segment is percent-encoded as UTF-8, so spaces, `#`, `?`, `%` and `:` cannot change what
 * the URI means.
 */
export function artifactUri(path: string): string {
  const slashed = wellFormed(path).replace(/\\/g, '/');
  if (/^[A-Za-z]:\//.test(slashed)) return 'file:///' + slashed.slice(0, 2) + encodePath(slashed.slice(2));
  if (slashed.startsWith('//')) {
    const rest = slashed.slice(2);
    const slash = rest.indexOf('/');
    const host = slash < 0 ? rest : rest.slice(0, slash);
    return 'file://' + encodeURIComponent(host) + (slash < 0 ? '/' : encodePath(rest.slice(slash)));
  }
  if (slashed.startsWith('/')) return 'file://' + encodePath(slashed);
  return encodePath(slashed);
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Lone surrogates (possible in a name decoded from bytes) become U+FFFD: encodeURIComponent throws on them. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** "Login after brute force" → "LoginAfterBruteForce": SARIF rule names are identifiers. */
function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}
