/**
 * History store at scale: 10,000 analyses of 100 findings each (100 logs × 100 analyses, the
 * default retention), recorded one transaction per analysis as the server records them.
 * Prints insert time, database size, export/save and load times, and the latencies of what
 * the panel asks for (list, get, compare), which must stay interactive (< 100 ms).
 *
 *   npm run bench:history                    realistic churn (10% of findings change per analysis)
 *   npm run bench:history -- --churn 1       worst case: every finding's content new every time
 *   npm run bench:history -- --churn 1 --max-mb 128   the same, bounded as the server bounds it
 *   npm run bench:history -- --logs 10 --analyses 50 --findings 100
 *
 * Findings are built from the engine's own findings on example_logs/ (real titles, messages,
 * evidence), given distinct sources per slot; between two analyses of a log a `churn` share
 * of them grows (one more evidence line, a new count in the message, confidence moves) and
 * 2% are replaced by new sources (resolved + new), as when lines are appended to a log.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeText } from '../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../server/src/engine/config';
import type { FileReport, Finding } from '../server/src/engine/model';
import { fingerprintOf, severityOf } from '../server/src/engine/score';
import { writeFileAtomic } from '../server/src/history/atomicWrite';
import { HistoryStore } from '../server/src/history/historyStore';
import { loadSqlJs } from '../server/src/history/sqlJs';
import { seededRandom } from './random';

const { values } = parseArgs({
  options: {
    logs: { type: 'string', default: '100' },
    analyses: { type: 'string', default: '100' },
    findings: { type: 'string', default: '100' },
    churn: { type: 'string', default: '0.1' },
    'max-mb': { type: 'string' },
    retention: { type: 'string' },
  },
});
const LOGS = Number(values.logs);
const ANALYSES = Number(values.analyses);
const FINDINGS = Number(values.findings);
const CHURN = Number(values.churn);
/** Analyses kept per log (default: all of them). */
const RETENTION = values.retention === undefined ? ANALYSES : Number(values.retention);
/** The store's size bound (the server and the CLI record with 128 MB); none unless given. */
const MAX_BYTES = values['max-mb'] === undefined ? Infinity : Number(values['max-mb']) * 1024 * 1024;
/** Share of findings replaced by new sources between two analyses of a log. */
const REPLACED = 0.02;
/** Repetitions of each latency measurement; the median is reported. */
const REPEATS = 25;

function templates(): Finding[] {
  const dir = path.join(__dirname, '..', 'example_logs');
  const out: Finding[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    out.push(...analyzeText(text, { path: name, config: DEFAULT_CONFIG }).findings);
  }
  if (out.length === 0) throw new Error('no findings in example_logs/ to build from');
  return out;
}

/** One log's findings through its analyses. */
class LogFindings {
  private slots: Finding[];
  private serial = 0;

  constructor(
    private readonly file: string,
    private readonly base: Finding[],
    private readonly random: () => number,
  ) {
    this.slots = Array.from({ length: FINDINGS }, () => this.fresh());
  }

  private fresh(): Finding {
    const t = this.base[this.serial % this.base.length];
    const n = this.serial++;
    const source = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const start = 1 + Math.floor(this.random() * 5000);
    const lines = Array.from({ length: Math.min(t.lines.length + 5, 40) }, (_, i) => start + i * 3);
    return {
      ...t,
      fingerprint: fingerprintOf(t.rule, this.file, source, t.user),
      source,
      title: t.title.replace(t.source ?? '\u0000', source),
      message: t.message.replace(t.source ?? '\u0000', source),
      line: lines[0],
      lines,
      evidence: { ...t.evidence },
    };
  }

  /** The next analysis: some findings grow, a few are replaced. */
  next(): Finding[] {
    this.slots = this.slots.map((f) => {
      const r = this.random();
      if (r < REPLACED) return this.fresh();
      if (r < REPLACED + CHURN) {
        const confidence = Math.min(1, Math.round((f.confidence + 0.01) * 100) / 100);
        const lines = [...f.lines.slice(-39), f.lines[f.lines.length - 1] + 7];
        return { ...f, confidence, severity: severityOf(confidence), lines, message: `${f.message.replace(/ \(seen \d+ times\)$/, '')} (seen ${lines.length + this.serial} times)`, evidence: { ...f.evidence, seen: lines.length } };
      }
      return f;
    });
    return this.slots;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed<T>(run: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = run();
  return { ms: performance.now() - t0, value };
}

function latency(run: () => unknown): string {
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) samples.push(timed(run).ms);
  return `${median(samples).toFixed(2)} ms (max ${Math.max(...samples).toFixed(2)})`;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const sql = await loadSqlJs();
  const base = templates();
  const random = seededRandom(6);
  const logs = Array.from({ length: LOGS }, (_, i) => new LogFindings(`logs/server-${i}.log`, base, random));
  const store = HistoryStore.open(sql);
  console.log(`history bench: ${LOGS} logs × ${ANALYSES} analyses × ${FINDINGS} findings, churn ${CHURN}${Number.isFinite(MAX_BYTES) ? `, bounded to ${values['max-mb']} MB` : ''} (node ${process.version}, ${os.cpus().length} cpus)`);

  // Analyses of different logs interleave, as in a workspace.
  let insertMs = 0;
  const ids: number[][] = logs.map(() => []);
  let t = Date.UTC(2024, 2, 12);
  for (let round = 0; round < ANALYSES; round++) {
    for (let i = 0; i < LOGS; i++) {
      const report: FileReport = { path: `logs/server-${i}.log`, format: 'apache-combined', lines: 10_000 + round * 100, parsed: 10_000 + round * 100, skipped: 0, durationMs: 12.5, findings: logs[i].next() };
      const { ms, value } = timed(() => store.record(report, { origin: 'editor', settingsHash: '951c781ef000acbf', retention: RETENTION, time: (t += 1000), maxBytes: MAX_BYTES }));
      insertMs += ms;
      ids[i].push(value);
    }
  }
  const total = LOGS * ANALYSES;
  const rows = store.rowCounts();
  console.log(`insert: ${total} analyses (${rows.analyses} kept), ${rows.links} finding rows in ${(insertMs / 1000).toFixed(2)} s (${(insertMs / total).toFixed(2)} ms per analysis, ${Math.round(rows.links / (insertMs / 1000))} findings/s); ${rows.findings} distinct finding versions stored`);

  // Steady state: every further analysis also deletes the oldest one of its log (retention).
  const steady: number[] = [];
  for (let i = 0; i < Math.min(LOGS, 50); i++) {
    const report: FileReport = { path: `logs/server-${i}.log`, format: 'apache-combined', lines: 99_999, parsed: 99_999, skipped: 0, durationMs: 12.5, findings: logs[i].next() };
    const { ms, value } = timed(() => store.record(report, { origin: 'editor', settingsHash: '951c781ef000acbf', retention: RETENTION, time: (t += 1000), maxBytes: MAX_BYTES }));
    steady.push(ms);
    ids[i].shift();
    ids[i].push(value);
  }
  console.log(`insert at retention (one analysis in, the oldest out, same transaction): median ${median(steady).toFixed(2)} ms`);

  const exported = timed(() => store.export());
  console.log(`export: ${mb(exported.value.length)} in ${exported.ms.toFixed(0)} ms`);
  {
    // How much of the file is dead space left by deleted finding versions (VACUUM on a copy).
    const copy = HistoryStore.open(sql, exported.value);
    copy.clear('no such log, only to compact');
    (copy as unknown as { db: { exec(sql: string): unknown } }).db.exec('VACUUM');
    console.log(`the same compacted (VACUUM): ${mb(copy.export().length)}`);
    copy.close();
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-history-bench-'));
  const file = path.join(dir, 'history.sqlite');
  const w0 = performance.now();
  await writeFileAtomic(file, exported.value);
  console.log(`atomic write (temp, fsync, rename, fsync folder): ${(performance.now() - w0).toFixed(0)} ms`);

  const l0 = performance.now();
  const bytes = fs.readFileSync(file);
  const loaded = HistoryStore.open(sql, bytes);
  console.log(`load (read, header check, quick_check, migrate): ${(performance.now() - l0).toFixed(0)} ms`);
  console.log(`rss after load: ${mb(process.memoryUsage().rss)}`);

  const mid = Math.floor(LOGS / 2);
  const latest = ids[mid][ids[mid].length - 1];
  const previous = ids[mid][ids[mid].length - 2];
  const keptOfLog = loaded.list({ file: `logs/server-${mid}.log`, limit: 1_000_000 }).analyses;
  const oldest = keptOfLog[keptOfLog.length - 1].id; // the size bound may have deleted the first ones
  console.log(`list newest 100 (all logs):       ${latency(() => loaded.list({ limit: 100 }))}`);
  console.log(`list newest 100 of one log:       ${latency(() => loaded.list({ file: `logs/server-${mid}.log`, limit: 100 }))}`);
  console.log(`list 100 at offset 9,000:         ${latency(() => loaded.list({ limit: 100, offset: Math.max(0, total - 1000) }))}`);
  console.log(`get one analysis (100 findings):  ${latency(() => loaded.get(latest))}`);
  const near = loaded.compare(previous, latest);
  console.log(`compare with the previous:        ${latency(() => loaded.compare(previous, latest))}  → ${near.new.length} new, ${near.resolved.length} resolved, ${near.unchanged.length} unchanged`);
  const far = loaded.compare(oldest, latest);
  console.log(`compare with the oldest kept:     ${latency(() => loaded.compare(oldest, latest))}  → ${far.new.length} new, ${far.resolved.length} resolved, ${far.unchanged.length} unchanged`);
  console.log(`compare two logs:                 ${latency(() => loaded.compare(ids[0][ids[0].length - 1], latest))}`);
  loaded.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
