import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '../../../server/src/engine/config';
import type { FileReport, Finding } from '../../../server/src/engine/model';
import { RULE_IDS } from '../../../server/src/engine/rules';
import { TOOL_VERSION } from '../../../server/src/engine/version';
import { analyzeFile } from '../../../server/src/io/analyzeFile';

const ROOT = path.join(__dirname, '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'example_logs');

describe('example_logs', () => {
  const reports = new Map<string, FileReport>();

  before(async () => {
    for (const name of fs.readdirSync(EXAMPLES).sort()) {
      reports.set(name, await analyzeFile(path.join(EXAMPLES, name), { config: resolveConfig(undefined), displayPath: name }));
    }
  });

  const all = (): Finding[] => [...reports.values()].flatMap((r) => r.findings);

  it('every line of every example parses', () => {
    for (const [name, report] of reports) assert.equal(report.skipped, 0, `${name}: ${report.skipped} lines skipped`);
  });

  it('each file is detected as its format', () => {
    const expected: Record<string, string> = {
      'apache_sample.log': 'apache-combined',
      'nginx_access.log': 'apache-combined',
      'auth.log': 'syslog',
      'firewall.log': 'syslog',
      'app.jsonl': 'json',
      'iis.log': 'w3c',
      'sample.log': 'generic',
    };
    for (const [name, format] of Object.entries(expected)) assert.equal(reports.get(name)?.format, format, name);
  });

  it('every rule fires at least once', () => {
    const fired = new Set(all().map((f) => f.rule));
    assert.deepEqual(RULE_IDS.filter((r) => !fired.has(r)), []);
  });

  it('apache_sample.log reports the three sources of the original sample, each for what it did', () => {
    const findings = reports.get('apache_sample.log')!.findings;
    const by = (source: string) => findings.filter((f) => f.source === source).map((f) => f.rule).sort();
    assert.deepEqual(by('10.0.0.50'), ['brute-force']);
    assert.deepEqual(by('45.67.89.123'), ['url-scan']);
    assert.deepEqual(by('192.168.1.100'), ['web-attack']);
    // The ten ordinary requests from other addresses stay quiet.
    assert.equal(findings.length, 3);
    const attack = findings.find((f) => f.rule === 'web-attack')!;
    assert.deepEqual(attack.lines, [8, 13, 21]);
  });

  it('ordinary traffic in the examples stays quiet', () => {
    const quiet = ['192.0.2.10' /* health checks */, '66.249.66.1' /* crawler */, '10.20.0.31' /* two typos, then a login */];
    for (const source of quiet) {
      assert.deepEqual(all().filter((f) => f.source === source).map((f) => f.rule), [], source);
    }
  });

  it('the engine reports the version of package.json', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(TOOL_VERSION, manifest.version);
  });
});
