import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { emptyStrings, StringIds } from '../../../server/src/engine/detect/stringIds';

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

  it('starts string tables empty, with the hidden class they keep once strings come (emptyStrings)', () => {
    assert.deepEqual(emptyStrings(), []);
    // V8's own view, in a child process allowed to ask for it: an empty table and one that got
    // its first string share one map with a table that always held strings; a `[]` does not.
    const probe = `
      const emptyStrings = ${emptyStrings.toString()};
      const filled = []; filled.push('a');
      const empty = emptyStrings();
      const first = emptyStrings(); first.push('b');
      const literal = [];
      process.stdout.write(JSON.stringify([%HaveSameMap(empty, filled), %HaveSameMap(first, filled), %HaveSameMap(literal, filled)]));`;
    const child = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', probe], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), [true, true, false]);
  });
});
