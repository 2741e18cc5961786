// Builds every bundle into dist/: the extension client, the language server and the CLI
// (node, cjs, `vscode` external) and the results panel (browser).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

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
  { ...node, entryPoints: { cli: 'server/src/cli.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { bench: 'bench/bench.ts' }, outdir: 'dist' },
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
    outdir: 'dist',
    sourcemap: !production,
    minify: production,
    logLevel: 'info',
  });
}

const usable = builds.filter((b) => Object.values(b.entryPoints).every((p) => existsSync(p)));
if (watch) {
  const contexts = await Promise.all(usable.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(usable.map((b) => esbuild.build(b)));
}
