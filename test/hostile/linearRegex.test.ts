/**
 * Every regular expression of the engine runs in time linear in the line.
 *
 * 1. Static: the patterns are enumerated from the TypeScript syntax tree (literals, and
 *    `new RegExp` calls whose built source is recorded while the modules load), then checked
 *    with the `recheck` ReDoS checker, one top-level alternative at a time. Each must be
 *    'safe', or be on the reviewed allowlist (redosAllowlist.ts) with the reason it is linear.
 * 2. Measured: for the patterns that cost the most per character on their adversarial
 *    strings, and for every parser (its fields pumped with what its scanners repeat over),
 *    the time per character at 64 KB over that at 1 KB stays below 10 — a quadratic matcher
 *    gives 64. `npm run bench:redos` prints the full table up to 1 MB.
 */
import { strict as assert } from 'node:assert';
import { FORMATS } from '../../server/src/engine/formats';
import { checkPatterns, attackString, type PartVerdict } from './recheckRunner';
import { REDOS_ALLOWLIST } from './redosAllowlist';
import { engineRegExps, scanEngineSources, type EngineRegExp } from './regexInventory';
import { measureScaling, PUMP_UNITS, worstParserLine, worstPatterns, type ScalingRow } from './scaling';

/** Ratio of per-character times (64 KB over 1 KB) below which a matcher counts as linear. */
const MAX_RATIO = 10;
const SIZES = [1024, 64 * 1024];

describe('regular expressions: every pattern of the engine is linear', function () {
  this.timeout(900_000);
  let regexps: EngineRegExp[];
  let verdicts: PartVerdict[][];
  const rows: ScalingRow[] = [];

  before(async function () {
    ({ regexps } = engineRegExps());
    const t0 = performance.now();
    const result = await checkPatterns(regexps);
    verdicts = result.verdicts;
    const parts = verdicts.reduce((n, v) => n + v.length, 0);
    console.log(
      `      recheck ${result.version} (${result.backend}): ${regexps.length} patterns, ${parts} alternatives, ` +
        `${result.checked} checked now, ${result.fromCache} from the cache, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  });

  after(() => {
    if (rows.length === 0) return;
    console.log(`      time per character (ns) at ${SIZES.map((s) => `${s / 1024} KB`).join(' / ')}, ratio:`);
    for (const r of rows) console.log(`        ${r.name.slice(0, 70).padEnd(70)} ${r.nsPerChar.map((v) => v.toFixed(2).padStart(8)).join(' ')}  ×${r.ratio.toFixed(2)}`);
  });

  it('finds every pattern: each literal, and each RegExp construction seen at load time', () => {
    const { literals, sites } = scanEngineSources();
    assert.ok(literals.length > 30, `only ${literals.length} regex literals found under server/src/engine`);
    assert.ok(sites.length > 0, 'no new RegExp(...) found: the scan is broken');
    const { unseenSites } = engineRegExps();
    assert.deepEqual(
      unseenSites.map((s) => `${s.file}:${s.startLine} ${s.text}`),
      [],
      'RegExp constructions that did not run while the modules loaded (built inside a function): check them by hand and move them to module level',
    );
    assert.equal(regexps.length, literals.length + regexps.filter((r) => r.kind === 'constructor').length);
  });

  it("recheck finds every alternative 'safe', or it is on the reviewed allowlist", () => {
    const allowed = new Map(REDOS_ALLOWLIST.map((a) => [a.part, a]));
    const problems: string[] = [];
    regexps.forEach((re, i) => {
      for (const v of verdicts[i]) {
        if (v.status === 'safe' || allowed.has(v.part)) continue;
        const attack = v.attack ? ` attack ${JSON.stringify(attackString(v.attack, 3)).slice(0, 120)}` : '';
        problems.push(`${re.id}: ${v.status} (${v.complexity ?? 'no verdict'}, ${v.checker ?? '?'}) /${v.part.slice(0, 160)}/${re.flags}${attack}`);
      }
    });
    assert.deepEqual(problems, [], 'bound the repeats, exclude the next delimiter from the repeated class, or add a reviewed entry to redosAllowlist.ts');
  });

  it('the allowlist holds no stale entry (each names an alternative that still exists)', () => {
    const parts = new Set(verdicts.flat().map((v) => v.part));
    const stale = REDOS_ALLOWLIST.filter((a) => !parts.has(a.part)).map((a) => a.file);
    assert.deepEqual(stale, [], 'remove (or update) these entries');
    for (const a of REDOS_ALLOWLIST) assert.ok(a.reason.length > 40, `${a.file}: give the reason`);
  });

  it(`the worst patterns: time per character flat from 1 KB to 64 KB on their adversarial strings (ratio < ${MAX_RATIO})`, () => {
    // Screened: every pattern on each of its adversarial strings at 4 KB; the slowest are measured.
    const failures: string[] = [];
    for (const probe of worstPatterns(regexps, 8)) {
      const row = measureScaling(probe.name, probe.run, probe.make, SIZES);
      rows.push(row);
      if (!(row.ratio < MAX_RATIO)) failures.push(`${row.name}: ×${row.ratio.toFixed(1)} (${row.nsPerChar.map((x) => x.toFixed(1)).join(' → ')} ns/char)`);
    }
    assert.deepEqual(failures, []);
  });

  it(`every parser: time per character flat from 1 KB to 64 KB lines (ratio < ${MAX_RATIO})`, () => {
    const failures: string[] = [];
    for (const format of FORMATS) {
      const worst = worstParserLine(format, PUMP_UNITS, 8 * 1024);
      if (!worst) continue;
      const row = measureScaling(worst.name, worst.run, worst.make, SIZES, 5);
      rows.push(row);
      if (!(row.ratio < MAX_RATIO)) failures.push(`${row.name}: ×${row.ratio.toFixed(1)}`);
    }
    assert.deepEqual(failures, []);
  });
});
