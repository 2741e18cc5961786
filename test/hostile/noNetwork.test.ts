/**
 * The bundles users run open no network connection: the CLI (dist/cli.js) on the example logs
 * with a history database, and the language server (dist/server.js) through whole LSP
 * sessions over stdio and node IPC — each under noNetwork.js, which records (and refuses)
 * every connection, name lookup and datagram. Only stdio and the IPC channel may be used.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentDiagnosticRequest, HoverRequest } from 'vscode-languageserver-protocol/node';
import { AnalyzeFileRequest, GetReportRequest } from '../../server/src/protocol';
import { LspTestClient, pathToUri } from '../server/support/lspTestClient';
import { makeTempDir, removeTemp } from './generator';
import { REPO } from './regexInventory';

const PRELOAD = path.join(__dirname, 'noNetwork.js');
const CLI = path.join(REPO, 'dist', 'cli.js');

interface NetworkEvent {
  event: 'installed' | 'attempt';
  pid: number;
  thread: number;
  api?: string;
  target?: string;
  stack?: string;
}

function readLog(file: string): NetworkEvent[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as NetworkEvent);
}

describe('no network: the CLI and the language server bundles', function () {
  this.timeout(180_000);
  let dir: string;

  before(function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'pipe' });
    dir = makeTempDir('logwarden-nonet-');
  });
  after(() => removeTemp(dir));

  it('the preload catches a connection, a lookup and a fetch (so its silence means something)', () => {
    const log = path.join(dir, 'self-test.jsonl');
    const script = `
      const tries = [() => require('net').connect(80, '192.0.2.1'), () => require('dns').lookup('example.com', () => {}),
        () => require('https').get('https://example.com/'), () => fetch('http://192.0.2.1/'), () => require('dgram').createSocket('udp4')];
      let refused = 0;
      for (const t of tries) { try { t(); } catch { refused++; } }
      process.stdout.write(String(refused));`;
    const out = execFileSync(process.execPath, ['--require', PRELOAD, '-e', script], { env: { ...process.env, LW_NETWORK_LOG: log }, encoding: 'utf8' });
    assert.equal(out, '5');
    const attempts = readLog(log).filter((e) => e.event === 'attempt').map((e) => e.api);
    assert.deepEqual(attempts, ['net.connect', 'dns.lookup', 'https.get', 'fetch', 'dgram.createSocket']);
  });

  it('the CLI: analyse example_logs/ into a history database, then list it', () => {
    const log = path.join(dir, 'cli.jsonl');
    const env = { ...process.env, LW_NETWORK_LOG: log };
    const db = path.join(dir, 'history.sqlite');
    const analyze = spawnSync(process.execPath, ['--require', PRELOAD, CLI, 'analyze', '--format', 'sarif', '--history', db, 'example_logs/'], { cwd: REPO, env, encoding: 'utf8' });
    assert.ok(analyze.status === 0 || analyze.status === 1, analyze.stderr);
    const list = spawnSync(process.execPath, ['--require', PRELOAD, CLI, 'history', '--db', db], { cwd: REPO, env, encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    const events = readLog(log);
    assert.ok(events.filter((e) => e.event === 'installed').length >= 2, 'the preload ran in both processes');
    assert.deepEqual(events.filter((e) => e.event === 'attempt'), []);
  });

  for (const transport of ['stdio', 'ipc'] as const) {
    it(`the language server over ${transport}: open, diagnostics, hover, analyze a file from disk, history, shutdown`, async () => {
      const log = path.join(dir, `server-${transport}.jsonl`);
      const storage = path.join(dir, `storage-${transport}`);
      fs.mkdirSync(storage, { recursive: true });
      const saved = { options: process.env.NODE_OPTIONS, log: process.env.LW_NETWORK_LOG };
      // The test client spawns the server with this process's environment.
      process.env.NODE_OPTIONS = `${saved.options ?? ''} --require ${PRELOAD}`.trim();
      process.env.LW_NETWORK_LOG = log;
      let client: LspTestClient;
      try {
        client = await LspTestClient.start({ transport, pull: transport === 'ipc', initializationOptions: { workspaceTrusted: true, storagePath: storage } });
      } finally {
        if (saved.options === undefined) delete process.env.NODE_OPTIONS;
        else process.env.NODE_OPTIONS = saved.options;
        if (saved.log === undefined) delete process.env.LW_NETWORK_LOG;
        else process.env.LW_NETWORK_LOG = saved.log;
      }
      try {
        const auth = path.join(REPO, 'example_logs', 'auth.log');
        const uri = pathToUri(auth);
        await client.open(uri, fs.readFileSync(auth, 'utf8'));
        if (transport === 'ipc') {
          await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
        } else {
          await client.nextPush(uri, 0);
        }
        await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 10 } });
        const report = await client.connection.sendRequest(GetReportRequest, { uri });
        assert.ok(report && report.findings.length > 0);
        const apache = pathToUri(path.join(REPO, 'example_logs', 'apache_sample.log'));
        const fromDisk = await client.connection.sendRequest(AnalyzeFileRequest, { uri: apache });
        assert.ok(fromDisk.findings.length > 0);
        await client.close(uri);
      } finally {
        await client.stop();
      }
      const events = readLog(log);
      assert.ok(events.some((e) => e.event === 'installed'), 'the preload ran in the server');
      assert.deepEqual(events.filter((e) => e.event === 'attempt'), []);
      assert.ok(fs.readdirSync(storage, { recursive: true }).length > 0, 'the history was written (sql.js loaded its wasm from disk)');
    });
  }
});
