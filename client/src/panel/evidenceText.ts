import * as vscode from 'vscode';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import type { Finding } from '../../../server/src/engine/model';
import { readLinesAt } from '../../../server/src/lsp/logFileOnDisk';
import type { EvidenceLine } from '../../../webview/src/messages';

/** Evidence lines sent to the panel per finding (it lists them; the editor has the rest). */
export const MAX_EVIDENCE_LINES = 50;
/** Characters of one line sent: enough to read the request, not a megabyte of minified payload. */
export const MAX_EVIDENCE_CHARS = 2000;

/**
 * The text of a finding's first evidence lines: from the open document when VS Code holds it,
 * else read from the file on disk (numbered as the analysis numbered them). Lines that cannot
 * be read come back empty.
 */
export async function evidenceText(uri: vscode.Uri, finding: Finding): Promise<{ lines: EvidenceLine[]; omitted: number }> {
  const wanted = finding.lines.slice(0, MAX_EVIDENCE_LINES);
  const omitted = finding.lines.length - wanted.length;
  const texts = new Map<number, string>();
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document) {
    for (const line of wanted) if (line - 1 < document.lineCount) texts.set(line, document.lineAt(line - 1).text);
  } else if (uri.scheme === 'file') {
    const read = await readLinesAt(uri.fsPath, new Set(wanted.map((l) => l - 1)), DEFAULT_CONFIG.maxLineLength).catch(() => new Map<number, string>());
    for (const [line, text] of read) texts.set(line + 1, text);
  }
  const lines = wanted.map((line) => {
    const text = texts.get(line) ?? '';
    return { line, text: text.length > MAX_EVIDENCE_CHARS ? `${text.slice(0, MAX_EVIDENCE_CHARS)}…` : text };
  });
  return { lines, omitted };
}
