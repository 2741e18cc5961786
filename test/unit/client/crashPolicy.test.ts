import { strict as assert } from 'node:assert';
import { CrashPolicy, MAX_RESTARTS, WINDOW_MS } from '../../../client/src/crashPolicy';

describe('CrashPolicy: restarting a crashed language server', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it(`restarts ${MAX_RESTARTS} times in the window, then stops with a message naming the restart command`, () => {
    const policy = new CrashPolicy(clock);
    for (let i = 0; i < MAX_RESTARTS; i++) {
      now += 1000;
      assert.deepEqual(policy.crashed(), { restart: true }, `crash ${i + 1}`);
    }
    now += 1000;
    const last = policy.crashed();
    assert.equal(last.restart, false);
    assert.match(last.restart ? '' : last.message, /Restart Server/);
  });

  it('forgets crashes older than the window', () => {
    const policy = new CrashPolicy(clock);
    for (let i = 0; i < MAX_RESTARTS; i++) policy.crashed();
    now += WINDOW_MS + 1;
    assert.deepEqual(policy.crashed(), { restart: true });
    assert.equal(policy.recentCrashes, 1);
  });

  it('a manual restart starts the count afresh', () => {
    const policy = new CrashPolicy(clock);
    for (let i = 0; i <= MAX_RESTARTS; i++) policy.crashed();
    assert.equal(policy.recentCrashes, MAX_RESTARTS + 1);
    policy.reset();
    assert.deepEqual(policy.crashed(), { restart: true });
  });
});
