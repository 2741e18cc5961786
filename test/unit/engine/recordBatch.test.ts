import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordParser } from '../../../server/src/engine/analyzer';
import { resolveConfig } from '../../../server/src/engine/config';
import { StringIds } from '../../../server/src/engine/detect/stringIds';
import { LineSplitter, splitText } from '../../../server/src/engine/lineSplitter';
import { AccessLineFields } from '../../../server/src/engine/formats/accessLogFields';
import { RequestRanges } from '../../../server/src/engine/formats/accessLineBytes';
import { seededRandom } from '../../../bench/random';
import type { LogRecord } from '../../../server/src/engine/model';
import { ipv4Key, RecordBatchReader, RecordBatchWriter } from '../../../server/src/engine/recordBatch';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'example_logs');

/** The record's defined fields (the reader spells every field out, absent ones as undefined). */
function defined(r: LogRecord | null): Record<string, unknown> | null {
  if (r === null) return null;
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
}

describe('record batches (what the reader thread sends)', () => {
  it('read back every example log line and record exactly, across batches, with the profile ids pointing at the same strings', () => {
    const config = resolveConfig(undefined);
    for (const name of fs.readdirSync(EXAMPLES)) {
      const text = fs.readFileSync(path.join(EXAMPLES, name), 'utf8');
      const expected: { text: string; record: LogRecord | null }[] = [];
      const writer = new RecordBatchWriter(8); // small batches: tables carry over between them
      const batches = [];
      const parser = new RecordParser(config, Date.UTC(2024, 5, 1), (capped, _line, record) => {
        expected.push({ text: capped, record: record && { ...record } });
        writer.add(capped, -1, -1, record);
        if (writer.lines === 5) batches.push(writer.flush(null));
      });
      splitText(text, (line, n) => parser.push(line, n));
      parser.end();
      batches.push(writer.flush(null));

      const tables: [StringIds, StringIds, StringIds] = [new StringIds(), new StringIds(), new StringIds()];
      const reader = new RecordBatchReader(tables);
      const got: { text: string; record: LogRecord | null }[] = [];
      for (const b of batches) {
        reader.read(b, {
          pushInterned(t, record, sourceId, pathId, agentId) {
            got.push({ text: t, record: record && { ...record } }); // the reader refills its record for the next line
            if (record) {
              assert.equal(sourceId >= 0 ? tables[0].strings[sourceId] : undefined, record.source, `${name}: source id`);
              assert.equal(pathId >= 0 ? tables[1].strings[pathId] : undefined, record.path, `${name}: path id`);
              assert.equal(agentId >= 0 ? tables[2].strings[agentId] : undefined, record.userAgent, `${name}: agent id`);
            }
          },
          pushInternedBytes(bytes, start, end, record, sourceId, pathId, agentId, newPairs, referrerId) {
            this.pushInterned(bytes.latin1Slice(start, end), record, sourceId, pathId, agentId, newPairs, referrerId);
          },
        });
      }
      assert.equal(got.length, expected.length, name);
      assert.ok(expected.some((e) => e.record !== null), `${name}: nothing parsed`);
      for (let i = 0; i < got.length; i++) {
        assert.equal(got[i].text, expected[i].text, `${name} line ${i}`);
        assert.deepEqual(defined(got[i].record), defined(expected[i].record), `${name} line ${i}`);
      }
    }
  });

  it('write access-log lines read as fields exactly as the records the parser makes of them', () => {
    const awkward = [
      '203.0.113.9 - - [10/Oct/2024:13:55:36 -0700] "GET /a/b.php?id=1%27 HTTP/1.1" 200 2326 "http://x.example/" "Mozilla/5.0 (X11)"',
      'www.example.com 198.51.100.2 - bob [10/Oct/2024:13:55:37 +0200] "POST /login HTTP/1.1" 401 12 "-" "curl/8.0"',
      '2001:db8::7 - - [10/Oct/2024:13:55:38 +0000] "GET /?q= HTTP/2.0" 304 - "" "-"',
      'host-1.example - - [10/Oct/2024:13:55:39 -0000] "GET /x?\\"a\\"=1 HTTP/1.1" 200 5 "http://r/\\"q\\"" "agent \\"quoted\\" here"',
      '198.51.100.3 - - [10/Oct/2024:13:55:40 -0700] "-" 400 0 "-" "-"',
      '198.51.100.4 - - [10/Oct/2024:13:55:41 -0700] "GET /no protocol here" 200 1 "-" "x"',
      '198.51.100.5 - - [10/Oct/2024:13:55:42 -0700] "GET /quote"inside HTTP/1.1" 404 9 "-" "ua"',
      '"198.51.100.6 - - [10/Oct/2024:13:55:43 -0700] \\"GET / HTTP/1.1\\" 200 1 \\"-\\" \\"ua\\""',
      '198.51.100.7 - - [10/Oct/2024:13:55:44 -0700] "GET /extra HTTP/1.1" 200 1 "-" "ua" 0.012 "upstream"',
      '198.51.100.8 - - [10/Oct/2024:13:55:45 -0700] "GET /cr HTTP/1.1" 200 1 "-" "ua"\r',
      '198.51.100.9\t-\t-\t[10/Oct/2024:13:55:46 -0700]\t"GET /tabs HTTP/1.1"\t200\t1\t"-"\t"ua"',
      '198.51.100.10 - - [10/Oct/2024:13:55:47 -0700] "GET /common HTTP/1.1" 200 1',
      '198.51.100.11 - - [10/Oct/2024:13:55:48 -0700] "GET /cut HTTP/1.1" 200 1 "-" "truncated agent',
      '198.51.100.12 - - [10/Oct/2024:13:55:49.123 GMT] "GET /odd-date HTTP/1.1" 200 1 "-" "ua"',
      'not an access line at all',
    ].join('\n');
    const inputs: [string, string][] = fs.readdirSync(EXAMPLES).map((name) => [name, fs.readFileSync(path.join(EXAMPLES, name), 'utf8')]);
    for (const format of ['apache-combined', 'apache-common', undefined]) inputs.push([`awkward lines (${format ?? 'detected'})`, awkward]);
    let asFields = 0;
    for (const [i, [name, text]] of inputs.entries()) {
      const format = i >= inputs.length - 3 ? (['apache-combined', 'apache-common', undefined] as const)[i - (inputs.length - 3)] : undefined;
      const config = resolveConfig(format ? { format } : undefined);
      const readBack = (useFields: boolean) => {
        const writer = new RecordBatchWriter(8);
        const batches = [];
        const flushSome = () => {
          if (writer.lines === 5) batches.push(writer.flush(null));
        };
        const parser = new RecordParser(
          config,
          Date.UTC(2024, 5, 1),
          (capped, _line, record) => {
            writer.add(capped, -1, -1, record);
            flushSome();
          },
          useFields
            ? (capped, line, fields) => {
                asFields++;
                writer.addAccess(capped, -1, -1, capped, line, fields);
                flushSome();
              }
            : undefined,
        );
        splitText(text, (line, n) => parser.push(line, n));
        parser.end();
        batches.push(writer.flush(null));
        const tables: [StringIds, StringIds, StringIds] = [new StringIds(), new StringIds(), new StringIds()];
        const reader = new RecordBatchReader(tables);
        const got: unknown[] = [];
        for (const b of batches) {
          reader.read(b, {
            pushInterned(t, record, sourceId, pathId, agentId, newPairs) {
              got.push({ t, record: defined(record), sourceId, pathId, agentId, newPairs });
            },
            pushInternedBytes() {
              assert.fail('no chunk here');
            },
          });
        }
        return got;
      };
      assert.deepEqual(readBack(true), readBack(false), name);
    }
    assert.ok(asFields > 100, `only ${asFields} lines went as fields`);
  });

  it('write access lines read from a chunk\'s bytes exactly as the records the parser makes of them, across table resets', () => {
    // Many distinct referrers and user agents (past the non-profile tables' cap, so they start
    // over while sources keep their last ids), vhosts, users, methods in runs (the same as the
    // line before, or not); some lines the bytes reader leaves to the text reader; chunks that
    // cut lines in two.
    const random = seededRandom(11);
    const lines: string[] = [];
    for (let i = 0; i < 80_000; i++) {
      const source = `10.${i % 7}.${Math.floor(random() * 40)}.${1 + Math.floor(random() * 9)}`;
      const vhost = i % 13 === 0 ? `site${i % 3}.example ` : '';
      const user = i % 17 === 0 ? `user${i % 5}` : '-';
      const method = ['GET', 'POST', 'HEAD', 'PROPFIND'][Math.floor(i / 3) % 4];
      const query = i % 3 === 0 ? `?id=${i % 50}` : '';
      const referrer = i % 50 === 0 ? '-' : `https://r.example/${i}`;
      const agent = i % 11 === 0 ? '-' : `agent/${Math.floor(i / 40)} (${i % 9})`;
      const escaped = i % 997 === 0 ? '\\"x\\"' : '';
      lines.push(`${vhost}${source} - ${user} [10/Oct/2024:13:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} +0200] "${method} /p/${i % 300}${escaped}${query} HTTP/1.1" ${[200, 404, 401][i % 3]} ${i % 7 === 0 ? '-' : i} "${referrer}" "${agent}"`);
    }
    const text = Buffer.from(lines.join('\n') + '\n', 'latin1');
    const config = resolveConfig({ format: 'apache-combined' });
    const readBack = (useBytes: boolean) => {
      const writer = new RecordBatchWriter(8);
      const parser = new RecordParser(config, Date.UTC(2024, 5, 1), (capped, _line, record) => writer.add(capped, -1, -1, record));
      const fields = new AccessLineFields();
      const request = new RequestRanges();
      const splitter = new LineSplitter(
        (line, n) => parser.push(line, n),
        1 << 20,
        useBytes
          ? (chunk, start, end, n) => {
              if (!parser.scanAccessBytes(chunk, start, end, fields, request)) return false;
              writer.addAccessBytes(chunk as Buffer & { latin1Slice(s: number, e: number): string }, start, end, n, fields, request);
              return true;
            }
          : undefined,
      );
      const tables: [StringIds, StringIds, StringIds] = [new StringIds(), new StringIds(), new StringIds()];
      const reader = new RecordBatchReader(tables);
      const got: unknown[] = [];
      const sink = {
        pushInterned(t: string, record: LogRecord | null, sourceId: number, pathId: number, agentId: number, newPairs: number) {
          got.push({ t, record: defined(record), sourceId, pathId, agentId, newPairs });
        },
        pushInternedBytes(bytes: { latin1Slice(s: number, e: number): string }, start: number, end: number, record: LogRecord | null, sourceId: number, pathId: number, agentId: number, newPairs: number) {
          got.push({ t: bytes.latin1Slice(start, end), record: defined(record), sourceId, pathId, agentId, newPairs });
        },
      };
      // 64 KB chunks, each its own ArrayBuffer (what the batch's offsets point into)
      for (let at = 0; at < text.length; at += 1 << 16) {
        const piece = Buffer.from(Uint8Array.prototype.slice.call(text, at, at + (1 << 16)).buffer);
        splitter.push(piece);
        reader.read(writer.flush(piece.buffer as ArrayBuffer, piece.length), sink);
      }
      splitter.end();
      parser.end();
      reader.read(writer.flush(null), sink);
      return got;
    };
    const viaBytes = readBack(true);
    const viaRecords = readBack(false);
    assert.equal(viaBytes.length, lines.length);
    assert.equal(viaRecords.length, lines.length);
    // line by line (a failing deepEqual of the whole would print all of it)
    for (let i = 0; i < lines.length; i++) assert.deepEqual(viaBytes[i], viaRecords[i], `line ${i}`);
  });

  it('keys only canonical dotted-quad IPv4 texts by their value (two texts never share a key)', () => {
    const cases: [string, number][] = [
      ['1.2.3.4', 0x01020304],
      ['10.0.0.1', 0x0a000001],
      ['0.0.0.0', 0],
      ['255.255.255.254', 0xfffffffe | 0],
      ['01.2.3.4', -1],
      ['1.2.3.04', -1],
      ['256.1.1.1', -1],
      ['1.2.3', -1],
      ['1.2.3.4.5', -1],
      ['1..2.3', -1],
      ['.1.2.3', -1],
      ['1.2.3.', -1],
      ['1.2.3.4 ', -1],
      ['a.b.c.d', -1],
      ['::1', -1],
      ['2001:db8::1', -1],
    ];
    for (const [text, key] of cases) assert.equal(ipv4Key(text), key, text);
  });
});
