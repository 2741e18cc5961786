/**
 * Runs the extension-host suite (test/vscode/suite) in a real VS Code: code-server's node
 * extension host, started from its web workbench in headless Chromium. The workbench URL
 * carries the same `extensionDevelopmentPath` / `extensionTestsPath` that @vscode/test-electron
 * passes to a desktop VS Code; the workbench reports the suite's result through
 * `window.codeAutomationExit(code)`, and the extension host's console through the page console.
 *
 *   npm run test:vscode          (installs code-server on first use, builds, runs)
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchChromium } from './harness/browser';
import { freshRun, prepareWorkspace, REPO_ROOT, startServer, tail, type RunningServer } from './harness/codeServer';
import { buildSuite, SUITE_ENTRY } from './buildSuite';

const TIMEOUT_MS = Number(process.env.LW_SUITE_TIMEOUT_MS ?? 600_000);
const RESULTS = path.join(REPO_ROOT, 'test-results');

async function main(): Promise<number> {
  const started = Date.now();
  await buildSuite();
  // LW_RUN_NAME: a second run beside one in progress (each run folder is removed when a run of its name starts).
  const run = freshRun(process.env.LW_RUN_NAME ?? 'extension-host');
  prepareWorkspace(run, ['auth.log', 'apache_sample.log', 'app.jsonl']);
  mkdirSync(RESULTS, { recursive: true });
  // The plain VS Code server honours the test payload of the URL only with the smoke-test
  // driver switch, which code-server's own CLI does not accept.
  const server: RunningServer = await startServer(run, 'vscode-server');
  const stopOnSignal = (): void => void server.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);
  const browser = await launchChromium(run);
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    let settle: (code: number | 'timeout') => void = () => undefined;
    const exited = new Promise<number | 'timeout'>((resolve) => (settle = resolve));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = format(...(args ?? []));
      if (!text.includes('open-vsx')) console.log(text);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => settle(code));
    page.on('console', (message) => {
      const text = message.text();
      // The extension host's console (mocha's reporter) arrives with this prefix.
      if (text.includes('[Extension Host]')) console.log(text.replace(/%c/g, '').replace(/color: \S+/g, '').replace(/\[Extension Host\]\s*/, '').trim());
    });
    const host = new URL(server.url).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${host}${REPO_ROOT}`],
      ['extensionTestsPath', `vscode-remote://${host}${SUITE_ENTRY}`],
      ['skipWelcome', 'true'],
    ];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(run.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timer = setTimeout(() => settle('timeout'), TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    await page.screenshot({ path: path.join(RESULTS, 'vscode-suite-end.png') }).catch(() => undefined);
    console.log(`extension-host suite in code-server: exit ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (code !== 0) console.log(`--- server log (tail)\n${tail(server.log)}`);
    return code === 0 ? 0 : 1;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
