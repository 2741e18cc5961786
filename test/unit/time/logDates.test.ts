import { strict as assert } from 'node:assert';
import { newParsedTime, parseIsoDate, parseIsoDateTime } from '../../../server/src/engine/time/isoDateTime';
import { epochMsFromDigits, epochMsFromNumber, parseEpochAt, parseTai64nAt } from '../../../server/src/engine/time/epochNumber';
import { parseClfDate, parseCtimeDate, parseSyslogDate, resolveYearless } from '../../../server/src/engine/time/monthNameDate';

const out = newParsedTime();

describe('time/isoDateTime', () => {
  it('parses date, clock, fraction and zone from a position', () => {
    assert.ok(parseIsoDateTime('at 2024-02-29T23:59:59.999-01:30 x', 3, out));
    assert.equal(out.time, Date.UTC(2024, 2, 1, 1, 29, 59, 999));
    assert.equal(out.offsetMinutes, -90);
    assert.equal(out.end, 32);
  });

  it('accepts the everyday variants', () => {
    assert.ok(parseIsoDateTime('2024/03/05 14:07', 0, out));
    assert.equal(out.time, Date.UTC(2024, 2, 5, 14, 7));
    assert.ok(parseIsoDateTime('2024-03-05 14:07:09,5', 0, out));
    assert.equal(out.time, Date.UTC(2024, 2, 5, 14, 7, 9, 500));
    assert.ok(parseIsoDateTime('2024-03-05t14:07:09+0100', 0, out));
    assert.equal(out.offsetMinutes, 60);
    assert.ok(parseIsoDateTime('2024-03-05T14:07:09+05', 0, out));
    assert.equal(out.offsetMinutes, 300);
  });

  it('needs a time unless a date alone is allowed', () => {
    assert.ok(!parseIsoDateTime('2024-03-05 hello', 0, out));
    assert.ok(parseIsoDateTime('2024-03-05 hello', 0, out, true));
    assert.equal(out.time, Date.UTC(2024, 2, 5));
    assert.equal(out.end, 10);
    assert.ok(parseIsoDate('2024-03-05 14:07:09', 0, out));
    assert.equal(out.end, 10);
  });

  it('rejects malformed and out-of-range text', () => {
    for (const text of ['2024-3-05T10:00:00', '2024-00-05T10:00:00', '2024-03-32T10:00:00', '2024-03-05T24:00:00', '2024-03-05T10:60:00', '20240-03-05', '2024-03/05 10:00:00', '2024-03-05T1']) {
      assert.ok(!parseIsoDateTime(text, 0, out), text);
    }
  });
});

describe('time/epochNumber', () => {
  it('tells seconds, ms, µs and ns apart by magnitude', () => {
    assert.equal(epochMsFromNumber(1700000000), 1700000000000);
    assert.equal(epochMsFromNumber(1700000000.25), 1700000000250);
    assert.equal(epochMsFromNumber(1700000000123), 1700000000123);
    assert.equal(epochMsFromNumber(1534860261221373), 1534860261221);
    assert.equal(epochMsFromNumber(1700000000000000000), 1700000000000);
    assert.ok(Number.isNaN(epochMsFromNumber(-5)));
    assert.ok(Number.isNaN(epochMsFromNumber(Infinity)));
  });

  it('reads digit strings and refuses anything else', () => {
    assert.equal(epochMsFromDigits('1534860261221373'), 1534860261221);
    assert.equal(epochMsFromDigits('1700000000.5'), 1700000000500);
    assert.ok(Number.isNaN(epochMsFromDigits('17e9')));
    assert.ok(Number.isNaN(epochMsFromDigits('1.2.3')));
    assert.ok(Number.isNaN(epochMsFromDigits('')));
  });

  it('reads ten-digit seconds and thirteen-digit ms at a position', () => {
    assert.ok(parseEpochAt('1428634687 hi', 0, out));
    assert.equal(out.time, 1428634687000);
    assert.equal(out.end, 10);
    assert.ok(parseEpochAt('1428634687123 hi', 0, out));
    assert.equal(out.time, 1428634687123);
    assert.ok(!parseEpochAt('14286346871 hi', 0, out));
    assert.ok(!parseEpochAt('1428634687abc', 0, out));
    assert.ok(!parseEpochAt('0000000001 hi', 0, out));
  });

  it('reads TAI64N labels', () => {
    // 2^62 + 10 + 1700000000 seconds, 5 ms.
    assert.ok(parseTai64nAt('@400000006553f10a004c4b40 x', 0, out));
    assert.equal(out.time, 1700000000005);
    assert.ok(!parseTai64nAt('@40000000', 0, out));
  });
});

describe('time/monthNameDate', () => {
  const ref = { referenceYear: 2024, referenceTime: Date.UTC(2024, 1, 10) };

  it('parses access-log dates with their zone', () => {
    assert.ok(parseClfDate('10/Oct/2000:13:55:36 -0700]', 0, out));
    assert.equal(out.time, Date.UTC(2000, 9, 10, 20, 55, 36));
    assert.equal(out.offsetMinutes, -420);
    assert.equal(out.end, 26);
    assert.ok(parseClfDate('29/Aug/2023 22:02:58]', 0, out));
    assert.equal(out.time, Date.UTC(2023, 7, 29, 22, 2, 58));
    assert.equal(out.offsetMinutes, 0);
    assert.ok(!parseClfDate('10/Foo/2000:13:55:36', 0, out));
  });

  it('parses syslog dates and rolls back across New Year', () => {
    assert.ok(parseSyslogDate('Feb  9 08:00:00 host', 0, ref, out));
    assert.equal(out.time, Date.UTC(2024, 1, 9, 8));
    assert.ok(parseSyslogDate('Dec 31 23:00:00 host', 0, ref, out));
    assert.equal(out.time, Date.UTC(2023, 11, 31, 23));
    assert.ok(parseSyslogDate('jan 1 00:00:01 host', 0, ref, out));
    assert.equal(out.time, Date.UTC(2024, 0, 1, 0, 0, 1));
    assert.ok(!parseSyslogDate('Janu 1 00:00:01', 0, ref, out));
    assert.equal(resolveYearless(1, 11, 0, ref), Date.UTC(2024, 1, 11)); // within a day of slack
    assert.equal(resolveYearless(1, 12, 0, ref), Date.UTC(2023, 1, 12));
  });

  it('parses ctime dates', () => {
    assert.ok(parseCtimeDate('Tue Apr 04 06:18:29.712806 2017] x', 0, out));
    assert.equal(out.time, Date.UTC(2017, 3, 4, 6, 18, 29, 712));
    assert.equal(out.end, 31);
    assert.ok(!parseCtimeDate('Tue Apr 04 06:18:29', 0, out));
  });
});
