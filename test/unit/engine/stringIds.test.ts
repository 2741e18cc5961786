import { strict as assert } from 'node:assert';
import { DirectIdMemo, StringIds } from '../../../server/src/engine/detect/stringIds';

describe('string ids (StringIds)', () => {
  it('answers lookups by string for strings adopted before and after the first lookup', () => {
    const ids = new StringIds();
    const adopted = Array.from({ length: 1000 }, (_, i) => `/page/${i}`);
    for (const [i, s] of adopted.entries()) assert.equal(ids.adopt(s), i);
    // the first lookup by string: every adopted string has its id, a new one the next
    for (const [i, s] of adopted.entries()) assert.equal(ids.id(`/page/${i}`), i, s);
    assert.equal(ids.id('/new'), 1000);
    assert.equal(ids.adopt('/adopted-after'), 1001);
    assert.equal(ids.id('/adopted-after'), 1001);
    assert.equal(ids.id('/new'), 1000);
    assert.equal(ids.size, 1002);
    assert.deepEqual(ids.strings.slice(998), ['/page/998', '/page/999', '/new', '/adopted-after']);
  });

});

describe('memo by direct-mapped id (DirectIdMemo)', () => {
  it('computes once per id, again only when another id took its slot, and per string without an id', () => {
    const calls: string[] = [];
    const memo = new DirectIdMemo((s: string) => {
      calls.push(s);
      return s.length;
    }, 8, 100);
    assert.equal(memo.get(3, 'abc'), 3);
    assert.equal(memo.get(5, 'hello'), 5);
    assert.equal(memo.get(3, 'abc'), 3);
    assert.deepEqual(calls, ['abc', 'hello'], 'each id computed once');
    // id 11 shares slot 3 with id 3 (8 slots): it is computed, and then id 3 again
    assert.equal(memo.get(11, 'abcdefghijk'), 11);
    assert.equal(memo.get(3, 'abc'), 3);
    assert.deepEqual(calls, ['abc', 'hello', 'abcdefghijk', 'abc']);
    // ids from a later span (the table started over): a new id for a known string is computed
    assert.equal(memo.get(1_000_003, 'abc'), 3);
    assert.equal(calls.length, 5);
    // without an id: by string
    assert.equal(memo.get(-1, 'xy'), 2);
    assert.equal(memo.get(-1, 'xy'), 2);
    assert.equal(calls.length, 6);
  });
});
