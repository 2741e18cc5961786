// Builds every bundle into dist/: the extension client, the language server and the CLI
// (node, cjs, `vscode` external) and the results panel (browser).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

const builds = [
  // `logwarden` is a small launcher (cli.js) that loads the CLI (cliMain.js) once it has
  // started what can start ahead (server/src/cliLauncher.ts).
  { ...node, entryPoints: { cli: 'server/src/cliLauncher.ts', cliMain: 'server/src/cli.ts' }, outdir: 'dist' },
  // The reader thread of big-file analyses (server/src/io/parallelAnalysis.ts) and the Isolation
  // Forest's second thread (server/src/io/forestThread.ts), next to cli.js and server.js.
  { ...node, entryPoints: { parseWorker: 'server/src/io/parseWorker.ts', forestWorker: 'server/src/io/forestWorker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { bench: 'bench/bench.ts', 'bench-floor': 'bench/floor.ts' }, outdir: 'dist' },
];
if (existsSync('server/src/server.ts')) builds.push({ ...node, entryPoints: { server: 'server/src/server.ts' }, outdir: 'dist' });
if (existsSync('client/src/extension.ts')) builds.push({ ...node, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist' });
if (existsSync('webview/src/main.ts')) {
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    entryPoints: { webview: 'webview/src/main.ts' },
    // Its own folder: the panel's localResourceRoots, so the page can load nothing else.
    // The CSS the script imports comes out beside it as webview.css.
    outdir: 'dist/webview',
    sourcemap: !production,
    minify: production,
    logLevel: 'info',
  });
}

// The SQLite build sql.js loads (history): beside the bundles, where the server and the CLI look for it.
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');

const usable = builds.filter((b) => Object.values(b.entryPoints).every((p) => existsSync(p)));
if (watch) {
  const contexts = await Promise.all(usable.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(usable.map((b) => esbuild.build(b)));
}
