import { strict as assert } from 'node:assert';
import { decodeLines, encodeLines } from '../../../server/src/history/lineList';

describe('history: evidence line list encoding', () => {
  it('round-trips sorted evidence lines in about a byte per line', () => {
    const lines = [5, 6, 7, 9, 11, 12, 40, 41, 300, 301];
    const blob = encodeLines(lines);
    assert.deepEqual(decodeLines(blob), lines);
    // 5 and 300-40 need two bytes (zigzag doubles the delta); the rest one each.
    assert.ok(blob.length <= lines.length + 2, `${blob.length} bytes for ${lines.length} lines`);
  });

  it('round-trips an empty list, unsorted lines and line numbers past 2^31', () => {
    for (const lines of [[], [1], [9, 3, 3, 100000, 2], [1, 2 ** 31 + 5, 4_294_967_295, 0]]) {
      assert.deepEqual(decodeLines(encodeLines(lines)), lines);
    }
    assert.deepEqual(decodeLines(null), []);
  });

  it('costs less than JSON text or 32-bit integers on a typical evidence list', () => {
    const lines = Array.from({ length: 40 }, (_, i) => 1200 + i * 7);
    const blob = encodeLines(lines);
    assert.ok(blob.length < JSON.stringify(lines).length / 3, `${blob.length} bytes`);
    assert.ok(blob.length < lines.length * 4 / 2, `${blob.length} bytes`);
  });

  it('rejects what it cannot encode and a truncated blob', () => {
    assert.throws(() => encodeLines([1.5]), RangeError);
    assert.throws(() => encodeLines([-1]), RangeError);
    const blob = encodeLines([100000]);
    assert.throws(() => decodeLines(blob.subarray(0, blob.length - 1)), /truncated/);
  });
});
