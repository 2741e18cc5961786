/**
 * A real VS Code on a machine without a desktop: code-server (installed from npm by
 * scripts/vscode/install-code-server.sh) serves VS Code's workbench to headless Chromium, and
 * its node extension host runs the extension and the language server for real.
 *
 * Every run gets a fresh folder under .vscode-test/runs/<name> that holds HOME, TMPDIR, the
 * XDG folders, VS Code's user data and extensions, so nothing is read from or left in the
 * user's home. The server runs in its own session (setsid) and is stopped by killing the whole
 * process group (its file watcher outlives the parent otherwise). Every wait polls a condition
 * with a time limit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CODE_SERVER_PREFIX = process.env.LW_CODE_SERVER_PREFIX ?? path.join(REPO_ROOT, '.vscode-test/code-server');
export const CODE_SERVER = path.join(CODE_SERVER_PREFIX, 'node_modules/code-server');

/** Folders of one isolated run. */
export interface RunFolders {
  root: string;
  home: string;
  tmp: string;
  userData: string;
  extensions: string;
  workspace: string;
}

/** A fresh run folder (the previous run of the same name is removed). */
export function freshRun(name: string): RunFolders {
  const root = path.join(REPO_ROOT, '.vscode-test/runs', name);
  rmSync(root, { recursive: true, force: true });
  const run: RunFolders = {
    root,
    home: path.join(root, 'home'),
    tmp: path.join(root, 'tmp'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
  };
  for (const dir of [run.home, run.tmp, path.join(run.userData, 'User'), run.extensions, run.workspace]) mkdirSync(dir, { recursive: true });
  // The welcome page would take the focus from the editors the tests open; nothing may phone home.
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.enabled': false,
    'window.restoreWindows': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  };
  writeFileSync(path.join(run.userData, 'User/settings.json'), JSON.stringify(settings, null, 2));
  return run;
}

/** HOME, TMPDIR and XDG_* inside the run folder (code-server, the extension host and Chromium all write there). */
export function isolatedEnv(run: RunFolders): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: run.home,
    TMPDIR: run.tmp,
    XDG_CONFIG_HOME: path.join(run.home, '.config'),
    XDG_CACHE_HOME: path.join(run.home, '.cache'),
    XDG_DATA_HOME: path.join(run.home, '.local/share'),
    XDG_STATE_HOME: path.join(run.home, '.local/state'),
    XDG_RUNTIME_DIR: run.tmp,
    PLAYWRIGHT_BROWSERS_PATH: path.join(run.root, 'pw-browsers'),
    // A VS Code started from a VS Code terminal would otherwise try to talk to the outer one.
    VSCODE_IPC_HOOK_CLI: '',
  };
}

/** Copies the example logs the tests open into the run's workspace folder (tests may write `.logwarden.json` there). */
export function prepareWorkspace(run: RunFolders, files: readonly string[]): void {
  for (const file of files) writeFileSync(path.join(run.workspace, file), readFileSync(path.join(REPO_ROOT, 'example_logs', file)));
}

export function requireCodeServer(): void {
  if (!existsSync(path.join(CODE_SERVER, 'out/node/entry.js'))) {
    throw new Error(`code-server is not installed in ${CODE_SERVER_PREFIX}; run scripts/vscode/install-code-server.sh first`);
  }
}

/** Installs a .vsix into the run's extensions folder with code-server's own CLI (what a user's `--install-extension` does). */
export function installExtension(run: RunFolders, vsix: string): void {
  requireCodeServer();
  const result = spawnSync(
    process.execPath,
    [path.join(CODE_SERVER, 'out/node/entry.js'), '--config', '/dev/null', '--user-data-dir', run.userData, '--extensions-dir', run.extensions, '--install-extension', vsix],
    { env: isolatedEnv(run), encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) throw new Error(`installing ${vsix} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  process.stdout.write(result.stdout);
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function pollFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface RunningServer {
  url: string;
  port: number;
  log: string;
  stop(): Promise<void>;
}

/**
 * Starts VS Code's server for the run. `code-server` is code-server's own CLI (password off,
 * loopback only); `vscode-server` is the plain VS Code server inside it, which accepts
 * `--enable-smoke-test-driver` (the switch under which a built workbench honours the
 * extension-test payload of the URL).
 */
export async function startServer(run: RunFolders, kind: 'code-server' | 'vscode-server'): Promise<RunningServer> {
  requireCodeServer();
  const port = await freePort();
  const common = ['--disable-workspace-trust', '--user-data-dir', run.userData, '--extensions-dir', run.extensions];
  const args =
    kind === 'code-server'
      ? [path.join(CODE_SERVER, 'out/node/entry.js'), '--config', path.join(run.root, 'config.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
        '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--disable-proxy', ...common, run.workspace]
      : [path.join(CODE_SERVER, 'lib/vscode/out/server-main.js'), '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
        '--accept-server-license-terms', '--telemetry-level', 'off', '--enable-smoke-test-driver', '--server-data-dir', path.join(run.root, 'server-data'), ...common];
  writeFileSync(path.join(run.root, 'config.yaml'), '');
  const log = path.join(run.root, `${kind}.log`);
  const out = openSync(log, 'w');
  // detached = setsid(): the server leads its own process group, which stop() kills as a whole.
  const child = spawn(process.execPath, args, { env: isolatedEnv(run), detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = { url, port, log, stop: () => stopGroup(child) };
  try {
    await pollFor(
      `${kind} to answer on ${url}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${kind} exited with ${child.exitCode}:\n${tail(log)}`);
        const res = await fetch(`${url}/${kind === 'code-server' ? 'healthz' : 'version'}`).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      60_000,
    );
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  const alive = (): boolean => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pgid, 'SIGTERM');
  try {
    await pollFor('the server process group to exit', () => (alive() ? undefined : true), 10_000, 100);
  } catch {
    if (alive()) process.kill(-pgid, 'SIGKILL');
  }
}

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
