import type { EngineConfig } from './config';
import type { FileReport, LogRecord, RuleId } from './model';
import type { ParseContext } from './formats/types';
import { Analyzer, createParseContext, isBlankLine, ParserChain, SNIFF_LINES, SNIFF_MAX_LINES } from './analyzer';
import { detectFormat, formatById, FORMAT_IDS, type FormatScore } from './formats';
import { type CancellationToken, NEVER_CANCELLED, yieldToEventLoop } from './cancellation';
import type { ForestThread } from './detect/outlierScores';

/**
 * The analysis of one open document, kept up to date as it is edited.
 *
 * It keeps every line's text and parsed record. An edit re-parses only the lines it touches
 * (the others keep their records, shifted); an append feeds only the new lines to the
 * detectors, which keep their state between analyses; any other edit rebuilds the detector
 * state from the cached records, without parsing again. The result always equals a fresh
 * analysis of the current text (a property test checks it).
 *
 * Editor-free: positions are LSP-shaped plain objects (0-based line, UTF-16 character).
 */

export interface TextPosition {
  line: number;
  character: number;
}

export interface TextRange {
  start: TextPosition;
  end: TextPosition;
}

/** A content change as LSP sends it: `range` replaced by `text`, or the whole text when there is no range. */
export interface TextChange {
  range?: TextRange;
  text: string;
}

export interface DocumentAnalysisOptions {
  /** The path reported in findings and fingerprints. */
  path: string;
  config: EngineConfig;
  /** Reference instant for year-less dates (the file's mtime); defaults to now. */
  referenceTime?: number;
  /** Lines handled between two looks at the cancellation token. */
  chunkLines?: number;
  /** How long loops let other work run between chunks (tests may pass a no-op). */
  yieldToEventLoop?: () => Promise<void>;
  /** See AnalyzerOptions.forestThread. */
  forestThread?: ForestThread;
}

/** Where a long analysis is: parsing lines, then feeding them to the detectors. */
export interface AnalysisProgress {
  phase: 'parse' | 'detect';
  done: number;
  total: number;
}

/** Work done since the document was opened: what tests and the stats request read. */
export interface DocumentWorkCounters {
  /** Lines given to the parsers (blank ones included). */
  linesParsed: number;
  /** Lines fed to the detectors. */
  linesFed: number;
  /** Analyses that only fed appended lines to the existing detector state. */
  appends: number;
  /** Analyses that rebuilt the detector state from the cached records. */
  rebuilds: number;
  /** Times the format was sniffed again (edits in the first lines). */
  formatDetections: number;
  /** Analyses that finished (reports produced). */
  completed: number;
  /** Analyses stopped by their cancellation token. */
  cancelled: number;
}

/**
 * 4096 lines take about 2–5 ms to parse and detect; checking the token that often keeps the
 * server answering (a cancellation, the next edit) within a few milliseconds.
 */
const DEFAULT_CHUNK_LINES = 4096;

/**
 * How far above a stale run the parsers are re-fed to get their state back: the nearest
 * line that is not a continuation is almost always the one right above; a thousand lines of
 * continuation (a stack trace) is already far beyond real logs.
 */
const WARM_UP_MAX_LINES = 1000;

const UNKNOWN = -2;

/**
 * An edit with at most this many lines after it moves those lines instead of rebuilding the
 * line arrays: an append to a growing log (the last line is the empty one after the final
 * line break) then costs the appended lines, not a copy of the whole document.
 */
const SHORT_TAIL = 1024;

type FeedOutcome = 'done' | 'restart' | 'cancelled';

export class DocumentAnalysis {
  readonly counters: DocumentWorkCounters = {
    linesParsed: 0,
    linesFed: 0,
    appends: 0,
    rebuilds: 0,
    formatDetections: 0,
    completed: 0,
    cancelled: 0,
  };

  /** The document's lines, without line ends; the last one is '' when the text ends with a line end. */
  private lines: string[];
  /** Parsed record per line: undefined = not parsed yet (or stale), null = blank or not understood. */
  private records: (LogRecord | null | undefined)[];
  private config: EngineConfig;
  private referenceTime: number;
  private parseContext: ParseContext;
  private chain: ParserChain | undefined;
  private chainScores: FormatScore[] = [];
  /** The last line the chain parsed (its state is the one after that line); UNKNOWN after edits. */
  private chainAt = UNKNOWN;
  /** No record is missing before this line. */
  private firstStale = 0;
  /** Lines [0, sampleEnd) are the format sample; when incomplete, any edit can change it. */
  private sampleEnd = 0;
  private sampleComplete = false;
  private sniffDirty = true;

  /** Detector state for lines [0, fed) (a rebuild in progress included). */
  private analyzer: Analyzer | undefined;
  private fed = 0;
  private needsRebuild = true;

  /** Bumped by every change of text or settings: a running loop that sees it move starts over. */
  private generation = 0;
  private reportGeneration = -1;
  private lastReport: FileReport | undefined;
  /** Analyses run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  private onProgress: ((progress: AnalysisProgress) => void) | undefined;
  private readonly chunkLines: number;
  private readonly pause: () => Promise<void>;

  constructor(
    text: string,
    private readonly options: DocumentAnalysisOptions,
  ) {
    this.config = options.config;
    checkFormat(this.config);
    this.referenceTime = options.referenceTime ?? Date.now();
    this.parseContext = createParseContext(this.config, this.referenceTime);
    this.chunkLines = Math.max(1, options.chunkLines ?? DEFAULT_CHUNK_LINES);
    this.pause = options.yieldToEventLoop ?? yieldToEventLoop;
    this.lines = splitLines(text);
    this.records = new Array(this.lines.length).fill(undefined);
  }

  /** Lines of the document as a line-oriented reader counts them (a final line end adds none). */
  get lineCount(): number {
    const n = this.lines.length;
    return n > 0 && this.lines[n - 1] === '' ? n - 1 : n;
  }

  /** Text of a 0-based line ('' past the end). */
  lineText(line: number): string {
    return this.lines[line] ?? '';
  }

  /** The whole text, with LF line ends. */
  getText(): string {
    return this.lines.join('\n');
  }

  /** The last report produced (it may lag behind the text until `analyze` runs again). */
  get report(): FileReport | undefined {
    return this.lastReport;
  }

  /** True when the last report matches the current text and settings. */
  get isUpToDate(): boolean {
    return this.lastReport !== undefined && this.reportGeneration === this.generation;
  }

  /** The format in use, once decided. */
  get formatId(): string | undefined {
    return this.chain?.format.id;
  }

  /** Rules whose detector threw during the analysis behind the last report (the other rules ran). */
  get failedRules(): readonly { rule: RuleId; error: string }[] {
    return this.analyzer?.stats.failedRules ?? [];
  }

  /** Applies content changes in order, as LSP's incremental sync sends them. Cheap: no parsing here. */
  applyChanges(changes: readonly TextChange[]): void {
    for (const change of changes) {
      if (change.range) this.applyRangeChange(change.range, change.text);
      else this.replaceAll(change.text);
    }
  }

  /**
   * New settings. Those that change parsing (format, year, line cap, reference time) make
   * every line parse again; the others only rebuild the detectors from the cached records.
   */
  setConfig(config: EngineConfig, referenceTime = this.referenceTime): void {
    checkFormat(config);
    const parsingChanged =
      config.format !== this.config.format ||
      config.referenceYear !== this.config.referenceYear ||
      config.maxLineLength !== this.config.maxLineLength ||
      referenceTime !== this.referenceTime;
    this.config = config;
    this.referenceTime = referenceTime;
    if (parsingChanged) {
      this.parseContext = createParseContext(config, referenceTime);
      this.invalidateParsing();
    }
    this.needsRebuild = true;
    this.generation++;
  }

  /**
   * Brings the report up to date with the text. Resolves to the report, or to undefined
   * when `token` was cancelled first; then nothing half-done is committed (records parsed
   * so far stay cached, they match their lines). Calls queue up and run one at a time.
   */
  analyze(token: CancellationToken = NEVER_CANCELLED, onProgress?: (progress: AnalysisProgress) => void): Promise<FileReport | undefined> {
    const run = this.queue.then(() => this.run(token, onProgress));
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---------------------------------------------------------------------------------------

  private async run(token: CancellationToken, onProgress?: (progress: AnalysisProgress) => void): Promise<FileReport | undefined> {
    this.onProgress = onProgress;
    for (;;) {
      if (this.isUpToDate) return this.lastReport;
      if (token.isCancellationRequested) {
        this.counters.cancelled++;
        return undefined;
      }
      const generation = this.generation;
      const t0 = performance.now();
      this.ensureFormat();
      const n = this.lineCount;
      if (this.fed > n) this.needsRebuild = true;
      const parsing = await this.parseStale(generation, token);
      if (parsing === 'restart') continue;
      if (parsing === 'cancelled') {
        this.counters.cancelled++;
        return undefined;
      }
      // A rebuild starts a fresh detector state and feeds it like an append from line 0: an
      // edit below the lines fed so far (typing further down, the log growing) then does not
      // throw the work away; only an edit above them starts it again.
      const rebuild = this.needsRebuild || this.analyzer === undefined;
      if (rebuild) {
        this.analyzer = new Analyzer({ path: this.options.path, config: this.config, referenceTime: this.referenceTime, forestThread: this.options.forestThread });
        this.fed = 0;
        this.needsRebuild = false;
        this.counters.rebuilds++;
      }
      const analyzer = this.analyzer!;
      const outcome = await this.feed(analyzer, this.fed, n, generation, token);
      if (outcome === 'restart') continue;
      if (outcome === 'cancelled') {
        this.counters.cancelled++;
        return undefined;
      }
      if (!rebuild) this.counters.appends++;
      const report = analyzer.finish();
      report.format = this.chain!.format.id;
      report.durationMs = Math.round((performance.now() - t0) * 10) / 10;
      this.lastReport = report;
      this.reportGeneration = generation;
      this.counters.completed++;
      return report;
    }
  }

  /**
   * Parses the lines without a record. Parsers keep a little state between lines (syslog
   * continuation lines take the time of the line above; W3C data lines follow the last
   * #Fields), so a stale run is parsed with the state the lines above give: the parsers are
   * first re-fed from the nearest self-contained line above the run, and after the run the
   * following lines are parsed again until their records come out as before.
   */
  private async parseStale(generation: number, token: CancellationToken): Promise<FeedOutcome> {
    const n = this.lineCount;
    let budget = this.chunkLines;
    let i = this.firstStale;
    while (i < n) {
      if (this.records[i] !== undefined) {
        i++;
        continue;
      }
      if (this.chainAt !== i - 1) this.warmUp(i);
      while (i < n) {
        if (--budget < 0) {
          budget = this.chunkLines - 1;
          // Whatever happens during the pause, parsing resumes (and re-checks) from here.
          this.records[i] = undefined;
          this.firstStale = i;
          this.onProgress?.({ phase: 'parse', done: i, total: n });
          await this.pause();
          if (this.generation !== generation) return 'restart';
          if (token.isCancellationRequested) return 'cancelled';
          if (this.chainAt !== i - 1) this.warmUp(i);
        }
        const cached = this.records[i];
        const record = this.parse(i);
        this.records[i] = record;
        i++;
        if (cached === undefined) continue;
        if (sameRecord(cached, record)) {
          // The same self-contained record: the parsers' state is what it was; stop. (Not after
          // a continuation or a blank line: those carry the state of the lines above along.)
          if (record !== null && record.kind !== 'meta') break;
        } else if (i - 1 < this.fed) this.needsRebuild = true;
      }
    }
    this.firstStale = n;
    return 'done';
  }

  /** Puts the parsers in the state they have after line `line - 1`. */
  private warmUp(line: number): void {
    let from = line - 1;
    const limit = Math.max(0, line - WARM_UP_MAX_LINES);
    while (from > limit) {
      const record = this.records[from];
      if (record && record.kind !== 'meta') break;
      from--;
    }
    if (from <= 0) {
      // From the top: fresh parsers, as a fresh analysis has.
      this.chain = new ParserChain(this.chain!.format, this.chainScores, this.parseContext);
      from = 0;
    }
    this.chainAt = from - 1;
    for (let k = from; k < line; k++) this.parse(k);
  }

  /**
   * Feeds lines [from, to) to the detectors from the cached records. `fed` advances line by
   * line, so stopping half-way (cancelled, or an edit arrived) leaves a consistent state to
   * continue from; no report is produced until every line is fed.
   */
  private async feed(analyzer: Analyzer, from: number, to: number, generation: number, token: CancellationToken): Promise<FeedOutcome> {
    let budget = this.chunkLines;
    for (let i = from; i < to; i++) {
      if (--budget < 0) {
        budget = this.chunkLines - 1;
        this.onProgress?.({ phase: 'detect', done: i - from, total: to - from });
        await this.pause();
        if (this.generation !== generation) return 'restart';
        if (token.isCancellationRequested) return 'cancelled';
      }
      let record = this.records[i];
      if (record === undefined) {
        // Not reached after parseStale; kept so a record is never fed missing.
        if (this.chainAt !== i - 1) this.warmUp(i);
        record = this.records[i] = this.parse(i);
      } else if (record !== null && record.line !== i) record.line = i; // shifted by an edit above
      analyzer.pushParsed(this.analysedText(i), record);
      this.counters.linesFed++;
      this.fed = i + 1;
    }
    return 'done';
  }

  private parse(line: number): LogRecord | null {
    this.counters.linesParsed++;
    this.chainAt = line;
    const text = this.analysedText(line);
    const max = this.config.maxLineLength;
    const capped = text.length > max ? text.slice(0, max) : text;
    return isBlankLine(capped) ? null : this.chain!.parse(capped, line);
  }

  /** A line as the analyzer sees it: the byte-order mark is not part of the first line. */
  private analysedText(line: number): string {
    const text = this.lines[line];
    return line === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** Chooses the format from the sample, as a fresh analysis would; keeps the records when it stays the same. */
  private ensureFormat(): void {
    if (this.chain && !this.sniffDirty) return;
    this.sniffDirty = false;
    const forced = this.config.format;
    if (forced) {
      this.sampleEnd = 0;
      this.sampleComplete = true;
      if (!this.chain || this.chain.format.id !== forced) this.useChain(new ParserChain(formatById(forced)!, [], this.parseContext), []);
      return;
    }
    const sample: string[] = [];
    const n = this.lineCount;
    const max = this.config.maxLineLength;
    let nonEmpty = 0;
    let i = 0;
    for (; i < n && nonEmpty < SNIFF_LINES && i < SNIFF_MAX_LINES; i++) {
      const raw = this.analysedText(i);
      const text = raw.length > max ? raw.slice(0, max) : raw;
      sample.push(text);
      if (text.trim().length > 0) nonEmpty++;
    }
    this.sampleEnd = i;
    this.sampleComplete = nonEmpty >= SNIFF_LINES || i >= SNIFF_MAX_LINES;
    this.counters.formatDetections++;
    const { format, scores } = detectFormat(sample, this.parseContext);
    const candidate = new ParserChain(format, scores, this.parseContext);
    if (!this.chain || this.chain.key !== candidate.key) this.useChain(candidate, scores);
  }

  private useChain(chain: ParserChain, scores: FormatScore[]): void {
    this.chain = chain;
    this.chainScores = scores;
    this.chainAt = -1; // fresh parsers: the state before line 0
    this.records.fill(undefined);
    this.firstStale = 0;
    this.needsRebuild = true;
  }

  /** Every line parses again, after the format is chosen again. */
  private invalidateParsing(): void {
    this.chain = undefined;
    this.sniffDirty = true;
    this.records.fill(undefined);
    this.firstStale = 0;
  }

  private replaceAll(text: string): void {
    this.lines = splitLines(text);
    this.records = new Array(this.lines.length).fill(undefined);
    this.invalidateParsing();
    this.needsRebuild = true;
    this.generation++;
  }

  private applyRangeChange(range: TextRange, text: string): void {
    let start = this.clamp(range.start);
    let end = this.clamp(range.end);
    if (start.line > end.line || (start.line === end.line && start.character > end.character)) [start, end] = [end, start];
    const prefix = this.lines[start.line].slice(0, start.character);
    const suffix = this.lines[end.line].slice(end.character);
    this.spliceLines(start.line, end.line - start.line + 1, splitLines(prefix + text + suffix));
  }

  private clamp(p: TextPosition): TextPosition {
    const last = this.lines.length - 1;
    if (!(p.line >= 0)) return { line: 0, character: 0 };
    if (p.line > last) return { line: last, character: this.lines[last].length };
    const length = this.lines[p.line].length;
    return { line: p.line, character: Math.max(0, Math.min(p.character, length)) };
  }

  /** Replaces `count` lines at `from`; lines equal at either end keep their records. */
  private spliceLines(from: number, count: number, replacement: string[]): void {
    const limit = Math.min(count, replacement.length);
    let head = 0;
    while (head < limit && this.lines[from + head] === replacement[head]) head++;
    let tail = 0;
    while (tail < limit - head && this.lines[from + count - 1 - tail] === replacement[replacement.length - 1 - tail]) tail++;
    const at = from + head;
    const removed = count - head - tail;
    const inserted = replacement.length - head - tail;
    if (removed === 0 && inserted === 0) return;

    if (removed === inserted) {
      for (let k = 0; k < inserted; k++) {
        this.lines[at + k] = replacement[head + k];
        this.records[at + k] = undefined;
      }
    } else if (this.lines.length - (at + removed) <= SHORT_TAIL) {
      // At or near the end (the growing log, whose last line is the empty one after the final
      // line break): only the few lines after the change move; what comes before is not copied.
      const keptLines = this.lines.slice(at + removed);
      const keptRecords = this.records.slice(at + removed);
      this.lines.length = at;
      this.records.length = at;
      for (let k = 0; k < inserted; k++) {
        this.lines.push(replacement[head + k]);
        this.records.push(undefined);
      }
      for (let k = 0; k < keptLines.length; k++) {
        this.lines.push(keptLines[k]);
        this.records.push(keptRecords[k]);
      }
    } else {
      // Array.prototype.splice with a spread argument fails beyond ~100K inserted lines.
      const newLines = replacement.slice(head, head + inserted);
      this.lines = this.lines.slice(0, at).concat(newLines, this.lines.slice(at + removed));
      this.records = this.records.slice(0, at).concat(new Array(inserted).fill(undefined), this.records.slice(at + removed));
    }
    // A deletion leaves no new line to parse, but the line after it may now parse differently
    // (a continuation that lost its header): make it the run that is checked.
    if (inserted === 0 && at < this.records.length) this.records[at] = undefined;
    if (at < this.firstStale) this.firstStale = at;
    if (at <= this.chainAt) this.chainAt = UNKNOWN;
    if (at < this.fed) this.needsRebuild = true;
    if (!this.sampleComplete || at < this.sampleEnd) this.sniffDirty = true;
    this.generation++;
  }
}

/** Splits on LF, CRLF and lone CR; always at least one line. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push(text.slice(start, i));
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lines.push(text.slice(start));
  return lines;
}

/** Equal records, the line number aside (cached records keep the number they were parsed at). */
function sameRecord(a: LogRecord | null, b: LogRecord | null): boolean {
  if (a === null || b === null) return a === b;
  let count = 0;
  for (const key in a) {
    if (key === 'line') continue;
    if (!Object.is((a as unknown as Record<string, unknown>)[key], (b as unknown as Record<string, unknown>)[key])) return false;
    count++;
  }
  for (const key in b) if (key !== 'line') count--;
  return count === 0;
}

function checkFormat(config: EngineConfig): void {
  if (config.format !== undefined && !formatById(config.format)) {
    throw new Error(`unknown log format "${config.format}" (known: ${FORMAT_IDS.join(', ')})`);
  }
}
