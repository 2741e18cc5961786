import {
  CodeAction,
  CodeActionKind,
  CreateFile,
  TextDocumentEdit,
  TextEdit,
  type Command,
  type Diagnostic,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RULE_IDS } from '../engine/rules';
import {
  ADD_TO_TEAM_CONFIG_COMMAND,
  DIAGNOSTIC_SOURCE,
  RELOAD_TEAM_CONFIG_COMMAND,
  type AddToTeamConfigArgs,
  type DiagnosticData,
  type ReloadTeamConfigArgs,
} from '../protocol';
import { addToTopLevelList, applyJsonEdits, newFileWithList } from './jsonTextEdit';
import type { TeamConfig } from './teamConfig';

/** What the client can do with the edits we return. */
export interface EditCapabilities {
  /** `workspace.workspaceEdit.documentChanges` */
  documentChanges: boolean;
  /** `workspace.workspaceEdit.resourceOperations` includes 'create' */
  createFiles: boolean;
  /** `textDocument.codeAction.disabledSupport` */
  disabledActions: boolean;
}

interface Fix {
  title: string;
  key: AddToTeamConfigArgs['key'];
  value: unknown;
}

/**
 * The quick fixes for Log Warden diagnostics: suppress the finding, suppress its rule for its
 * source, allowlist its source. Each edits `.logwarden.json` (creating it when missing) with
 * one insertion that keeps the file's formatting, then asks the server to re-read it.
 */
export function quickFixes(diagnostics: readonly Diagnostic[], team: TeamConfig | undefined, caps: EditCapabilities): CodeAction[] {
  if (!team) return [];
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  const ours = diagnostics.map((d) => ({ diagnostic: d, data: diagnosticData(d) }));
  // Several findings on one line: say which one "this finding" is.
  const findings = new Set(ours.map((o) => o.data?.fingerprint).filter(Boolean)).size;
  for (const { diagnostic, data } of ours) {
    if (!data) continue;
    for (const fix of fixesFor(data, findings > 1)) {
      const identity = `${fix.key}\u0000${JSON.stringify(fix.value)}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      const action = buildAction(fix, diagnostic, team, caps);
      if (action) actions.push(action);
    }
  }
  return actions;
}

/** The `data` of one of our diagnostics, checked (it comes back from the client). */
export function diagnosticData(diagnostic: Diagnostic): DiagnosticData | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  if (!data || typeof data.fingerprint !== 'string' || typeof data.rule !== 'string' || !RULE_IDS.includes(data.rule)) return undefined;
  return {
    fingerprint: data.fingerprint,
    rule: data.rule,
    ...(typeof data.source === 'string' && data.source ? { source: data.source } : {}),
    ...(typeof data.user === 'string' ? { user: data.user } : {}),
  };
}

function fixesFor(data: DiagnosticData, nameIt: boolean): Fix[] {
  const which = nameIt ? ` (${data.rule}${data.source ? ` from ${data.source}` : ''})` : '';
  const fixes: Fix[] = [{ title: `Suppress this finding${which}`, key: 'suppressions', value: { fingerprint: data.fingerprint } }];
  if (data.source) {
    fixes.push({ title: `Suppress rule ${data.rule} for source ${data.source}`, key: 'suppressions', value: { rule: data.rule, source: data.source } });
    fixes.push({ title: `Allowlist source ${data.source}`, key: 'allowlist', value: data.source });
  }
  return fixes;
}

function buildAction(fix: Fix, diagnostic: Diagnostic, team: TeamConfig, caps: EditCapabilities): CodeAction | undefined {
  const action = CodeAction.create(fix.title, CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  const uri = team.fileUri;
  if (team.text === undefined) {
    const text = newFileWithList(fix.key, fix.value);
    if (caps.createFiles) {
      action.edit = {
        documentChanges: [CreateFile.create(uri, { ignoreIfExists: true }), TextDocumentEdit.create({ uri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, text)])],
      };
      action.command = reloadCommand(uri, text);
    } else {
      // The client cannot create files: the server writes it.
      const args: AddToTeamConfigArgs = { fileUri: uri, key: fix.key, value: fix.value };
      action.command = { title: fix.title, command: ADD_TO_TEAM_CONFIG_COMMAND, arguments: [args] };
    }
    return action;
  }
  const result = addToTopLevelList(team.text, fix.key, fix.value);
  if (result.kind === 'exists') return undefined;
  if (result.kind === 'invalid') {
    if (!caps.disabledActions) return undefined;
    action.disabled = { reason: `${team.fileUri}: ${result.reason}` };
    return action;
  }
  const document = TextDocument.create(uri, 'json', 0, team.text);
  const range = { start: document.positionAt(result.edit.offset), end: document.positionAt(result.edit.offset + result.edit.length) };
  const edit = TextEdit.replace(range, result.edit.text);
  const workspaceEdit: WorkspaceEdit = caps.documentChanges
    ? { documentChanges: [TextDocumentEdit.create({ uri, version: null }, [edit])] }
    : { changes: { [uri]: [edit] } };
  action.edit = workspaceEdit;
  action.command = reloadCommand(uri, applyJsonEdits(team.text, [result.edit]));
  return action;
}

function reloadCommand(fileUri: string, expectedText: string): Command {
  const args: ReloadTeamConfigArgs = { fileUri, expectedText };
  return { title: 'Reload Log Warden settings', command: RELOAD_TEAM_CONFIG_COMMAND, arguments: [args] };
}
