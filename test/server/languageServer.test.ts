/**
 * The language server over LSP: the built dist/server.js, spawned over stdio and node IPC,
 * driven by vscode-languageserver-protocol as an editor would drive it.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancellationTokenSource,
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticRequest,
  ExecuteCommandRequest,
  FileChangeType,
  HoverRequest,
  ResponseError,
  TextDocumentEdit,
  WorkDoneProgress,
  type CodeAction,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type MarkupContent,
  type WorkDoneProgressBegin,
  type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { attackUrl, ruleDocsUrl } from '../../server/src/engine/rules';
import {
  AnalyzeFileRequest,
  ANALYZE_FILE_INPUT_ERROR,
  DocumentStatsRequest,
  GetReportRequest,
  ReportChangedNotification,
  type ReportChangedParams,
} from '../../server/src/protocol';
import { authLogLines } from '../support/syntheticLogs';
import { assertDiagnosticsMatch, engineReport } from './support/expectations';
import { delay, LspTestClient, pathToUri, REPO, SERVER } from './support/lspTestClient';

const AUTH_LOG = path.join(REPO, 'example_logs', 'auth.log');
const APACHE_LOG = path.join(REPO, 'example_logs', 'apache_sample.log');
const AUTH_URI = pathToUri(AUTH_LOG);
const APACHE_URI = pathToUri(APACHE_LOG);

describe('language server over LSP', () => {
before(function () {
  this.timeout(120_000);
  // The tests drive the bundle users run: build it from the current sources.
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'pipe' });
  assert.ok(fs.existsSync(SERVER), 'dist/server.js was not built');
});

/** A temporary workspace folder holding copies of example logs. */
function tempWorkspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-ws-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function isResponseError(err: unknown, code: number): boolean {
  return err instanceof ResponseError && err.code === code;
}

describe('language server: push diagnostics (client without pull support, stdio)', function () {
  this.timeout(60_000);
  let client: LspTestClient;
  let text = fs.readFileSync(AUTH_LOG, 'utf8');
  let version = 1;
  const reports: ReportChangedParams[] = [];

  before(async () => {
    client = await LspTestClient.start({ transport: 'stdio', pull: false });
    client.connection.onNotification(ReportChangedNotification, (p) => reports.push(p));
  });
  after(() => client.stop());

  async function change(changes: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[]) {
    const doc = TextDocument.create(AUTH_URI, 'log', version, text);
    TextDocument.update(doc, changes, version + 1);
    text = doc.getText();
    const before = client.pushes(AUTH_URI).length;
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: AUTH_URI, version: ++version }, contentChanges: changes });
    return client.nextPush(AUTH_URI, before, (p) => p.version === version);
  }

  it('declares incremental sync, hovers and quick fixes, and no pull diagnostics', () => {
    const caps = client.initializeResult.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.equal(caps.diagnosticProvider, undefined);
  });

  it('publishes the diagnostics of example_logs/auth.log', async () => {
    await client.open(AUTH_URI, text, version);
    const push = await client.nextPush(AUTH_URI, 0);
    const report = engineReport(AUTH_LOG, text);
    const rules = new Set(report.findings.map((f) => f.rule));
    assert.ok(rules.has('brute-force') && rules.has('compromise-after-brute-force'), `auth.log findings: ${[...rules].join(', ')}`);
    assertDiagnosticsMatch(push.diagnostics, report, text, AUTH_URI);
    console.log(`      auth.log: ${push.diagnostics.length} diagnostics for ${report.findings.length} findings (${[...rules].join(', ')})`);
    await client.until(() => reports.some((r) => r.uri === AUTH_URI), 5000, 'logWarden/reportChanged');
    const status = reports.find((r) => r.uri === AUTH_URI)!;
    assert.equal(status.format, report.format);
    assert.equal(status.lines, report.lines);
    assert.equal(Object.values(status.counts).reduce((a, b) => a + b, 0), report.findings.length);
  });

  it('answers a hover on an evidence line with the explanation, confidence and ATT&CK link', async () => {
    const finding = engineReport(AUTH_LOG, text).findings.find((f) => f.rule === 'brute-force')!;
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: AUTH_URI }, position: { line: finding.line - 1, character: 3 } });
    assert.ok(hover, 'a hover on the finding line');
    const value = (hover.contents as MarkupContent).value;
    assert.equal((hover.contents as MarkupContent).kind, 'markdown');
    assert.ok(value.includes(`Confidence **${Math.round(finding.confidence * 100)}%**`), value);
    assert.ok(value.includes(`severity **${finding.severity}**`));
    assert.ok(value.includes(`(${attackUrl(finding.attack[0])})`), 'ATT&CK link');
    assert.ok(value.includes(ruleDocsUrl('brute-force')));
    assert.ok(value.includes(String(finding.lines.length)), 'evidence numbers');
    const quiet = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: AUTH_URI }, position: { line: 0, character: 0 } });
    const onLine0 = engineReport(AUTH_LOG, text).findings.some((f) => f.lines.includes(1));
    assert.equal(quiet === null, !onLine0, 'hover only where there is evidence');
  });

  it('updates the diagnostics after an incremental edit of one line', async () => {
    const lines = text.split('\n');
    const attacker = engineReport(AUTH_LOG, text).findings.find((f) => f.rule === 'brute-force')!;
    const line = attacker.lines[2] - 1;
    const at = lines[line].indexOf(attacker.source!);
    assert.ok(at > 0, 'the evidence line names the source');
    const before = (await client.connection.sendRequest(DocumentStatsRequest, { uri: AUTH_URI }))!;
    const push = await change([{ range: { start: { line, character: at }, end: { line, character: at + attacker.source!.length } }, text: '192.0.2.250' }]);
    const report = engineReport(AUTH_LOG, text);
    assertDiagnosticsMatch(push.diagnostics, report, text, AUTH_URI);
    assert.ok(!push.diagnostics.some((d) => d.range.start.line === line && (d.data as { source?: string }).source === attacker.source), 'the edited line is no longer evidence against the old source');
    const after = (await client.connection.sendRequest(DocumentStatsRequest, { uri: AUTH_URI }))!;
    assert.ok(after.linesParsed - before.linesParsed <= 3, `a one-line edit parsed ${after.linesParsed - before.linesParsed} lines`);
  });

  it('appending lines feeds only the new lines and reports the new burst', async () => {
    const before = (await client.connection.sendRequest(DocumentStatsRequest, { uri: AUTH_URI }))!;
    const end = TextDocument.create(AUTH_URI, 'log', 0, text).positionAt(text.length);
    const burst = Array.from({ length: 6 }, (_, i) => `Mar 12 15:00:0${i} web01 sshd[5000]: Failed password for root from 192.0.2.77 port 4000${i} ssh2`).join('\n') + '\n';
    const push = await change([{ range: { start: end, end }, text: (end.character === 0 ? '' : '\n') + burst }]);
    const report = engineReport(AUTH_LOG, text);
    assertDiagnosticsMatch(push.diagnostics, report, text, AUTH_URI);
    assert.ok(push.diagnostics.some((d) => d.code === 'brute-force' && (d.data as { source?: string }).source === '192.0.2.77'));
    const after = (await client.connection.sendRequest(DocumentStatsRequest, { uri: AUTH_URI }))!;
    // The six new lines, plus at most the line above them to restore the parsers' state after the edit before.
    const parsed = after.linesParsed - before.linesParsed;
    assert.ok(parsed >= 6 && parsed <= 7, `appending 6 lines parsed ${parsed}`);
    assert.equal(after.appends - before.appends, 1);
    assert.equal(after.rebuilds, before.rebuilds);
  });

  it('re-analyses on a configuration change: a disabled rule loses its diagnostics', async () => {
    const before = client.pushes(AUTH_URI).length;
    await client.changeSettings({ rules: { 'brute-force': { enabled: false } } });
    const push = await client.nextPush(AUTH_URI, before);
    assert.ok(!push.diagnostics.some((d) => d.code === 'brute-force'));
    assertDiagnosticsMatch(push.diagnostics, engineReport(AUTH_LOG, text, { config: { rules: { 'brute-force': { enabled: false } } } }), text, AUTH_URI);
    const restored = client.pushes(AUTH_URI).length;
    await client.changeSettings({});
    const back = await client.nextPush(AUTH_URI, restored);
    assert.ok(back.diagnostics.some((d) => d.code === 'brute-force'));
  });

  it('maps severities as the setting says and caps diagnostics per finding and per document', async () => {
    const before = client.pushes(AUTH_URI).length;
    await client.changeSettings({ severity: { critical: 'hint', high: 'hint', medium: 'hint', low: 'hint' }, maxDiagnosticsPerFinding: 2, maxDiagnosticsPerDocument: 3 });
    const push = await client.nextPush(AUTH_URI, before);
    const findings = engineReport(AUTH_LOG, text).findings;
    assert.equal(push.diagnostics.length, Math.min(3, findings.reduce((n, f) => n + Math.min(2, f.lines.length), 0)));
    assert.ok(push.diagnostics.every((d) => d.severity === 4));
    assert.ok(push.diagnostics.every((d) => (d.relatedInformation?.length ?? 0) <= 1));
    const restored = client.pushes(AUTH_URI).length;
    await client.changeSettings({});
    await client.nextPush(AUTH_URI, restored);
  });

  it('survives requests about unknown documents and malformed input', async () => {
    const unknown = 'file:///nowhere/none.log';
    assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: unknown }, position: { line: 0, character: 0 } }), null);
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: unknown, version: 3 }, contentChanges: [{ text: 'x' }] });
    const actions = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: AUTH_URI },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'Log Warden', data: 'garbage' }] },
    });
    assert.deepEqual(actions, []);
    assert.equal(await client.connection.sendRequest(GetReportRequest, { uri: unknown }), null);
    // Positions past the end are clamped (to the end of the text), not fatal.
    const push = await change([{ range: { start: { line: 99999, character: 5 }, end: { line: 99999, character: 9 } }, text: 'Mar 12 16:00:00 web01 sshd[6000]: Connection closed by 192.0.2.1 port 1\n' }]);
    assertDiagnosticsMatch(push.diagnostics, engineReport(AUTH_LOG, text), text, AUTH_URI);
    assert.equal(client.exitCode, null, 'the server is still running');
  });

  it('clears the diagnostics and frees the document on close', async () => {
    const before = client.pushes(AUTH_URI).length;
    await client.close(AUTH_URI);
    const push = await client.nextPush(AUTH_URI, before);
    assert.deepEqual(push.diagnostics, []);
    assert.equal(await client.connection.sendRequest(DocumentStatsRequest, { uri: AUTH_URI }), null);
  });
});

describe('language server: pull diagnostics (node IPC)', function () {
  this.timeout(120_000);
  let client: LspTestClient;
  const apacheText = fs.readFileSync(APACHE_LOG, 'utf8');

  before(async () => {
    client = await LspTestClient.start({ transport: 'ipc', pull: true });
  });
  after(() => client.stop());

  function pull(uri: string, previousResultId?: string, token?: CancellationTokenSource) {
    return client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId }, token?.token);
  }

  it('declares pull diagnostics', () => {
    assert.deepEqual(client.initializeResult.capabilities.diagnosticProvider, { identifier: 'logWarden', interFileDependencies: false, workspaceDiagnostics: false });
  });

  it('answers a pull with the diagnostics of apache_sample.log, then "unchanged" for the same result id', async () => {
    await client.open(APACHE_URI, apacheText);
    const first = (await pull(APACHE_URI)) as FullDocumentDiagnosticReport;
    assert.equal(first.kind, 'full');
    assert.ok(first.resultId);
    const report = engineReport(APACHE_LOG, apacheText);
    const rules = new Set(report.findings.map((f) => f.rule));
    assert.ok(rules.has('brute-force') && rules.has('web-attack'), `apache_sample.log findings: ${[...rules].join(', ')}`);
    assertDiagnosticsMatch(first.items, report, apacheText, APACHE_URI);
    console.log(`      apache_sample.log: ${first.items.length} diagnostics for ${report.findings.length} findings (${[...rules].join(', ')})`);
    const second = await pull(APACHE_URI, first.resultId);
    assert.deepEqual(second, { kind: 'unchanged', resultId: first.resultId });
    assert.equal(client.pushes(APACHE_URI).length, 0, 'no pushes to a pull client');
  });

  it('asks the client to pull again after a configuration change', async () => {
    const refreshes = client.refreshRequests;
    await client.changeSettings({ rules: { 'web-attack': { enabled: false } } });
    await client.until(() => client.refreshRequests > refreshes, 10_000, 'workspace/diagnostic/refresh');
    const after = (await pull(APACHE_URI)) as FullDocumentDiagnosticReport;
    assert.equal(after.kind, 'full');
    assert.ok(!after.items.some((d) => d.code === 'web-attack'));
    assertDiagnosticsMatch(after.items, engineReport(APACHE_LOG, apacheText, { config: { rules: { 'web-attack': { enabled: false } } } }), apacheText, APACHE_URI);
    await client.changeSettings({});
  });

  describe('a 200,000-line log', () => {
    const BIG = 200_000;
    const APPENDED = 1_000;
    const bigUri = 'untitled:big-auth.log';
    let lines: string[];

    before(async function () {
      this.timeout(120_000);
      lines = authLogLines(BIG + APPENDED, { seed: 3 });
      await client.open(bigUri, lines.slice(0, BIG).join('\n') + '\n');
    });

    it('honours the cancellation of a diagnostic pull', async () => {
      const source = new CancellationTokenSource();
      const pending = pull(bigUri, undefined, source);
      await delay(50);
      source.cancel();
      await assert.rejects(pending, (err) => isResponseError(err, -32800));
      const stats = (await client.connection.sendRequest(DocumentStatsRequest, { uri: bigUri }))!;
      assert.equal(stats.completed, 0, 'nothing committed');
      assert.ok(stats.cancelled >= 1);
      const full = (await pull(bigUri)) as FullDocumentDiagnosticReport;
      assert.equal(full.kind, 'full');
      assert.ok(full.items.length > 0);
    });

    it('shows window/workDoneProgress while a long analysis runs', async () => {
      // Opening 200,000 lines takes well over the 400 ms after which the server shows progress.
      await client.until(() => client.serverProgress.some((p) => p.values.some((v) => v.kind === 'end')), 10_000, 'a finished server progress');
      const shown = client.serverProgress.find((p) => p.values.some((v) => v.kind === 'end'))!;
      assert.equal(shown.values[0].kind, 'begin');
      assert.match(shown.values[0].message ?? '', /big-auth\.log/);
      const percents = shown.values.filter((v) => v.kind === 'report').map((v) => v.percentage!);
      assert.ok(percents.length > 0, 'progress reports');
      assert.deepEqual(percents, [...percents].sort((a, b) => a - b));
    });

    it('appending 1,000 lines parses about 1,000 lines, not 201,000', async () => {
      const before = (await client.connection.sendRequest(DocumentStatsRequest, { uri: bigUri }))!;
      assert.ok(before.linesParsed >= BIG && before.linesParsed < BIG + 2 * 4096, `opening parsed ${before.linesParsed} lines`);
      const end = { line: BIG, character: 0 };
      await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: bigUri, version: 2 },
        contentChanges: [{ range: { start: end, end }, text: lines.slice(BIG).join('\n') + '\n' }],
      });
      const t0 = performance.now();
      const full = (await pull(bigUri)) as FullDocumentDiagnosticReport;
      const ms = performance.now() - t0;
      const after = (await client.connection.sendRequest(DocumentStatsRequest, { uri: bigUri }))!;
      const parsed = after.linesParsed - before.linesParsed;
      console.log(`      append of ${APPENDED} lines to ${BIG}: ${parsed} lines parsed, ${after.linesFed - before.linesFed} fed, pull answered in ${ms.toFixed(0)} ms`);
      assert.equal(full.kind, 'full');
      assert.equal(parsed, APPENDED);
      assert.equal(after.appends - before.appends, 1);
      assert.equal(after.rebuilds, before.rebuilds, 'no rebuild for an append');
      assert.equal(after.lines, BIG + APPENDED);
    });
  });
});

describe('language server: quick fixes write .logwarden.json', function () {
  this.timeout(60_000);
  const authText = fs.readFileSync(AUTH_LOG, 'utf8');
  const TEAM_TEXT = '{\n    "allowlist": [\n        "10.99.0.0/16"\n    ],\n    "rules": { "ml-outlier": { "enabled": true } }\n}\n';
  let folder: string;
  let client: LspTestClient;
  let uri: string;
  let configUri: string;

  before(async () => {
    folder = tempWorkspace({ 'auth.log': authText, '.logwarden.json': TEAM_TEXT });
    uri = pathToUri(path.join(folder, 'auth.log'));
    configUri = pathToUri(path.join(folder, '.logwarden.json'));
    client = await LspTestClient.start({ transport: 'stdio', pull: false, workspaceFolder: folder });
    await client.open(uri, authText);
    await client.nextPush(uri, 0);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  async function actionsFor(diagnostic: Diagnostic): Promise<CodeAction[]> {
    const result = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    return (result ?? []) as CodeAction[];
  }

  /** Applies a WorkspaceEdit to the files on disk, as an editor would. */
  function applyToDisk(action: CodeAction): void {
    for (const change of action.edit?.documentChanges ?? []) {
      if ('kind' in change) {
        assert.equal(change.kind, 'create');
        const file = new URL(change.uri).pathname;
        if (!fs.existsSync(file)) fs.writeFileSync(file, '');
        continue;
      }
      assert.ok(TextDocumentEdit.is(change));
      const file = new URL(change.textDocument.uri).pathname;
      const doc = TextDocument.create(change.textDocument.uri, 'json', 0, fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, TextDocument.applyEdits(doc, change.edits));
    }
  }

  function latest(): Diagnostic[] {
    const pushes = client.pushes(uri);
    return pushes[pushes.length - 1].diagnostics;
  }

  it('offers the three fixes for a diagnostic with a source', async () => {
    const diagnostic = latest().find((d) => d.code === 'brute-force')!;
    const source = (diagnostic.data as { source: string }).source;
    const titles = (await actionsFor(diagnostic)).map((a) => a.title);
    assert.deepEqual(titles, ['Suppress this finding', `Suppress rule brute-force for source ${source}`, `Allowlist source ${source}`]);
  });

  it('"Suppress this finding" inserts one suppression, keeps the formatting, and the diagnostic goes', async () => {
    const diagnostic = latest().find((d) => d.code === 'brute-force')!;
    const { fingerprint } = diagnostic.data as { fingerprint: string };
    const action = (await actionsFor(diagnostic)).find((a) => a.title === 'Suppress this finding')!;
    assert.equal(action.kind, 'quickfix');
    applyToDisk(action);
    const written = fs.readFileSync(path.join(folder, '.logwarden.json'), 'utf8');
    assert.deepEqual(JSON.parse(written).suppressions, [{ fingerprint }]);
    assert.ok(written.startsWith(TEAM_TEXT.slice(0, TEAM_TEXT.lastIndexOf('}') - 1)), 'the existing text is kept as it was');
    assert.ok(written.includes('    "suppressions": ['), 'the new key follows the file\'s indentation');
    const before = client.pushes(uri).length;
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: configUri, type: FileChangeType.Changed }] });
    const push = await client.nextPush(uri, before);
    assert.ok(!push.diagnostics.some((d) => (d.data as { fingerprint: string }).fingerprint === fingerprint));
    assert.ok(push.diagnostics.length > 0, 'other findings stay');
  });

  it('"Allowlist source" appends to the existing list; its command re-reads the file', async () => {
    const diagnostic = latest().find((d) => (d.data as { source?: string }).source !== undefined)!;
    const source = (diagnostic.data as { source: string }).source;
    const action = (await actionsFor(diagnostic)).find((a) => a.title === `Allowlist source ${source}`)!;
    applyToDisk(action);
    const written = fs.readFileSync(path.join(folder, '.logwarden.json'), 'utf8');
    assert.ok(written.includes(`        "10.99.0.0/16",\n        "${source}"\n    ]`), written);
    const before = client.pushes(uri).length;
    assert.ok(action.command, 'a command that makes the server re-read the file');
    await client.connection.sendRequest(ExecuteCommandRequest.type, { command: action.command.command, arguments: action.command.arguments });
    const push = await client.nextPush(uri, before);
    assert.ok(!push.diagnostics.some((d) => (d.data as { source?: string }).source === source));
  });

  it('creates .logwarden.json when missing ("Suppress rule X for source Y")', async () => {
    const other = tempWorkspace({ 'auth.log': authText });
    const second = await LspTestClient.start({ transport: 'stdio', pull: false, workspaceFolder: other });
    try {
      const logUri = pathToUri(path.join(other, 'auth.log'));
      await second.open(logUri, authText);
      const push = await second.nextPush(logUri, 0);
      const diagnostic = push.diagnostics.find((d) => d.code === 'brute-force')!;
      const source = (diagnostic.data as { source: string }).source;
      const result = (await second.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: logUri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
      const action = result.find((a) => a.title === `Suppress rule brute-force for source ${source}`)!;
      assert.equal(action.edit?.documentChanges?.length, 2, 'create the file, then insert its text');
      const [create] = action.edit!.documentChanges!;
      assert.ok('kind' in create && create.kind === 'create');
      const file = path.join(other, '.logwarden.json');
      for (const change of action.edit!.documentChanges!) {
        if ('kind' in change) fs.writeFileSync(file, '');
        else fs.writeFileSync(file, TextDocument.applyEdits(TextDocument.create(change.textDocument.uri, 'json', 0, ''), (change as TextDocumentEdit).edits));
      }
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { suppressions: [{ rule: 'brute-force', source }] });
      const before = second.pushes(logUri).length;
      await second.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToUri(file), type: FileChangeType.Created }] });
      const after = await second.nextPush(logUri, before);
      assert.ok(!after.diagnostics.some((d) => d.code === 'brute-force' && (d.data as { source?: string }).source === source));
    } finally {
      await second.stop();
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('language server: logWarden/analyzeFile on a 60 MB file', function () {
  this.timeout(300_000);
  let client: LspTestClient;
  let dir: string;
  let file: string;
  let lineCount = 0;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-big-'));
    file = path.join(dir, 'big-auth.log');
    // Over VS Code's 50 MB limit for documents handed to extensions.
    const target = 60 * 1024 * 1024;
    const out = fs.openSync(file, 'w');
    let bytes = 0;
    for (let block = 0; bytes < target; block++) {
      const chunk = authLogLines(20_000, { seed: 100 + block, firstLine: lineCount }).join('\n') + '\n';
      fs.writeSync(out, chunk);
      bytes += Buffer.byteLength(chunk);
      lineCount += 20_000;
    }
    fs.closeSync(out);
    client = await LspTestClient.start({ transport: 'stdio', pull: true });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams it from disk with progress, publishes its diagnostics and returns the report', async () => {
    const uri = pathToUri(file);
    const token = 'analyze-big-file';
    const progress: (WorkDoneProgressBegin | WorkDoneProgressReport | { kind: 'end' })[] = [];
    const disposable = client.connection.onProgress(WorkDoneProgress.type, token, (p) => progress.push(p));
    const t0 = performance.now();
    const report = await client.connection.sendRequest(AnalyzeFileRequest, { uri, workDoneToken: token });
    const seconds = (performance.now() - t0) / 1000;
    disposable.dispose();
    const size = fs.statSync(file).size;
    console.log(`      analyzeFile: ${(size / 1024 / 1024).toFixed(1)} MB, ${report.lines} lines, ${report.findings.length} findings in ${seconds.toFixed(2)} s`);
    assert.equal(report.lines, lineCount);
    assert.equal(report.format, 'syslog');
    assert.ok(report.findings.some((f) => f.rule === 'brute-force'));
    await client.until(() => client.pushes(uri).length > 0, 10_000, 'diagnostics for the file');
    const diagnostics = client.pushes(uri)[0].diagnostics;
    assert.ok(diagnostics.length > 0 && diagnostics.length <= 1000);
    const withSource = diagnostics.find((d) => (d.data as { source?: string }).source);
    assert.ok(withSource && withSource.range.end.character - withSource.range.start.character === (withSource.data as { source: string }).source.length, 'ranges point at the evidence read back from disk');
    assert.equal(progress[0].kind, 'begin');
    assert.equal(progress[progress.length - 1].kind, 'end');
    const percents = progress.filter((p): p is WorkDoneProgressReport => p.kind === 'report' && typeof p.percentage === 'number').map((p) => p.percentage!);
    assert.ok(percents.length >= 10, `${percents.length} progress reports`);
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'progress only goes forward');
    const stored = await client.connection.sendRequest(GetReportRequest, { uri });
    assert.equal(stored?.findings.length, report.findings.length);
  });

  it('stops when the request is cancelled', async () => {
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest(AnalyzeFileRequest, { uri: pathToUri(file) }, source.token);
    await delay(100);
    source.cancel();
    await assert.rejects(pending, (err) => isResponseError(err, -32800));
  });

  it('answers a missing file with an error naming it', async () => {
    const missing = path.join(dir, 'missing.log');
    await assert.rejects(client.connection.sendRequest(AnalyzeFileRequest, { uri: pathToUri(missing) }), (err) => isResponseError(err, ANALYZE_FILE_INPUT_ERROR) && (err as Error).message.includes(missing));
  });
});

describe('language server: workspace trust', function () {
  this.timeout(60_000);
  const text = fs.readFileSync(APACHE_LOG, 'utf8');
  // A user-defined pattern: an agent string of the log that is not a known attack tool.
  const settings = { rules: { scanner: { extraAgents: ['MSIE 9.0'] } } };

  async function scannerDiagnostics(trusted: boolean): Promise<number> {
    const client = await LspTestClient.start({ transport: 'stdio', pull: false, settings, initializationOptions: { workspaceTrusted: trusted } });
    try {
      await client.open(APACHE_URI, text);
      const push = await client.nextPush(APACHE_URI, 0);
      return push.diagnostics.filter((d) => d.code === 'scanner').length;
    } finally {
      await client.stop();
    }
  }

  it('ignores user-defined patterns in an untrusted workspace', async () => {
    const withPattern = engineReport(APACHE_LOG, text, { config: settings }).findings.filter((f) => f.rule === 'scanner');
    const without = engineReport(APACHE_LOG, text).findings.filter((f) => f.rule === 'scanner');
    assert.ok(withPattern.length > without.length, 'the pattern makes a difference in the engine');
    const trusted = await scannerDiagnostics(true);
    const untrusted = await scannerDiagnostics(false);
    assert.ok(trusted > untrusted, `trusted ${trusted}, untrusted ${untrusted}`);
    assert.equal(untrusted, without.reduce((n, f) => n + Math.min(20, f.lines.length), 0));
  });
});
});
