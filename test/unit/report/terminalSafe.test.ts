import assert from 'node:assert/strict';
import { terminalSafe, truncate } from '../../../server/src/engine/report/terminalSafe';
import { HOSTILE, TERMINAL_UNSAFE } from './sampleReport';

describe('report/terminalSafe', () => {
  it('returns ordinary text unchanged, non-ASCII and HTML included', () => {
    for (const text of ['GET /index.html 200', HOSTILE.unicode, HOSTILE.html, HOSTILE.formula, '']) {
      assert.equal(terminalSafe(text), text);
    }
  });

  it('drops SGR colours and cursor/screen control sequences whole', () => {
    assert.equal(terminalSafe('\x1b[31mred\x1b[0m text'), 'red text');
    assert.equal(terminalSafe('a\x1b[2J\x1b[Hb\x1b[10;20Hc\x1b[?25l'), 'abc');
    assert.equal(terminalSafe('x\x1b[38;5;196my'), 'xy');
  });

  it('drops OSC strings (window title, hyperlinks) ended by BEL or ST, with their payload', () => {
    assert.equal(terminalSafe('a\x1b]0;owned\x07b'), 'ab');
    assert.equal(terminalSafe('\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\'), 'click');
    assert.equal(terminalSafe('p\x1bPq#0;2;0;0;0\x1b\\q'), 'pq'); // DCS (sixel)
  });

  it('drops the 8-bit C1 forms of CSI and OSC', () => {
    assert.equal(terminalSafe('a\x9b2Jb'), 'ab');
    assert.equal(terminalSafe('a\x9d0;title\x9cb'), 'ab');
    assert.equal(terminalSafe('a\x85b\x9fc'), 'abc'); // NEL dropped; APC without terminator loses only its opener
  });

  it('drops other escapes (reset, charset) and lone ESC', () => {
    assert.equal(terminalSafe('a\x1bcb'), 'ab'); // RIS: full reset
    assert.equal(terminalSafe('a\x1b(Bb'), 'ab');
    assert.equal(terminalSafe('end\x1b'), 'end');
  });

  it('turns TAB, CR, LF and the Unicode line separators into spaces', () => {
    assert.equal(terminalSafe('ok\rFAIL'), 'ok FAIL');
    assert.equal(terminalSafe('one\ntwo\r\nthree\tfour'), 'one two  three four');
    assert.equal(terminalSafe('a\u2028b\u2029c'), 'a b c');
  });

  it('drops other C0 controls, DEL and bidi controls', () => {
    assert.equal(terminalSafe('a\x00b\x07c\x08d\x7fe'), 'abcde');
    assert.equal(terminalSafe('invoice\u202Egpj.exe\u202C'), 'invoicegpj.exe');
    assert.equal(terminalSafe('\u2066x\u2067y\u2068z\u2069\u202A\u202B\u202D\u200E\u200F\u061C'), 'xyz');
  });

  it('keeps the text of an unterminated OSC but none of its control bytes', () => {
    const out = terminalSafe('\x1b]0;title without end');
    assert.equal(out, '0;title without end');
  });

  it('leaves no unsafe character in random hostile strings', () => {
    // Deterministic xorshift so a failure can be replayed.
    let seed = 0x9e3779b9;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const alphabet = ['\x1b', '[', ']', '\\', '\x07', '\x9b', '\x9c', '\x9d', '\r', '\n', '\t', '\x00', '\u202e', '\u2066', '\u2028', 'a', '0', ';', 'm', 'P', '🚨', 'ß'];
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = Math.floor(next() * 40);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      const out = terminalSafe(text);
      assert.ok(!TERMINAL_UNSAFE.test(out) && !out.includes('\n'), `unsafe output for ${JSON.stringify(text)}: ${JSON.stringify(out)}`);
    }
  });

  it('runs in linear time on inputs built to make a scanner rescan', () => {
    const size = 200_000;
    const inputs = [
      '\x9d'.repeat(size) + '\x1b', // many unterminated OSC openers before one ESC
      '\x1b]'.repeat(size), // many unterminated OSC openers to the end
      '\x1b['.repeat(size) + 'x',
      'a'.repeat(size) + '\x1b',
    ];
    for (const text of inputs) {
      const started = process.hrtime.bigint();
      const out = terminalSafe(text);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(!TERMINAL_UNSAFE.test(out));
      // A quadratic pass over 200K characters takes minutes; linear takes a few ms.
      assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
    }
  });
});

describe('report/truncate', () => {
  it('keeps text that fits and cuts longer text with an ellipsis', () => {
    assert.equal(truncate('abcdef', 6), 'abcdef');
    assert.equal(truncate('abcdefg', 6), 'abcde…');
    assert.equal(truncate('abc', 0), '');
  });

  it('counts code points and never splits a surrogate pair', () => {
    assert.equal(truncate('🚨🚨🚨', 3), '🚨🚨🚨');
    assert.equal(truncate('🚨🚨🚨🚨', 3), '🚨🚨…');
    assert.equal(truncate('a🚨b', 2), 'a…');
  });
});
