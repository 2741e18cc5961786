import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { seededRandom } from '../../../bench/random';

/**
 * Big files are analysed on two threads (a reader thread parses, this one detects). The
 * findings, counts and warnings must be those of the single-threaded analysis, whatever the
 * input: the built CLI runs both ways (LOGWARDEN_PARALLEL=always / never) and the reports
 * are compared whole.
 */
const ROOT = path.join(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const WORKER = path.join(ROOT, 'dist', 'parseWorker.js');
const EXAMPLES = path.join(ROOT, 'example_logs');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, mode: 'always' | 'never', extra: string[] = []): Run {
  const r = spawnSync(process.execPath, [CLI, 'analyze', '--format', 'json', ...extra, file], {
    env: { ...process.env, LOGWARDEN_PARALLEL: mode, CI: '1' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The report without its timing. */
function comparable(stdout: string): unknown {
  const report = JSON.parse(stdout) as { files: { durationMs?: number }[] };
  for (const f of report.files) delete f.durationMs;
  return report;
}

function assertSameBothWays(file: string, extra: string[] = []): unknown {
  const single = run(file, 'never', extra);
  const parallel = run(file, 'always', extra);
  assert.equal(parallel.status, single.status, parallel.stderr);
  assert.equal(parallel.stderr, single.stderr);
  if (single.stdout.trim() === '') {
    assert.equal(parallel.stdout, single.stdout);
    return undefined;
  }
  const report = comparable(single.stdout);
  assert.deepEqual(comparable(parallel.stdout), report);
  return report;
}

let dir: string;
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};

/** An access-log line (attacks mixed in by `i`). */
function accessLine(random: () => number, i: number): string {
  const probe = i % 7 === 3 && i < 20_000;
  const ip = probe ? '203.0.113.9' : `198.51.${Math.floor(random() * 20)}.${1 + Math.floor(random() * 200)}`;
  const sec = String(i % 60).padStart(2, '0');
  const min = String(Math.floor(i / 60) % 60).padStart(2, '0');
  const paths = ['/', '/index.html', '/login', '/wp-login.php', '/.env', '/search?q=%27%20OR%201=1--', '/a/b/c.js'];
  const p = probe ? `/probe-${i}` : paths[Math.floor(random() * paths.length)];
  const status = p.startsWith('/probe') ? 404 : p === '/login' && random() < 0.3 ? 401 : 200;
  const ua = i % 501 === 0 ? 'sqlmap/1.7' : i % 7 === 0 ? 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120 Safari/537.36' : 'Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0';
  return `${ip} - - [12/Mar/2024:1${Math.floor(i / 3600) % 10}:${min}:${sec} +0100] "GET ${p} HTTP/1.1" ${status} ${Math.floor(random() * 90000)} "-" "${ua}"`;
}

describe('parallel file analysis (reader thread) gives the single-threaded results', function () {
  this.timeout(120_000);

  before(function () {
    if (!fs.existsSync(CLI) || !fs.existsSync(WORKER)) this.skip(); // built by `npm test`
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-parallel-'));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on every example log (each format)', () => {
    for (const name of fs.readdirSync(EXAMPLES)) {
      const report = assertSameBothWays(path.join(EXAMPLES, name)) as { files: { findings: unknown[] }[] };
      assert.ok(report.files[0].findings.length > 0, `${name}: no findings to compare`);
    }
  });

  it('on a multi-megabyte access log with awkward lines: CRLF, lone CR, BOM, blank, huge, invalid UTF-8, no final line end', () => {
    const random = seededRandom(3);
    const parts: (string | Buffer)[] = ['\ufeff'];
    for (let i = 0; i < 40_000; i++) {
      const line = accessLine(random, i);
      if (i === 10) parts.push(line + '\r\n');
      else if (i === 11) parts.push(line + '\r');
      else if (i === 500) parts.push('\n   \t\n');
      else if (i === 900) parts.push(line.replace('Firefox', 'x'.repeat(300_000)) + '\n'); // beyond the byte cap
      else if (i === 901) parts.push(line.replace('Firefox', 'y'.repeat(70_000)) + '\n'); // beyond the character cap
      else if (i === 1200) parts.push(Buffer.concat([Buffer.from(line.slice(0, 40)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(line.slice(40) + '\n')]));
      else if (i === 1300) parts.push(line.replace('Firefox', 'Navigateur é ü 中文') + '\n');
      else parts.push(line + '\n');
    }
    parts.push(accessLine(random, 40_000)); // no line end
    const file = write('awkward.log', Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
    assert.ok(fs.statSync(file).size > 4 * 1024 * 1024, 'spans several read chunks');
    const report = assertSameBothWays(file) as { files: { lines: number; findings: { rule: string }[] }[] };
    assert.ok(report.files[0].lines > 40_000);
    const rules = new Set(report.files[0].findings.map((f) => f.rule));
    for (const rule of ['url-scan', 'scanner', 'web-attack']) assert.ok(rules.has(rule), `no ${rule} finding to compare`);
  });

  it('on access lines built against the byte reader: unclosed fields, quotes everywhere, escapes, long tokens, control bytes, lines past the length cap', () => {
    const random = seededRandom(21);
    const stamp = '[12/Mar/2024:10:00:00 +0100]';
    const hostile = [
      (i: number) => `10.0.0.${i % 250} - - ${stamp} "GET /${'a'.repeat(3000)}`,
      (i: number) => `10.0.1.${i % 250} - - ${stamp} "GET /${'"x'.repeat(100)} HTTP/1.1" 404 5 "-" "ua"`,
      (i: number) => `10.0.2.${i % 250} - - ${stamp} "GET /a HTTP/1.1" 200 5 "${'\\"'.repeat(300)}" "ua"`,
      (i: number) => `10.0.3.${i % 250} - - ${stamp} "GET /a HTTP/1.1" 200 5 "-" "${'\\'.repeat(201)}"`,
      (i: number) => `${'9'.repeat(254 + (i % 4))} - - ${stamp} "GET /long-token HTTP/1.1" 200 1 "-" "-"`,
      (i: number) => `10.0.4.${i % 250} - - ${stamp} "GET /\x01\x02${String.fromCharCode(1, 2, 27, 31)}?q=${'?'.repeat(500)} HTTP/1.1" 400 0 "\x7f" "${String.fromCharCode(9)}"`,
      (i: number) => `10.0.5.${i % 250} - - ${stamp} "GET /${'b'.repeat(70_000)} HTTP/1.1" 200 1 "-" "-"`,
      (i: number) => `10.0.6.${i % 250} - - [12/Mar/2024:10:00:0${i % 10} +0100] "GET /ok?id=${i} HTTP/1.1" 200 ${i} "http://r/${i % 7}" "Mozilla/5.0 (X11)"`,
    ];
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      // plain lines first and in between, so that the format is the combined log's
      lines.push(i < 200 || random() < 0.6 ? accessLine(random, i) : hostile[Math.floor(random() * hostile.length)](i));
    }
    const file = write('against-bytes.log', lines.join('\n') + '\n');
    const report = assertSameBothWays(file) as { files: { format: string; lines: number }[] };
    assert.equal(report.files[0].format, 'apache-combined');
    assert.equal(report.files[0].lines, lines.length);
  });

  it('on a mixed file (access, syslog, JSON lines) and with a forced format', () => {
    const text = fs
      .readdirSync(EXAMPLES)
      .map((name) => fs.readFileSync(path.join(EXAMPLES, name), 'utf8'))
      .join('\n');
    const file = write('mixed.log', text.repeat(20));
    assertSameBothWays(file);
    assertSameBothWays(file, ['--log-format', 'syslog']);
  });

  it('on empty, blank-only and binary files (same reports, warnings and exit codes)', () => {
    assertSameBothWays(write('empty.log', ''));
    assertSameBothWays(write('blank.log', '\n\n   \n'));
    const random = seededRandom(9);
    assertSameBothWays(write('binary.bin', Buffer.from(Array.from({ length: 20_000 }, () => Math.floor(random() * 256)))));
  });

  it('with several files in one run: the first takes the thread started ahead, the next ones start their own', () => {
    const example = (name: string) => path.join(EXAMPLES, name);
    const names = fs.readdirSync(EXAMPLES).filter((n) => n.endsWith('.log')).sort();
    assert.ok(names.length >= 3);
    const report = assertSameBothWays(example(names[2]), [example(names[0]), example(names[1])]) as { files: unknown[] };
    assert.equal(report.files.length, 3);
  });

  it('ends as usual when the thread started ahead is not used (an argument error)', () => {
    const file = path.join(EXAMPLES, fs.readdirSync(EXAMPLES).filter((n) => n.endsWith('.log')).sort()[0]);
    const r = run(file, 'always', ['--min-severity', 'extreme']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--min-severity must be/);
    assert.equal(r.stdout, '');
  });
});
