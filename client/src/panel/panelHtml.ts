import { randomBytes } from 'node:crypto';

/**
 * The results panel's page: an empty shell that loads our one script (with a fresh nonce) and
 * our stylesheet from the built webview folder. Plain strings in, a string out (no `vscode`),
 * so the standalone browser test serves exactly this page.
 */

export interface PanelPage {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** `asWebviewUri` of dist/webview/webview.js and webview.css. */
  scriptUri: string;
  styleUri: string;
  /** The nonce of our one script. */
  nonce: string;
  /**
   * A second nonce, for styles only: the component library tests for `:focus-visible` support
   * with a `<style>` element, which it marks with the nonce of `<meta property="csp-nonce">`.
   * Kept apart from the script nonce so that the page never shows the script's.
   */
  styleNonce: string;
}

/** 128 bits from the OS's CSPRNG, base64 (the CSP nonce grammar). A new one per page load. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Nothing but our nonce'd script runs (no inline script, no handler attribute, no eval);
 * styles, images and fonts come only from the extension's own files (plus the library's one
 * nonce'd feature-test style element; style attributes are refused); no fetch, no frames, no
 * forms, no navigation of the base. Trusted Types: the only string-to-HTML sink allowed is the
 * component library's own template policy (`fast-html`), so a stray `innerHTML = text` throws
 * instead of parsing log text as markup.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string, styleNonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${styleNonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types fast-html',
  ].join('; ');
}

export function panelHtml(page: PanelPage): string {
  const nonce = attribute(page.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(contentSecurityPolicy(page.cspSource, page.nonce, page.styleNonce))}">
<meta property="csp-nonce" content="${attribute(page.styleNonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(page.styleUri)}">
<title>Log Warden results</title>
</head>
<body>
<div id="app"></div>
<script type="module" nonce="${nonce}" src="${attribute(page.scriptUri)}"></script>
</body>
</html>
`;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
