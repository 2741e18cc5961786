import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Analyzer, RecordParser } from '../../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { splitText } from '../../../server/src/engine/lineSplitter';
import { RecordBatchReader, RecordBatchWriter } from '../../../server/src/engine/recordBatch';
import { TimelineCollector } from '../../../server/src/io/timeline';

const EXAMPLES = path.resolve(__dirname, '../../../example_logs');

/** The timeline of a text counted by the collector's own parsing (what it does for an open document). */
function parsedByCollector(text: string): TimelineCollector {
  const collector = new TimelineCollector(DEFAULT_CONFIG);
  splitText(text, (line, i) => collector.pushLine(line, i));
  return collector;
}

describe('timeline counted from the analysis\' own records (the file is parsed once)', () => {
  for (const name of readdirSync(EXAMPLES).sort()) {
    it(`${name}: same timeline through Analyzer.onRecord, on one thread and through record batches`, () => {
      const text = readFileSync(path.join(EXAMPLES, name), 'utf8');
      const expected = parsedByCollector(text);

      // one thread: the analyzer parses and hands each record over
      const single = new TimelineCollector(DEFAULT_CONFIG);
      const analyzer = new Analyzer({ path: name, config: DEFAULT_CONFIG, onRecord: (r, line) => single.observeRecord(r, line) });
      analyzer.pushText(text);
      const report = analyzer.finish();

      // two threads' path: records parsed on one side, batched, read back into pushInterned
      const batched = new TimelineCollector(DEFAULT_CONFIG);
      const receiver = new Analyzer({ path: name, config: DEFAULT_CONFIG, onRecord: (r, line) => batched.observeRecord(r, line) });
      const reader = new RecordBatchReader([receiver.profiles.sources, receiver.profiles.paths, receiver.profiles.agents]);
      const writer = new RecordBatchWriter(16, false);
      const parser = new RecordParser(DEFAULT_CONFIG, undefined, (capped, _line, record) => {
        writer.add(capped, -1, -1, record);
        if (writer.lines === 16) reader.read(writer.flush(null), receiver);
      });
      splitText(text, (line, i) => parser.push(line, i));
      parser.end();
      reader.read(writer.flush(null), receiver);

      const want = expected.timeline(report.findings);
      assert.ok(want.timed + want.untimed > 0, `${name}: nothing counted`);
      assert.deepEqual(single.timeline(report.findings), want);
      assert.deepEqual(batched.timeline(report.findings), want);
    });
  }
});
