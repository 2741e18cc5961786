import { strict as assert } from 'node:assert';
import { WorkingHoursClock } from '../../../server/src/engine/time/workingHours';
import { seededRandom } from '../../../bench/random';

/** "Outside working hours" read off a Date in the log's own clock: the definition. */
function offByDate(time: number, offsetMinutes: number, start: number, end: number, days: number[]): boolean {
  const local = new Date(time + offsetMinutes * 60_000);
  const hour = local.getUTCHours();
  return !days.includes(local.getUTCDay()) || hour < start || hour >= end;
}

describe('working hours in the log clock (WorkingHoursClock)', () => {
  it('agrees with the calendar for instants before and after 1970, at every UTC offset', () => {
    const random = seededRandom(17);
    const settings = [
      { start: 8, end: 18, days: [1, 2, 3, 4, 5] },
      { start: 0, end: 24, days: [0, 6] },
      { start: 22, end: 6, days: [0, 1, 2, 3, 4, 5, 6] }, // an end before the start: every hour is off
    ];
    for (const { start, end, days } of settings) {
      const clock = new WorkingHoursClock({ start, end, days, timezone: 'log' });
      for (let i = 0; i < 20_000; i++) {
        // 1900 to 2100, minutes apart near hour and day boundaries as often as anywhere
        const time = Math.round((random() * 200 - 70) * 365.25 * 86_400_000);
        const offsetMinutes = Math.round(random() * 26 - 12) * 60 + (i % 4 === 0 ? 30 : 0);
        assert.equal(clock.isOffHours(time, offsetMinutes), offByDate(time, offsetMinutes, start, end, days), `${new Date(time).toISOString()} ${offsetMinutes}`);
      }
    }
  });

  it('says off hours for an unknown offset and nothing for an unknown time', () => {
    const clock = new WorkingHoursClock({ start: 0, end: 24, days: [0, 1, 2, 3, 4, 5, 6], timezone: 'log' });
    assert.equal(clock.isOffHours(Date.UTC(2024, 0, 3, 12), NaN), true);
    assert.equal(clock.isOffHours(NaN, 0), false);
  });
});
