import assert from 'node:assert/strict';
import { prettyJson } from '../../../server/src/engine/report/prettyJson';
import { TERMINAL_UNSAFE } from './sampleReport';

describe('report/prettyJson', () => {
  it('parses back to what JSON.stringify would write', () => {
    const values: unknown[] = [
      {},
      [],
      { a: 1, b: 'two', c: [1, 2, 3], d: { e: null, f: [true, false] } },
      [{ x: 1 }, { y: [{ z: 'deep' }] }, 3, 'four', null],
      { long: 'x'.repeat(500), list: Array.from({ length: 300 }, (_, i) => i), nested: { list: [{ a: 'y'.repeat(200) }] } },
      { undef: undefined, nan: NaN, inf: -Infinity, arr: [undefined, NaN], neg: -0, big: 1e21, tiny: 5e-7 },
      { 'key "quoted"\n': 'value\u0000\u001b[31m\u2028\u202e\x9b' },
    ];
    for (const value of values) {
      assert.deepStrictEqual(JSON.parse(prettyJson(value)), JSON.parse(JSON.stringify(value)));
    }
  });

  it('opens the document, keeps short objects and scalar lists on one line, opens long ones', () => {
    const text = prettyJson({ tool: { name: 'x', version: '1' }, lines: Array.from({ length: 200 }, (_, i) => i + 1), long: { text: 'z'.repeat(120) } });
    const lines = text.split('\n');
    assert.equal(lines[0], '{');
    assert.equal(lines[1], '  "tool": { "name": "x", "version": "1" },');
    assert.ok(lines[2].startsWith('  "lines": [1, 2, 3,') && lines[2].endsWith('200],'));
    assert.equal(lines[3], '  "long": {');
    assert.equal(lines[4], `    "text": "${'z'.repeat(120)}"`);
    assert.equal(lines[5], '  }');
    assert.equal(lines[6], '}');
    assert.equal(prettyJson({}), '{}');
    assert.equal(prettyJson({ a: 1 }), '{\n  "a": 1\n}');
  });

  it('writes invisible and terminal-control characters as \\u escapes', () => {
    const text = prettyJson({ s: 'a\u001b[2Jb\x9b31m\u202egpj.exe\u2066\u2028\x7f' });
    assert.ok(!TERMINAL_UNSAFE.test(text));
    assert.ok(text.includes('\\u001b[2J') && text.includes('\\u009b') && text.includes('\\u202e') && text.includes('\\u2028'));
  });
});
