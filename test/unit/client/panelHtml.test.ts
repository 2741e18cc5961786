import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, newNonce, panelHtml } from '../../../client/src/panel/panelHtml';

describe('results panel page shell', () => {
  const page = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://x/dist/webview/webview.js', styleUri: 'https://x/dist/webview/webview.css', nonce: 'abc+/=', styleNonce: 'sty' };

  it('allows only the nonce\'d script, our own styles/images/fonts, and no inline code', () => {
    const csp = contentSecurityPolicy(page.cspSource, page.nonce, page.styleNonce);
    const directives = new Map(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'nonce-abc+/='"]);
    assert.deepEqual(directives.get('style-src'), [page.cspSource, "'nonce-sty'"]);
    assert.deepEqual(directives.get('img-src'), [page.cspSource, 'data:']);
    assert.deepEqual(directives.get('font-src'), [page.cspSource]);
    assert.deepEqual(directives.get('require-trusted-types-for'), ["'script'"]);
    assert.ok(!/unsafe-(inline|eval)/.test(csp));
  });

  it('loads one script, with the nonce, and nothing inline', () => {
    const html = panelHtml(page);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script type="module" nonce="abc\+\/=" src="https:\/\/x\/dist\/webview\/webview\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/dist\/webview\/webview\.css">/);
    assert.ok(!/\son[a-z]+=/i.test(html), 'no handler attributes');
    assert.ok(!/style="/.test(html), 'no style attributes');
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<link'), 'the CSP comes before anything it governs');
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    assert.equal(nonces.size, 100);
    for (const n of nonces) assert.equal(Buffer.from(n, 'base64').length, 16);
  });
});
