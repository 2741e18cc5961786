import { strict as assert } from 'node:assert';
import { makeFinding, type FindingDraft } from '../../../server/src/engine/score';

function draft(evidenceLines: Iterable<number>, primaryLine: number): FindingDraft {
  return { rule: 'scanner', title: 't', confidence: 0.5, source: '192.0.2.1', primaryLine, evidenceLines, message: 'm', evidence: {} };
}

describe('makeFinding evidence lines', () => {
  it('sorts, removes repeats and makes them 1-based, in any order given', () => {
    const f = makeFinding(draft([9, 3, 3, 7, 1, 9], 3), 'a.log', 1000);
    assert.deepEqual(f.lines, [2, 4, 8, 10]);
    assert.equal(f.line, 4);
    assert.deepEqual(makeFinding(draft(new Set([5, 2]), 2), 'a.log', 1000).lines, [3, 6]);
    assert.deepEqual(makeFinding(draft([4, 4], 4), 'a.log', 1000).lines, [5]);
  });

  it('takes lines already in order as they are, and never changes the detector’s array', () => {
    const ordered = [1, 4, 6, 10];
    const f = makeFinding(draft(ordered, 8), 'a.log', 1000);
    assert.deepEqual(f.lines, [2, 5, 7, 9, 11]);
    assert.deepEqual(ordered, [1, 4, 6, 10]);
    const unordered = [6, 1];
    makeFinding(draft(unordered, 3), 'a.log', 1000);
    assert.deepEqual(unordered, [6, 1]);
  });

  it('keeps the first lines up to the cap, the primary line always among them, and counts the rest', () => {
    const lines = Array.from({ length: 50 }, (_, i) => i * 2);
    const f = makeFinding(draft(lines, 99), 'a.log', 10);
    assert.equal(f.lines.length, 10);
    assert.deepEqual(f.lines.slice(0, 9), [1, 3, 5, 7, 9, 11, 13, 15, 17]);
    assert.equal(f.lines[9], 100);
    assert.equal(f.evidence.evidenceLinesTotal, 50);
    const reversed = makeFinding(draft([...lines].reverse(), 0), 'a.log', 10);
    assert.deepEqual(reversed.lines, [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
  });
});
