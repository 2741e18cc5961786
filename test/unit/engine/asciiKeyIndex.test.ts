import { strict as assert } from 'node:assert';
import { AsciiKeyIndex } from '../../../server/src/engine/asciiKeyIndex';
import { seededRandom } from '../../../bench/random';

describe('ids found from bytes (AsciiKeyIndex)', () => {
  it('finds the id of every indexed value from its bytes anywhere in a chunk, and never a wrong one', () => {
    const random = seededRandom(5);
    const index = new AsciiKeyIndex();
    const ids = new Map<string, number>();
    const values: string[] = [];
    // short and long, sharing prefixes, lengths around the four-byte steps, empty, and past the length kept
    for (let i = 0; i < 60_000; i++) {
      const length = i % 97 === 0 ? 513 + (i % 50) : Math.floor(random() * 40);
      let v = i % 3 === 0 ? '/common/prefix/' : '';
      while (v.length < length) v += String.fromCharCode(0x20 + Math.floor(random() * 95));
      values.push(v);
      if (!ids.has(v)) {
        ids.set(v, ids.size);
        index.add(ids.size - 1, v);
      }
    }
    index.add(ids.size, 'caf\u00e9'); // not ASCII: never indexed
    const chunk = Buffer.from('x' + values.join('\n') + '\ncaf\u00e9', 'latin1');
    let at = 1;
    let found = 0;
    for (const v of values) {
      const id = index.find(chunk, at, at + v.length);
      if (v.length > 512) assert.equal(id, -1, 'values past the length kept take the Map');
      else {
        assert.equal(id, ids.get(v), JSON.stringify(v));
        assert.ok(index.holds(id, chunk, at, at + v.length));
        assert.ok(!index.holds((id + 1) % ids.size, chunk, at, at + v.length), "another id's value");
        found++;
      }
      at += v.length + 1;
    }
    assert.ok(found > 59_000);
    // the same bytes in a view that starts inside a bigger buffer, looked up in turn with the chunk
    const padded = Buffer.alloc(chunk.length + 7, 0x7e);
    chunk.copy(padded, 7);
    const shifted = padded.subarray(7, 7 + chunk.length);
    at = 1;
    for (const v of values) {
      if (v.length <= 512) {
        assert.equal(index.find(shifted, at, at + v.length), ids.get(v), JSON.stringify(v));
        assert.equal(index.find(chunk, at, at + v.length), ids.get(v), JSON.stringify(v));
      }
      at += v.length + 1;
    }
    assert.equal(index.find(chunk, at, at + 4), -1);
    assert.equal(index.find(Buffer.from('never seen'), 0, 10), -1);
  });

  it('tells apart values that differ in any one byte, at every position and length, control bytes included', () => {
    // compared eight bytes at a time as doubles: NUL and control bytes make zeros and denormals there
    const alphabet = [0x00, 0x01, 0x0f, 0x10, 0x1f, 0x20, 0x41, 0x7e, 0x7f];
    for (let length = 1; length <= 40; length++) {
      const index = new AsciiKeyIndex();
      const base = Array.from({ length }, (_, i) => alphabet[(i * 7) % alphabet.length]);
      index.add(0, String.fromCharCode(...base));
      const variants: number[][] = [];
      for (let p = 0; p < length; p++) {
        for (const c of alphabet) {
          if (c === base[p]) continue;
          const v = base.slice();
          v[p] = c;
          variants.push(v);
        }
      }
      for (const v of variants) {
        // one byte of offset, so the eight-byte reads do not start aligned
        const chunk = Buffer.from([0x20, ...v]);
        assert.equal(index.find(chunk, 1, 1 + length), -1, `length ${length}: ${JSON.stringify(v)}`);
        assert.ok(!index.holds(0, chunk, 1, 1 + length), `length ${length}: ${JSON.stringify(v)}`);
      }
      const same = Buffer.from([0x20, ...base]);
      assert.equal(index.find(same, 1, 1 + length), 0);
      assert.ok(index.holds(0, same, 1, 1 + length));
    }
  });
});
