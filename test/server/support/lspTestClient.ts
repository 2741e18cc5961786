/**
 * A minimal LSP client for the server tests: spawns the built `dist/server.js` over stdio or
 * node IPC and talks to it with vscode-languageserver-protocol — no editor involved.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DiagnosticRefreshRequest,
  DidChangeConfigurationNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type ClientCapabilities,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import type { InitializationOptions, LogWardenSettings } from '../../../server/src/protocol';

export const REPO = path.join(__dirname, '..', '..', '..');
export const SERVER = path.join(REPO, 'dist', 'server.js');

export interface StartOptions {
  transport: 'stdio' | 'ipc';
  /** Declare `textDocument.diagnostic` (pull diagnostics). */
  pull: boolean;
  workspaceFolder?: string;
  settings?: LogWardenSettings;
  initializationOptions?: InitializationOptions;
  /** Overrides merged into the default capabilities. */
  capabilities?: ClientCapabilities;
}

export class LspTestClient {
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  readonly logs: string[] = [];
  /** `window/showMessage` notifications (what the user would see). */
  readonly shownMessages: { type: number; message: string }[] = [];
  refreshRequests = 0;
  /** Progress the server started itself (window/workDoneProgress/create), with what it reported. */
  readonly serverProgress: { token: string | number; values: { kind: string; percentage?: number; message?: string; title?: string }[] }[] = [];
  settings: LogWardenSettings;
  initializeResult!: InitializeResult;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly connection: ProtocolConnection,
    private readonly child: ChildProcess,
    settings: LogWardenSettings,
  ) {
    this.settings = settings;
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const list = this.published.get(params.uri) ?? [];
      list.push(params);
      this.published.set(params.uri, list);
      this.wake();
    });
    connection.onNotification(LogMessageNotification.type, (params) => this.logs.push(params.message));
    connection.onNotification(ShowMessageNotification.type, (params) => {
      this.shownMessages.push(params);
      this.wake();
    });
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'logWarden' ? this.settings : null)));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      const entry = { token: params.token, values: [] as { kind: string }[] };
      this.serverProgress.push(entry);
      connection.onProgress(WorkDoneProgress.type, params.token, (value) => {
        entry.values.push(value);
        this.wake();
      });
    });
    connection.onRequest(DiagnosticRefreshRequest.type, () => {
      this.refreshRequests++;
      this.wake();
    });
  }

  static async start(options: StartOptions): Promise<LspTestClient> {
    const ipc = options.transport === 'ipc';
    const child = spawn(process.execPath, [SERVER, ipc ? '--node-ipc' : '--stdio'], {
      stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => process.env.LSP_TEST_VERBOSE && process.stderr.write(chunk));
    const connection = ipc
      ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
      : createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(connection, child, options.settings ?? {});
    connection.listen();
    const folder = options.workspaceFolder ?? REPO;
    const capabilities: ClientCapabilities = {
      ...options.capabilities,
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
        workspaceFolders: true,
        ...(options.pull ? { diagnostics: { refreshSupport: true } } : {}),
        ...options.capabilities?.workspace,
      },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, disabledSupport: true },
        publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
        ...(options.pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
        ...options.capabilities?.textDocument,
      },
      window: { workDoneProgress: true, ...options.capabilities?.window },
    };
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToUri(folder),
      workspaceFolders: [{ uri: pathToUri(folder), name: path.basename(folder) }],
      capabilities,
      initializationOptions: options.initializationOptions ?? { workspaceTrusted: true },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'log', version, text } });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async changeSettings(settings: LogWardenSettings): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { logWarden: settings } });
  }

  /** Pushes for `uri` received so far. */
  pushes(uri: string): PublishDiagnosticsParams[] {
    return this.published.get(uri) ?? [];
  }

  /** Waits for a push for `uri` after the first `after` ones that satisfies `accept`. */
  async nextPush(uri: string, after: number, accept: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 30_000): Promise<PublishDiagnosticsParams> {
    let found: PublishDiagnosticsParams | undefined;
    await this.until(() => {
      found = this.pushes(uri).slice(after).find(accept);
      return found !== undefined;
    }, timeoutMs, `a diagnostics push for ${uri}`);
    return found!;
  }

  /** Resolves when `condition` holds (checked after every message from the server). */
  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; server log:\n${this.logs.slice(-20).join('\n')}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), delay(5000)]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    await Promise.race([exited, delay(3000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    this.connection.dispose();
  }

  /** Kills the server without a word (no shutdown): what a crash or `kill -9` does. Resolves once it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    this.child.kill(signal);
    await exited;
    this.connection.dispose();
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(path.resolve(p)).href;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
