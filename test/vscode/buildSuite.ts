/**
 * Bundles the extension-host suite (test/vscode/suite) into dist/test/vscode: one file per
 * `*.test.ts` plus the mocha entry `index.js`. `vscode` is provided by the extension host and
 * mocha is loaded from the project's node_modules at run time.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './harness/codeServer';

export const SUITE_OUT = path.join(REPO_ROOT, 'dist/test/vscode');
export const SUITE_ENTRY = path.join(SUITE_OUT, 'index.js');

export async function buildSuite(): Promise<void> {
  const dir = path.join(REPO_ROOT, 'test/vscode/suite');
  const entries = readdirSync(dir)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f));
  await build({
    entryPoints: entries,
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
