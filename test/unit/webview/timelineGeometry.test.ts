import * as assert from 'node:assert/strict';
import type { Timeline } from '../../../server/src/protocol';
import { bucketOf, bucketRange, clockLabel, findingMarkers, rangeLabel, timelineBars } from '../../../webview/src/model/timelineGeometry';

const start = Date.UTC(2024, 2, 12, 10, 0);

function timeline(counts: number[], bucketMinutes = 1, findingTimes: Record<string, number> = {}, offsetMinutes = 0): Timeline {
  return { bucketMinutes, start, counts, timed: counts.reduce((a, b) => a + b, 0), untimed: 0, offsetMinutes, findingTimes };
}

describe('panel: timeline geometry', () => {
  it('lays the buckets across the width, heights relative to the busiest, a lone record still visible', () => {
    const bars = timelineBars(timeline([0, 1000, 1, 500]), 400, 50);
    assert.deepEqual(bars.map((b) => b.x), [0, 100, 200, 300]);
    assert.deepEqual(bars.map((b) => b.height), [0, 50, 1, 25]);
    assert.deepEqual(timelineBars(timeline([]), 400, 50), []);
  });

  it('puts a time in its bucket and gives a bucket its [from, to) range', () => {
    const t = timeline([1, 2, 3], 5);
    assert.equal(bucketOf(start, t), 0);
    assert.equal(bucketOf(start + 5 * 60_000 - 1, t), 0);
    assert.equal(bucketOf(start + 5 * 60_000, t), 1);
    assert.equal(bucketOf(start + 15 * 60_000, t), -1, 'past the end');
    assert.equal(bucketOf(start - 1, t), -1, 'before the start');
    assert.deepEqual(bucketRange(2, t), { from: start + 10 * 60_000, to: start + 15 * 60_000 });
  });

  it('marks each bucket in which findings start with the most severe of them', () => {
    const t = timeline([1, 1, 1], 1, { a: start, b: start + 60_000, c: start + 60_000 + 5000, d: start + 3 * 60_000 });
    const markers = findingMarkers(
      [
        { fingerprint: 'a', severity: 'low' },
        { fingerprint: 'b', severity: 'medium' },
        { fingerprint: 'c', severity: 'critical' },
        { fingerprint: 'd', severity: 'high' },
        { fingerprint: 'e', severity: 'high' },
      ],
      t,
    );
    assert.deepEqual([...markers.entries()], [
      [0, { severity: 'low', count: 1 }],
      [1, { severity: 'critical', count: 2 }],
    ]);
  });

  it('labels times on the log\'s own clock', () => {
    assert.equal(clockLabel(start, 0, false), '10:00');
    assert.equal(clockLabel(start, 60, true), '12 Mar 11:00');
    assert.equal(clockLabel(start, -330, false), '04:30');
    assert.equal(rangeLabel({ from: start, to: start + 60_000 }, 0), '12 Mar 10:00–10:01 (UTC+00:00)');
    assert.equal(rangeLabel({ from: Date.UTC(2024, 2, 12), to: Date.UTC(2024, 2, 13) }, 0), '12 Mar 2024–13 Mar 2024 (UTC+00:00)');
  });
});
