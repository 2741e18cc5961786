import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { emptyList } from '../../../server/src/engine/emptyList';

describe('empty lists (emptyList)', () => {
  it('start empty, with the hidden class a list of strings or objects keeps', () => {
    assert.deepEqual(emptyList(), []);
    // V8's own view, in a child process allowed to ask for it: an empty list and one that got
    // its first string or object share one map with lists that always held some; `[]` does not.
    const probe = `
      const emptyList = ${emptyList.toString()};
      const strings = []; strings.push('a');
      const objects = []; objects.push({ rule: 'x' });
      const firstString = emptyList(); firstString.push('b');
      const firstObject = emptyList(); firstObject.push({ rule: 'y' });
      const literal = [];
      process.stdout.write(JSON.stringify([
        %HaveSameMap(emptyList(), strings), %HaveSameMap(firstString, strings),
        %HaveSameMap(firstObject, objects), %HaveSameMap(strings, objects), %HaveSameMap(literal, strings),
      ]));`;
    const child = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', probe], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), [true, true, true, true, false]);
  });
});
