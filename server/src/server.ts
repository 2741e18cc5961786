/**
 * Log Warden language server. Any LSP client can start it:
 *
 *   node dist/server.js --stdio        (editors such as Neovim, Helix, Emacs)
 *   node dist/server.js --node-ipc     (the VS Code client)
 *
 * The transport is chosen from the command line by vscode-languageserver.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { LogWardenServer } from './lsp/logWardenServer';

const connection = createConnection(ProposedFeatures.all);

// Every handler catches its own errors; this is the net under them: log, never exit.
process.on('uncaughtException', (err) => connection.console.error(`uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));

const server = new LogWardenServer(connection);
// `exit` without `shutdown`, the client's process gone, or a polite kill: the history is saved
// synchronously (a signal's default action would skip the 'exit' event, so it is made an exit).
process.on('exit', () => server.exiting());
process.once('SIGTERM', () => process.exit(143));
process.once('SIGINT', () => process.exit(130));
connection.listen();
