import { strict as assert } from 'node:assert';
import { LineArena, type LineList } from '../../../server/src/engine/detect/lineArena';
import { mulberry32 } from '../../../server/src/engine/detect/isolationForest';

describe('line arena', () => {
  it('keeps many interleaved lists in the order pushed, across blocks and pages', () => {
    const random = mulberry32(3);
    const arena = new LineArena();
    const lists: LineList[] = [];
    const expected: number[][] = [];
    for (let i = 0; i < 3000; i++) {
      lists.push({ linesHead: -1, linesTail: -1, lineCount: 0 });
      expected.push([]);
    }
    for (let n = 0; n < 200_000; n++) {
      const k = Math.floor(random() * random() * lists.length);
      arena.push(lists[k], n);
      expected[k].push(n);
    }
    for (let k = 0; k < lists.length; k++) {
      assert.equal(lists[k].lineCount, expected[k].length);
      assert.deepEqual(arena.read(lists[k]), expected[k]);
    }
  });
});
