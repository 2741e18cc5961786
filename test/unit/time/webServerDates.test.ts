import { strict as assert } from 'node:assert';
import {
  newStampOut,
  readCanonicalClfStampBytes,
  readClfStamp,
  readCtimeStamp,
  readNumericStamp,
  readYearlessStamp,
  wallClockMs,
} from '../../../server/src/engine/time/webServerDates';

describe('time/webServerDates', () => {
  it('computes wall-clock instants like Date.UTC, and refuses impossible dates', () => {
    for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [2024, 2, 29], [1999, 12, 31], [2038, 1, 19], [1900, 3, 1]]) {
      assert.equal(wallClockMs(y, m, d, 13, 55, 36, 250), Date.UTC(y, m - 1, d, 13, 55, 36, 250));
    }
    assert.ok(Number.isNaN(wallClockMs(2023, 2, 29, 0, 0, 0, 0)));
    assert.ok(Number.isNaN(wallClockMs(1900, 2, 29, 0, 0, 0, 0)));
    assert.ok(Number.isNaN(wallClockMs(2024, 4, 31, 0, 0, 0, 0)));
    assert.ok(Number.isNaN(wallClockMs(2024, 13, 1, 0, 0, 0, 0)));
  });

  it('reads canonical stamps from bytes one after another as each on its own (the last one is remembered)', () => {
    const base = '10/Oct/2000:13:55:36 -0700';
    // the stamp, then the same with one character changed, at every position (the remembered
    // stamp is compared in words: each byte of each must count), back and forth
    const variants = [base];
    const changes: [number, string][] = [[1, '1'], [3, 'N'], [5, 'v'], [9, '1'], [12, '4'], [16, '4'], [19, '7'], [21, '+'], [23, '1'], [25, '5']];
    for (let at = 0; at < base.length; at++) {
      const c = base[at];
      changes.push([at, /\d/.test(c) ? String((Number(c) + 1) % 10) : c === ' ' || c === '/' || c === ':' ? 'x' : c === '-' ? '+' : c.toLowerCase()]);
    }
    for (const [at, c] of changes) variants.push(base.slice(0, at) + c + base.slice(at + 1), base);
    variants.push('99/Oct/2000:13:55:36 -0700', base, '10/Foo/2000:13:55:36 -0700', base);
    const fresh = newStampOut();
    const remembered = newStampOut();
    let read = 0;
    for (const stamp of variants) {
      const text = `[${stamp}]`;
      const closeText = readClfStamp(text, 1, text.length, fresh);
      const closeBytes = readCanonicalClfStampBytes(Buffer.from(text, 'latin1'), 1, text.length, remembered);
      // all in the canonical layout: the byte reader takes exactly what the text reader takes
      assert.equal(closeBytes, closeText, stamp);
      if (closeBytes < 0) continue;
      read++;
      assert.equal(remembered.time, fresh.time, stamp);
      assert.equal(remembered.offsetMinutes, fresh.offsetMinutes, stamp);
    }
    assert.ok(read >= 50, `${read} read`);
  });

  it('reads CLF stamps in the canonical and the looser layouts alike', () => {
    const out = newStampOut();
    const cases: [string, number, number][] = [
      ['[10/Oct/2000:13:55:36 -0700]', Date.UTC(2000, 9, 10, 20, 55, 36), -420],
      ['[10/oct/2000:13:55:36 +0000]', Date.UTC(2000, 9, 10, 13, 55, 36), 0],
      ['[1/Oct/2000:13:55:36 +01:30]', Date.UTC(2000, 9, 1, 12, 25, 36), 90],
      ['[29/Feb/2024:23:59:60 +0000]', Date.UTC(2024, 2, 1, 0, 0, 0), 0],
      ['[10/Oct/2000:13:55:36.5 -0700]', Date.UTC(2000, 9, 10, 20, 55, 36, 500), -420],
    ];
    for (const [text, time, offset] of cases) {
      const close = readClfStamp(text, 1, text.length, out);
      assert.equal(close, text.length - 1, text);
      assert.equal(out.time, time, text);
      assert.equal(out.offsetMinutes, offset, text);
    }
    // The day cache must not leak one line's date into the next.
    readClfStamp('[10/Oct/2000:13:55:36 -0700]', 1, 28, out);
    readClfStamp('[11/Oct/2000:13:55:36 -0700]', 1, 28, out);
    assert.equal(out.time, Date.UTC(2000, 9, 11, 20, 55, 36));
    for (const bad of ['[10/Oct/2000:13:55:36 -0700', '[10/Oct/2000:13:55 -0700]', '[10/Oct/00:13:55:36 -0700]', '[10/Oct/2000:13:55:36 +2400]', '[aa/Oct/2000:13:55:36 -0700]']) {
      assert.equal(readClfStamp(bad, 1, bad.length, out), -1, bad);
    }
  });

  it('reads ctime, numeric and year-less stamps', () => {
    const out = newStampOut();
    assert.equal(readCtimeStamp('Sun Dec  4 04:47:44 2005]', 0, out), 24);
    assert.equal(out.time, Date.UTC(2005, 11, 4, 4, 47, 44));
    assert.equal(readCtimeStamp('Wed Oct 11 14:32:52.123456 2000', 0, out), 31);
    assert.equal(out.time, Date.UTC(2000, 9, 11, 14, 32, 52, 123));
    assert.equal(readNumericStamp('2011/08/22 13:37:34 [error]', 0, out), 19);
    assert.equal(out.time, Date.UTC(2011, 7, 22, 13, 37, 34));
    assert.equal(readNumericStamp('2023-12-09T21:35:20.123-05:00 host', 0, out), 29);
    assert.equal(out.time, Date.UTC(2023, 11, 10, 2, 35, 20, 123));
    assert.equal(out.offsetMinutes, -300);
    const ref = Date.UTC(2024, 0, 2, 12);
    assert.ok(readYearlessStamp('Jan  1 10:00:00 host', 0, 2024, ref, out) > 0);
    assert.equal(out.time, Date.UTC(2024, 0, 1, 10));
    assert.ok(readYearlessStamp('Dec 31 23:00:00 host', 0, 2024, ref, out) > 0);
    assert.equal(out.time, Date.UTC(2023, 11, 31, 23));
    assert.equal(readYearlessStamp('Foo 31 23:00:00 host', 0, 2024, ref, out), -1);
  });
});
