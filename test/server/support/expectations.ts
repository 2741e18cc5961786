/**
 * What the server's diagnostics must be, derived from the engine's own report of the same
 * text (the engine is tested on its own; here we check the LSP mapping of its findings).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { resolveConfig, type PartialConfig } from '../../../server/src/engine/config';
import type { FileReport, Finding } from '../../../server/src/engine/model';
import { ruleDocsUrl } from '../../../server/src/engine/rules';
import { REPO } from './lspTestClient';

export const MAX_PER_FINDING = 20;
export const MAX_PER_DOCUMENT = 1000;

/** The engine's report for a file as the server sees it (path relative to the workspace folder, mtime as reference). */
export function engineReport(file: string, text: string, options: { folder?: string; config?: PartialConfig } = {}): FileReport {
  const folder = options.folder ?? REPO;
  const teamFile = path.join(folder, '.logwarden.json');
  const team = fs.existsSync(teamFile) ? (JSON.parse(fs.readFileSync(teamFile, 'utf8')) as PartialConfig) : {};
  const merged: PartialConfig = { ...options.config, ...team };
  if (options.config?.rules || team.rules) merged.rules = { ...options.config?.rules, ...team.rules };
  if (options.config?.allowlist || team.allowlist) merged.allowlist = [...(options.config?.allowlist ?? []), ...(team.allowlist ?? [])];
  if (options.config?.suppressions || team.suppressions) merged.suppressions = [...(options.config?.suppressions ?? []), ...(team.suppressions ?? [])];
  return analyzeText(text, {
    path: path.relative(folder, file).split(path.sep).join('/'),
    config: resolveConfig(merged),
    referenceTime: fs.statSync(file).mtimeMs,
  });
}

/** The (rule, 0-based line, fingerprint) of every diagnostic the report must give, in order. */
export function expectedEntries(report: FileReport): { rule: string; line: number; fingerprint: string }[] {
  const out: { rule: string; line: number; fingerprint: string }[] = [];
  for (const f of report.findings) {
    for (const line of evidenceLines(f).slice(0, MAX_PER_FINDING)) {
      if (out.length >= MAX_PER_DOCUMENT) return out;
      out.push({ rule: f.rule, line, fingerprint: f.fingerprint });
    }
  }
  return out;
}

/** 0-based evidence lines, the shown one first. */
export function evidenceLines(f: Finding): number[] {
  return [f.line - 1, ...f.lines.map((l) => l - 1).filter((l) => l !== f.line - 1)];
}

/** Asserts that `diagnostics` are exactly the report's findings mapped as DESIGN.md "In the editor" says. */
export function assertDiagnosticsMatch(diagnostics: Diagnostic[], report: FileReport, text: string, uri: string): void {
  const lines = text.split(/\r?\n/);
  const expected = expectedEntries(report);
  const actual = diagnostics.map((d) => ({ rule: String(d.code), line: d.range.start.line, fingerprint: (d.data as { fingerprint: string }).fingerprint }));
  assert.deepEqual(
    [...actual].sort(byEntry),
    [...expected].sort(byEntry),
    'one diagnostic per evidence line (capped), for exactly the findings the engine reports',
  );
  const byFingerprint = new Map(report.findings.map((f) => [f.fingerprint, f]));
  const rank = { critical: 0, high: 0, medium: 1, low: 2 };
  let lastRank = -1;
  for (const d of diagnostics) {
    const f = byFingerprint.get((d.data as { fingerprint: string }).fingerprint)!;
    assert.equal(d.source, 'Log Warden');
    assert.equal(d.codeDescription?.href, ruleDocsUrl(f.rule));
    assert.equal(d.severity, { critical: 1, high: 1, medium: 2, low: 3 }[f.severity], `severity of ${f.rule} (${f.severity})`);
    assert.ok(rank[f.severity] >= lastRank, 'most severe findings first');
    lastRank = rank[f.severity];
    assert.deepEqual(d.data, { fingerprint: f.fingerprint, rule: f.rule, ...(f.source !== undefined ? { source: f.source } : {}), ...(f.user !== undefined ? { user: f.user } : {}) });
    assert.ok(d.message.includes(f.message), 'the message explains the finding');
    // The range is the evidence on the line: the payload, else the source, else the user, else the text.
    const line = lines[d.range.start.line];
    assert.equal(d.range.end.line, d.range.start.line);
    const covered = line.slice(d.range.start.character, d.range.end.character);
    const span = f.evidence.span as number[] | undefined;
    if (span && d.range.start.line === f.line - 1) assert.equal(covered, line.slice(span[0], span[1]), 'the payload span');
    else if (f.source && line.includes(f.source)) assert.equal(covered, f.source, `the source on line ${d.range.start.line + 1}`);
    else if (f.user && line.includes(f.user)) assert.equal(covered, f.user);
    else assert.equal(covered, line.trimStart());
    // The other evidence lines of the finding are related information.
    const shown = evidenceLines(f).slice(0, MAX_PER_FINDING);
    const related = (d.relatedInformation ?? []).map((r) => {
      assert.equal(r.location.uri, uri);
      return r.location.range.start.line;
    });
    assert.deepEqual(related, shown.filter((l) => l !== d.range.start.line));
  }
}

function byEntry(a: { rule: string; line: number; fingerprint: string }, b: { rule: string; line: number; fingerprint: string }): number {
  return a.fingerprint.localeCompare(b.fingerprint) || a.line - b.line;
}
