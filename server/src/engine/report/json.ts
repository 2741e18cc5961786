import type { AnalysisReport, FileReport, Finding } from '../model';
import { prettyJson, writePrettyJson } from './prettyJson';

/**
 * The finding contract of DESIGN.md (`--format json`; the panel and the history read the
 * same shape). Objects are rebuilt member by member so the key order is the contract's
 * whatever order the input was built in, and nothing outside the contract leaks out.
 * Evidence keeps the detector's own key order (it chose the order that reads best).
 */
export function toJson(report: AnalysisReport): string {
  return prettyJson(contractOf(report)) + '\n';
}

/** toJson's text, handed to `write` in pieces as it is made (see writePrettyJson). */
export function writeJson(report: AnalysisReport, write: (chunk: string) => void): void {
  writePrettyJson(contractOf(report), write);
  write('\n');
}

/** The report as contract-ordered plain data (also used by tests and other writers). */
export function contractOf(report: AnalysisReport): AnalysisReport {
  return {
    tool: { name: report.tool.name, version: report.tool.version },
    files: report.files.map(fileContract),
  };
}

function fileContract(file: FileReport): FileReport {
  const out: FileReport = {
    path: file.path,
    format: file.format,
    lines: file.lines,
    parsed: file.parsed,
    skipped: file.skipped,
    durationMs: file.durationMs,
    findings: file.findings.map(findingContract),
  };
  if (file.error !== undefined) out.error = file.error;
  if (file.failedRules?.length) out.failedRules = file.failedRules.map((f) => ({ rule: f.rule, error: f.error }));
  return out;
}

function findingContract(finding: Finding): Finding {
  return {
    fingerprint: finding.fingerprint,
    rule: finding.rule,
    title: finding.title,
    severity: finding.severity,
    confidence: finding.confidence,
    attack: finding.attack,
    // Optional members: left out when absent, in the contract's place when present.
    ...(finding.source !== undefined ? { source: finding.source } : {}),
    ...(finding.user !== undefined ? { user: finding.user } : {}),
    line: finding.line,
    lines: finding.lines,
    message: finding.message,
    evidence: finding.evidence,
  };
}
