import { strict as assert } from 'node:assert';
import { PairMap, PairSet } from '../../../server/src/engine/detect/pairTables';
import { mulberry32 } from '../../../server/src/engine/detect/isolationForest';

describe('pair tables', () => {
  it('PairSet answers like a Set of "a,b" keys through growth', () => {
    const random = mulberry32(7);
    const set = new PairSet();
    const reference = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const a = Math.floor(random() * 300);
      const b = Math.floor(random() * 2000);
      assert.equal(set.add(a, b), !reference.has(`${a},${b}`));
      reference.add(`${a},${b}`);
    }
    assert.equal(set.size, reference.size);
    for (let i = 0; i < 5_000; i++) {
      const a = Math.floor(random() * 400);
      const b = Math.floor(random() * 2500);
      assert.equal(set.has(a, b), reference.has(`${a},${b}`));
    }
  });

  it('PairSet keeps pairs of big ids (beyond the packed range) apart from small ones', () => {
    const random = mulberry32(13);
    const set = new PairSet();
    const reference = new Set<string>();
    for (let i = 0; i < 60_000; i++) {
      // around the packing limits (2^17 for the first member, 2^14 for the second)
      const a = random() < 0.5 ? Math.floor(random() * 50) : (1 << 17) - 25 + Math.floor(random() * 50);
      const b = random() < 0.5 ? Math.floor(random() * 40) : (1 << 14) - 20 + Math.floor(random() * 40);
      assert.equal(set.add(a, b), !reference.has(`${a},${b}`), `${a},${b}`);
      reference.add(`${a},${b}`);
    }
    assert.equal(set.size, reference.size);
    for (const key of reference) {
      const [a, b] = key.split(',').map(Number);
      assert.ok(set.has(a, b));
      assert.ok(!set.has(a, b + 1_000_000));
    }
  });

  it('PairMap answers like a Map under random sets and deletes (a window of entries coming and going)', () => {
    const random = mulberry32(11);
    const map = new PairMap();
    const reference = new Map<string, number>();
    for (let i = 0; i < 200_000; i++) {
      // few keys, so that probe runs collide and deletions shift entries back
      const a = Math.floor(random() * 40);
      const b = Math.floor(random() * 60);
      const key = `${a},${b}`;
      const op = random();
      if (op < 0.45) {
        const value = Math.floor(random() * 1e6);
        map.set(a, b, value);
        reference.set(key, value);
      } else if (op < 0.8) {
        map.delete(a, b);
        reference.delete(key);
      } else assert.equal(map.get(a, b), reference.get(key) ?? -1, `get ${key} at step ${i}`);
      assert.equal(map.size, reference.size);
    }
    for (const [key, value] of reference) {
      const [a, b] = key.split(',').map(Number);
      assert.equal(map.get(a, b), value);
    }
  });
});
