import { strict as assert } from 'node:assert';
import { StringIds } from '../../../server/src/engine/detect/stringIds';

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
