import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from '../../../server/src/protocol';

/** Polls `check` until it returns something other than undefined; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string | (() => string), check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Log Warden's diagnostics of a resource. */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE);
}

/** The rule id of a diagnostic (`code` is `{ value, target }` when it links to docs). */
export function ruleOf(d: vscode.Diagnostic): string {
  const code = d.code;
  if (code === undefined) return '';
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** "line: rule severity" of each diagnostic, for messages of failed waits. */
export function listDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  return diagnostics.map((d) => `${d.range.start.line + 1}: ${ruleOf(d)} ${vscode.DiagnosticSeverity[d.severity]}`).join('; ') || '(none)';
}
