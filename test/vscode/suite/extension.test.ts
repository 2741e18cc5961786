/**
 * Log Warden inside a real VS Code extension host: activation, diagnostics, hovers, quick
 * fixes, settings, edits, the Output panel and "Analyze Log" on a file too big for the editor.
 * The workspace is a scratch copy of example_logs/ made by the runner.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LogWardenApi } from '../../../client/src/extension';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { DEFAULT_CONFIG, resolveConfig } from '../../../server/src/engine/config';
import type { FileReport, Finding } from '../../../server/src/engine/model';
import { EDITOR_DEFAULTS, TEAM_CONFIG_FILE } from '../../../server/src/protocol';
import { listDiagnostics, ours, ruleOf, waitFor } from './waits';

const EXTENSION_ID = 'log-warden.log-warden';
/** VS Code hands no file above this size to extensions. */
const SYNC_LIMIT_BYTES = 50 * 1024 * 1024;

const EDITOR_SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens a workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** What the engine itself finds in a file, read the way the server reads it (mtime for year-less dates). */
function engineReport(file: string, config = DEFAULT_CONFIG): FileReport {
  return analyzeText(fs.readFileSync(file, 'utf8'), { path: path.basename(file), config, referenceTime: fs.statSync(file).mtimeMs });
}

function rulesOf(diagnostics: readonly vscode.Diagnostic[]): string {
  return [...new Set(diagnostics.map(ruleOf))].sort().join(',');
}

async function extensionApi(): Promise<LogWardenApi> {
  const extension = vscode.extensions.getExtension<LogWardenApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

describe('Log Warden in a real VS Code', function () {
  let authLog: vscode.Uri;
  let expected: FileReport;

  before(async function () {
    authLog = workspaceFile('auth.log');
    expected = engineReport(authLog.fsPath);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(authLog));
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates when a log opens; *.log is language "log"', async function () {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'log');
    await waitFor('the extension to activate', () => (extension.isActive ? true : undefined));
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['logWarden.analyzeLog', 'logWarden.restartServer', 'logWarden.showOutput', 'logWarden.showHistory', 'logWarden.clearHistory']) assert.ok(commands.includes(id), `command ${id}`);
  });

  it('shows every finding of auth.log as diagnostics: rule code with docs link, mapped severity, evidence span, related lines', async function () {
    assert.ok(expected.findings.length > 0, 'the example log has findings');
    const rules = new Set(expected.findings.map((f) => f.rule));
    assert.ok(rules.has('brute-force') && rules.has('compromise-after-brute-force'), `auth.log is the brute-force example (${[...rules]})`);
    const diagnostics = await waitFor(
      () => `diagnostics of every rule in ${[...rules]}; have ${listDiagnostics(ours(authLog))}`,
      () => {
        const d = ours(authLog);
        return [...rules].every((r) => d.some((x) => ruleOf(x) === r)) ? d : undefined;
      },
    );
    const text = fs.readFileSync(authLog.fsPath, 'utf8').split('\n');
    for (const finding of expected.findings) {
      const shown = diagnostics.find((d) => ruleOf(d) === finding.rule && d.range.start.line === finding.line - 1);
      assert.ok(shown, `a ${finding.rule} diagnostic on line ${finding.line}; have ${listDiagnostics(diagnostics)}`);
      assert.equal(shown.severity, EDITOR_SEVERITY[EDITOR_DEFAULTS.severity[finding.severity]], `${finding.rule} (${finding.severity}) severity`);
      assert.ok(typeof shown.code === 'object' && shown.code.target.toString().endsWith(`#rule-${finding.rule}`), `${finding.rule} links to its docs`);
      assert.ok(shown.message.includes(finding.title), `message names the finding: ${shown.message}`);
      if (finding.source !== undefined && text[finding.line - 1].includes(finding.source) && finding.evidence.span === undefined) {
        const spanned = text[finding.line - 1].slice(shown.range.start.character, shown.range.end.character);
        assert.equal(spanned, finding.source, `${finding.rule} range is on the source address`);
      }
      const evidence = diagnostics.filter((d) => ruleOf(d) === finding.rule && d.message === shown.message);
      assert.equal(evidence.length, Math.min(finding.lines.length, EDITOR_DEFAULTS.maxDiagnosticsPerFinding), `${finding.rule}: one diagnostic per evidence line`);
      if (finding.lines.length > 1) {
        const related = shown.relatedInformation ?? [];
        assert.equal(related.length, evidence.length - 1, `${finding.rule}: the other evidence lines are related information`);
        for (const r of related) {
          assert.equal(r.location.uri.toString(), authLog.toString());
          assert.ok(finding.lines.includes(r.location.range.start.line + 1), `related line ${r.location.range.start.line + 1} is evidence`);
        }
      }
    }
    assert.ok(
      diagnostics.some((d) => d.severity === vscode.DiagnosticSeverity.Error) && diagnostics.some((d) => d.severity === vscode.DiagnosticSeverity.Warning),
      'auth.log shows errors and warnings',
    );
  });

  it('explains a finding in the hover: the numbers, the confidence, the ATT&CK technique', async function () {
    const finding = expected.findings.find((f) => f.rule === 'brute-force') as Finding;
    const diagnostic = await waitFor('the brute-force diagnostic', () => ours(authLog).find((d) => ruleOf(d) === 'brute-force' && d.range.start.line === finding.line - 1));
    const hovers = await waitFor('a hover', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', authLog, diagnostic.range.start);
      return h.length > 0 ? h : undefined;
    });
    const text = hoverText(hovers);
    assert.ok(text.includes('Brute force'), text);
    assert.ok(text.includes(finding.source ?? '?'), `names the source ${finding.source}: ${text}`);
    assert.ok(text.includes(`Confidence **${Math.round(finding.confidence * 100)}%**`), text);
    assert.ok(text.includes(finding.attack[0]), `names ${finding.attack[0]}: ${text}`);
    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', authLog, new vscode.Position(0, 1));
    const firstLineHasFinding = expected.findings.some((f) => f.line === 1 || f.lines.includes(1));
    if (!firstLineHasFinding) assert.equal(hoverText(none).includes('Confidence'), false, 'no finding hover on a quiet line');
  });

  it('quick fix "Suppress this finding" writes .logwarden.json and the finding goes; deleting the file brings it back', async function () {
    const target = expected.findings.find((f) => f.lines.length === 1 && f.rule !== 'brute-force') ?? expected.findings[expected.findings.length - 1];
    const diagnostic = await waitFor(`the ${target.rule} diagnostic on line ${target.line}`, () =>
      ours(authLog).find((d) => ruleOf(d) === target.rule && d.range.start.line === target.line - 1),
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', authLog, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    const suppress = actions.find((a) => a.title.startsWith('Suppress this finding'));
    assert.ok(suppress, `"Suppress this finding" among ${JSON.stringify(titles)}`);
    if (target.source !== undefined) {
      assert.ok(titles.includes(`Suppress rule ${target.rule} for source ${target.source}`), JSON.stringify(titles));
      assert.ok(titles.includes(`Allowlist source ${target.source}`), JSON.stringify(titles));
    }
    const teamFile = workspaceFile(TEAM_CONFIG_FILE);
    assert.equal(fs.existsSync(teamFile.fsPath), false, 'no team file yet');

    try {
      // What the editor does when the user picks the action: apply its edit, then run its command.
      if (suppress.edit) assert.ok(await vscode.workspace.applyEdit(suppress.edit), 'the edit applies');
      if (suppress.command) await vscode.commands.executeCommand(suppress.command.command, ...(suppress.command.arguments ?? []));
      const gone = (d: vscode.Diagnostic): boolean => ruleOf(d) === target.rule && d.message === diagnostic.message;
      await waitFor(() => `the suppressed diagnostic to go; have ${listDiagnostics(ours(authLog))}`, () => (ours(authLog).some(gone) ? undefined : true));
      assert.ok(ours(authLog).some((d) => ruleOf(d) === 'brute-force'), 'the other findings stay');

      // The edit leaves the new file unsaved in the editor (the server was handed its text with the
      // command); saving it is the user's part.
      // VS Code may already have let go of the document when no editor shows it: open it again.
      const teamDocument =
        vscode.workspace.textDocuments.find((d) => d.uri.toString() === teamFile.toString()) ?? (await vscode.workspace.openTextDocument(teamFile));
      if (teamDocument.isDirty) assert.ok(await teamDocument.save(), '.logwarden.json saves');
      const written = JSON.parse(fs.readFileSync(teamFile.fsPath, 'utf8')) as { suppressions?: { fingerprint?: string }[] };
      assert.equal(written.suppressions?.length, 1, 'one suppression written');
      assert.match(written.suppressions?.[0].fingerprint ?? '', /\S/, 'by fingerprint');

      // The file watcher (synchronize.fileEvents) tells the server; the finding returns.
      await vscode.workspace.fs.delete(teamFile);
      await waitFor(() => `the diagnostic to come back; have ${listDiagnostics(ours(authLog))}`, () => (ours(authLog).some(gone) ? true : undefined));
    } finally {
      // a failed step must not leave the suppression behind for the tests after this one
      if (fs.existsSync(teamFile.fsPath)) fs.rmSync(teamFile.fsPath);
    }
  });

  it('re-analyses open logs when a logWarden.* setting changes', async function () {
    const config = vscode.workspace.getConfiguration('logWarden', authLog);
    assert.equal(config.get('rules.brute-force.threshold'), DEFAULT_CONFIG.rules['brute-force'].threshold, 'the manifest default is the engine default');
    const all = [...new Set(expected.findings.map((f) => f.rule))].sort().join(',');
    // Without brute force, the login after it is no compromise either: ask the engine what stays.
    const without = engineReport(authLog.fsPath, resolveConfig({ rules: { 'brute-force': { enabled: false } } }));
    const remaining = [...new Set(without.findings.map((f) => f.rule))].sort().join(',');
    assert.notEqual(remaining, all);
    await waitFor(() => `rules ${all}; have ${rulesOf(ours(authLog))}`, () => (rulesOf(ours(authLog)) === all ? true : undefined));
    await config.update('rules.brute-force.enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor(() => `rules ${remaining} once brute-force is off; have ${rulesOf(ours(authLog))}`, () => (rulesOf(ours(authLog)) === remaining ? true : undefined));
    } finally {
      await config.update('rules.brute-force.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor(() => `rules ${all} again; have ${rulesOf(ours(authLog))}`, () => (rulesOf(ours(authLog)) === all ? true : undefined));
  });

  it('follows edits of an unsaved log: appending failures past the threshold raises a brute-force diagnostic', async function () {
    const threshold = DEFAULT_CONFIG.rules['brute-force'].threshold;
    const failure = (i: number): string => `Mar 12 11:00:${String(10 + i).padStart(2, '0')} web01 sshd[77${i}]: Failed password for admin from 192.0.2.77 port ${40000 + i} ssh2\n`;
    const start = Array.from({ length: threshold - 2 }, (_, i) => failure(i)).join('');
    const document = await vscode.workspace.openTextDocument({ language: 'log', content: start });
    const editor = await vscode.window.showTextDocument(document);
    try {
      const more = Array.from({ length: 3 }, (_, i) => failure(threshold - 2 + i)).join('');
      assert.ok(await editor.edit((b) => b.insert(document.lineAt(document.lineCount - 1).range.end, more)));
      const raised = await waitFor(
        () => `a brute-force diagnostic in the edited log; have ${listDiagnostics(ours(document.uri))}`,
        () => ours(document.uri).find((d) => ruleOf(d) === 'brute-force'),
      );
      assert.ok(document.getText(raised.range).includes('192.0.2.77'));
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('never analyses the Output panel (its channels are language "log" too)', async function () {
    const api = await extensionApi();
    const text = fs.readFileSync(authLog.fsPath, 'utf8');
    const channel = vscode.window.createOutputChannel('Log Warden test: attack lines', 'log');
    try {
      channel.append(text);
      channel.show(true);
      const output = await waitFor('the output channel document', () =>
        vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.getText().includes('Failed password')),
      );
      assert.equal(output.languageId, 'log', 'the output document is a "log" document');
      // Barrier: the same text in an unsaved log reaches the server and gets its diagnostics;
      // the server had every document the client syncs by then.
      const twin = await vscode.workspace.openTextDocument({ language: 'log', content: text });
      await vscode.window.showTextDocument(twin);
      await waitFor('diagnostics of the unsaved copy', () => (ours(twin.uri).length > 0 ? true : undefined));
      assert.ok((await api.getReport(twin.uri))?.findings.length, 'the server holds the unsaved copy');
      assert.ok(vscode.workspace.textDocuments.includes(output), 'the channel is still shown');
      for (const d of vscode.workspace.textDocuments.filter((x) => x.uri.scheme === 'output')) {
        assert.equal(await api.getReport(d.uri), null, `the server never received ${d.uri.toString()}`);
        assert.deepEqual(ours(d.uri), [], `no diagnostics for ${d.uri.toString()}`);
      }
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      channel.dispose();
    }
  });

  it('"Analyze Log" streams a file over 50 MB from disk and publishes its diagnostics', async function () {
    this.timeout(240_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-warden-big-'));
    const big = path.join(dir, 'big-auth.log');
    const burst = writeBigAuthLog(big, SYNC_LIMIT_BYTES + 2 * 1024 * 1024);
    try {
      const uri = vscode.Uri.file(big);
      assert.ok(fs.statSync(big).size > SYNC_LIMIT_BYTES);
      // Why the command exists: VS Code does not hand such a file to extensions.
      await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(uri)), /50\s?MB|too large|synchroni/i);

      const report = await vscode.commands.executeCommand<FileReport | undefined>('logWarden.analyzeLog', uri);
      assert.ok(report, 'the command returns the report');
      assert.equal(report.lines >= burst.totalLines, true, `${report.lines} lines read`);
      const bruteForce = report.findings.find((f) => f.rule === 'brute-force' && f.source === burst.source);
      assert.ok(bruteForce, `brute force from ${burst.source} found: ${report.findings.map((f) => f.rule + ' ' + f.source).join(', ')}`);
      const diagnostics = await waitFor('diagnostics for the big file', () => {
        const d = ours(uri).filter((x) => ruleOf(x) === 'brute-force');
        return d.length > 0 ? d : undefined;
      });
      for (const d of diagnostics) assert.ok(burst.lines.includes(d.range.start.line), `diagnostic line ${d.range.start.line + 1} is in the burst`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('"Restart Server" brings the server back with its diagnostics and hovers', async function () {
    await vscode.commands.executeCommand('logWarden.restartServer');
    await waitFor('diagnostics after the restart', () => (ours(authLog).length > 0 ? true : undefined));
    const line = expected.findings[0].line - 1;
    await waitFor('a hover from the restarted server', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', authLog, new vscode.Position(line, 1));
      return hoverText(h).includes('Confidence') ? true : undefined;
    });
  });
});

/**
 * Writes a syslog auth log of at least `minBytes`: routine cron lines at ~30 per second from
 * 10:00 on, with a burst of failed ssh logins from one address in the middle. Returns the burst's
 * 0-based lines, its source and the number of lines.
 */
function writeBigAuthLog(file: string, minBytes: number): { lines: number[]; source: string; totalLines: number } {
  const source = '203.0.113.250';
  const fd = fs.openSync(file, 'w');
  const perSecond = 30;
  const clock = (second: number): string => {
    const h = 10 + Math.floor(second / 3600);
    const m = Math.floor(second / 60) % 60;
    const s = second % 60;
    return `Mar 12 ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  };
  let bytes = 0;
  let line = 0;
  let second = 0;
  let burstAt = -1;
  const burst: number[] = [];
  while (bytes < minBytes) {
    const chunk: string[] = [];
    for (let i = 0; i < 10_000; i++, line++) {
      if (line % perSecond === 0) second++;
      if (burstAt < 0 && bytes > minBytes / 2) burstAt = line;
      if (burstAt >= 0 && burst.length < 8 && line >= burstAt) {
        burst.push(line);
        chunk.push(`${clock(second)} web01 sshd[${4200 + burst.length}]: Failed password for root from ${source} port ${41000 + burst.length} ssh2\n`);
        continue;
      }
      chunk.push(`${clock(second)} web01 CRON[${10000 + (line % 50000)}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)\n`);
    }
    const text = chunk.join('');
    fs.writeSync(fd, text);
    bytes += Buffer.byteLength(text);
  }
  fs.closeSync(fd);
  return { lines: burst, source, totalLines: line };
}
