import { strict as assert } from 'node:assert';
import { addToTopLevelList, applyJsonEdits, inlineJson, newFileWithList } from '../../../server/src/lsp/jsonTextEdit';

/** Applies the result and checks that the edit only inserted text. */
function add(text: string, key: string, value: unknown): string {
  const result = addToTopLevelList(text, key, value);
  assert.equal(result.kind, 'edit', JSON.stringify(result));
  if (result.kind !== 'edit') throw new Error('unreachable');
  const out = applyJsonEdits(text, [result.edit]);
  assert.deepEqual(JSON.parse(out)[key].at(-1), value);
  return out;
}

describe('jsonTextEdit: adding to a list of .logwarden.json keeps the file as written', () => {
  it('appends to a multi-line list with its indentation', () => {
    const text = '{\n    "allowlist": [\n        "10.0.0.0/8"\n    ],\n    "rules": {}\n}\n';
    assert.equal(add(text, 'allowlist', '192.0.2.1'), '{\n    "allowlist": [\n        "10.0.0.0/8",\n        "192.0.2.1"\n    ],\n    "rules": {}\n}\n');
  });

  it('appends to a one-line list on the same line', () => {
    assert.equal(add('{"allowlist": ["a", "b"]}', 'allowlist', 'c'), '{"allowlist": ["a", "b", "c"]}');
  });

  it('fills an empty list', () => {
    assert.equal(add('{ "suppressions": [ ] }', 'suppressions', { rule: 'scanner', source: '1.2.3.4' }), '{ "suppressions": [{ "rule": "scanner", "source": "1.2.3.4" }] }');
  });

  it('adds a missing key after the last member, indented like it, keeping CRLF line ends', () => {
    const text = '{\r\n\t"rules": { "scanner": { "enabled": false } }\r\n}\r\n';
    assert.equal(add(text, 'suppressions', { fingerprint: 'abc' }), '{\r\n\t"rules": { "scanner": { "enabled": false } },\r\n\t"suppressions": [{ "fingerprint": "abc" }]\r\n}\r\n');
  });

  it('adds a key to an empty object and writes a new file from nothing', () => {
    assert.equal(add('{}', 'allowlist', 'x'), '{\n  "allowlist": ["x"]\n}');
    assert.equal(add('', 'allowlist', 'x'), newFileWithList('allowlist', 'x'));
    assert.equal(newFileWithList('suppressions', { fingerprint: 'f' }), '{\n  "suppressions": [\n    { "fingerprint": "f" }\n  ]\n}\n');
  });

  it('is not fooled by brackets and quotes inside strings, nested values or escaped quotes', () => {
    const text = '{"note": "a ] } \\" [ {", "allowlist": [{"x": [1, {"y": "]"}]}, "z"], "after": 1}';
    assert.equal(add(text, 'allowlist', 'w'), '{"note": "a ] } \\" [ {", "allowlist": [{"x": [1, {"y": "]"}]}, "z", "w"], "after": 1}');
  });

  it('uses the last of duplicate keys, as JSON.parse does', () => {
    const out = add('{"allowlist": ["a"], "allowlist": ["b"]}', 'allowlist', 'c');
    assert.equal(out, '{"allowlist": ["a"], "allowlist": ["b", "c"]}');
  });

  it('does nothing when the value is already there, and refuses what it cannot edit', () => {
    assert.deepEqual(addToTopLevelList('{"suppressions": [{"source": "s", "rule": "r"}]}', 'suppressions', { rule: 'r', source: 's' }), { kind: 'exists' });
    assert.equal(addToTopLevelList('{"allowlist": "x"}', 'allowlist', 'y').kind, 'invalid');
    assert.equal(addToTopLevelList('[1]', 'allowlist', 'y').kind, 'invalid');
    assert.equal(addToTopLevelList('{"allowlist": [', 'allowlist', 'y').kind, 'invalid');
  });

  it('writes values on one line as people do', () => {
    assert.equal(inlineJson({ rule: 'a', source: 'b', skip: undefined }), '{ "rule": "a", "source": "b" }');
    assert.equal(inlineJson(['a', 1, null]), '["a", 1, null]');
  });
});
