import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../../server/src/cli';
import type { AnalysisComparison, AnalysisPage } from '../../../server/src/history/types';
import { exampleText, sqlmapLines } from './fixtures';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], cwd: string): Promise<Run> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: string[] = [];
  const errChunks: string[] = [];
  out.on('data', (c) => chunks.push(String(c)));
  err.on('data', (c) => errChunks.push(String(c)));
  const code = await runCli(args, { stdout: out, stderr: err, stdin: Readable.from([]), cwd });
  return { code, stdout: chunks.join(''), stderr: errChunks.join('') };
}

describe('logwarden analyze --history / logwarden history', function () {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-cli-history-'));
    fs.writeFileSync(path.join(dir, 'access.log'), exampleText('apache_sample.log'));
  });

  it('records runs and tells what is new after lines were appended', async () => {
    let run = await cli(['analyze', '--history', 'runs.sqlite', '--min-severity', 'critical', 'access.log'], dir);
    assert.equal(run.code, 0, run.stderr);
    fs.appendFileSync(path.join(dir, 'access.log'), sqlmapLines('203.0.113.77'));
    run = await cli(['analyze', '--history', 'runs.sqlite', '-f', 'json', 'access.log'], dir);
    assert.equal(run.code, 0, run.stderr);
    const current = JSON.parse(run.stdout).files[0];

    run = await cli(['history', '--db', 'runs.sqlite', '--format', 'json'], dir);
    assert.equal(run.code, 0, run.stderr);
    const page = JSON.parse(run.stdout) as AnalysisPage;
    assert.equal(page.total, 2);
    const [second, first] = page.analyses;
    assert.equal(first.origin, 'cli');
    assert.equal(first.file, 'access.log');
    assert.equal(second.lines, first.lines + 3);
    const counts = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const f of current.findings as { severity: keyof typeof counts }[]) counts[f.severity]++;
    assert.deepEqual(second.counts, counts, 'the history keeps every finding, whatever --min-severity printed');

    run = await cli(['history', '--db', 'runs.sqlite', '--diff', String(first.id), '-f', 'json'], dir);
    assert.equal(run.code, 0, run.stderr);
    const diff = JSON.parse(run.stdout) as AnalysisComparison;
    assert.equal(diff.to.id, second.id, 'B defaults to the latest analysis of the log');
    assert.deepEqual([...new Set(diff.new.map((f) => f.source))], ['203.0.113.77']);
    assert.deepEqual(diff.resolved, []);

    run = await cli(['history', '--db', 'runs.sqlite', '--diff', String(second.id), String(first.id)], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^New \(0\)$/m);
    assert.match(run.stdout, new RegExp(`^Resolved \\(${diff.new.length}\\)$`, 'm'));
    assert.match(run.stdout, /^ {2}- .*203\.0\.113\.77/m);

    run = await cli(['history', '--db', 'runs.sqlite'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ID +TIME +ORIGIN +FORMAT +LINES +CRIT +HIGH +MED +LOW +FILE$/m);
    assert.match(run.stdout, new RegExp(`^ *${second.id} .* cli +apache-combined +${second.lines} .*access\\.log$`, 'm'));
    assert.match(run.stdout, /2 of 2 analyses/);
  });

  it('keeps --history-retention runs per log', async () => {
    for (let i = 0; i < 4; i++) {
      const run = await cli(['analyze', '--history', 'h.sqlite', '--history-retention', '2', 'access.log'], dir);
      assert.equal(run.code, 0, run.stderr);
    }
    const page = JSON.parse((await cli(['history', '--db', 'h.sqlite', '-f', 'json'], dir)).stdout) as AnalysisPage;
    assert.deepEqual(page.analyses.map((a) => a.id), [4, 3]);
  });

  it('moves a damaged database aside, says so on stderr, and records in a new one', async () => {
    fs.writeFileSync(path.join(dir, 'h.sqlite'), 'SQLite format 3\u0000 but then nothing sensible'.repeat(10));
    const run = await cli(['analyze', '--history', 'h.sqlite', 'access.log'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: the analysis history .*h\.sqlite could not be read .* moved to .*h\.sqlite\.corrupt-/);
    assert.equal(fs.readdirSync(dir).filter((n) => n.startsWith('h.sqlite.corrupt-')).length, 1);
    const page = JSON.parse((await cli(['history', '--db', 'h.sqlite', '-f', 'json'], dir)).stdout) as AnalysisPage;
    assert.equal(page.total, 1);
  });

  it('fails with 2 and a reason on usage and I/O errors', async () => {
    let run = await cli(['history', '--db', 'missing.sqlite'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no history here/);
    await cli(['analyze', '--history', 'h.sqlite', 'access.log'], dir);
    run = await cli(['history', '--db', 'h.sqlite', '--diff', '1', '99'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no analysis 99/);
    run = await cli(['history', '--db', 'h.sqlite', '--diff', 'one'], dir);
    assert.equal(run.code, 2);
    run = await cli(['analyze', '--history-retention', '3', 'access.log'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /needs --history/);
    run = await cli(['history', '--help'], dir);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--diff A \[B\]/);
    run = await cli(['analyze', '--help'], dir);
    assert.match(run.stdout, /--history FILE\.sqlite/);
  });
});
