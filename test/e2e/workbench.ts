/**
 * What the UI end-to-end checks share: the packaged extension installed into code-server, a
 * headless Chromium page on the workbench, the few workbench gestures they all make (the
 * command palette, Quick Open, the panel's frame), screenshots, and the clean-up that runs
 * whatever happened.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../vscode/harness/browser';
import { installExtension, REPO_ROOT, startServer, tail, type RunFolders, type RunningServer } from '../vscode/harness/codeServer';

export const VSIX = path.join(REPO_ROOT, 'log-warden.vsix');
export const SHOTS = path.join(REPO_ROOT, 'test-results');
const DOCS = path.join(REPO_ROOT, 'docs');
/** LW_UPDATE_SCREENSHOTS=1 also copies the screenshots the README shows into docs/. */
export const UPDATE_DOCS = process.env.LW_UPDATE_SCREENSHOTS === '1';
/** Longest wait for one UI condition: the machine may be busy. */
export const UI_TIMEOUT_MS = 60_000;

const started = Date.now();

/** Logs a step with the seconds since the check started. */
export function step(message: string): void {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

/**
 * Screenshots named `PREFIX-NAME.png` in test-results/ (the folder keeps the last run only:
 * older ones of the prefix go now). A shot taken with `docs` is also copied to docs/, which
 * the README shows, when UPDATE_DOCS is set.
 */
export function screenshots(prefix: string): (page: Page, name: string, options?: { docs?: boolean; note?: string }) => Promise<void> {
  assert.ok(existsSync(VSIX), `${VSIX} is missing: run npm run package first`);
  mkdirSync(SHOTS, { recursive: true });
  if (UPDATE_DOCS) mkdirSync(DOCS, { recursive: true });
  for (const old of readdirSync(SHOTS).filter((f) => f.startsWith(`${prefix}-`))) rmSync(path.join(SHOTS, old));
  return async (page, name, options = {}) => {
    const file = `${prefix}-${name}.png`;
    await page.screenshot({ path: path.join(SHOTS, file) });
    // The README's pictures are refreshed on request only, so a test run leaves the tree clean.
    const toDocs = options.docs === true && UPDATE_DOCS;
    if (toDocs) copyFileSync(path.join(SHOTS, file), path.join(DOCS, file));
    step(`screenshot test-results/${file}${toDocs ? ` → docs/${file}` : ''}${options.note ? ` (${options.note})` : ''}`);
  };
}

export interface Workbench {
  run: RunFolders;
  server: RunningServer;
  browser: BrowserContext;
  page: Page;
}

/**
 * Installs the .vsix, starts code-server and opens the run's workspace in Chromium; resolves
 * once the explorer lists `visibleFile`.
 */
export async function openWorkbench(run: RunFolders, visibleFile: string, options: { viewport?: { width: number; height: number }; onPage?: (page: Page) => void } = {}): Promise<Workbench> {
  installExtension(run, VSIX);
  const server = await startServer(run, 'code-server');
  const stopOnSignal = (): void => void server.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);
  let browser: BrowserContext | undefined;
  try {
    browser = await launchChromium(run);
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    if (options.viewport) await page.setViewportSize(options.viewport);
    options.onPage?.(page);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(run.workspace)}`);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: visibleFile }).waitFor();
    return { run, server, browser, page };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
}

/**
 * Runs the checks on an open workbench: on failure a screenshot (`failureShot`) and the tail
 * of code-server's log; always, the browser and the server are closed.
 */
export async function inWorkbench(workbench: Workbench, failureShot: string, checks: () => Promise<void>): Promise<void> {
  const { page, browser, server } = workbench;
  try {
    await checks();
  } catch (err) {
    await page.screenshot({ path: path.join(SHOTS, `${failureShot}.png`) }).catch(() => undefined);
    console.log(`--- code-server log (tail)\n${tail(server.log)}`);
    throw err;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

/** Runs an end-to-end check as a script: exit 0 when it passes, 1 (with the error) when not. */
export function runCheck(name: string, check: () => Promise<void>): void {
  check().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`${name} FAILED:`, err);
      process.exit(1);
    },
  );
}

/** The panel's page inside the workbench: the webview's outer iframe, then its active frame. */
export function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** The command palette's row whose label is exactly `label`. */
export function quickPickRow(page: Page, label: string): ReturnType<Page['locator']> {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
}

/** Runs a command from the palette, as a user does. */
export async function runCommand(page: Page, title: string): Promise<void> {
  // From the log's editor: a key pressed inside the panel's frame may not reach the workbench.
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(title);
  // The row whose label is exactly the title, clicked: Enter would take whichever row has the
  // focus while the list is still filtering ("Preferences: Browse Color Themes…").
  await quickPickRow(page, title).click();
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its tab. */
export async function openFile(page: Page, name: string): Promise<void> {
  // From the first group's editor, so the file opens there and not beside the panel.
  if ((await page.locator('.monaco-editor textarea').count()) > 0) await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).first().waitFor();
}
