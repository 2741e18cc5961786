import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { CrashPolicy } from './crashPolicy';
import { TEAM_CONFIG_FILE, WorkspaceTrustNotification, type InitializationOptions } from '../../server/src/protocol';

/**
 * Logs in the editor, on disk or unsaved. Never the Output panel: its channels are documents
 * of language `log` too (scheme `output`), and analysing our own log output would be absurd.
 */
export const LOG_DOCUMENTS: { scheme: string; language: string }[] = [
  { scheme: 'file', language: 'log' },
  { scheme: 'untitled', language: 'log' },
];

/** Whether a document is one the language server analyses. */
export function isAnalysedLog(document: vscode.TextDocument): boolean {
  return vscode.languages.match(LOG_DOCUMENTS, document) > 0;
}

/**
 * Owns the language client: starts the bundled server (`dist/server.js`) over IPC, restarts it
 * on demand and tells it when the workspace becomes trusted. `ready()` is the one way other
 * parts get a running client.
 */
export class ServerClient implements vscode.Disposable {
  readonly client: LanguageClient;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly crashes = new CrashPolicy();

  constructor(context: vscode.ExtensionContext, outputChannel: vscode.OutputChannel) {
    const module = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      // Inspector on a fixed port so "Attach to Node Process" finds the server while debugging.
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const teamFileWatcher = vscode.workspace.createFileSystemWatcher(`**/${TEAM_CONFIG_FILE}`);
    this.disposables.push(teamFileWatcher);
    const clientOptions: LanguageClientOptions = {
      documentSelector: LOG_DOCUMENTS,
      // A function, so that a restart after the user granted trust sends the new state.
      initializationOptions: (): InitializationOptions => ({
        storagePath: context.storageUri?.fsPath,
        workspaceTrusted: vscode.workspace.isTrusted,
      }),
      synchronize: { fileEvents: teamFileWatcher },
      outputChannel,
      // The server logs what it could not do; the user opens the channel when they want it.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler: {
        // A few write/read errors can be transient; more shut the connection (then `closed`).
        error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
        closed: () => {
          const decision = this.crashes.crashed();
          if (decision.restart) return { action: CloseAction.Restart };
          return { action: CloseAction.DoNotRestart, message: decision.message };
        },
      },
    };
    this.client = new LanguageClient('logWarden', 'Log Warden', serverOptions, clientOptions);

    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (this.client.state === State.Running) {
          void this.client.sendNotification(WorkspaceTrustNotification, { trusted: true });
        }
      }),
    );
  }

  /** Starts the server unless it runs already (start is idempotent); resolves once it answered `initialize`. */
  async ready(): Promise<LanguageClient> {
    await this.client.start();
    return this.client;
  }

  /** "Log Warden: Restart Server": earlier crashes no longer count against restarting it. */
  async restart(): Promise<void> {
    this.crashes.reset();
    if (this.client.state === State.Stopped) await this.client.start();
    else await this.client.restart();
  }

  async dispose(): Promise<void> {
    for (const d of this.disposables) d.dispose();
    if (this.client.state !== State.Stopped) await this.client.stop();
  }
}
