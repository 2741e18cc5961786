import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { runCli, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE_OR_IO } from '../../../server/src/cli';
import type { AnalysisReport } from '../../../server/src/engine/model';
import { loadContractValidator, loadSarifValidator } from '../report/schemas';

const ROOT = path.join(__dirname, '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'example_logs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], stdin = '', cwd = ROOT): Promise<Run> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: string[] = [];
  const errChunks: string[] = [];
  out.on('data', (c) => chunks.push(String(c)));
  err.on('data', (c) => errChunks.push(String(c)));
  const code = await runCli(args, { stdout: out, stderr: err, stdin: Readable.from([Buffer.from(stdin)]), cwd });
  return { code, stdout: chunks.join(''), stderr: errChunks.join('') };
}

function tempFile(name: string, content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-cli-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const ACCESS_LINE = (ip: string, sec: number, path = '/', status = 200) =>
  `${ip} - - [12/Mar/2024:10:00:${String(sec).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" ${status} 512 "-" "Mozilla/5.0"`;

describe('logwarden analyze', function () {
  it('lists the brute force from 10.0.0.50 in apache_sample.log with its evidence lines', async () => {
    const run = await cli(['analyze', '--format', 'json', 'example_logs/apache_sample.log']);
    assert.equal(run.code, EXIT_OK, run.stderr);
    const report = JSON.parse(run.stdout) as AnalysisReport;
    const file = report.files[0];
    assert.equal(file.format, 'apache-combined');
    assert.equal(file.lines, 25);
    assert.equal(file.parsed, 25);
    const brute = file.findings.find((f) => f.rule === 'brute-force' && f.source === '10.0.0.50');
    assert.ok(brute, 'no brute-force finding for 10.0.0.50');
    assert.deepEqual(brute.lines, [5, 6, 7, 9, 11, 12]);
    assert.ok(brute.attack[0].startsWith('T1110'));
    assert.match(brute.message, /6 failed/);
  });

  it('prints the same finding in the table', async () => {
    const run = await cli(['analyze', 'example_logs/apache_sample.log']);
    assert.equal(run.code, EXIT_OK, run.stderr);
    assert.match(run.stdout, /brute-force/);
    assert.match(run.stdout, /10\.0\.0\.50/);
    assert.doesNotMatch(run.stdout, /\x1b\[/, 'no colour when stdout is not a terminal');
  });

  it('writes JSON that validates against the contract schema', async () => {
    const run = await cli(['analyze', '--format', 'json', 'example_logs/']);
    assert.equal(run.code, EXIT_OK, run.stderr);
    const validate = loadContractValidator();
    const report = JSON.parse(run.stdout);
    assert.ok(validate(report), JSON.stringify(validate.errors, null, 2));
    assert.ok(report.files.length >= 7, 'every example log is analysed');
  });

  it('writes SARIF that validates against the SARIF 2.1.0 schema', async () => {
    const run = await cli(['analyze', '--format', 'sarif', 'example_logs/apache_sample.log']);
    assert.equal(run.code, EXIT_OK, run.stderr);
    const validate = loadSarifValidator();
    const sarif = JSON.parse(run.stdout);
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'brute-force');
    assert.ok(result);
    assert.equal(result.locations[0].physicalLocation.region.startLine, 11, "the 5th failure crosses the threshold");
  });

  it('exits 1 when a finding reaches --fail-on, 0 when none does', async () => {
    const failing = await cli(['analyze', '--format', 'csv', '--fail-on', 'low', 'example_logs/apache_sample.log']);
    assert.equal(failing.code, EXIT_FINDINGS);
    const quiet = tempFile('quiet.log', [ACCESS_LINE('192.0.2.1', 1), ACCESS_LINE('192.0.2.2', 2)].join('\n') + '\n');
    const passing = await cli(['analyze', '--fail-on', 'low', quiet]);
    assert.equal(passing.code, EXIT_OK, passing.stdout + passing.stderr);
  });

  it('--min-severity hides findings below it', async () => {
    const all = JSON.parse((await cli(['analyze', '-f', 'json', 'example_logs/auth.log'])).stdout) as AnalysisReport;
    const high = JSON.parse((await cli(['analyze', '-f', 'json', '--min-severity', 'high', 'example_logs/auth.log'])).stdout) as AnalysisReport;
    const rank = { low: 0, medium: 1, high: 2, critical: 3 };
    assert.ok(high.files[0].findings.every((f) => rank[f.severity] >= 2));
    assert.equal(high.files[0].findings.length, all.files[0].findings.filter((f) => rank[f.severity] >= 2).length);
  });

  it('exits 2 with a message naming the file for a missing file', async () => {
    const run = await cli(['analyze', 'no/such/file.log']);
    assert.equal(run.code, EXIT_USAGE_OR_IO);
    assert.match(run.stderr, /no\/such\/file\.log/);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await cli(['analyze', '--format', 'xml', 'x.log'])).code, EXIT_USAGE_OR_IO);
    assert.equal((await cli(['analyze', '--fail-on', 'urgent', 'x.log'])).code, EXIT_USAGE_OR_IO);
    assert.equal((await cli(['analyze'])).code, EXIT_USAGE_OR_IO);
    assert.equal((await cli(['frobnicate'])).code, EXIT_USAGE_OR_IO);
    assert.equal((await cli(['analyze', '--log-format', 'cobol', 'x.log'])).code, EXIT_USAGE_OR_IO);
  });

  it('reads standard input for -', async () => {
    const text = fs.readFileSync(path.join(EXAMPLES, 'apache_sample.log'), 'utf8');
    const run = await cli(['analyze', '-f', 'json', '-'], text);
    assert.equal(run.code, EXIT_OK, run.stderr);
    const report = JSON.parse(run.stdout) as AnalysisReport;
    assert.equal(report.files[0].path, '-');
    assert.ok(report.files[0].findings.some((f) => f.rule === 'brute-force' && f.source === '10.0.0.50'));
  });

  it('reports a broken settings file by name and exits 2', async () => {
    const config = tempFile('.logwarden.json', '{ "rules": ');
    const run = await cli(['analyze', '--config', config, 'example_logs/apache_sample.log']);
    assert.equal(run.code, EXIT_USAGE_OR_IO);
    assert.match(run.stderr, /\.logwarden\.json: not valid JSON/);
  });

  it('applies the allowlist and thresholds of the settings file', async () => {
    const config = tempFile('.logwarden.json', JSON.stringify({ allowlist: ['10.0.0.0/24'] }));
    const run = await cli(['analyze', '-f', 'json', '--config', config, 'example_logs/apache_sample.log']);
    const report = JSON.parse(run.stdout) as AnalysisReport;
    assert.ok(!report.files[0].findings.some((f) => f.source === '10.0.0.50'));
    const raised = tempFile('.logwarden.json', JSON.stringify({ rules: { 'brute-force': { threshold: 7 } } }));
    const run2 = JSON.parse((await cli(['analyze', '-f', 'json', '--config', raised, 'example_logs/apache_sample.log'])).stdout) as AnalysisReport;
    assert.ok(!run2.files[0].findings.some((f) => f.rule === 'brute-force'));
  });

  it('the built bundle runs as a program and sets its exit code', function () {
    const bundle = path.join(ROOT, 'dist', 'cli.js');
    if (!fs.existsSync(bundle)) this.skip(); // `npm test` builds it first
    const ok = spawnSync(process.execPath, [bundle, 'analyze', '--fail-on', 'high', 'example_logs/apache_sample.log'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(ok.status, EXIT_FINDINGS, ok.stderr);
    assert.match(ok.stdout, /10\.0\.0\.50/);
    const missing = spawnSync(process.execPath, [bundle, 'analyze', 'missing.log'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(missing.status, EXIT_USAGE_OR_IO);
    assert.match(missing.stderr, /missing\.log/);
  });
});

describe('logwarden analyze on bad input', () => {
  it('an empty file: no findings, no error', async () => {
    const run = await cli(['analyze', '-f', 'json', tempFile('empty.log', '')]);
    assert.equal(run.code, EXIT_OK, run.stderr);
    const file = (JSON.parse(run.stdout) as AnalysisReport).files[0];
    assert.equal(file.lines, 0);
    assert.deepEqual(file.findings, []);
  });

  it('a PNG: a clear message, exit 2, no crash', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
      Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)),
    ]);
    const run = await cli(['analyze', tempFile('picture.log', png)]);
    assert.equal(run.code, EXIT_USAGE_OR_IO);
    assert.match(run.stderr, /picture\.log: binary content, not a text log/);
  });

  it('a binary file met while walking a directory is skipped with a message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-dir-'));
    fs.writeFileSync(path.join(dir, 'a.bin'), Buffer.alloc(2048, 0));
    fs.writeFileSync(path.join(dir, 'b.log'), ACCESS_LINE('192.0.2.1', 1) + '\n');
    const run = await cli(['analyze', '-f', 'json', dir]);
    assert.equal(run.code, EXIT_OK, run.stderr);
    assert.match(run.stderr, /a\.bin: binary content/);
    assert.equal((JSON.parse(run.stdout) as AnalysisReport).files.length, 1);
  });

  it('invalid UTF-8: decoded with replacements and counted', async () => {
    const bytes = Buffer.concat([
      Buffer.from(ACCESS_LINE('192.0.2.1', 1, '/caf') + '\n'),
      Buffer.from('192.0.2.2 - - [12/Mar/2024:10:00:02 +0000] "GET /caf'),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
      Buffer.from(' HTTP/1.1" 200 512 "-" "Mozilla/5.0"\n'),
    ]);
    const run = await cli(['analyze', '-f', 'json', tempFile('bad-utf8.log', bytes)]);
    assert.equal(run.code, EXIT_OK, run.stderr);
    assert.match(run.stderr, /1 line\(s\) were not valid UTF-8/);
    const file = (JSON.parse(run.stdout) as AnalysisReport).files[0];
    assert.equal(file.parsed, 2);
  });

  it('a 5 MB single line: analysed up to the line cap, no hang', async () => {
    const huge = '192.0.2.9 - - [12/Mar/2024:10:00:02 +0000] "GET /?q=' + 'A'.repeat(5 * 1024 * 1024) + ' HTTP/1.1" 200 1 "-" "x"\n';
    const run = await cli(['analyze', '-f', 'json', tempFile('huge.log', ACCESS_LINE('192.0.2.1', 1) + '\n' + huge)]);
    assert.equal(run.code, EXIT_OK, run.stderr);
    assert.match(run.stderr, /1 line\(s\) longer than the line cap/);
    assert.equal((JSON.parse(run.stdout) as AnalysisReport).files[0].lines, 2);
  });

  it('CRLF line ends and a truncated last line', async () => {
    const lines = Array.from({ length: 8 }, (_, i) =>
      `10.9.9.9 - - [12/Mar/2024:10:00:0${i} +0000] "POST /wp-login.php HTTP/1.1" 401 200 "-" "Mozilla/5.0"`,
    );
    const text = lines.join('\r\n') + '\r\n' + '10.9.9.9 - - [12/Mar/2024:10:00:09 +0000] "POST /wp-lo';
    const run = await cli(['analyze', '-f', 'json', tempFile('crlf.log', text)]);
    assert.equal(run.code, EXIT_OK, run.stderr);
    const file = (JSON.parse(run.stdout) as AnalysisReport).files[0];
    assert.equal(file.lines, 9);
    assert.equal(file.format, 'apache-combined');
    const brute = file.findings.find((f) => f.rule === 'brute-force');
    assert.ok(brute, 'the CRLF lines still parse and make a burst');
    assert.equal(brute.source, '10.9.9.9');
    assert.ok(file.skipped + file.parsed === 9, `parsed ${file.parsed} skipped ${file.skipped}`);
  });
});
