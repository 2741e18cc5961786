/** Reports for the history tests: the engine's own, on the example logs and on logs grown from them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import type { FileReport } from '../../../server/src/engine/model';

export const EXAMPLES = path.join(__dirname, '..', '..', '..', 'example_logs');

export function exampleText(name: string): string {
  return fs.readFileSync(path.join(EXAMPLES, name), 'utf8');
}

/** The engine's report on a text, reported under `file`. */
export function analyze(text: string, file = 'logs/access.log'): FileReport {
  return analyzeText(text, { path: file, config: DEFAULT_CONFIG });
}

/** apache_sample.log: a brute force, a web attack and a probe. */
export function sampleReport(file = 'logs/access.log'): FileReport {
  return analyze(exampleText('apache_sample.log'), file);
}

/** Access-log lines of a sqlmap run from `ip`: a scanner and a web attack the sample does not have. */
export function sqlmapLines(ip: string, count = 3): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(
      `${ip} - - [15/Mar/2024:10:2${i}:00 +0000] "GET /products.php?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--%20${i} HTTP/1.1" 200 1234 "-" "sqlmap/1.7.2#stable (https://sqlmap.org)"`,
    );
  }
  return lines.join('\n') + '\n';
}
