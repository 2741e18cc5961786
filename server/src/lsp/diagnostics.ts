import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver/node';
import type { FileReport, Finding, Severity } from '../engine/model';
import { ruleDocsUrl } from '../engine/rules';
import { DIAGNOSTIC_SOURCE, type DiagnosticData, type DiagnosticSeverityName } from '../protocol';

export interface DiagnosticOptions {
  severity: Record<Severity, DiagnosticSeverityName>;
  maxPerFinding: number;
  maxPerDocument: number;
}

const SEVERITY: Record<DiagnosticSeverityName, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** 0-based line → its text, or undefined when unknown (then the range is the whole line). */
export type LineText = (line: number) => string | undefined;

/**
 * One diagnostic per evidence line of each finding, most severe findings first (the report
 * is sorted so), the finding's shown line first within it; capped per finding and per
 * document. Each carries the others as related information and `data` for code actions.
 */
export function findingsToDiagnostics(uri: string, report: FileReport, lineText: LineText, options: DiagnosticOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const perFinding = Math.max(1, options.maxPerFinding);
  for (const finding of report.findings) {
    if (out.length >= options.maxPerDocument) break;
    const lines = evidenceOrder(finding).slice(0, perFinding);
    const ranges = lines.map((line) => evidenceRange(finding, line, lineText(line)));
    const data: DiagnosticData = { fingerprint: finding.fingerprint, rule: finding.rule };
    if (finding.source !== undefined) data.source = finding.source;
    if (finding.user !== undefined) data.user = finding.user;
    for (let k = 0; k < lines.length && out.length < options.maxPerDocument; k++) {
      const related: DiagnosticRelatedInformation[] = [];
      for (let j = 0; j < lines.length; j++) {
        if (j === k) continue;
        related.push({
          location: { uri, range: ranges[j] },
          message: j === 0 ? `${finding.title} (line ${lines[j] + 1}, shown first)` : `evidence line ${lines[j] + 1}`,
        });
      }
      out.push({
        range: ranges[k],
        severity: SEVERITY[options.severity[finding.severity]] ?? DiagnosticSeverity.Warning,
        source: DIAGNOSTIC_SOURCE,
        code: finding.rule,
        codeDescription: { href: ruleDocsUrl(finding.rule) },
        message: `${finding.title}: ${finding.message}`,
        relatedInformation: related.length > 0 ? related : undefined,
        data,
      });
    }
  }
  return out;
}

/** 0-based evidence lines: the one shown first, then the others in file order. */
export function evidenceOrder(finding: Finding): number[] {
  const primary = finding.line - 1;
  const lines = [primary];
  for (const l of finding.lines) if (l - 1 !== primary) lines.push(l - 1);
  return lines;
}

/**
 * Where on the line the evidence is: the payload span (web attacks, on their shown line),
 * else the source address, else the user, else the line's text without its indentation.
 */
export function evidenceRange(finding: Finding, line: number, text: string | undefined): Range {
  if (text === undefined) return { start: { line, character: 0 }, end: { line, character: 0x7fffffff } };
  const span = finding.evidence.span;
  if (line === finding.line - 1 && Array.isArray(span) && span.length === 2) {
    const [start, end] = span as number[];
    if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= text.length) {
      return { start: { line, character: start }, end: { line, character: end } };
    }
  }
  for (const token of [finding.source, finding.user]) {
    if (!token) continue;
    const at = indexOfToken(text, token);
    if (at >= 0) return { start: { line, character: at }, end: { line, character: at + token.length } };
  }
  let start = 0;
  while (start < text.length && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  return { start: { line, character: start < text.length ? start : 0 }, end: { line, character: text.length } };
}

/** First occurrence of `token` not glued to a letter, digit, '.', '_' or '-' (10.0.0.5 is not in 10.0.0.50). */
export function indexOfToken(text: string, token: string): number {
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(at + token.length))) return at;
  }
  return -1;
}

function isWordChar(c: number): boolean {
  if (Number.isNaN(c)) return false;
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 46 || c === 95 || c === 45;
}
