import type { EngineConfig } from './config';
import type { FailedRule, FileReport, Finding, FormatId, LogRecord, RuleId } from './model';
import type { LineParser, LogFormat, ParseContext } from './formats/types';
import type { Detector, DetectorContext, LineText } from './detect/types';
import { detectFormat, formatById, FormatScore, FORMATS } from './formats';
import { createDetectors } from './detect';
import { SourceProfiles } from './detect/sourceProfiles';
import { WorkingHoursClock } from './time/workingHours';
import { IpAllowlist } from './net/ipAllowlist';
import { compareFindings } from './score';
import { LineSplitter, splitText } from './lineSplitter';
import { AccessLineFields } from './formats/accessLogFields';
import type { RequestRanges } from './formats/accessLineBytes';
import type { ForestThread } from './detect/outlierScores';

/** Non-empty lines looked at before the format is chosen. */
export const SNIFF_LINES = 64;
/** Lines (empty or not) after which the format is chosen whatever the sample holds. */
export const SNIFF_MAX_LINES = 1000;

/** Marks a record fed without interned ids (ids are ≥ 0, or -1 for an absent field). */
const NOT_INTERNED = -2;

export interface AnalyzerOptions {
  /** The path reported in findings and fingerprints. */
  path: string;
  config: EngineConfig;
  /** Reference instant for year-less dates (file mtime); defaults to now. */
  referenceTime?: number;
  /**
   * Called with every record (its 0-based line too), in line order, before the detectors see
   * it. Like the detectors, read its fields during the call; don't keep the object (a parallel
   * reader refills one record line after line, see RecordBatchReader).
   */
  onRecord?: (record: LogRecord, line: number) => void;
  /**
   * A second thread that computes ml-outlier's numbers for a big population while the other
   * detectors finish (see ForestThread). The findings are the same without it.
   */
  forestThread?: ForestThread;
}

export interface AnalyzerStats {
  lines: number;
  parsed: number;
  skipped: number;
  /** Lines longer than maxLineLength (only their head was analysed). */
  longLines: number;
  /** Records per kind. */
  kinds: Record<LogRecord['kind'], number>;
  /** Rules whose detector threw; the other rules still ran. */
  failedRules: FailedRule[];
}

/**
 * The parse half of an analysis: sniffs the format from the first lines, then turns every
 * line into a record with the parser chain. Records come out in line order through `emit`
 * (null for a blank line or one no parser understands); the first lines wait until the
 * format is chosen. Runs wherever the lines are read (this thread, or a reader thread).
 */
export class RecordParser {
  private format: LogFormat | undefined;
  private formatScores: FormatScore[] = [];
  private chain: ParserChain | undefined;
  private sniffed: { text: string; line: number }[] | undefined = [];
  private sniffedNonEmpty = 0;
  private readonly parseContext: ParseContext;
  private readonly accessFields = new AccessLineFields();
  private readonly maxLineLength: number;

  /**
   * `emitAccess`, when given, takes the lines of an access log's own format as fields instead
   * of records (see LineParser.scanAccess): a reader that stores fields makes no record.
   */
  constructor(
    config: EngineConfig,
    referenceTime: number | undefined,
    private readonly emit: (text: string, line: number, record: LogRecord | null) => void,
    private readonly emitAccess?: (text: string, line: number, fields: AccessLineFields) => void,
  ) {
    this.parseContext = createParseContext(config, referenceTime);
    this.maxLineLength = config.maxLineLength;
    if (config.format) {
      const forced = formatById(config.format);
      if (!forced) throw new Error(`unknown log format "${config.format}" (known: ${FORMATS.map((f) => f.id).join(', ')})`);
      this.choose(forced);
    }
  }

  /** The detected (or forced) format; undefined until enough lines were seen. */
  get formatId(): FormatId | undefined {
    return this.format?.id;
  }

  get scores(): readonly FormatScore[] {
    return this.formatScores;
  }

  /** True while lines are held back for the format decision (they come out later, in order). */
  get sampling(): boolean {
    return this.sniffed !== undefined;
  }

  /** The next line, already capped at maxLineLength. */
  push(text: string, line: number): void {
    if (this.sniffed) {
      this.sniffed.push({ text, line });
      if (text.trim().length > 0) this.sniffedNonEmpty++;
      if (this.sniffedNonEmpty >= SNIFF_LINES || this.sniffed.length >= SNIFF_MAX_LINES) this.decide();
    } else this.parseLine(text, line);
  }

  private parseLine(text: string, line: number): void {
    if (isBlankLine(text)) this.emit(text, line, null);
    else if (this.emitAccess && this.chain!.scanAccess(text, this.accessFields)) this.emitAccess(text, line, this.accessFields);
    else this.emit(text, line, this.chain!.parse(text, line));
  }

  /**
   * An access line of the chosen format read straight from the ASCII bytes[start, end) (see
   * LineParser.scanAccessBytes) into `into` and `request`: true when it was, and the line is
   * then taken (it is the next line, and is not pushed). False while the format is being
   * decided, for other formats, for lines longer than maxLineLength, and whenever the text
   * reader has to decide: the line is then pushed as text.
   */
  scanAccessBytes(bytes: Uint8Array, start: number, end: number, into: AccessLineFields, request: RequestRanges): boolean {
    if (this.sniffed || end - start > this.maxLineLength) return false;
    return this.chain!.scanAccessBytes(bytes, start, end, into, request);
  }

  /** Chooses the format now if the sample is still open (the text was short); lines may still follow. */
  end(): void {
    if (this.sniffed) this.decide();
  }

  private decide(): void {
    const sample = this.sniffed ?? [];
    this.sniffed = undefined;
    if (!this.format) {
      const { format, scores } = detectFormat(
        sample.map((s) => s.text),
        this.parseContext,
      );
      this.formatScores = scores;
      this.choose(format);
    }
    for (const { text, line } of sample) this.parseLine(text, line);
  }

  private choose(format: LogFormat): void {
    this.format = format;
    this.chain = new ParserChain(format, this.formatScores, this.parseContext);
  }
}

/**
 * One file's analysis: feed lines in order (`pushLine`), ask for the findings (`finish`) as
 * often as needed — appended lines can keep coming after a `finish`.
 */
export class Analyzer {
  readonly stats: AnalyzerStats = {
    lines: 0,
    parsed: 0,
    skipped: 0,
    longLines: 0,
    kinds: { http: 0, auth: 0, firewall: 0, event: 0, meta: 0 },
    failedRules: [],
  };
  private readonly parser: RecordParser;
  private readonly detectors: Detector[];
  /** The per-source aggregates; their string tables are where a parallel reader's ids point. */
  readonly profiles: SourceProfiles;
  private readonly allowlist: IpAllowlist;
  /** The line the detectors are looking at (one object, refilled line after line). */
  private readonly current = new CurrentLine();
  private readonly started = performance.now();
  /**
   * Time spent in pushText and finish, ms (a clock read per line would cost more than some
   * detectors; streams from disk report their wall time instead, see io/analyzeFile.ts). A
   * typed slot, not a number field: a field that turns from 0 into a fraction changes this
   * object's shape, and V8 threw away every optimised function that reads the analyzer at the
   * next line (seen with --trace-deopt at an editor's first append after the full analysis).
   */
  private readonly busyMs = new Float64Array(1);

  constructor(private readonly options: AnalyzerOptions) {
    const { config } = options;
    this.parser = new RecordParser(config, options.referenceTime, (text, line, record) => this.observe(text, record, line));
    this.profiles = new SourceProfiles(new WorkingHoursClock(config.workingHours));
    this.detectors = createDetectors(config, this.profiles.current);
    this.allowlist = new IpAllowlist(config.allowlist);
  }

  /** The detected (or forced) format; undefined until enough lines were seen. */
  get formatId(): FormatId | undefined {
    return this.parser.formatId;
  }

  get scores(): readonly FormatScore[] {
    return this.parser.scores;
  }

  /** Feeds the next line (without its line end). */
  pushLine(text: string): void {
    const line = this.stats.lines++;
    this.parser.push(this.capped(text), line);
  }

  /**
   * Feeds the next line already parsed elsewhere (`record` null: blank or not understood).
   * The editor's per-document analysis keeps each line's record and rebuilds the detectors
   * from them without parsing again. Don't mix with `pushLine` on one analyzer.
   */
  pushParsed(text: string, record: LogRecord | null): void {
    this.observe(this.capped(text), record, this.stats.lines++);
  }

  /**
   * Same as pushParsed, for a record whose source, path and user agent were interned by a
   * reader that fills `profiles`' string tables (ids -1 where the field is absent): the
   * aggregates then need no lookup by string. `newPairs`: see SourceProfiles.observeInterned;
   * `referrerId`: see RecordIds.referrer.
   */
  pushInterned(text: string, record: LogRecord | null, sourceId: number, pathId: number, agentId: number, newPairs = -1, referrerId = -1): void {
    this.current.set(this.capped(text));
    this.observeCurrent(record, this.stats.lines++, sourceId, pathId, agentId, newPairs, referrerId);
  }

  /**
   * Same as pushInterned, for a line that is `bytes[start, end)` of an ASCII chunk: its text
   * is only decoded if a detector reads it (most records never need it).
   */
  pushInternedBytes(bytes: AsciiBytes, start: number, end: number, record: LogRecord | null, sourceId: number, pathId: number, agentId: number, newPairs = -1, referrerId = -1): void {
    const max = this.options.config.maxLineLength;
    if (end - start > max) {
      this.stats.longLines++;
      end = start + max;
    }
    this.current.setBytes(bytes, start, end);
    this.observeCurrent(record, this.stats.lines++, sourceId, pathId, agentId, newPairs, referrerId);
  }

  /** The part of a line pattern work sees (maxLineLength), counting the lines cut. */
  private capped(text: string): string {
    const max = this.options.config.maxLineLength;
    if (text.length <= max) return text;
    this.stats.longLines++;
    return text.slice(0, max);
  }

  /** Feeds a whole text (the editor's document, a test string). */
  pushText(text: string): void {
    const t0 = performance.now();
    splitText(text, (line) => this.pushLine(line));
    this.busyMs[0] += performance.now() - t0;
  }

  /** A byte-level splitter that feeds this analyzer (for streams from disk). */
  createSplitter(): LineSplitter {
    // Bytes per line cap: 4 bytes per character is the UTF-8 worst case.
    return new LineSplitter((text) => this.pushLine(text), this.options.config.maxLineLength * 4);
  }

  /** The findings for everything fed so far. Can be called again after more lines. */
  finish(): FileReport {
    const t0 = performance.now();
    this.parser.end();
    const { config, path } = this.options;
    const findings: Finding[] = [];
    const ctx: DetectorContext = {
      config,
      file: path,
      profiles: this.profiles,
      isAllowed: (source) => this.allowlist.has(source),
      earlier: findings,
      forestThread: this.options.forestThread,
    };
    for (const detector of this.detectors) {
      try {
        detector.prepare?.(ctx);
      } catch (err) {
        this.recordFailure(detector.rule, err);
      }
    }
    for (const detector of this.detectors) {
      let produced: Finding[];
      try {
        produced = detector.finish(ctx);
      } catch (err) {
        this.recordFailure(detector.rule, err);
        continue;
      }
      const kept = produced.filter((f) => !this.allowlist.has(f.source) && !this.isSuppressed(f));
      kept.sort(compareFindings);
      findings.push(...kept.slice(0, config.maxFindingsPerRule));
    }
    findings.sort(compareFindings);
    this.busyMs[0] += performance.now() - t0;
    const report: FileReport = {
      path,
      format: this.parser.formatId ?? 'generic',
      lines: this.stats.lines,
      parsed: this.stats.parsed,
      skipped: this.stats.skipped,
      durationMs: Math.round(this.busyMs[0] * 10) / 10,
      findings,
    };
    if (this.stats.failedRules.length > 0) report.failedRules = this.stats.failedRules.map((f) => ({ ...f }));
    return report;
  }

  /** Wall time since the analyzer was created, in ms. */
  get elapsedMs(): number {
    return performance.now() - this.started;
  }

  private isSuppressed(f: Finding): boolean {
    for (const s of this.options.config.suppressions) {
      if (s.fingerprint !== undefined) {
        if (s.fingerprint === f.fingerprint) return true;
        continue;
      }
      if ((s.rule === undefined || s.rule === f.rule) && (s.source === undefined || s.source === f.source)) {
        if (s.rule !== undefined || s.source !== undefined) return true;
      }
    }
    return false;
  }

  private observe(text: string, record: LogRecord | null, line: number): void {
    this.current.set(text);
    this.observeCurrent(record, line, NOT_INTERNED);
  }

  /** The record of the current line. `sourceId` NOT_INTERNED: the profiles look the record's strings up themselves. */
  private observeCurrent(record: LogRecord | null, line: number, sourceId: number, pathId = -1, agentId = -1, newPairs = -1, referrerId = -1): void {
    if (!record) {
      if (!isBlankLine(this.current.text)) this.stats.skipped++;
      return;
    }
    this.stats.parsed++;
    this.stats.kinds[record.kind]++;
    this.options.onRecord?.(record, line);
    if (record.kind === 'meta') return;
    if (sourceId === NOT_INTERNED) this.profiles.observe(record);
    else this.profiles.observeInterned(record, sourceId, pathId, agentId, newPairs, referrerId);
    this.runDetectors(record, this.current);
  }

  private runDetectors(record: LogRecord, line: LineText): void {
    const detectors = this.detectors;
    for (let i = 0; i < detectors.length; i++) {
      try {
        detectors[i].observe(record, line);
      } catch (err) {
        this.recordFailure(detectors[i].rule, err);
      }
    }
  }

  private recordFailure(rule: RuleId, err: unknown): void {
    if (this.stats.failedRules.some((f) => f.rule === rule)) return; // reported once
    this.stats.failedRules.push({ rule, error: err instanceof Error ? err.message : String(err) });
  }
}

/** Bytes whose characters are all ASCII, read as latin1 (Node's Buffer). */
export interface AsciiBytes {
  latin1Slice(start: number, end: number): string;
}

/** The text of the line being observed: a string, or bytes decoded when first read. */
class CurrentLine implements LineText {
  private value: string | undefined = '';
  private bytes: AsciiBytes | null = null;
  private start = 0;
  private end = 0;

  set(text: string): void {
    this.value = text;
    this.bytes = null;
  }

  setBytes(bytes: AsciiBytes, start: number, end: number): void {
    this.value = undefined;
    this.bytes = bytes;
    this.start = start;
    this.end = end;
  }

  get text(): string {
    return (this.value ??= this.bytes!.latin1Slice(this.start, this.end));
  }
}

/** The parse context of a file: the year and instant year-less dates are read against. */
export function createParseContext(config: EngineConfig, referenceTime = Date.now()): ParseContext {
  if (config.referenceYear !== undefined) {
    // A configured year means "dates are in this year": don't roll them back past its end.
    return { referenceYear: config.referenceYear, referenceTime: Date.UTC(config.referenceYear + 1, 0, 1) - 1 };
  }
  return { referenceTime, referenceYear: new Date(referenceTime).getUTCFullYear() };
}

/**
 * The parsers one file's lines go through, in order: the chosen format's, then the other
 * formats seen in the sample (mixed logs), then the generic fallback so that a line with a
 * timestamp is never simply dropped.
 */
export class ParserChain {
  /** The formats tried, in order: two chains with the same key parse every line alike. */
  readonly key: string;
  private readonly parsers: LineParser[];

  constructor(
    readonly format: LogFormat,
    scores: readonly FormatScore[],
    ctx: ParseContext,
  ) {
    const others = scores
      .filter((s) => s.share > 0 && s.format !== format.id && s.format !== 'generic')
      .sort((a, b) => b.share - a.share)
      .map((s) => formatById(s.format)!);
    const formats = [format, ...others, ...(format.id === 'generic' ? [] : [formatById('generic')!])];
    this.key = formats.map((f) => f.id).join(',');
    this.parsers = formats.map((f) => f.createParser(ctx));
  }

  /** Reads the line into `into` when the chain's own format is an access log's that reads it (see LineParser.scanAccess). */
  scanAccess(text: string, into: AccessLineFields): boolean {
    const own = this.parsers[0];
    if (own.scanAccess === undefined) return false;
    try {
      return own.scanAccess(text, into);
    } catch {
      return false; // parse fails the same way: the chain goes on to the next format
    }
  }

  /** scanAccess on the ASCII bytes of a line (see LineParser.scanAccessBytes). */
  scanAccessBytes(bytes: Uint8Array, start: number, end: number, into: AccessLineFields, request: RequestRanges): boolean {
    const own = this.parsers[0];
    if (own.scanAccessBytes === undefined) return false;
    try {
      return own.scanAccessBytes(bytes, start, end, into, request);
    } catch {
      return false; // the line is then read as text
    }
  }

  /** The record of a non-blank line, or null when no parser understands it. */
  parse(text: string, line: number): LogRecord | null {
    for (let i = 0; i < this.parsers.length; i++) {
      const record = safeParse(this.parsers[i], text, line);
      if (record) return record;
    }
    return null;
  }
}

function safeParse(parser: LineParser, text: string, line: number): LogRecord | null {
  try {
    return parser.parse(text, line);
  } catch {
    return null;
  }
}

/** Empty, or only spaces, tabs and NULs: not a line any parser is asked about. */
export function isBlankLine(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0) return false;
  }
  return true;
}

/** Analyses a whole text in one call. */
export function analyzeText(text: string, options: AnalyzerOptions): FileReport {
  const analyzer = new Analyzer(options);
  analyzer.pushText(text);
  return analyzer.finish();
}
