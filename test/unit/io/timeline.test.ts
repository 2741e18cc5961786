import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { analyzeFile } from '../../../server/src/io/analyzeFile';
import { bucketLayout, collectTimeline, MAX_BUCKETS, TimelineCollector } from '../../../server/src/io/timeline';
import { MONTH_ABBREVIATIONS as MONTHS } from '../../../server/src/engine/time/monthNameDate';

const EXAMPLES = path.resolve(__dirname, '../../../example_logs');

/** Per-minute counts of a combined log read with a plain regex over its [dd/Mon/yyyy:hh:mm:ss +zzzz] stamps. */
function expectedMinutes(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const m of text.matchAll(/\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):\d{2} ([+-])(\d{2})(\d{2})\]/g)) {
    const offset = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8]));
    const minute = Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]), Number(m[1]), Number(m[4]), Number(m[5])) / 60_000 - offset;
    counts.set(minute, (counts.get(minute) ?? 0) + 1);
  }
  return counts;
}

function collect(text: string, config = DEFAULT_CONFIG): TimelineCollector {
  const collector = new TimelineCollector(config);
  text.split('\n').forEach((line, i) => collector.pushLine(line, i));
  return collector;
}

describe('timeline: records per minute for the results panel', () => {
  it('counts the apache sample per minute, as its timestamps say, and places every finding', () => {
    const text = readFileSync(path.join(EXAMPLES, 'apache_sample.log'), 'utf8');
    const report = analyzeText(text, { path: 'apache_sample.log', config: DEFAULT_CONFIG });
    const timeline = collect(text).timeline(report.findings);
    const expected = expectedMinutes(text);
    const first = Math.min(...expected.keys());
    assert.equal(timeline.bucketMinutes, 1);
    assert.equal(timeline.start, first * 60_000);
    assert.equal(timeline.counts.length, Math.max(...expected.keys()) - first + 1);
    timeline.counts.forEach((n, i) => assert.equal(n, expected.get(first + i) ?? 0, `minute ${i}`));
    assert.equal(timeline.timed, [...expected.values()].reduce((a, b) => a + b, 0));
    assert.equal(timeline.untimed, 0);
    // Each finding sits at the minute of its first line.
    const lines = text.split('\n');
    for (const f of report.findings) {
      const own = expectedMinutes(lines[f.line - 1]);
      assert.deepEqual([timeline.findingTimes[f.fingerprint] / 60_000], [...own.keys()], `${f.rule} at line ${f.line}`);
    }
  });

  it('counts a syslog and a JSON-lines log (format sniffed like the analysis)', () => {
    for (const file of ['auth.log', 'app.jsonl', 'firewall.log']) {
      const text = readFileSync(path.join(EXAMPLES, file), 'utf8');
      const timeline = collect(text).timeline([]);
      const nonBlank = text.split('\n').filter((l) => l.trim()).length;
      assert.ok(timeline.timed > nonBlank * 0.9, `${file}: ${timeline.timed} of ${nonBlank} lines timed`);
      assert.equal(timeline.counts.reduce((a, b) => a + b, 0), timeline.timed, `${file}: every timed record is in a bucket`);
    }
  });

  it('gives lines without a time the minute of the record above, and counts them as untimed', () => {
    const lines = [
      '10.0.0.1 - - [12/Mar/2024:10:00:01 +0000] "GET / HTTP/1.1" 200 10 "-" "ua"',
      '10.0.0.1 - - [12/Mar/2024:10:05:01 +0000] "GET / HTTP/1.1" 200 10 "-" "ua"',
      'this line has no time at all',
      '10.0.0.1 - - [12/Mar/2024:10:07:01 +0000] "GET / HTTP/1.1" 200 10 "-" "ua"',
    ];
    const collector = collect(lines.join('\n'));
    const t = collector.timeline([{ fingerprint: 'x', line: 3 }]);
    assert.equal(t.findingTimes.x, Date.UTC(2024, 2, 12, 10, 5));
    assert.equal(collector.minuteOfLine(0), Date.UTC(2024, 2, 12, 10, 0) / 60_000);
    assert.deepEqual(t.counts, [1, 0, 0, 0, 0, 1, 0, 1]);
  });

  it('widens the buckets to round units when the log spans long, keeping every record', () => {
    const day = (d: number, h: number): string => `10.0.0.1 - - [${String(d).padStart(2, '0')}/Mar/2024:${String(h).padStart(2, '0')}:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua"`;
    const text = [day(1, 0), day(1, 12), day(3, 6), day(9, 23)].join('\n');
    const t = collect(text).timeline([]);
    assert.ok(t.counts.length <= MAX_BUCKETS);
    // 8 days 23 hours = 12,900 minutes: 5-minute buckets would be 2,581, 10-minute ones 1,291.
    assert.equal(t.bucketMinutes, 10);
    assert.equal(t.counts.length, 1291);
    assert.equal(t.counts.reduce((a, b) => a + b, 0), 4);
    assert.equal(t.start, Date.UTC(2024, 2, 1));
    assert.deepEqual(bucketLayout(0, 59), { width: 1, first: 0, buckets: 60 });
    assert.deepEqual(bucketLayout(7, 1446), { width: 1, first: 7, buckets: 1440 });
    assert.equal(bucketLayout(7, 1447).width, 2);
    const years = bucketLayout(0, 60 * 24 * 365 * 30);
    assert.ok(years.width % 1440 === 0 && years.buckets <= MAX_BUCKETS, `30 years: ${years.width} min × ${years.buckets}`);
  });

  it('reads the same from an open document\'s lines, a byte stream and a file analysed from disk', async () => {
    const text = readFileSync(path.join(EXAMPLES, 'nginx_access.log'), 'utf8');
    const report = analyzeText(text, { path: 'nginx_access.log', config: DEFAULT_CONFIG });
    const lines = text.split('\n');
    const fromLines = (await collectTimeline(lines.length, (i) => lines[i], { config: DEFAULT_CONFIG }))!.timeline(report.findings);
    const streamed = new TimelineCollector(DEFAULT_CONFIG);
    const splitter = streamed.createSplitter();
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 777) splitter.push(bytes.subarray(i, i + 777));
    splitter.end();
    assert.deepEqual(streamed.timeline(report.findings), fromLines);

    const dir = mkdtempSync(path.join(tmpdir(), 'log-warden-timeline-'));
    try {
      const file = path.join(dir, 'nginx_access.log');
      writeFileSync(file, text);
      const analysed = await analyzeFile(file, { config: DEFAULT_CONFIG, displayPath: 'nginx_access.log', timeline: true });
      assert.ok(analysed.timeline, 'analyzeFile counted the minutes when asked');
      assert.deepEqual(analysed.timeline.timeline(analysed.findings), fromLines);
      const plain = await analyzeFile(file, { config: DEFAULT_CONFIG, displayPath: 'nginx_access.log' });
      assert.equal(plain.timeline, undefined, 'and not otherwise (the CLI pays nothing)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
