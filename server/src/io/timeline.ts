import { createParseContext, isBlankLine, ParserChain, SNIFF_LINES, SNIFF_MAX_LINES } from '../engine/analyzer';
import type { EngineConfig } from '../engine/config';
import { detectFormat, formatById } from '../engine/formats';
import { LineSplitter } from '../engine/lineSplitter';
import type { Finding, LogRecord } from '../engine/model';
import type { ParseContext } from '../engine/formats/types';
import type { Timeline } from '../protocol';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

/**
 * Buckets a timeline holds at most. A day of minutes: a panel a few hundred pixels wide
 * cannot show more bars than that anyway, and the message stays small (a few KB).
 */
export const MAX_BUCKETS = 1440;

/** Bucket widths (minutes) tried in order when a log spans more than MAX_BUCKETS minutes: round clock units. */
const BUCKET_WIDTHS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, DAY_MINUTES];

/**
 * Line → minute changes remembered to place findings on the timeline. A chronological log
 * changes minute once per minute of its span, so a year of minutes fits; a log whose lines
 * jump back and forth in time stops being tracked there (its later findings get no marker).
 */
const MAX_RUNS = 1 << 20;

/**
 * Counts a log's records per minute. It reads the lines the way the engine's Analyzer does —
 * same format sniffing, same parser chain, same line cap — but keeps only per-minute counts and
 * the points where the minute changes, so it can run over an open document's lines without
 * holding the records — or be handed the records of a file's analysis (observeRecord), so
 * that the file is parsed once.
 */
export class TimelineCollector {
  private readonly perMinute = new Map<number, number>();
  private readonly maxLineLength: number;
  private readonly parseContext: ParseContext;
  private chain: ParserChain | undefined;
  private sample: { text: string; line: number }[] | undefined = [];
  private sampleNonEmpty = 0;
  /** The minute being counted and its count so far (flushed into perMinute when it changes). */
  private currentMinute = NaN;
  private currentCount = 0;
  private firstMinute = Infinity;
  private lastMinute = -Infinity;
  private offsetMinutes: number | undefined;
  private timed = 0;
  private untimed = 0;
  /** First 0-based line of each run of lines in the same minute, and that minute (epoch minutes). */
  private runLines: number[] = [];
  private runMinutes: number[] = [];
  /** Lines from here on are not tracked (too many runs). */
  private runsStopAt = Infinity;

  constructor(config: EngineConfig, referenceTime?: number) {
    this.maxLineLength = config.maxLineLength;
    this.parseContext = createParseContext(config, referenceTime);
    if (config.format) {
      const forced = formatById(config.format);
      if (forced) {
        this.chain = new ParserChain(forced, [], this.parseContext);
        this.sample = undefined;
      }
    }
  }

  /** The next line (0-based `line`, without its line end). */
  pushLine(text: string, line: number): void {
    if (line === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.length > this.maxLineLength) text = text.slice(0, this.maxLineLength);
    if (this.sample) {
      this.sample.push({ text, line });
      if (text.trim().length > 0) this.sampleNonEmpty++;
      if (this.sampleNonEmpty >= SNIFF_LINES || this.sample.length >= SNIFF_MAX_LINES) this.decide();
      return;
    }
    this.count(text, line);
  }

  /** A splitter that feeds this collector from bytes (numbering lines as the analysis does). */
  createSplitter(): LineSplitter {
    // 4 bytes per character: the UTF-8 worst case, as the Analyzer's splitter.
    return new LineSplitter((text, line) => this.pushLine(text, line), this.maxLineLength * 4);
  }

  /** The timeline of the lines pushed so far, with the findings placed at their first line's minute. */
  timeline(findings: readonly Pick<Finding, 'fingerprint' | 'line'>[]): Timeline {
    if (this.sample) this.decide();
    this.flush();
    const findingTimes: Record<string, number> = {};
    for (const f of findings) {
      const minute = this.minuteOfLine(f.line - 1);
      if (minute !== undefined && !(f.fingerprint in findingTimes)) findingTimes[f.fingerprint] = minute * MINUTE_MS;
    }
    const base = { timed: this.timed, untimed: this.untimed, offsetMinutes: this.offsetMinutes ?? 0, findingTimes };
    if (this.timed === 0) return { bucketMinutes: 1, start: 0, counts: [], ...base };
    const { width, first, buckets } = bucketLayout(this.firstMinute, this.lastMinute);
    const counts = new Array<number>(buckets).fill(0);
    for (const [minute, n] of this.perMinute) counts[Math.floor((minute - first) / width)] += n;
    return { bucketMinutes: width, start: first * MINUTE_MS, counts, ...base };
  }

  /** Epoch minute of the last timed record at or above a 0-based line; undefined when there is none (or it was not tracked). */
  minuteOfLine(line: number): number | undefined {
    if (line >= this.runsStopAt) return undefined;
    const lines = this.runLines;
    let lo = 0;
    let hi = lines.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (lines[mid] <= line) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : this.runMinutes[found];
  }

  private decide(): void {
    const sample = this.sample ?? [];
    this.sample = undefined;
    const { format, scores } = detectFormat(
      sample.map((s) => s.text),
      this.parseContext,
    );
    this.chain = new ParserChain(format, scores, this.parseContext);
    for (const { text, line } of sample) this.count(text, line);
  }

  /**
   * Counts a record an analysis has parsed (see AnalyzerOptions.onRecord), instead of
   * parsing lines itself: don't mix with pushLine on one collector.
   */
  observeRecord(record: LogRecord, line: number): void {
    this.sample = undefined;
    this.countRecord(record, line);
  }

  private count(text: string, line: number): void {
    if (isBlankLine(text)) return;
    const record = this.chain!.parse(text, line);
    if (record) this.countRecord(record, line);
  }

  private countRecord(record: LogRecord, line: number): void {
    if (record.kind === 'meta') return;
    const time = record.time;
    if (!Number.isFinite(time)) {
      this.untimed++;
      return;
    }
    this.timed++;
    if (this.offsetMinutes === undefined) this.offsetMinutes = record.offsetMinutes;
    const minute = Math.floor(time / MINUTE_MS);
    if (minute !== this.currentMinute) {
      this.flush();
      this.currentMinute = minute;
      if (minute < this.firstMinute) this.firstMinute = minute;
      if (minute > this.lastMinute) this.lastMinute = minute;
      if (line < this.runsStopAt) {
        if (this.runLines.length < MAX_RUNS) {
          this.runLines.push(line);
          this.runMinutes.push(minute);
        } else this.runsStopAt = line;
      }
    }
    this.currentCount++;
  }

  private flush(): void {
    if (this.currentCount === 0) return;
    this.perMinute.set(this.currentMinute, (this.perMinute.get(this.currentMinute) ?? 0) + this.currentCount);
    this.currentCount = 0;
  }
}

/**
 * The bucket width (minutes), first bucket (epoch minute, a multiple of the width) and bucket
 * count for a span of minutes: one-minute buckets when they are few enough, else the smallest
 * round width (then whole days) that keeps them under MAX_BUCKETS.
 */
export function bucketLayout(firstMinute: number, lastMinute: number): { width: number; first: number; buckets: number } {
  const layout = (width: number): { width: number; first: number; buckets: number } => {
    const first = Math.floor(firstMinute / width) * width;
    return { width, first, buckets: Math.floor((lastMinute - first) / width) + 1 };
  };
  for (const width of BUCKET_WIDTHS) {
    const candidate = layout(width);
    if (candidate.buckets <= MAX_BUCKETS) return candidate;
  }
  let days = Math.ceil((lastMinute - firstMinute + 1) / DAY_MINUTES / MAX_BUCKETS);
  for (;;) {
    const candidate = layout(days * DAY_MINUTES);
    if (candidate.buckets <= MAX_BUCKETS) return candidate;
    days++;
  }
}

/** Lines handled between two pauses while counting an open document (a few ms of work). */
const LINES_PER_SLICE = 8192;

/**
 * Counts a text held as lines (an open document) in slices, so that the server keeps
 * answering meanwhile. Undefined when `isCancelled` turns true.
 */
export async function collectTimeline(
  lineCount: number,
  lineText: (line: number) => string,
  options: { config: EngineConfig; referenceTime?: number; isCancelled?: () => boolean },
): Promise<TimelineCollector | undefined> {
  const collector = new TimelineCollector(options.config, options.referenceTime);
  for (let line = 0; line < lineCount; line++) {
    if (line > 0 && line % LINES_PER_SLICE === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (options.isCancelled?.()) return undefined;
    }
    collector.pushLine(lineText(line), line);
  }
  return collector;
}
