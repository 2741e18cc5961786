import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import type { EvidenceValue, FileReport, Finding } from '../engine/model';
import { attackUrl, RULES, ruleDocsUrl } from '../engine/rules';

/** Findings listed in one hover at most (a line can be evidence of many). */
const MAX_FINDINGS_PER_HOVER = 5;
/** Evidence values listed per finding; long lists are cut, the finding's message has the gist. */
const MAX_EVIDENCE_ITEMS = 12;

/** The findings whose evidence includes the 0-based `line`, most severe first. */
export function findingsOnLine(report: FileReport, line: number): Finding[] {
  const oneBased = line + 1;
  return report.findings.filter((f) => f.line === oneBased || binaryIncludes(f.lines, oneBased));
}

/** Markdown explaining every finding on a line: what, why (the numbers), how sure, ATT&CK. */
export function hoverForLine(report: FileReport, line: number): Hover | null {
  const findings = findingsOnLine(report, line);
  if (findings.length === 0) return null;
  const parts = findings.slice(0, MAX_FINDINGS_PER_HOVER).map(describeFinding);
  if (findings.length > MAX_FINDINGS_PER_HOVER) parts.push(`… and ${findings.length - MAX_FINDINGS_PER_HOVER} more findings on this line.`);
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') } };
}

export function describeFinding(f: Finding): string {
  const rule = RULES[f.rule];
  const lines: string[] = [];
  lines.push(`**${escapeMarkdown(f.title)}** — [${rule.name}](${ruleDocsUrl(f.rule)}) \`${f.rule}\``);
  lines.push('');
  lines.push(escapeMarkdown(f.message));
  lines.push('');
  const attack = f.attack.length ? ` · ATT&CK ${f.attack.map((t) => `[${t}](${attackUrl(t)})`).join(', ')}` : '';
  lines.push(`Confidence **${Math.round(f.confidence * 100)}%** · severity **${f.severity}**${attack}`);
  const who = [f.source !== undefined ? `source \`${inlineCode(f.source)}\`` : '', f.user !== undefined ? `user \`${inlineCode(f.user)}\`` : ''].filter(Boolean);
  const total = typeof f.evidence.evidenceLinesTotal === 'number' ? f.evidence.evidenceLinesTotal : f.lines.length;
  lines.push('');
  lines.push(`${who.length ? who.join(' · ') + ' · ' : ''}${total} evidence line${total === 1 ? '' : 's'}, shown first on line ${f.line}`);
  const items = Object.entries(f.evidence)
    .filter(([key]) => key !== 'span' && key !== 'evidenceLinesTotal')
    .slice(0, MAX_EVIDENCE_ITEMS)
    .map(([key, value]) => `- ${escapeMarkdown(key)}: ${formatValue(value)}`);
  if (items.length) {
    lines.push('');
    lines.push(...items);
  }
  return lines.join('\n');
}

function formatValue(value: EvidenceValue): string {
  if (Array.isArray(value)) {
    const shown = (value as (string | number)[]).slice(0, 10).map((v) => `\`${inlineCode(String(v))}\``);
    return shown.join(', ') + (value.length > 10 ? `, … (${value.length})` : '');
  }
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  if (value === null) return '—';
  return `\`${inlineCode(String(value))}\``;
}

/** Log text is attacker-controlled: it must not become links, images or HTML in the hover. */
export function escapeMarkdown(text: string): string {
  // `:` too, and the dot of `www.`: a URL written by an attacker must not become a link.
  return text
    .replace(/[\\`*_{}[\]()<>#+!|~&:]/g, (c) => `\\${c}`)
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`)
    .replace(/\r?\n/g, ' ');
}

/** Inside inline code only backticks and line breaks matter; cap the length. */
function inlineCode(text: string): string {
  const flat = text.replace(/`/g, "'").replace(/[\r\n]/g, ' ');
  return flat.length > 200 ? flat.slice(0, 200) + '…' : flat;
}

function binaryIncludes(sorted: readonly number[], value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === value) return true;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
