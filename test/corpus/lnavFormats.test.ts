/**
 * Format detection against lnav's test corpus (tstack/lnav, BSD-2-Clause), read from
 * ../shared/corpora/lnav next to the repository; skipped when that folder is absent.
 *
 * - derived_lnav_format_samples.jsonl: sample lines of lnav formats. Lines of one format are
 *   one sample file: detectFormat runs on each group, and every line of a group counts as
 *   detected correctly when the group is. (How each line fares alone is printed too.)
 * - derived_lnav_logfile_format_map.csv: files under test/ with their lnav format; detectFormat
 *   runs on each file's first lines, as the analyzer does.
 * lnav formats we support map to our ids; the others are not scored. Every file under test/
 * also goes through the whole analyzer, which must not throw.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFormat } from '../../server/src/engine/formats';
import { analyzeText, SNIFF_LINES } from '../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { splitText } from '../../server/src/engine/lineSplitter';
import type { FormatId } from '../../server/src/engine/model';

const ROOT = path.join(__dirname, '..', '..');
const LNAV = path.join(ROOT, '..', 'shared', 'corpora', 'lnav');
const SAMPLES_FILE = path.join(LNAV, 'derived_lnav_format_samples.jsonl');
const MAP_FILE = path.join(LNAV, 'derived_lnav_logfile_format_map.csv');
const TEST_DIR = path.join(LNAV, 'test');

/** Share of supported samples/files that must be detected as their format. */
const TARGET = 0.95;

const ctx = { referenceYear: 2024, referenceTime: Date.UTC(2024, 11, 31) };

/** lnav format → our formats. */
const DIRECT: Record<string, FormatId[]> = {
  access_log: ['apache-combined', 'apache-common'],
  error_log: ['apache-error'],
  syslog_log: ['syslog', 'syslog-5424'],
  w3c_log: ['w3c'],
  generic_log: ['generic'],
  generic: ['generic'],
};
/** lnav's JSON-lines formats (their definitions say `"json": true`). */
const JSON_FORMATS = new Set([
  'ecs_log', 'bunyan_log', 'pino_log', 'journald_json_log', 'mongodb_json_log', 'otel_collector_log',
  'caddy_log', 'cloudflare_log', 'rust_tracing_log',
]);

/** Our ids for an lnav format description, or undefined when we have no such format. */
function expectedForFile(description: string): FormatId[] | undefined {
  // Edge cases lnav handles with custom formats or by stripping container prefixes; an
  // empty file; text with no format at all.
  if (/^edge case|docker-compose|^empty$|^plain text/i.test(description)) return undefined;
  if (/json/i.test(description)) return ['json'];
  const ids = new Set<FormatId>();
  // "mixed: syslog_log + access_log lines" accepts either.
  for (const m of description.matchAll(/[a-z][a-z0-9_]*_log\b|\bgeneric\b/g)) {
    if (JSON_FORMATS.has(m[0])) ids.add('json');
    for (const id of DIRECT[m[0]] ?? []) ids.add(id);
  }
  return ids.size ? [...ids] : undefined;
}

interface Sample {
  format: string;
  is_json: boolean;
  file_type: string | null;
  line: string;
}

function expectedForSample(s: Sample): FormatId[] | undefined {
  if (s.is_json || s.file_type === 'json' || JSON_FORMATS.has(s.format)) return ['json'];
  return DIRECT[s.format];
}

/** Minimal CSV (RFC 4180 quoting) for the map file. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The first non-empty lines of a text, as many as the analyzer sniffs. */
function headLines(text: string): string[] {
  const lines: string[] = [];
  splitText(text, (line) => {
    if (lines.length < SNIFF_LINES && line.trim()) lines.push(line);
  });
  return lines;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

/** expected label → detected id → count */
type Confusion = Map<string, Map<string, number>>;

function count(confusion: Confusion, expected: string, detected: string, n = 1): void {
  let row = confusion.get(expected);
  if (!row) confusion.set(expected, (row = new Map()));
  row.set(detected, (row.get(detected) ?? 0) + n);
}

function printConfusion(title: string, confusion: Confusion): void {
  console.log(`    ${title} (expected → detected: count)`);
  for (const [expected, row] of [...confusion].sort((a, b) => a[0].localeCompare(b[0]))) {
    const cells = [...row].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id}: ${n}`);
    console.log(`      ${expected.padEnd(22)} → ${cells.join(', ')}`);
  }
}

describe('lnav corpus: format detection', function () {
  before(function () {
    if (!fs.existsSync(SAMPLES_FILE) || !fs.existsSync(MAP_FILE) || !fs.existsSync(TEST_DIR)) {
      console.log(`    lnav corpus not found at ${LNAV} — skipping (it lives in ../shared/corpora next to the repository)`);
      this.skip();
    }
  });

  it(`detects the format of ≥ ${TARGET * 100}% of the supported sample lines`, () => {
    const samples = fs
      .readFileSync(SAMPLES_FILE, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Sample);
    assert.ok(samples.length > 200, `expected the 259 lnav samples, read ${samples.length}`);

    const groups = new Map<string, Sample[]>();
    for (const s of samples) {
      const group = groups.get(s.format) ?? [];
      group.push(s);
      groups.set(s.format, group);
    }
    const confusion: Confusion = new Map();
    const alone: Confusion = new Map();
    let supported = 0;
    let correct = 0;
    let correctAlone = 0;
    const misses: string[] = [];
    for (const [format, group] of groups) {
      const expected = expectedForSample(group[0]);
      if (!expected) continue;
      const detected = detectFormat(group.map((s) => s.line), ctx).format.id;
      const label = `${format}→${expected.join('|')}`;
      supported += group.length;
      count(confusion, label, detected, group.length);
      if (expected.includes(detected)) correct += group.length;
      else misses.push(`${format}: ${detected}`);
      for (const s of group) {
        const one = detectFormat([s.line], ctx).format.id;
        count(alone, label, one);
        if (expected.includes(one)) correctAlone++;
        else misses.push(`  alone: ${format} → ${one}: ${s.line.slice(0, 100)}`);
      }
    }
    const share = correct / supported;
    console.log(`    samples: ${correct}/${supported} supported lines detected correctly by group (${(share * 100).toFixed(1)}%),`);
    console.log(`             ${correctAlone}/${supported} when each line is detected alone (${((correctAlone / supported) * 100).toFixed(1)}%)`);
    printConfusion('by group', confusion);
    printConfusion('each line alone', alone);
    if (misses.length) console.log(`    misses:\n      ${misses.join('\n      ')}`);
    assert.ok(supported >= 20, `only ${supported} supported samples: the mapping is broken`);
    assert.ok(share >= TARGET, `${(share * 100).toFixed(1)}% < ${TARGET * 100}%`);
  });

  it(`detects the format of ≥ ${TARGET * 100}% of the supported files`, () => {
    const rows = parseCsv(fs.readFileSync(MAP_FILE, 'utf8'));
    const header = rows[0];
    const fileCol = header.indexOf('file');
    const formatCol = header.indexOf('expected_format');
    assert.ok(fileCol >= 0 && formatCol >= 0, `unexpected header ${header.join(',')}`);
    const confusion: Confusion = new Map();
    let supported = 0;
    let correct = 0;
    const misses: string[] = [];
    for (const row of rows.slice(1)) {
      if (row.length <= formatCol) continue;
      const file = row[fileCol];
      const expected = expectedForFile(row[formatCol]);
      if (!expected) continue;
      const full = path.join(TEST_DIR, file);
      if (!fs.existsSync(full)) continue;
      const lines = headLines(fs.readFileSync(full).toString('utf8'));
      const { format, scores } = detectFormat(lines, ctx);
      supported++;
      count(confusion, expected.join('|'), format.id);
      if (expected.includes(format.id)) correct++;
      else {
        const top = scores.filter((s) => s.share > 0).map((s) => `${s.format} ${s.share.toFixed(2)}`);
        misses.push(`${file} (${row[formatCol]}) → ${format.id} [${top.join(', ')}]`);
      }
    }
    const share = correct / supported;
    console.log(`    files: ${correct}/${supported} supported files detected correctly (${(share * 100).toFixed(1)}%)`);
    printConfusion('files', confusion);
    if (misses.length) console.log(`    misses:\n      ${misses.join('\n      ')}`);
    assert.ok(supported >= 30, `only ${supported} supported files: the mapping is broken`);
    assert.ok(share >= TARGET, `${(share * 100).toFixed(1)}% < ${TARGET * 100}%`);
  });

  it('runs the whole analyzer on every lnav file without throwing', () => {
    const files = listFiles(TEST_DIR);
    assert.ok(files.length > 100, `expected lnav's test files, found ${files.length}`);
    const formats: Confusion = new Map();
    let lines = 0;
    const t0 = performance.now();
    for (const full of files) {
      const rel = path.relative(LNAV, full);
      // As the CLI reads: bytes decoded as UTF-8 (invalid sequences become U+FFFD).
      const text = fs.readFileSync(full).toString('utf8');
      let report;
      try {
        report = analyzeText(text, { path: rel, config: DEFAULT_CONFIG, referenceTime: ctx.referenceTime });
      } catch (err) {
        assert.fail(`${rel}: the analyzer threw ${err instanceof Error ? err.stack : String(err)}`);
      }
      assert.ok(report.parsed + report.skipped <= report.lines, `${rel}: parsed + skipped > lines`);
      lines += report.lines;
      count(formats, 'all files', report.format);
    }
    console.log(`    analyzed ${files.length} files, ${lines} lines in ${(performance.now() - t0).toFixed(0)} ms`);
    printConfusion('formats chosen by the analyzer', formats);
  });
});
