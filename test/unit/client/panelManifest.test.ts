import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RESULTS_VIEW_TYPE } from '../../../webview/src/messages';

const ROOT = path.resolve(__dirname, '../../..');

describe('results panel packaging', () => {
  it('activates on its restored panel, so the serializer is registered after a window reload', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { activationEvents: string[] };
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${RESULTS_VIEW_TYPE}`));
  });

  it('ships the built webview folder (its localResourceRoots) in the .vsix', () => {
    const ignore = readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n');
    for (const file of ['dist/webview/webview.js', 'dist/webview/webview.css']) assert.ok(ignore.includes(`!${file}`), `${file} is whitelisted`);
    assert.ok(!ignore.some((l) => l.startsWith('!') && l.endsWith('.map')), 'no source maps');
  });
});
