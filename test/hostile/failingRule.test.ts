/**
 * A rule that throws is reported once and the other rules still run: in the Analyzer, in the
 * editor's DocumentAnalysis, through the CLI and through the language server (both run here
 * in-process, so the detector registry can be given a failing rule).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  ShowMessageNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type FullDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { runCli } from '../../server/src/cli';
import { Analyzer } from '../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { DETECTOR_FACTORIES } from '../../server/src/engine/detect';
import type { DetectorFactory } from '../../server/src/engine/detect/types';
import { DocumentAnalysis } from '../../server/src/engine/documentAnalysis';
import type { AnalysisReport, FileReport, Finding, RuleId } from '../../server/src/engine/model';
import { LogWardenServer } from '../../server/src/lsp/logWardenServer';
import { REPO } from './regexInventory';

const APACHE = path.join(REPO, 'example_logs', 'apache_sample.log');
const FAILING: RuleId = 'web-attack';
const REFERENCE_TIME = fs.statSync(APACHE).mtimeMs;

/** Replaces the detector of `rule` with one that throws on every third record and in finish. */
function breakRule(rule: RuleId): () => void {
  const factories = DETECTOR_FACTORIES as DetectorFactory[];
  const index = factories.findIndex((make) => make(DEFAULT_CONFIG).rule === rule);
  const original = factories[index];
  factories[index] = (config) => {
    const real = original(config);
    let seen = 0;
    return {
      rule: real.rule,
      observe(record, text) {
        if (++seen % 3 === 0) throw new Error(`${rule} observe failed on purpose`);
        real.observe(record, text);
      },
      finish() {
        throw new Error(`${rule} finish failed on purpose`);
      },
    };
  };
  return () => {
    factories[index] = original;
  };
}

function rulesOf(report: FileReport): Set<string> {
  return new Set(report.findings.map((f) => f.rule));
}

describe('a failing rule is reported once; the other rules still run', function () {
  this.timeout(120_000);
  const text = fs.readFileSync(APACHE, 'utf8');
  let baseline: FileReport;
  let restore: (() => void) | undefined;

  before(() => {
    const analyzer = new Analyzer({ path: 'apache_sample.log', config: DEFAULT_CONFIG, referenceTime: REFERENCE_TIME });
    analyzer.pushText(text);
    baseline = analyzer.finish();
    assert.ok(rulesOf(baseline).has(FAILING) && rulesOf(baseline).size >= 3, `the sample must give ${FAILING} and other findings`);
    restore = breakRule(FAILING);
  });
  after(() => restore?.());

  /** What identifies a finding whatever path the file was given by (fingerprints include the path). */
  const identity = (f: Finding) => `${f.rule} ${f.source ?? ''} ${f.user ?? ''} ${f.lines.join(',')}`;
  const withoutFailing = (report: FileReport) => report.findings.filter((f) => f.rule !== FAILING).map(identity);

  it('Analyzer: one failedRules entry for the rule, every other finding unchanged', () => {
    const analyzer = new Analyzer({ path: 'apache_sample.log', config: DEFAULT_CONFIG, referenceTime: REFERENCE_TIME });
    analyzer.pushText(text);
    const report = analyzer.finish();
    analyzer.finish();
    assert.deepEqual(analyzer.stats.failedRules, [{ rule: FAILING, error: `${FAILING} observe failed on purpose` }], 'reported once, with the first error');
    assert.ok(!rulesOf(report).has(FAILING));
    assert.deepEqual(report.findings.map(identity), withoutFailing(baseline));
  });

  it('DocumentAnalysis: the same, and the failure is visible to the server (failedRules)', async () => {
    const doc = new DocumentAnalysis(text, { path: 'apache_sample.log', config: DEFAULT_CONFIG, referenceTime: REFERENCE_TIME });
    const report = await doc.analyze();
    assert.deepEqual(report!.findings.map(identity), withoutFailing(baseline));
    assert.deepEqual(doc.failedRules.map((f) => f.rule), [FAILING]);
  });

  describe('the CLI (in-process)', () => {
    let stdout = '';
    let stderr = '';
    let code: number;

    before(async () => {
      const sink = (append: (s: string) => void) =>
        new Writable({
          write(chunk: Buffer, _enc, done) {
            append(chunk.toString());
            done();
          },
        });
      code = await runCli(['analyze', '--format', 'json', APACHE], {
        stdout: sink((s) => (stdout += s)),
        stderr: sink((s) => (stderr += s)),
        stdin: new PassThrough(),
        cwd: REPO,
      });
    });

    it('still reports every other rule, with a valid exit code', () => {
      assert.ok(code === 0 || code === 1, `exit ${code}: ${stderr}`);
      const report = JSON.parse(stdout) as AnalysisReport;
      assert.deepEqual(report.files[0].findings.map(identity), withoutFailing(baseline));
    });

    it('prints the failed rule once on stderr, and names it in the JSON report', () => {
      const mentions = stderr.split('\n').filter((l) => l.includes(FAILING));
      assert.equal(mentions.length, 1, stderr);
      assert.match(mentions[0], /failed/);
      const report = JSON.parse(stdout) as AnalysisReport;
      assert.deepEqual(report.files[0].failedRules?.map((f) => f.rule), [FAILING]);
    });
  });

  describe('the language server (in-process)', () => {
    const logs: string[] = [];
    const shown: string[] = [];
    let diagnostics: FullDocumentDiagnosticReport;

    before(async () => {
      // Two pipes: client → server and server → client.
      const up = new PassThrough();
      const down = new PassThrough();
      const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(up), new StreamMessageWriter(down));
      new LogWardenServer(serverConnection);
      serverConnection.listen();
      const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
      client.onNotification(LogMessageNotification.type, (p) => logs.push(p.message));
      client.onNotification(ShowMessageNotification.type, (p) => shown.push(p.message));
      client.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => ({})));
      client.listen();
      await client.sendRequest(InitializeRequest.type, {
        // No process id: the server would otherwise watch this (test) process.
        processId: null,
        rootUri: null,
        workspaceFolders: null,
        capabilities: { workspace: { configuration: true }, textDocument: { diagnostic: { dynamicRegistration: false } } },
        initializationOptions: { workspaceTrusted: true },
      });
      await client.sendNotification(InitializedNotification.type, {});
      const uri = 'untitled:apache_sample.log';
      await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'log', version: 1, text } });
      diagnostics = (await client.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
      // A second pull of the same, unchanged document must not report the failure again.
      await client.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
      client.dispose();
      serverConnection.dispose();
    });

    it('still publishes the diagnostics of every other rule', () => {
      const rules = new Set(diagnostics.items.map((d) => String(d.code)));
      assert.ok(!rules.has(FAILING));
      const expected = new Set(baseline.findings.filter((f) => f.rule !== FAILING).map((f) => f.rule));
      assert.deepEqual([...rules].sort(), [...expected].sort());
    });

    it('logs the failed rule once (Output panel), and tells the user once', () => {
      assert.equal(logs.filter((l) => l.includes(FAILING)).length, 1, logs.join('\n'));
      assert.equal(shown.filter((l) => l.includes(FAILING)).length, 1, shown.join('\n'));
    });
  });
});
