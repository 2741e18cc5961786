import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ENGINE = path.join(__dirname, '..', '..', '..', 'server', 'src', 'engine');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Module specifiers imported or required by a TypeScript source. */
function importsOf(text: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"\n]{1,200})['"]/gm;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) specs.push(m[1]);
  return specs;
}

describe('engine stays editor-free', () => {
  const files = sources(ENGINE);

  it('has sources to check', () => {
    assert.ok(files.length >= 20, `only ${files.length} engine files found`);
  });

  it('imports nothing from vscode*, the file system, processes or the network', () => {
    const forbidden = /^(vscode|vscode-languageserver|vscode-languageclient|vscode-jsonrpc)(\/|$)|^(node:)?(fs|fs\/promises|child_process|net|http|https|dgram|tls|worker_threads)$/;
    const offenders: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (forbidden.test(spec)) offenders.push(`${path.relative(ENGINE, file)} imports ${spec}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the import scanner sees the imports it must forbid', () => {
    const sample = `import * as vscode from 'vscode';\nimport { x } from "vscode-languageserver/node";\nconst fs = require('node:fs');`;
    assert.deepEqual(importsOf(sample), ['vscode', 'vscode-languageserver/node', 'node:fs']);
  });
});
