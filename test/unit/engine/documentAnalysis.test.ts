import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis, splitLines, type TextChange } from '../../../server/src/engine/documentAnalysis';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { DEFAULT_CONFIG, resolveConfig, type EngineConfig } from '../../../server/src/engine/config';
import type { FileReport } from '../../../server/src/engine/model';
import { authLogLines, seededRandom } from '../../support/syntheticLogs';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'example_logs');
const AUTH = fs.readFileSync(path.join(EXAMPLES, 'auth.log'), 'utf8');
const APACHE = fs.readFileSync(path.join(EXAMPLES, 'apache_sample.log'), 'utf8');
const REFERENCE_TIME = Date.UTC(2024, 11, 31);
const PATH = 'logs/test.log';

function fresh(text: string, config: EngineConfig = DEFAULT_CONFIG): FileReport {
  return withoutTiming(analyzeText(text, { path: PATH, config, referenceTime: REFERENCE_TIME }));
}

function withoutTiming(report: FileReport | undefined): FileReport {
  assert.ok(report, 'the analysis produced no report');
  return { ...report, durationMs: 0 };
}

/** Immediate yields, with a hook so a test can act "while the analysis runs". */
function pauser(): { pause: () => Promise<void>; during: (action: () => void) => void } {
  let pending: (() => void) | undefined;
  return {
    pause: () =>
      new Promise((resolve) =>
        setImmediate(() => {
          const action = pending;
          pending = undefined;
          action?.();
          resolve();
        }),
      ),
    during: (action) => {
      pending = action;
    },
  };
}

function open(text: string, options: { chunkLines?: number; pause?: () => Promise<void>; config?: EngineConfig } = {}): DocumentAnalysis {
  return new DocumentAnalysis(text, {
    path: PATH,
    config: options.config ?? DEFAULT_CONFIG,
    referenceTime: REFERENCE_TIME,
    chunkLines: options.chunkLines,
    yieldToEventLoop: options.pause,
  });
}

describe('DocumentAnalysis', () => {
  describe('splitLines', () => {
    it('splits on LF, CRLF and lone CR and always returns a line', () => {
      assert.deepEqual(splitLines(''), ['']);
      assert.deepEqual(splitLines('a\r\nb\rc\nd'), ['a', 'b', 'c', 'd']);
      assert.deepEqual(splitLines('a\n'), ['a', '']);
      assert.deepEqual(splitLines('\r\n\r\n'), ['', '', '']);
    });
  });

  it('gives the same report as a fresh analysis of example logs', async () => {
    for (const text of [AUTH, APACHE, AUTH + APACHE, '', '\n\n']) {
      const doc = open(text);
      assert.deepEqual(withoutTiming(await doc.analyze()), fresh(text));
    }
  });

  it('keeps the text as LSP edits it (checked against vscode-languageserver-textdocument)', () => {
    const reference = TextDocument.create('file:///x.log', 'log', 1, 'one\ntwo\r\nthree\n');
    const doc = open(reference.getText());
    const changes: TextChange[] = [
      { range: { start: { line: 1, character: 1 }, end: { line: 2, character: 2 } }, text: 'X\nY' },
      { range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } }, text: '!' },
      { range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } }, text: 'tail' },
    ];
    doc.applyChanges(changes);
    TextDocument.update(reference, changes, 2);
    assert.equal(doc.getText(), reference.getText().replace(/\r\n/g, '\n'));
  });

  describe('incremental results equal a fresh analysis after random edits', () => {
    const pool = splitLines(AUTH + APACHE).filter((l) => l.length > 0);

    /** A random change against the reference document's current text. */
    function randomChange(random: () => number, reference: TextDocument): TextChange {
      const lineCount = reference.lineCount;
      const randomPosition = () => {
        const line = Math.floor(random() * lineCount);
        const length = reference.getText({ start: { line, character: 0 }, end: { line, character: 1e6 } }).replace(/\r?\n$/, '').length;
        return { line, character: random() < 0.5 ? 0 : Math.floor(random() * (length + 1)) };
      };
      const someLines = (n: number) => Array.from({ length: n }, () => pool[Math.floor(random() * pool.length)]);
      const kind = random();
      if (kind < 0.25) {
        // Insert whole log lines at the start of a line.
        const at = randomPosition();
        return { range: { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } }, text: someLines(1 + Math.floor(random() * 12)).join('\n') + '\n' };
      }
      if (kind < 0.45) {
        // Append at the end (the growing log).
        const end = reference.positionAt(reference.getText().length);
        const text = someLines(1 + Math.floor(random() * 20)).join('\n') + '\n';
        return { range: { start: end, end }, text: end.character === 0 ? text : '\n' + text };
      }
      if (kind < 0.65) {
        // Delete a range, possibly across lines.
        const a = reference.offsetAt(randomPosition());
        const b = Math.min(reference.getText().length, a + Math.floor(random() * 400));
        return { range: { start: reference.positionAt(a), end: reference.positionAt(b) }, text: '' };
      }
      if (kind < 0.85) {
        // Type or paste a fragment inside a line (may contain a line break).
        const at = randomPosition();
        const donor = pool[Math.floor(random() * pool.length)];
        const from = Math.floor(random() * donor.length);
        const fragment = donor.slice(from, from + 1 + Math.floor(random() * 30));
        return { range: { start: at, end: at }, text: random() < 0.2 ? fragment + '\n' : fragment };
      }
      if (kind < 0.97) {
        // Replace one whole line by another log line.
        const line = Math.floor(random() * lineCount);
        const end = line + 1 < lineCount ? { line: line + 1, character: 0 } : reference.positionAt(reference.getText().length);
        return { range: { start: { line, character: 0 }, end }, text: someLines(1)[0] + (line + 1 < lineCount ? '\n' : '') };
      }
      return { text: someLines(5 + Math.floor(random() * 40)).join('\n') + '\n' };
    }

    for (let seed = 1; seed <= 60; seed++) {
      it(`edit sequence #${seed}`, async () => {
        const random = seededRandom(seed * 7919);
        const base = [AUTH, APACHE, AUTH + APACHE][seed % 3];
        const reference = TextDocument.create('file:///p.log', 'log', 0, base);
        const { pause, during } = pauser();
        // Small chunks: the loops yield often, so edits and cancellations land mid-analysis.
        const doc = open(base, { chunkLines: 1 + Math.floor(random() * 16), pause });
        assert.deepEqual(withoutTiming(await doc.analyze()), fresh(base));
        let version = 0;
        const edit = (changes: TextChange[]) => {
          doc.applyChanges(changes);
          TextDocument.update(reference, changes, ++version);
        };
        for (let step = 0; step < 14; step++) {
          const batch: TextChange[] = [];
          const size = 1 + Math.floor(random() * 3);
          for (let k = 0; k < size; k++) {
            const change = randomChange(random, reference);
            batch.push(change);
            // Changes of one notification apply in order: each is relative to the text after the previous.
            TextDocument.update(reference, [change], version);
          }
          doc.applyChanges(batch);
          ++version;
          const r = random();
          if (r < 0.15) {
            // An edit arrives while the analysis runs: the result still matches the final text.
            during(() => edit([randomChange(random, reference)]));
          } else if (r < 0.3) {
            // The request is cancelled while the analysis runs: nothing half-done is committed.
            const token = { isCancellationRequested: false };
            during(() => (token.isCancellationRequested = true));
            const cancelled = await doc.analyze(token);
            if (cancelled !== undefined) assert.deepEqual(withoutTiming(cancelled), fresh(reference.getText()));
          }
          const report = await doc.analyze();
          assert.equal(doc.getText(), reference.getText().replace(/\r\n/g, '\n'));
          assert.deepEqual(withoutTiming(report), fresh(reference.getText()), `step ${step}`);
        }
      });
    }
  });

  describe('work done', () => {
    const BIG = 200_000;
    const APPENDED = 1_000;
    let doc: DocumentAnalysis;
    let lines: string[];

    before(async function () {
      this.timeout(120_000);
      lines = authLogLines(BIG + APPENDED, { seed: 11 });
      doc = open(lines.slice(0, BIG).join('\n') + '\n');
      await doc.analyze();
    });

    it('parses every line once on open', () => {
      assert.equal(doc.counters.linesParsed, BIG);
      assert.equal(doc.counters.rebuilds, 1);
    });

    it('appending 1,000 lines to a 200,000-line document parses about 1,000 lines', async () => {
      const before = { ...doc.counters };
      const end = { line: BIG, character: 0 };
      doc.applyChanges([{ range: { start: end, end }, text: lines.slice(BIG).join('\n') + '\n' }]);
      const report = await doc.analyze();
      const parsed = doc.counters.linesParsed - before.linesParsed;
      const fed = doc.counters.linesFed - before.linesFed;
      assert.equal(parsed, APPENDED, `parsed ${parsed} lines for an append of ${APPENDED}`);
      assert.equal(fed, APPENDED);
      assert.equal(doc.counters.appends - before.appends, 1);
      assert.equal(doc.counters.rebuilds, before.rebuilds, 'an append must not rebuild the detectors');
      assert.equal(report?.lines, BIG + APPENDED);
      assert.deepEqual(withoutTiming(report), fresh(doc.getText()));
    });

    it('an edit in the middle parses only the edited line and rebuilds from cached records', async () => {
      const before = { ...doc.counters };
      const line = 100_000;
      const text = doc.lineText(line);
      doc.applyChanges([{ range: { start: { line, character: 0 }, end: { line, character: text.length } }, text: lines[5] }]);
      const report = await doc.analyze();
      const parsed = doc.counters.linesParsed - before.linesParsed;
      // The edited line, the line above it (to restore the parsers' state) and the line below (to see it parses as before).
      assert.ok(parsed >= 1 && parsed <= 3, `parsed ${parsed} lines for a one-line edit`);
      assert.equal(doc.counters.rebuilds - before.rebuilds, 1);
      assert.deepEqual(withoutTiming(report), fresh(doc.getText()));
    });

    it('inserting lines above shifts the cached records (their line numbers follow)', async () => {
      const before = { ...doc.counters };
      const start = { line: 10, character: 0 };
      doc.applyChanges([{ range: { start, end: start }, text: lines.slice(0, 3).join('\n') + '\n' }]);
      const report = await doc.analyze();
      const parsed = doc.counters.linesParsed - before.linesParsed;
      assert.ok(parsed >= 3 && parsed <= 5, `parsed ${parsed} lines for 3 inserted lines`);
      assert.deepEqual(withoutTiming(report), fresh(doc.getText()));
    });

    it('a cancelled analysis produces no report; the next one completes from where it stopped', async () => {
      const start = { line: 0, character: 0 };
      doc.applyChanges([{ range: { start, end: start }, text: lines[9] + '\n' }]);
      const token = { isCancellationRequested: false };
      setImmediate(() => (token.isCancellationRequested = true));
      const before = doc.counters.cancelled;
      assert.equal(await doc.analyze(token), undefined);
      assert.equal(doc.counters.cancelled, before + 1);
      assert.equal(doc.isUpToDate, false);
      assert.deepEqual(withoutTiming(await doc.analyze()), fresh(doc.getText()));
    });

    it('a settings change rebuilds without parsing; a parsing setting parses again', async () => {
      const before = { ...doc.counters };
      const config = resolveConfig({ rules: { 'brute-force': { threshold: 50 } } });
      doc.setConfig(config);
      assert.deepEqual(withoutTiming(await doc.analyze()), fresh(doc.getText(), config));
      assert.equal(doc.counters.linesParsed, before.linesParsed);
      const withYear = resolveConfig({ referenceYear: 2023 });
      doc.setConfig(withYear);
      assert.deepEqual(withoutTiming(await doc.analyze()), fresh(doc.getText(), withYear));
      assert.equal(doc.counters.linesParsed - before.linesParsed, doc.lineCount);
    });
  });

  it('an append during a rebuild continues it instead of starting over', async () => {
    const { pause, during } = pauser();
    const lines = authLogLines(21_000, { seed: 5 });
    const doc = open(lines.slice(0, 20_000).join('\n') + '\n', { chunkLines: 1000, pause });
    await doc.analyze();
    const before = { ...doc.counters };
    doc.applyChanges([{ range: { start: { line: 10, character: 0 }, end: { line: 10, character: doc.lineText(10).length } }, text: lines[3] }]);
    during(() => {
      const end = { line: doc.lineCount, character: 0 };
      doc.applyChanges([{ range: { start: end, end }, text: lines.slice(20_000).join('\n') + '\n' }]);
    });
    const report = await doc.analyze();
    assert.equal(doc.counters.rebuilds - before.rebuilds, 1);
    assert.equal(doc.counters.linesFed - before.linesFed, 21_000, 'every line fed once');
    assert.deepEqual(withoutTiming(report), fresh(doc.getText()));
  });

  it('rejects an unknown forced format with the list of known ones', () => {
    assert.throws(() => open('x', { config: { ...DEFAULT_CONFIG, format: 'nope' as never } }), /unknown log format "nope" \(known: apache-combined/);
  });
});
