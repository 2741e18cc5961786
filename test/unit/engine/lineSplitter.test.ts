import { strict as assert } from 'node:assert';
import { LineSplitter, splitText } from '../../../server/src/engine/lineSplitter';
import { mulberry32 } from '../../../server/src/engine/detect/isolationForest';

/** Lines of a byte stream cut into random chunks, with what the splitter said about each. */
function splitInChunks(bytes: Buffer, random: () => number, maxLineBytes = 1 << 20) {
  const lines: string[] = [];
  const viaOffsets: boolean[] = [];
  let chunk: Buffer = Buffer.alloc(0);
  const splitter = new LineSplitter((text, _line, start, end) => {
    lines.push(text);
    viaOffsets.push(start >= 0);
    // a line given by offsets is exactly the latin1 text of those bytes of the chunk just pushed
    if (start >= 0) assert.equal(chunk.toString('latin1', start, end), text);
  }, maxLineBytes);
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * random() * 300);
    chunk = Buffer.from(bytes.subarray(at, at + size)); // a copy, as a read into a fresh buffer
    splitter.push(chunk);
    at += size;
  }
  splitter.end();
  return { lines, viaOffsets, stats: splitter.stats };
}

describe('line splitter', () => {
  it('splits any chunking of LF, CRLF and lone-CR text (BOM, UTF-8, empty lines) like the in-memory splitter', () => {
    const random = mulberry32(21);
    const pieces = ['GET /a HTTP/1.1', '', 'héllo wörld', '中文 line', 'x'.repeat(700), '  ', 'last'];
    const ends = ['\n', '\r\n', '\r'];
    for (let round = 0; round < 200; round++) {
      let text = round % 3 === 0 ? '\ufeff' : '';
      const n = 1 + Math.floor(random() * 30);
      for (let i = 0; i < n; i++) text += pieces[Math.floor(random() * pieces.length)] + (i === n - 1 && random() < 0.5 ? '' : ends[Math.floor(random() * ends.length)]);
      // (a stream holding nothing but a BOM is one empty line to the splitter, none to splitText)
      if (text === '\ufeff') continue;
      const expected: string[] = [];
      splitText(text, (line) => expected.push(line));
      const { lines } = splitInChunks(Buffer.from(text, 'utf8'), random);
      assert.deepEqual(lines, expected, JSON.stringify(text));
    }
  });

  it('gives ASCII lines inside one chunk as offsets into it, the others as text', () => {
    const ascii = Buffer.from('one\r\ntwo\nthree\rfour\n');
    const whole = splitInChunks(ascii, () => 0.999999, 1 << 20); // chunks of ~300 bytes: all of it in one
    assert.deepEqual(whole.lines, ['one', 'two', 'three', 'four']);
    assert.deepEqual(whole.viaOffsets, [true, true, true, true]);
    const mixed = splitInChunks(Buffer.from('ascii\nnön-ascii\n'), () => 0.999999);
    assert.deepEqual(mixed.viaOffsets, [false, false]); // a chunk with any non-ASCII byte decodes line by line
  });

  it('cuts lines longer than the byte cap and counts invalid UTF-8', () => {
    const random = mulberry32(5);
    const bytes = Buffer.concat([Buffer.from('a'.repeat(5000) + '\n'), Buffer.from([0x41, 0xc3, 0x28, 0x42, 0x0a]), Buffer.from('ok\n')]);
    const { lines, stats } = splitInChunks(bytes, random, 1000);
    assert.equal(lines.length, 3);
    assert.equal(lines[0], 'a'.repeat(1000));
    assert.equal(stats.truncatedLines, 1);
    assert.equal(stats.invalidUtf8Lines, 1);
    assert.equal(lines[2], 'ok');
  });
});
