/**
 * The language server dies (kill -9, as a crash or the OOM killer would do it): the client
 * restarts it, the open log is sent to the new server and analysed again, and its
 * diagnostics come back. vscode-languageclient's default policy restarts a server that
 * crashed up to 4 times in 3 minutes; the 5th crash in that time is not restarted (a crash
 * loop on a poisoned log stops), and "Log Warden: Restart Server" brings it back.
 *
 * The server's process id is found among the extension host's children (this suite runs in
 * the extension host): the one whose command line runs dist/server.js.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { LogWardenApi } from '../../../client/src/extension';
import { listDiagnostics, ours, waitFor } from './waits';

const EXTENSION_ID = 'log-warden.log-warden';

/** Process ids of the extension host's children that run the bundled language server. */
function serverPids(): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return []; // no child at all: ps exits 1
  }
  return out
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && /dist[\\/]server\.js/.test(m[2]))
    .map((m) => Number(m[1]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Log Warden server crashes: the client restarts it and re-analyses the open log', function () {
  this.timeout(300_000);
  let api: LogWardenApi;
  let log: vscode.Uri;
  let expected: string;
  let recovered = 0;

  before(async function () {
    const extension = vscode.extensions.getExtension<LogWardenApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    log = vscode.Uri.joinPath(folder.uri, 'auth.log');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(log));
    await waitFor('diagnostics of auth.log', () => (ours(log).length > 0 ? true : undefined));
    expected = listDiagnostics(ours(log));
  });

  after(async function () {
    console.log(`      server restarts recovered: ${recovered}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Kills the running server; resolves to the id of the process that replaced it. */
  async function killAndAwaitRestart(): Promise<{ before: number; after: number; ms: number }> {
    const before = await waitFor('one running language server process', () => {
      const pids = serverPids();
      return pids.length === 1 ? pids[0] : undefined;
    });
    const t0 = Date.now();
    process.kill(before, 'SIGKILL');
    await waitFor('the killed server to be gone', () => (alive(before) ? undefined : true), 10_000);
    const after = await waitFor('a new language server process', () => serverPids().find((p) => p !== before), 60_000);
    // The new server answers for the open log (the client sent it again) with the same findings...
    const report = await waitFor('a report of auth.log from the new server', async () => (await api.getReport(log).catch(() => null)) ?? undefined, 60_000);
    assert.ok(report.findings.length > 0);
    // ...and the editor shows its diagnostics again.
    await waitFor(() => `the diagnostics back (now: ${listDiagnostics(ours(log))})`, () => (listDiagnostics(ours(log)) === expected ? true : undefined), 60_000);
    return { before, after, ms: Date.now() - t0 };
  }

  it('kill -9 of the server, four times: each time a new server re-analyses the open log', async function () {
    for (let round = 1; round <= 4; round++) {
      const { before, after, ms } = await killAndAwaitRestart();
      assert.notEqual(after, before);
      recovered++;
      console.log(`      round ${round}: server ${before} killed, ${after} answering with the diagnostics back after ${ms} ms`);
    }
  });

  it('a 5th crash within 3 minutes is not restarted (no crash loop); "Log Warden: Restart Server" brings it back', async function () {
    const [pid] = serverPids();
    assert.ok(pid, 'a running server');
    process.kill(pid, 'SIGKILL');
    await waitFor('the killed server to be gone', () => (alive(pid) ? undefined : true), 10_000);
    // Give the client time to (not) restart it.
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(serverPids(), [], 'the client gave up after 5 crashes in 3 minutes');
    await vscode.commands.executeCommand('logWarden.restartServer');
    const after = await waitFor('a server started by the command', () => serverPids()[0], 60_000);
    await waitFor(() => `the diagnostics back (now: ${listDiagnostics(ours(log))})`, () => (listDiagnostics(ours(log)) === expected ? true : undefined), 60_000);
    recovered++;
    console.log(`      after the 5th crash: restarted by the command as ${after}, diagnostics back`);
  });
});
