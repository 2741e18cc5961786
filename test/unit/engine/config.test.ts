import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG, MAX_LINE_LENGTH_LIMIT, resolveConfig } from '../../../server/src/engine/config';

describe('resolveConfig: the per-line cap', () => {
  it('keeps a cap the user raises within the limit', () => {
    const problems: string[] = [];
    assert.equal(resolveConfig({ maxLineLength: 200_000 }, problems).maxLineLength, 200_000);
    assert.deepEqual(problems, []);
  });

  it('caps a huge maxLineLength at the limit and says so', () => {
    const problems: string[] = [];
    const config = resolveConfig({ maxLineLength: 5e9 }, problems);
    assert.equal(config.maxLineLength, MAX_LINE_LENGTH_LIMIT);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /maxLineLength.*capped/);
  });

  it('refuses a cap that is not a positive number, keeping the default', () => {
    const problems: string[] = [];
    assert.equal(resolveConfig({ maxLineLength: -1 }, problems).maxLineLength, DEFAULT_CONFIG.maxLineLength);
    assert.match(problems[0], /positive number/);
  });
});
