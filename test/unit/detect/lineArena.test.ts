import { strict as assert } from 'node:assert';
import { LineArena } from '../../../server/src/engine/detect/lineArena';
import { mulberry32 } from '../../../server/src/engine/detect/isolationForest';

describe('line arena', () => {
  it('keeps many interleaved lists in the order pushed, across blocks and pages', () => {
    const random = mulberry32(3);
    const arena = new LineArena();
    const owners = 3000;
    const expected: number[][] = Array.from({ length: owners }, () => []);
    for (let n = 0; n < 200_000; n++) {
      const k = Math.floor(random() * random() * owners);
      arena.push(k, n);
      expected[k].push(n);
    }
    for (let k = 0; k < owners; k++) {
      assert.equal(arena.count(k), expected[k].length);
      assert.deepEqual(arena.read(k), expected[k]);
    }
    assert.equal(arena.count(owners + 5000), 0, 'an owner never pushed to');
    assert.deepEqual(arena.read(owners + 5000), []);
  });

  it('keeps any int32 lines: big gaps, lines going back, the extremes', () => {
    const arena = new LineArena();
    const values = [0, 0, 5, 3, 2 ** 31 - 1, 0, -(2 ** 31), 2 ** 31 - 1, 127, 128, 16_383, 16_384, 1, 1_000_000_007, 12];
    for (const v of values) arena.push(7, v);
    for (let i = 0; i < 500; i++) arena.push(3, i * 99_991);
    assert.deepEqual(arena.read(7), values);
    assert.deepEqual(arena.read(3), Array.from({ length: 500 }, (_, i) => i * 99_991));
  });
});
