/**
 * Runs the same extension-host suite in desktop VS Code through @vscode/test-electron, which
 * downloads VS Code (so it needs the internet; CI here uses `npm run test:vscode` instead).
 *
 *   npm run test:electron            (LW_VSCODE_VERSION=1.100.3 to pin another build)
 */
import { runTests } from '@vscode/test-electron';
import { buildSuite, SUITE_ENTRY } from './buildSuite';
import { freshRun, isolatedEnv, prepareWorkspace, REPO_ROOT } from './harness/codeServer';

async function main(): Promise<void> {
  await buildSuite();
  const run = freshRun('electron');
  prepareWorkspace(run, ['auth.log', 'apache_sample.log', 'app.jsonl']);
  await runTests({
    version: process.env.LW_VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: SUITE_ENTRY,
    extensionTestsEnv: isolatedEnv(run) as Record<string, string>,
    launchArgs: [run.workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', run.userData, '--extensions-dir', run.extensions],
  });
}

main().catch((err: unknown) => {
  console.error('extension-host suite in desktop VS Code failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
