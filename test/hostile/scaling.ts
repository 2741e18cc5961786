/**
 * Time per character of a function on inputs of growing size: the figure that tells a
 * linear matcher (flat) from a polynomial one (growing with the size). Wall times differ
 * between machines; the ratio between sizes measured in the same run does not.
 */
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { FORMATS } from '../../server/src/engine/formats';
import type { LogFormat } from '../../server/src/engine/formats/types';
import { adversarialStrings, LINE_SHAPES } from './generator';
import type { EngineRegExp } from './regexInventory';

export interface ScalingRow {
  name: string;
  sizes: number[];
  /** Nanoseconds per input character at each size. */
  nsPerChar: number[];
  /** Per-character time at the largest size over that at the smallest. */
  ratio: number;
  /** Milliseconds one call takes at the largest size. */
  msAtLargest: number;
}

/** Best-of-three nanoseconds per character of `run(input)`, each sample repeating it for at least `minMs`. */
export function nsPerChar(run: (input: string) => unknown, input: string, minMs = 10): number {
  let best = Infinity;
  for (let sample = 0; sample < 3; sample++) {
    let reps = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0;
    do {
      run(input);
      reps++;
      elapsed = Number(process.hrtime.bigint() - t0);
    } while (elapsed < minMs * 1e6);
    best = Math.min(best, elapsed / reps / Math.max(1, input.length));
  }
  return best;
}

/**
 * Measures `run` on `make(size)` for each size, after warming it up on the smallest (so the
 * regular expression compiler has tiered up before anything is timed).
 */
export function measureScaling(name: string, run: (input: string) => unknown, make: (size: number) => string, sizes: readonly number[], minMs = 10): ScalingRow {
  const small = make(sizes[0]);
  for (let i = 0; i < 50; i++) run(small);
  const perChar = sizes.map((size) => {
    // A flat copy: a repeated string may be a rope, which the first call would flatten.
    const input = flatten(make(size));
    return nsPerChar(run, input, minMs);
  });
  const largest = sizes[sizes.length - 1];
  return { name, sizes: [...sizes], nsPerChar: perChar, ratio: perChar[perChar.length - 1] / perChar[0], msAtLargest: (perChar[perChar.length - 1] * largest) / 1e6 };
}

function flatten(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/** `unit` repeated to exactly `size` characters. */
export function pumped(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Characters and fragments a parser's scanners and patterns repeat over: runs of them make long lines hard. */
export const PUMP_UNITS = [' ', '"', '\\"', '[', '%', '%25', '/', '..;/', '1.', ':', '::ffff:', '=', '&a=', '${', '<', "'", 'A', '\t', 'union select ', '\x1b[', '{"a":', '\\u00', '-', ' - ', '1'];

/** The shape lines of a parser's own format (others are refused at the first field). */
export function shapesFor(format: LogFormat): typeof LINE_SHAPES {
  const prefixes: Record<string, string[]> = {
    'apache-combined': ['access-'],
    'apache-common': ['access-'],
    'apache-error': ['apache-error', 'generic'],
    'nginx-error': ['nginx-error'],
    syslog: ['sshd', 'syslog-message', 'sudo', 'firewall'],
    'syslog-5424': ['syslog-5424'],
    json: ['json-'],
    w3c: ['w3c'],
    generic: ['generic', 'raw', 'sshd'],
  };
  const wanted = prefixes[format.id] ?? [];
  return LINE_SHAPES.filter((s) => wanted.some((p) => s.name.startsWith(p)));
}

/**
 * A parser's line with `payload` in one of its fields: the last line the shape makes (W3C's
 * data line follows its #Fields line, which `prime` feeds first).
 */
export function parserLine(shape: (typeof LINE_SHAPES)[number], payload: string): { prime: string[]; line: string } {
  const lines = shape.make(payload, 1);
  return { prime: lines.slice(0, -1), line: lines[lines.length - 1] };
}

/** A function that parses one line with a fresh parser of `format`, primed with `prime`. */
export function parseRunner(format: LogFormat, prime: readonly string[]): (line: string) => unknown {
  return (line) => {
    const parser = format.createParser({ referenceYear: 2024, referenceTime: Date.UTC(2024, 5, 1) });
    prime.forEach((p, i) => parser.parse(p, i));
    return parser.parse(line, prime.length);
  };
}

export const ALL_FORMATS = FORMATS;
export const LINE_CAP = DEFAULT_CONFIG.maxLineLength;

/** A pattern with an input maker: what the scaling of a pattern is measured on. */
export interface PatternProbe {
  name: string;
  run: (input: string) => unknown;
  make: (size: number) => string;
  /** ns per character at the screening size. */
  screenNsPerChar: number;
}

/**
 * The patterns that cost the most per character on their adversarial strings: every pattern
 * is run on each of its strings (adversarialStrings, pumped to `screenSize`), and the
 * `count` slowest pairs are returned, one per pattern.
 */
export function worstPatterns(
  regexps: readonly EngineRegExp[],
  count: number,
  screenSize = 4096,
  attacks: ReadonlyMap<string, { pumps: { prefix: string; pump: string }[]; suffix: string }> = new Map(),
): PatternProbe[] {
  const best = new Map<string, PatternProbe>();
  for (const re of regexps) {
    const regex = new RegExp(re.source, re.flags);
    const run = (s: string) => {
      regex.lastIndex = 0;
      return regex.test(s);
    };
    const units = adversarialStrings(re, 64, 7, attacks.get(re.id));
    for (const unit of units) {
      const make = (size: number) => pumped(unit, size);
      for (let i = 0; i < 5; i++) run(make(256));
      const ns = nsPerChar(run, make(screenSize), 1);
      const prior = best.get(re.id);
      if (!prior || ns > prior.screenNsPerChar) best.set(re.id, { name: `${re.id} ${JSON.stringify(unit.slice(0, 16))}`, run, make, screenNsPerChar: ns });
    }
  }
  return [...best.values()].sort((a, b) => b.screenNsPerChar - a.screenNsPerChar).slice(0, count);
}

/** The slowest line shape and pumped unit for a parser, screened at `screenSize` characters. */
export function worstParserLine(format: LogFormat, units: readonly string[], screenSize = 16 * 1024): { name: string; run: (line: string) => unknown; make: (size: number) => string; screenNsPerChar: number } | undefined {
  let worst: { name: string; run: (line: string) => unknown; make: (size: number) => string; screenNsPerChar: number } | undefined;
  for (const shape of shapesFor(format)) {
    const occurrences = Math.max(1, parserLine(shape, '\u0001').line.split('\u0001').length - 1);
    const { prime } = parserLine(shape, 'x');
    const run = parseRunner(format, prime);
    for (const unit of units) {
      const make = (size: number) => parserLine(shape, pumped(unit, Math.ceil(size / occurrences))).line;
      for (let i = 0; i < 5; i++) run(make(256));
      const ns = nsPerChar(run, make(screenSize), 2);
      if (!worst || ns > worst.screenNsPerChar) worst = { name: `${format.id} ${shape.name} ${JSON.stringify(unit)}`, run, make, screenNsPerChar: ns };
    }
  }
  return worst;
}
