import type { FormatId } from '../model';
import type { LogFormat, ParseContext } from './types';
import { apacheCombined } from './apacheCombined';
import { apacheCommon } from './apacheCommon';
import { apacheError } from './apacheError';
import { nginxError } from './nginxError';
import { syslog3164 } from './syslog3164';
import { syslog5424 } from './syslog5424';
import { jsonLines } from './jsonLines';
import { w3c } from './w3c';
import { generic } from './generic';

/** Every format, the generic fallback last. */
export const FORMATS: readonly LogFormat[] = [
  apacheCombined,
  apacheCommon,
  apacheError,
  nginxError,
  syslog3164,
  syslog5424,
  jsonLines,
  w3c,
  generic,
];

export function formatById(id: string): LogFormat | undefined {
  return FORMATS.find((f) => f.id === id);
}

export const FORMAT_IDS: readonly FormatId[] = FORMATS.map((f) => f.id);

export interface FormatScore {
  format: FormatId;
  /** Share of the sample's non-empty lines the format parsed. */
  share: number;
}

/**
 * Picks the format of a file from its first non-empty lines: every candidate parses the
 * whole sample and the one that understands the largest share wins (ties go to the more
 * specific format). Taking the first parser that matches one line would let a loose format
 * shadow a stricter one.
 */
export function detectFormat(sample: readonly string[], ctx: ParseContext): { format: LogFormat; scores: FormatScore[] } {
  const lines = sample.filter((l) => l.trim().length > 0);
  const scores: FormatScore[] = [];
  let best: LogFormat = generic;
  let bestShare = -1;
  for (const format of FORMATS) {
    const parser = format.createParser(ctx);
    let parsed = 0;
    for (let i = 0; i < lines.length; i++) {
      let record = null;
      try {
        record = parser.parse(lines[i], i);
      } catch {
        record = null;
      }
      if (record) parsed++;
    }
    const share = lines.length ? parsed / lines.length : 0;
    scores.push({ format: format.id, share });
    if (share > bestShare || (share === bestShare && format.specificity > best.specificity)) {
      best = format;
      bestShare = share;
    }
  }
  // A sample no format understands (plain text) is generic, not whichever format came first.
  if (bestShare <= 0) best = generic;
  // The fallback parses nearly anything; prefer a specific format that understands most lines.
  if (best.id === 'generic') {
    const specific = scores
      .filter((s) => s.format !== 'generic' && s.share >= 0.5)
      .sort((a, b) => b.share - a.share)[0];
    if (specific) best = formatById(specific.format)!;
  }
  return { format: best, scores };
}
