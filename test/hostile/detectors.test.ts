/**
 * Every detector (DETECTOR_FACTORIES) fed arbitrary records — arbitrary strings in every
 * field, numbers anywhere their type allows, bursts, clock jumps, records without time —
 * then asked for findings with a context built the way the Analyzer builds it (shared source
 * profiles fed first, the allowlist, the findings of the detectors before). Properties: no
 * throw, findings within the contract (schema, confidence in [0, 1], line numbers among the
 * records fed), and `finish` leaves the state as it was (asking twice gives the same answer).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { resolveConfig, type EngineConfig } from '../../server/src/engine/config';
import { DETECTOR_FACTORIES } from '../../server/src/engine/detect';
import { SourceProfiles } from '../../server/src/engine/detect/sourceProfiles';
import type { DetectorContext } from '../../server/src/engine/detect/types';
import type { Finding, LogRecord } from '../../server/src/engine/model';
import { IpAllowlist } from '../../server/src/engine/net/ipAllowlist';
import { WorkingHoursClock } from '../../server/src/engine/time/workingHours';
import { bruteThenSuccess, populationSequence, recordSequence, ruleSettings, RUNS, SEED } from './arbitraries';
import { reportProblems } from './contract';

const FILE = 'hostile.log';

/** Feeds `records` to every detector the way the Analyzer does; returns the findings per detector. */
function runDetectors(records: readonly LogRecord[], config: EngineConfig): { rule: string; findings: Finding[]; again: Finding[] }[] {
  const detectors = DETECTOR_FACTORIES.map((make) => make(config));
  const profiles = new SourceProfiles(new WorkingHoursClock(config.workingHours));
  const allowlist = new IpAllowlist(config.allowlist);
  for (const original of records) {
    // Detectors may keep what profiles hand them; each record is a fresh object, as a parser's is.
    const record = { ...original };
    if (record.kind === 'meta') continue;
    profiles.observe(record);
    const text = `${record.source ?? ''} ${record.path ?? ''} ${record.message ?? ''}`;
    for (const d of detectors) {
      try {
        d.observe(record, { text });
      } catch (err) {
        throw new Error(`${d.rule}.observe threw on ${JSON.stringify(record)}: ${(err as Error).stack}`);
      }
    }
  }
  const earlier: Finding[] = [];
  const ctx: DetectorContext = { config, file: FILE, profiles, isAllowed: (s) => allowlist.has(s), earlier };
  const out: { rule: string; findings: Finding[]; again: Finding[] }[] = [];
  for (const d of detectors) {
    let findings: Finding[];
    let again: Finding[];
    try {
      findings = d.finish(ctx);
      again = d.finish(ctx);
    } catch (err) {
      throw new Error(`${d.rule}.finish threw: ${(err as Error).stack}`);
    }
    out.push({ rule: d.rule, findings, again });
    earlier.push(...findings);
  }
  return out;
}

describe('hostile input: every detector (property-based)', function () {
  this.timeout(600_000);
  const fired = new Map<string, number>();
  let records = 0;

  after(() => {
    const summary = [...fired.entries()].map(([rule, n]) => `${rule} ${n}`).join(', ');
    console.log(`      ${records} arbitrary records; runs with findings per rule: ${summary || 'none'}`);
  });

  it('no detector throws; findings stay within the contract; finish does not change the state', () => {
    fc.assert(
      fc.property(fc.oneof(recordSequence, populationSequence, bruteThenSuccess), ruleSettings, fc.array(fc.constantFrom('203.0.113.0/24', '::1', '10.0.0.0/8', 'not an ip', '2001:db8::/32'), { maxLength: 2 }), (sequence, rules, allowlist) => {
        const config = resolveConfig({ rules, allowlist, maxEvidenceLines: 50, workingHours: { timezone: 'UTC' } });
        records += sequence.length;
        const results = runDetectors(sequence, config);
        for (const { rule, findings, again } of results) {
          if (findings.length > 0) fired.set(rule, (fired.get(rule) ?? 0) + 1);
          assert.deepEqual(again, findings, `${rule}: a second finish gave other findings`);
          const lineCount = Math.max(1, sequence.length);
          const problems = reportProblems({ path: FILE, format: 'generic', lines: lineCount, parsed: lineCount, skipped: 0, durationMs: 0, findings }, lineCount);
          assert.deepEqual(problems, [], `${rule}: ${problems.join('; ')}`);
          for (const f of findings) assert.equal(f.rule, rule);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('every rule fires on some of the arbitrary inputs (the property reaches the code that builds findings)', () => {
    // Rules that need a population (ml-outlier) or firewall records fire less often; all must fire at least once.
    for (const make of DETECTOR_FACTORIES) {
      const rule = make(resolveConfig(undefined)).rule;
      assert.ok((fired.get(rule) ?? 0) > 0, `${rule} never fired in ${RUNS} runs`);
    }
  });
});
