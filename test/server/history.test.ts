/**
 * The analysis history through the built language server: what the editor and "Analyze Log"
 * record, the logWarden/history/* requests, a damaged database at start, and the server
 * killed with SIGKILL in the middle of a loop of analyses — every acknowledged analysis must
 * be there after the restart.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DidChangeTextDocumentNotification,
  DidSaveTextDocumentNotification,
  MessageType,
  ResponseError,
} from 'vscode-languageserver-protocol/node';
import type { FileReport, Finding } from '../../server/src/engine/model';
import { writeFileAtomic } from '../../server/src/history/atomicWrite';
import { HistoryStore } from '../../server/src/history/historyStore';
import { loadSqlJs } from '../../server/src/history/sqlJs';
import { historyDatabasePath } from '../../server/src/lsp/historyService';
import {
  AnalyzeFileRequest,
  HISTORY_NOT_FOUND,
  HistoryChangedNotification,
  HistoryClearRequest,
  HistoryCompareRequest,
  HistoryGetRequest,
  HistoryListRequest,
  type HistoryChangedParams,
  type LogWardenSettings,
} from '../../server/src/protocol';
import { sqlmapLines } from '../unit/history/fixtures';
import { delay, LspTestClient, pathToUri, REPO, SERVER } from './support/lspTestClient';

const SAMPLE = fs.readFileSync(path.join(REPO, 'example_logs', 'apache_sample.log'), 'utf8');

describe('history through the language server', function () {
  this.timeout(120_000);

  before(function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'pipe' });
    assert.ok(fs.existsSync(SERVER), 'dist/server.js was not built');
    assert.ok(fs.existsSync(path.join(REPO, 'dist', 'sql-wasm.wasm')), 'the build puts the wasm beside the server');
  });

  interface Workspace {
    folder: string;
    folderUri: string;
    storage: string;
    log: string;
    logUri: string;
  }

  function workspace(): Workspace {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-history-ws-'));
    const folder = path.join(root, 'project');
    const storage = path.join(root, 'storage');
    fs.mkdirSync(folder);
    const log = path.join(folder, 'access.log');
    fs.writeFileSync(log, SAMPLE);
    return { folder, folderUri: pathToUri(folder), storage, log, logUri: pathToUri(log) };
  }

  async function start(ws: Workspace, options: { storage?: boolean; settings?: LogWardenSettings } = {}) {
    const client = await LspTestClient.start({
      transport: 'ipc',
      pull: false,
      workspaceFolder: ws.folder,
      settings: options.settings,
      initializationOptions: { workspaceTrusted: true, ...(options.storage === false ? {} : { storagePath: ws.storage }) },
    });
    const changes: HistoryChangedParams[] = [];
    client.connection.onNotification(HistoryChangedNotification, (p) => changes.push(p));
    return { client, changes };
  }

  const analyze = (client: LspTestClient, uri: string) => client.connection.sendRequest(AnalyzeFileRequest, { uri });

  it('records every "Analyze Log", answering once it is saved, and compares the last two', async () => {
    const ws = workspace();
    const { client, changes } = await start(ws);
    try {
      const first = await analyze(client, ws.logUri);
      // The notification of the save arrives before the answer: acknowledged means on disk.
      assert.equal(changes.length, 1);
      const entry = changes[0].recorded!;
      assert.equal(changes[0].folder, ws.folderUri);
      assert.equal(entry.origin, 'command');
      assert.equal(entry.file, 'access.log');
      assert.equal(entry.uri, ws.logUri);
      assert.equal(entry.lines, first.lines);
      const onDisk = HistoryStore.open(await loadSqlJs(), fs.readFileSync(historyDatabasePath(ws.storage, ws.folderUri)));
      assert.deepEqual(onDisk.list().analyses.map((a) => a.id), [entry.id]);
      onDisk.close();

      const got = (await client.connection.sendRequest(HistoryGetRequest, { id: entry.id, folder: entry.folder }))!;
      assert.deepStrictEqual(got.report.findings, first.findings);
      assert.equal(got.analysis.folder, ws.folderUri);

      fs.appendFileSync(ws.log, sqlmapLines('203.0.113.77'));
      const second = await analyze(client, ws.logUri);
      const list = await client.connection.sendRequest(HistoryListRequest, { file: ws.logUri });
      assert.equal(list.total, 2);
      assert.deepEqual(list.analyses.map((a) => a.lines), [second.lines, first.lines]);
      const compared = await client.connection.sendRequest(HistoryCompareRequest, { to: list.analyses[0].id, folder: ws.folderUri });
      assert.equal(compared.from.id, entry.id, 'from defaults to the previous analysis of the log');
      assert.deepEqual([...new Set(compared.new.map((f: Finding) => f.source))], ['203.0.113.77']);
      assert.deepEqual(compared.resolved, []);
      assert.equal(compared.unchanged.length, first.findings.length);

      await assert.rejects(
        client.connection.sendRequest(HistoryCompareRequest, { to: entry.id }),
        (err) => err instanceof ResponseError && err.code === HISTORY_NOT_FOUND && /first of its log/.test(err.message),
      );
      assert.equal(await client.connection.sendRequest(HistoryGetRequest, { id: 999 }), null);
    } finally {
      await client.stop();
    }
  });

  it('records an edited log once per quiet period, on save and on close — not per keystroke', async () => {
    const ws = workspace();
    const { client, changes } = await start(ws);
    try {
      let text = SAMPLE;
      let version = 1;
      await client.open(ws.logUri, text, version);
      const appendLine = async (line: string) => {
        const lines = text.split('\n').length - 1;
        text += line + '\n';
        const before = client.pushes(ws.logUri).length;
        await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri: ws.logUri, version: ++version },
          contentChanges: [{ range: { start: { line: lines, character: 0 }, end: { line: lines, character: 0 } }, text: line + '\n' }],
        });
        return before;
      };
      // Typing: eight edits, each analysed (a diagnostics push), none a quiet period apart.
      for (let i = 0; i < 8; i++) {
        const before = await appendLine(`10.9.9.${i} - - [12/Mar/2024:11:00:0${i} +0000] "GET /page${i} HTTP/1.1" 200 100 "-" "Mozilla/5.0"`);
        await client.nextPush(ws.logUri, before, (p) => p.version === version);
      }
      await waitFor(() => changes.length >= 1, 15_000, 'the editor analysis to be recorded');
      await delay(3500); // longer than a quiet period and a save: nothing more comes
      assert.equal(changes.length, 1, `recorded: ${JSON.stringify(changes.map((c) => c.recorded?.lines))}`);
      assert.equal(changes[0].recorded!.origin, 'editor');
      assert.equal(changes[0].recorded!.lines, text.split('\n').length - 1, 'the last state of the burst');

      // Saving records what is waiting at once, without the quiet period.
      const before = await appendLine('10.9.9.99 - - [12/Mar/2024:11:01:00 +0000] "GET /saved HTTP/1.1" 200 100 "-" "Mozilla/5.0"');
      await client.nextPush(ws.logUri, before, (p) => p.version === version);
      const saved = Date.now();
      await client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: ws.logUri } });
      await waitFor(() => changes.length >= 2, 10_000, 'the saved state to be recorded');
      // Quiet period (2 s) + save delay (1 s) would be ≥ 3 s; on save it is the save delay only.
      assert.ok(Date.now() - saved < 2500, `recorded ${Date.now() - saved} ms after the save`);

      // Closing records what is waiting too.
      const beforeClose = await appendLine('10.9.9.98 - - [12/Mar/2024:11:02:00 +0000] "GET /closed HTTP/1.1" 200 100 "-" "Mozilla/5.0"');
      await client.nextPush(ws.logUri, beforeClose, (p) => p.version === version);
      await client.close(ws.logUri);
      await waitFor(() => changes.length >= 3, 10_000, 'the closed state to be recorded');
      const list = await client.connection.sendRequest(HistoryListRequest, {});
      assert.deepEqual(list.analyses.map((a) => a.origin), ['editor', 'editor', 'editor']);
      assert.equal(list.analyses[0].lines, text.split('\n').length - 1);
    } finally {
      await client.stop();
    }
  });

  it('"Analyze Log" on an open log whose analysis is recorded and unchanged makes that row the command\'s, not a second one', async () => {
    const ws = workspace();
    const { client, changes } = await start(ws);
    try {
      await client.open(ws.logUri, SAMPLE, 1);
      // Saving records the editor's analysis at once (after the save delay).
      await client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: ws.logUri } });
      await waitFor(() => changes.length >= 1, 10_000, 'the editor analysis to be recorded');
      const editorRow = changes[0].recorded!;
      assert.equal(editorRow.origin, 'editor');
      await analyze(client, ws.logUri);
      assert.equal(changes.length, 2);
      assert.equal(changes[1].recorded!.id, editorRow.id, 'the same analysis');
      assert.equal(changes[1].recorded!.origin, 'command');
      let list = await client.connection.sendRequest(HistoryListRequest, {});
      assert.deepEqual(list.analyses.map((a) => [a.id, a.origin]), [[editorRow.id, 'command']]);
      // Once the log changed, the command records a new analysis.
      await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: ws.logUri, version: 2 },
        contentChanges: [{ range: { start: { line: 25, character: 0 }, end: { line: 25, character: 0 } }, text: sqlmapLines('203.0.113.77') }],
      });
      await analyze(client, ws.logUri);
      list = await client.connection.sendRequest(HistoryListRequest, {});
      assert.deepEqual(list.analyses.map((a) => a.origin), ['command', 'command']);
      assert.equal(list.analyses[0].lines, 28);
    } finally {
      await client.stop();
    }
  });

  it('saves an analysis still waiting for its quiet period when the editor shuts the server down', async () => {
    const ws = workspace();
    let { client } = await start(ws);
    await client.open(ws.logUri, SAMPLE, 1);
    await client.nextPush(ws.logUri, 0);
    await client.stop(); // shutdown + exit, well within the quiet period
    ({ client } = await start(ws));
    try {
      const list = await client.connection.sendRequest(HistoryListRequest, {});
      assert.equal(list.total, 1);
      assert.equal(list.analyses[0].origin, 'editor');
    } finally {
      await client.stop();
    }
  });

  it('saves it synchronously when the server is stopped with SIGTERM instead', async () => {
    const ws = workspace();
    let { client } = await start(ws);
    await client.open(ws.logUri, SAMPLE, 1);
    await client.nextPush(ws.logUri, 0);
    // (The database loads in the background at start; a kill before it has loaded saves nothing.)
    await delay(500);
    await client.kill('SIGTERM');
    ({ client } = await start(ws));
    try {
      const list = await client.connection.sendRequest(HistoryListRequest, {});
      assert.deepEqual(list.analyses.map((a) => [a.origin, a.lines]), [['editor', 25]]);
    } finally {
      await client.stop();
    }
  });

  it('keeps historyRetention analyses per log, none with 0, and clears on request', async () => {
    const ws = workspace();
    const { client, changes } = await start(ws, { settings: { historyRetention: 2 } });
    try {
      for (let i = 0; i < 3; i++) await analyze(client, ws.logUri);
      const list = await client.connection.sendRequest(HistoryListRequest, { file: 'access.log', folder: ws.folderUri });
      assert.equal(list.total, 2);
      assert.deepEqual(list.analyses.map((a) => a.id), [3, 2]);

      await client.changeSettings({ historyRetention: 0 });
      await analyze(client, ws.logUri);
      assert.equal((await client.connection.sendRequest(HistoryListRequest, {})).total, 2, 'nothing recorded with retention 0');

      const count = await client.connection.sendRequest(HistoryClearRequest, { file: ws.logUri });
      assert.equal(count, 2);
      assert.deepEqual(changes.at(-1), { folder: ws.folderUri, cleared: 2 });
      assert.equal((await client.connection.sendRequest(HistoryListRequest, {})).total, 0);
      const onDisk = HistoryStore.open(await loadSqlJs(), fs.readFileSync(historyDatabasePath(ws.storage, ws.folderUri)));
      assert.equal(onDisk.list().total, 0, 'the clear is saved before the answer');
      onDisk.close();
    } finally {
      await client.stop();
    }
  });

  it('records nothing without a storage folder', async () => {
    const ws = workspace();
    const { client, changes } = await start(ws, { storage: false });
    try {
      await analyze(client, ws.logUri);
      assert.deepEqual(await client.connection.sendRequest(HistoryListRequest, {}), { analyses: [], total: 0 });
      assert.deepEqual(changes, []);
      assert.ok(!fs.existsSync(ws.storage));
    } finally {
      await client.stop();
    }
  });

  it('moves a damaged database aside at start, warns with window/showMessage, and records in a new one', async () => {
    const ws = workspace();
    const file = historyDatabasePath(ws.storage, ws.folderUri);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const damaged = Buffer.concat([Buffer.from('SQLite format 3\u0000'), Buffer.alloc(5000, 0x5a)]);
    fs.writeFileSync(file, damaged);
    const { client } = await start(ws);
    try {
      await client.until(() => client.shownMessages.length > 0, 10_000, 'a warning');
      const warning = client.shownMessages[0];
      assert.equal(warning.type, MessageType.Warning);
      const aside = fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith('history.sqlite.corrupt-'));
      assert.equal(aside.length, 1);
      assert.ok(warning.message.includes(path.join(path.dirname(file), aside[0])), warning.message);
      assert.ok(client.logs.some((l) => l.includes(aside[0])), 'and in the log');
      assert.deepEqual(fs.readFileSync(path.join(path.dirname(file), aside[0])), damaged);
      await analyze(client, ws.logUri);
      assert.equal((await client.connection.sendRequest(HistoryListRequest, {})).total, 1);
    } finally {
      await client.stop();
    }
  });

  it('loses no acknowledged analysis when the server is killed with SIGKILL in the middle of a loop', async function () {
    this.timeout(240_000);
    const ws = workspace();
    // A history of some size, so saves take long enough for kills to land inside them.
    const seedReports = syntheticReports(300);
    const store = HistoryStore.open(await loadSqlJs());
    for (const r of seedReports) store.record(r, { origin: 'cli', settingsHash: 'seed', retention: 1000 });
    const file = historyDatabasePath(ws.storage, ws.folderUri);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, store.export());
    store.close();
    console.log(`      seeded history: ${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MB`);

    const acknowledged = new Map<number, number>(); // id → lines
    let appended = 0;
    let interruptedSaves = 0;
    const rounds = 7;
    const temps = () => fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith('history.sqlite.tmp-'));
    for (let round = 0; round < rounds; round++) {
      const { client, changes } = await start(ws);
      // What the restarted server finds: every analysis acknowledged so far, no warning.
      const list = await client.connection.sendRequest(HistoryListRequest, { file: ws.logUri, limit: 1000 });
      const found = new Map(list.analyses.map((a) => [a.id, a.lines]));
      for (const [id, lines] of acknowledged) assert.equal(found.get(id), lines, `acknowledged analysis ${id} (${lines} lines) survived the kill`);
      assert.deepEqual(client.shownMessages, [], 'the database loaded without complaint');
      if (round === rounds - 1) {
        console.log(`      ${acknowledged.size} acknowledged analyses, all present after ${rounds - 1} kills (${interruptedSaves} of them during a save)`);
        assert.deepEqual(temps(), [], 'what killed saves left behind is removed at start');
        await client.stop();
        break;
      }

      // The loop: append, analyse, and on every answer note what was acknowledged.
      const killAfter = 3 + round * 2;
      let stop = false;
      let inFlight = 0;
      const loop = (async () => {
        while (!stop) {
          fs.appendFileSync(ws.log, sqlmapLines(`198.51.100.${appended++ % 250}`, 1));
          inFlight++;
          try {
            const report = await analyze(client, ws.logUri);
            const entry = changes.map((c) => c.recorded).find((r) => r && r.lines === report.lines);
            assert.ok(entry, `a recorded notification preceded the answer for ${report.lines} lines`);
            acknowledged.set(entry.id, entry.lines);
          } catch {
            return; // the connection died with the server
          } finally {
            inFlight--;
          }
        }
      })();
      const acknowledgedBefore = acknowledged.size;
      await waitFor(() => acknowledged.size >= acknowledgedBefore + killAfter, 60_000, `${killAfter} acknowledged analyses`);
      if (round % 2 === 0) {
        // At a random moment of the loop...
        await delay(Math.floor(Math.random() * 150));
      } else {
        // ...or as soon as a save has begun writing its temporary file.
        await waitFor(() => temps().length > 0, 60_000, 'a save in progress');
      }
      const pending = inFlight;
      await client.kill('SIGKILL');
      stop = true;
      await loop;
      const interrupted = temps().length > 0;
      if (interrupted) interruptedSaves++;
      console.log(`      round ${round + 1}: killed with ${pending} analysis in flight after ${acknowledged.size - acknowledgedBefore} acknowledged${interrupted ? ', in the middle of a save' : ''}`);
    }
  });
});

/** Polls `condition` (for state our own notification handlers change). */
async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(20);
  }
}

/** Reports of other logs with many distinct findings each (to make the database big). */
function syntheticReports(count: number): FileReport[] {
  const reports: FileReport[] = [];
  for (let r = 0; r < count; r++) {
    const findings: Finding[] = [];
    for (let i = 0; i < 100; i++) {
      const source = `10.${r % 250}.${i}.${(r * 7 + i) % 250}`;
      findings.push({
        fingerprint: `${r.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
        rule: 'url-scan',
        title: `URL scan from ${source}`,
        severity: 'high',
        confidence: 0.7,
        attack: ['T1595.003'],
        source,
        line: i + 1,
        lines: Array.from({ length: 30 }, (_, k) => i + 1 + k * 5),
        message: `${40 + i} distinct paths from ${source} in 3m10s, ${60 + (i % 30)}% answered 404/403; threshold 20 paths, 50% in 10m (analysis ${r})`,
        evidence: { distinctPaths: 40 + i, errorRatio: 0.6, windowSeconds: 190, samplePaths: ['/wp-admin', '/.env', '/phpmyadmin', `/backup-${r}.zip`] },
      });
    }
    reports.push({ path: `logs/seed-${r % 30}.log`, format: 'apache-combined', lines: 10_000, parsed: 10_000, skipped: 0, durationMs: 10, findings });
  }
  return reports;
}
