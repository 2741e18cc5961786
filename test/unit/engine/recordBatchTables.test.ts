import { strict as assert } from 'node:assert';
import { StringIds } from '../../../server/src/engine/detect/stringIds';
import type { LogRecord } from '../../../server/src/engine/model';
import { RecordBatchReader, RecordBatchWriter } from '../../../server/src/engine/recordBatch';

function httpRecord(line: number, source: string, path: string, method: string, referrer: string): LogRecord {
  return { line, kind: 'http', time: 1_700_000_000_000 + line * 1000, offsetMinutes: 0, source, method, path, status: 200, bytes: line, referrer };
}

describe('record batch string tables', () => {
  it('give every distinct path one id, methods and referrers their own, and read back the same strings', () => {
    const writer = new RecordBatchWriter(64);
    const tables: [StringIds, StringIds, StringIds] = [new StringIds(), new StringIds(), new StringIds()];
    const reader = new RecordBatchReader(tables);
    const seen = new Map<string, number>();
    const methods = ['GET', 'POST', 'PUT', 'GET', 'GET', 'PROPFIND'];
    let line = 0;
    const check = () => {
      reader.read(writer.flush(null), {
        pushInterned(_text, record, _sourceId, pathId) {
          assert.ok(record);
          const expected = `/item/${(record.line * 7) % 20_000}`;
          assert.equal(record.path, expected);
          assert.equal(tables[1].strings[pathId], expected);
          const known = seen.get(expected);
          if (known === undefined) seen.set(expected, pathId);
          else assert.equal(pathId, known, `${expected}: one id`);
          assert.equal(record.method, methods[record.line % methods.length]);
          assert.equal(record.referrer, `https://example.com/${record.line % 3}`);
        },
        pushInternedBytes(bytes, start, end, record, sourceId, pathId, agentId, newPairs, referrerId) {
          this.pushInterned(bytes.latin1Slice(start, end), record, sourceId, pathId, agentId, newPairs, referrerId);
        },
      });
    };
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20_000; i++, line++) {
        const path = `/item/${(line * 7) % 20_000}`;
        writer.add(`line ${line}`, -1, -1, httpRecord(line, `10.0.${line % 200}.1`, path, methods[line % methods.length], `https://example.com/${line % 3}`));
        if (writer.lines === 1000) check();
      }
    }
    check();
    assert.equal(seen.size, 20_000);
    assert.equal(tables[1].size, 20_000);
  });

  it('give referrers ids that never stand for two referrers, also after their table starts over', () => {
    const writer = new RecordBatchWriter(64);
    const reader = new RecordBatchReader([new StringIds(), new StringIds(), new StringIds()]);
    const referrerOf = new Map<number, string>();
    const idsOf = new Map<string, Set<number>>();
    let withoutId = 0;
    const check = () => {
      reader.read(writer.flush(null), {
        pushInterned(_text, record, _sourceId, _pathId, _agentId, _newPairs, referrerId) {
          assert.ok(record);
          if (record.referrer === undefined) {
            assert.equal(referrerId, -1);
            withoutId++;
            return;
          }
          const known = referrerOf.get(referrerId);
          if (known === undefined) referrerOf.set(referrerId, record.referrer);
          else assert.equal(known, record.referrer, `id ${referrerId}: one referrer`);
          let ids = idsOf.get(record.referrer);
          if (!ids) idsOf.set(record.referrer, (ids = new Set()));
          ids.add(referrerId);
        },
        pushInternedBytes(bytes, start, end, record, sourceId, pathId, agentId, newPairs, referrerId) {
          this.pushInterned(bytes.latin1Slice(start, end), record, sourceId, pathId, agentId, newPairs, referrerId);
        },
      });
    };
    // 100,000 distinct referrers, then the first 1,000 again: more than the table holds
    for (let line = 0; line < 101_000; line++) {
      const record = httpRecord(line, '10.0.0.1', '/', 'GET', `https://ref.example/${line % 100_000}`);
      if (line % 10 === 9) record.referrer = undefined;
      writer.add(`line ${line}`, -1, -1, record);
      if (writer.lines === 1000) check();
    }
    check();
    assert.equal(withoutId, 10_100);
    assert.ok(Math.max(...referrerOf.keys()) >= 65_536, 'the table started over');
    // a referrer seen before and after the table started over got a new id; one seen within a span kept its id
    assert.equal(idsOf.get('https://ref.example/0')!.size, 2);
    assert.equal(idsOf.get('https://ref.example/70000')!.size, 1);
  });
});
