/**
 * Every parser (FORMATS) on hostile lines, property-based: no throw, and a record is either
 * null or within the record contract (its own line number, a known kind, a time that is NaN
 * or a Date's, typed fields, ports and statuses that are numbers of their kind). Lines go
 * through one parser instance in order, since parsers keep state between lines (W3C #Fields,
 * syslog's year roll-back and continuation lines).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { detectFormat, FORMATS } from '../../server/src/engine/formats';
import type { ParseContext } from '../../server/src/engine/formats/types';
import { hostileLine, hostileLines, RUNS, SEED } from './arbitraries';
import { recordProblems } from './contract';

const CONTEXTS: ParseContext[] = [
  { referenceYear: 2024, referenceTime: Date.UTC(2024, 5, 1) },
  // New Year's Day: year-less dates after it roll back a year.
  { referenceYear: 2025, referenceTime: Date.UTC(2025, 0, 1, 0, 0, 1) },
];

describe('hostile input: every parser (property-based)', function () {
  this.timeout(300_000);
  let linesTried = 0;

  after(() => console.log(`      ${linesTried} hostile lines through ${FORMATS.length} parsers, seed ${SEED}`));

  for (const format of FORMATS) {
    it(`${format.id}: never throws; records stay within the contract`, () => {
      fc.assert(
        fc.property(hostileLines, fc.constantFrom(...CONTEXTS), (lines, ctx) => {
          const parser = format.createParser(ctx);
          lines.forEach((text, n) => {
            const capped = text.length > DEFAULT_CONFIG.maxLineLength ? text.slice(0, DEFAULT_CONFIG.maxLineLength) : text;
            const record = parser.parse(capped, n);
            linesTried++;
            const problems = recordProblems(record, n);
            assert.deepEqual(problems, [], `${format.id} line ${n} ${JSON.stringify(capped.slice(0, 300))} → ${JSON.stringify(record)}`);
          });
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });
  }

  it('format detection never throws and always picks a known format', () => {
    fc.assert(
      fc.property(fc.array(hostileLine, { maxLength: 64 }), (sample) => {
        const { format, scores } = detectFormat(sample, CONTEXTS[0]);
        assert.ok(FORMATS.includes(format));
        for (const s of scores) assert.ok(s.share >= 0 && s.share <= 1, `share ${s.share}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
