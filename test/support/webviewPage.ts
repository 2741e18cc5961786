/**
 * The results panel's page outside VS Code: the webview bundle (built from webview/src into a
 * scratch folder) and the very HTML the extension serves (client/src/panel/panelHtml.ts, same
 * CSP, fresh nonce) from a tiny HTTP server on 127.0.0.1, loaded in headless Chromium through
 * playwright-core. `acquireVsCodeApi` is a stand-in that records what the page posts and
 * keeps its state. The server also counts requests to /pwned*: a tripwire for payloads that
 * would try to reach the network.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { newNonce, panelHtml } from '../../client/src/panel/panelHtml';

export const CHROMIUM = process.env.LW_CHROMIUM ?? '/usr/bin/chromium';
const REPO_ROOT = path.resolve(__dirname, '../..');

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export interface PanelPageHarness {
  origin: string;
  /** Requests that reached /pwned* (must stay empty). */
  tripwireHits: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Runs in the page before its script: the `acquireVsCodeApi` stand-in, and recorders for CSP
 * violations and for messages that are not the host's (a payload calling postMessage).
 */
const PAGE_STAND_IN = `
(() => {
  const posted = [];
  const violations = [];
  const strayMessages = [];
  let state;
  window.__posted = posted;
  window.__violations = violations;
  window.__strayMessages = strayMessages;
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => posted.push(JSON.parse(JSON.stringify(message))),
    getState: () => state,
    setState: (s) => { state = JSON.parse(JSON.stringify(s)); window.__state = state; },
  });
  document.addEventListener('securitypolicyviolation', (e) => violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile + ':' + e.lineNumber }));
  window.addEventListener('message', (e) => { if (typeof e.data !== 'object' || e.data === null) strayMessages.push(e.data); });
})();
`;

/** Builds the bundle, starts the server and the browser. */
export async function startPanelPage(): Promise<PanelPageHarness> {
  const out = mkdtempSync(path.join(tmpdir(), 'log-warden-webview-'));
  await build({
    entryPoints: { webview: path.join(REPO_ROOT, 'webview/src/main.ts') },
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    outdir: out,
    logLevel: 'warning',
  });
  const tripwireHits: string[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/pwned')) {
      tripwireHits.push(url);
      res.writeHead(204).end();
      return;
    }
    if (url === '/' || url.startsWith('/?')) {
      const html = panelHtml({ cspSource: origin, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/webview.css`, nonce: newNonce(), styleNonce: newNonce() });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const file = { '/webview.js': 'webview.js', '/webview.css': 'webview.css' }[url];
    if (file) {
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' }).end(readFileSync(path.join(out, file)));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    origin,
    tripwireHits,
    async newPage() {
      const page = await browser.newPage({ viewport: { width: 1300, height: 800 } });
      // A string, not a function: the test runner's transpiler would wrap a function with helpers the page lacks.
      await page.addInitScript(PAGE_STAND_IN);
      if (process.env.LW_DEBUG_PAGE) {
        page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
        page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
      }
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => ((window as unknown as { __posted: { type: string }[] }).__posted ?? []).some((m) => m.type === 'ready'));
      return page;
    },
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(out, { recursive: true, force: true });
    },
  };
}

/** Posts a host message to the page, as the extension's `webview.postMessage` does. */
export async function postToPage(page: Page, message: unknown): Promise<void> {
  // As JSON text: Playwright's own serialisation of a big object graph takes seconds.
  await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message) ?? 'null');
}

/**
 * Posts a host message and measures, inside the page, how long until `selector` matches: the
 * panel's own time, without the test's transfer of the message into the browser.
 */
export async function postAndTime(page: Page, message: unknown, selector: string): Promise<number> {
  // A string, not a function (see PAGE_STAND_IN).
  const script = `(async () => {
    const message = JSON.parse(${JSON.stringify(JSON.stringify(message))});
    const t0 = performance.now();
    window.postMessage(message, '*');
    await new Promise((resolve) => {
      const check = () => (document.querySelector(${JSON.stringify(selector)}) ? resolve(0) : setTimeout(check, 2));
      check();
    });
    return performance.now() - t0;
  })()`;
  return page.evaluate(script) as Promise<number>;
}

/** What the page posted so far. */
export async function postedByPage(page: Page): Promise<{ type: string; [key: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

/**
 * For a mocha suite: starts the panel page before its tests (skipping the suite, with a
 * message, when Chromium is missing) and closes it after. Returns the running harness.
 */
export function usePanelPage(): () => PanelPageHarness {
  let harness: PanelPageHarness | undefined;
  before(async function () {
    if (!chromiumAvailable()) {
      console.log(`      (skipped: ${CHROMIUM} not found — apt-get install chromium, or set LW_CHROMIUM)`);
      this.skip();
    }
    harness = await startPanelPage();
  });
  after(async function () {
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error('the panel page is not running');
    return harness;
  };
}
