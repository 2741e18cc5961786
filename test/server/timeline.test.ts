/**
 * `logWarden/timeline` over LSP: the built server answers with the records per minute of an open
 * document (recounted after an edit) and of a file analysed from disk, equal to what the
 * TimelineCollector counts over the same text, with the findings of the server's report placed.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import type { FileReport } from '../../server/src/engine/model';
import { TimelineCollector } from '../../server/src/io/timeline';
import { AnalyzeFileRequest, GetReportRequest, TimelineRequest, type Timeline } from '../../server/src/protocol';
import { LspTestClient, pathToUri, REPO, SERVER } from './support/lspTestClient';

function expected(text: string, report: FileReport): Timeline {
  const collector = new TimelineCollector(DEFAULT_CONFIG);
  text.split('\n').forEach((line, i) => collector.pushLine(line, i));
  return collector.timeline(report.findings);
}

describe('language server: logWarden/timeline', function () {
  this.timeout(60_000);
  let client: LspTestClient;
  let dir: string;

  before(async () => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'pipe' });
    assert.ok(fs.existsSync(SERVER));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-timeline-'));
    for (const name of ['apache_sample.log', 'nginx_access.log']) fs.copyFileSync(path.join(REPO, 'example_logs', name), path.join(dir, name));
    client = await LspTestClient.start({ transport: 'ipc', pull: true, workspaceFolder: dir });
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts an open document per minute and places its findings; recounts after an edit', async () => {
    const uri = pathToUri(path.join(dir, 'apache_sample.log'));
    let text = fs.readFileSync(path.join(dir, 'apache_sample.log'), 'utf8');
    await client.open(uri, text);
    const report = (await client.connection.sendRequest(GetReportRequest, { uri }))!;
    const timeline = (await client.connection.sendRequest(TimelineRequest, { uri }))!;
    assert.deepEqual(timeline, expected(text, report));
    assert.equal(Object.keys(timeline.findingTimes).length, report.findings.length, 'every finding is on the timeline');

    // Ten minutes later, one more request: the timeline grows to that minute.
    const extra = '192.168.1.10 - - [12/Mar/2024:10:20:30 +0000] "GET / HTTP/1.1" 200 5124 "-" "Mozilla/5.0"\n';
    const lines = text.split('\n').length - 1;
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: lines, character: 0 }, end: { line: lines, character: 0 } }, text: extra }],
    });
    text += extra;
    const after = (await client.connection.sendRequest(TimelineRequest, { uri }))!;
    const reportAfter = (await client.connection.sendRequest(GetReportRequest, { uri }))!;
    assert.deepEqual(after, expected(text, reportAfter));
    assert.equal(after.counts.length, timeline.counts.length + 10);
    assert.equal(after.counts[after.counts.length - 1], 1);
  });

  it('counts a file analysed from disk while it is read', async () => {
    const file = path.join(dir, 'nginx_access.log');
    const uri = pathToUri(file);
    assert.equal(await client.connection.sendRequest(TimelineRequest, { uri }), null, 'nothing known before the analysis');
    const report = await client.connection.sendRequest(AnalyzeFileRequest, { uri });
    const timeline = await client.connection.sendRequest(TimelineRequest, { uri });
    assert.deepEqual(timeline, expected(fs.readFileSync(file, 'utf8'), report));
  });
});
