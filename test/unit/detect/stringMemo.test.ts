import assert from 'node:assert/strict';
import { IdMemo, StringMemo } from '../../../server/src/engine/detect/stringIds';

describe('StringMemo and IdMemo', () => {
  it('computes a value once per distinct text, whatever string object carries it', () => {
    const computed: string[] = [];
    const memo = new StringMemo((s: string) => (computed.push(s), s.length), 100);
    const line = 'GET /a http://x/page-1 http://x/page-2';
    for (let round = 0; round < 3; round++) {
      assert.equal(memo.get(line.slice(7, 22)), 15);
      assert.equal(memo.get(['http://x/', 'page-2'].join('')), 15);
    }
    assert.deepEqual(computed, ['http://x/page-1', 'http://x/page-2']);
  });

  it('starts over when it holds `cap` values, and answers the same after', () => {
    let calls = 0;
    const memo = new StringMemo((s: string) => (calls++, s.toUpperCase()), 4);
    const values = ['a', 'b', 'c', 'd', 'e', 'a'];
    assert.deepEqual(values.map((v) => memo.get(v)), ['A', 'B', 'C', 'D', 'E', 'A']);
    // 'e' found the map full and emptied it: 'a' is computed again
    assert.equal(calls, 6);
    memo.get('e');
    assert.equal(calls, 6);
  });

  it('IdMemo remembers by id, and by text when there is no id', () => {
    const computed: string[] = [];
    const memo = new IdMemo((s: string) => (computed.push(s), s.length), 10);
    assert.equal(memo.get(5, 'five!'), 5);
    assert.equal(memo.get(5, 'other text, same id'), 5);
    assert.equal(memo.get(-1, 'no id'), 5);
    assert.equal(memo.get(-1, 'no id'), 5);
    assert.deepEqual(computed, ['five!', 'no id']);
  });
});
