/**
 * `npm run bench:redos`: time per character of the engine's pattern work on adversarial lines
 * of 1 KB, 10 KB, 100 KB and 1 MB, and the ratio of the 1 MB figure to the 1 KB one (flat =
 * linear; a quadratic matcher gives ~1000).
 *
 *   - every parser, on its worst line: each of its line shapes with each field pumped with
 *     each of the characters its scanners repeat over, screened at 16 KB;
 *   - the whole Analyzer on one such line, with the line cap lifted (every pattern that reads
 *     the fields of a parsed line), and with the default cap (what users get: flat beyond it);
 *   - the slowest regular expressions of the engine on their adversarial strings: the
 *     generator's (repeated matches, matches cut short, runs of their characters) and recheck's
 *     fuzzer's attack strings for every alternative with a bounded repeat of 20 or more.
 *
 *   npm run bench:redos [-- --top 10] [-- --no-fuzz]
 *
 * Wall times depend on the machine; the ratios within one run do not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Analyzer } from '../server/src/engine/analyzer';
import { DEFAULT_CONFIG, resolveConfig } from '../server/src/engine/config';
import { FORMATS } from '../server/src/engine/formats';
import { engineRegExps, REPO, topLevelAlternatives } from '../test/hostile/regexInventory';
import { LINE_SHAPES } from '../test/hostile/generator';
import { measureScaling, pumped, PUMP_UNITS, worstParserLine, worstPatterns, type ScalingRow } from '../test/hostile/scaling';

const SIZES = [1024, 10 * 1024, 100 * 1024, 1024 * 1024];
const FUZZ_CACHE = path.join(REPO, 'node_modules', '.cache', 'log-warden', 'recheck-attacks.json');

type Attack = { pumps: { prefix: string; pump: string }[]; suffix: string };

/** recheck's fuzzer on every alternative with a large bounded repeat: attack strings (cached). */
async function fuzzAttacks(regexps: ReturnType<typeof engineRegExps>['regexps']): Promise<Map<string, Attack>> {
  process.env.RECHECK_BACKEND = process.env.RECHECK_BACKEND ?? 'auto';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { check } = require('recheck') as { check: (s: string, f: string, p: object) => Promise<{ attack?: { pumps?: { prefix: string; pump: string }[]; suffix?: string } }> };
  let cache: Record<string, Attack | null> = {};
  try {
    cache = JSON.parse(fs.readFileSync(FUZZ_CACHE, 'utf8')) as Record<string, Attack | null>;
  } catch {
    cache = {};
  }
  const out = new Map<string, Attack>();
  for (const re of regexps) {
    for (const part of topLevelAlternatives(re.source)) {
      const bounds = [...part.matchAll(/\{\d+,(\d+)\}/g)].map((m) => Number(m[1]));
      if (!bounds.some((b) => b >= 20)) continue;
      const key = `${re.flags}|${part}`;
      if (!(key in cache)) {
        process.stderr.write(`  fuzzing ${re.id} /${part.slice(0, 50)}…/\n`);
        const d = await check(part, re.flags, { checker: 'fuzz', timeout: 5000, randomSeed: 20240312 });
        cache[key] = d.attack?.pumps ? { pumps: d.attack.pumps.map((p) => ({ prefix: p.prefix, pump: p.pump })), suffix: d.attack.suffix ?? '' } : null;
      }
      const attack = cache[key];
      if (attack && !out.has(re.id)) out.set(re.id, attack);
    }
  }
  fs.mkdirSync(path.dirname(FUZZ_CACHE), { recursive: true });
  fs.writeFileSync(FUZZ_CACHE, JSON.stringify(cache));
  return out;
}

function printTable(title: string, rows: readonly ScalingRow[]): void {
  console.log(`\n${title}`);
  console.log(`  ${'input'.padEnd(66)} ${SIZES.map((s) => (s >= 1024 * 1024 ? `${s / 1024 / 1024} MB` : `${s / 1024} KB`).padStart(9)).join('')}   1MB/1KB   ms @1MB`);
  for (const r of rows) {
    console.log(`  ${r.name.slice(0, 66).padEnd(66)} ${r.nsPerChar.map((v) => v.toFixed(2).padStart(9)).join('')}   ${('×' + r.ratio.toFixed(2)).padStart(7)}   ${r.msAtLargest.toFixed(1).padStart(7)}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { top: { type: 'string', default: '8' }, 'no-fuzz': { type: 'boolean', default: false } } });
  const top = Number(values.top);
  console.log(`Log Warden — pattern work per character on adversarial lines (ns/char; Node ${process.version})`);

  // 1. Parsers.
  const parserRows: ScalingRow[] = [];
  const analyzerRows: ScalingRow[] = [];
  const cappedRows: ScalingRow[] = [];
  const uncapped = resolveConfig({ maxLineLength: 4 * 1024 * 1024 });
  for (const format of FORMATS) {
    const worst = worstParserLine(format, PUMP_UNITS);
    if (!worst) continue;
    parserRows.push(measureScaling(`${worst.name}`, worst.run, worst.make, SIZES, 20));
    // 2. The whole engine on that line: parse, every detector, finish.
    const analyse = (config: typeof DEFAULT_CONFIG) => (line: string) => {
      const analyzer = new Analyzer({ path: 'redos.log', config: { ...config, format: format.id }, referenceTime: Date.UTC(2024, 5, 1) });
      analyzer.pushLine(line);
      return analyzer.finish();
    };
    analyzerRows.push(measureScaling(`Analyzer, no cap: ${worst.name}`, analyse(uncapped), worst.make, SIZES, 20));
    cappedRows.push(measureScaling(`Analyzer, 64K cap: ${worst.name}`, analyse(DEFAULT_CONFIG), worst.make, SIZES, 20));
  }
  printTable('Parsers, each on its worst line (fields pumped)', parserRows);
  printTable('The whole Analyzer on that line, line cap lifted', analyzerRows);
  printTable('The whole Analyzer on that line, default cap (64K characters): time per line flat beyond the cap', cappedRows);

  // 3. Patterns.
  const { regexps } = engineRegExps();
  const attacks = values['no-fuzz'] ? new Map<string, Attack>() : await fuzzAttacks(regexps);
  const probes = worstPatterns(regexps, top, 16 * 1024, attacks);
  const patternRows = probes.map((p) => measureScaling(p.name, p.run, p.make, SIZES, 20));
  printTable(`The ${top} slowest of ${regexps.length} patterns (screened at 16 KB on their adversarial strings${attacks.size ? ` and recheck's attack strings for ${attacks.size}` : ''})`, patternRows);

  // 4. The slowest patterns' strings inside real lines, through the whole engine with the default cap:
  //    the worst time one line costs a user.
  const craftedRows: ScalingRow[] = [];
  const FORMAT_OF: Record<string, string> = { 'access-query': 'apache-combined', 'access-agent': 'apache-combined', 'access-path': 'apache-combined', sshd: 'syslog', 'json-escaped': 'json', 'nginx-error': 'nginx-error', generic: 'generic' };
  for (const probe of probes.slice(0, 4)) {
    const unit = probe.make(64);
    for (const shape of LINE_SHAPES.filter((sh) => sh.name in FORMAT_OF)) {
      for (const encoded of [false, true]) {
        const payload = encoded ? encodeURIComponent(unit) : unit;
        const config = { ...DEFAULT_CONFIG, format: FORMAT_OF[shape.name] as typeof DEFAULT_CONFIG.format };
        const run = (line: string) => {
          const analyzer = new Analyzer({ path: 'redos.log', config, referenceTime: Date.UTC(2024, 5, 1) });
          analyzer.pushLine(line);
          return analyzer.finish();
        };
        const occurrences = Math.max(1, shape.make('\u0001', 1).join('').split('\u0001').length - 1);
        const make = (size: number) => {
          const lines = shape.make(pumped(payload, Math.ceil(size / occurrences)), 1);
          return lines[lines.length - 1];
        };
        craftedRows.push(measureScaling(`${probe.name.split(' ')[0]} ${encoded ? 'encoded ' : ''}in ${shape.name}`, run, make, SIZES, 10));
      }
    }
  }
  craftedRows.sort((a, b) => b.msAtLargest - a.msAtLargest);
  printTable('The slowest patterns\' strings in real lines, whole Analyzer, default cap (the 10 costliest)', craftedRows.slice(0, 10));

  const all = [...parserRows, ...analyzerRows, ...patternRows];
  const worstRatio = all.reduce((a, r) => (r.ratio > a.ratio ? r : a));
  const worstPattern = patternRows.reduce((a, r) => (r.nsPerChar[r.nsPerChar.length - 1] > a.nsPerChar[a.nsPerChar.length - 1] ? r : a));
  const worstCapped = [...cappedRows, ...craftedRows].reduce((a, r) => (r.msAtLargest > a.msAtLargest ? r : a));
  console.log('\nSummary');
  console.log(`  highest ratio 1 MB / 1 KB: ×${worstRatio.ratio.toFixed(2)} (${worstRatio.name})`);
  console.log(`  slowest pattern: ${worstPattern.name}: ${worstPattern.nsPerChar[worstPattern.nsPerChar.length - 1].toFixed(1)} ns/char at 1 MB, ratio ×${worstPattern.ratio.toFixed(2)}; at the 64K line cap ${((worstPattern.nsPerChar[worstPattern.nsPerChar.length - 1] * DEFAULT_CONFIG.maxLineLength) / 1e6).toFixed(2)} ms per line`);
  console.log(`  worst whole-engine time for one line as users get it (64K cap): ${Math.max(...worstCapped.nsPerChar.map((ns, i) => (ns * SIZES[i]) / 1e6)).toFixed(2)} ms (${worstCapped.name})`);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
