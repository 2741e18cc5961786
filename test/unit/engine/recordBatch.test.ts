import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordParser } from '../../../server/src/engine/analyzer';
import { resolveConfig } from '../../../server/src/engine/config';
import { StringIds } from '../../../server/src/engine/detect/stringIds';
import { splitText } from '../../../server/src/engine/lineSplitter';
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
            got.push({ text: t, record });
            if (record) {
              assert.equal(sourceId >= 0 ? tables[0].strings[sourceId] : undefined, record.source, `${name}: source id`);
              assert.equal(pathId >= 0 ? tables[1].strings[pathId] : undefined, record.path, `${name}: path id`);
              assert.equal(agentId >= 0 ? tables[2].strings[agentId] : undefined, record.userAgent, `${name}: agent id`);
            }
          },
          pushInternedBytes(bytes, start, end, record, sourceId, pathId, agentId, newPairs) {
            this.pushInterned(bytes.latin1Slice(start, end), record, sourceId, pathId, agentId, newPairs);
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
