/**
 * Entry of the extension-host suite: VS Code (desktop through @vscode/test-electron, or
 * code-server's node extension host) loads this file and awaits `run()`.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 120_000 });
  const grep = process.env.LW_SUITE_GREP;
  if (grep) mocha.grep(grep);
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      console.log(`extension-host suite: ${runner.stats?.passes ?? 0} passed, ${failures} failed, ${runner.stats?.pending ?? 0} pending`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
