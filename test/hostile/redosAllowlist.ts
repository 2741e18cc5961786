/**
 * Pattern alternatives that recheck's automaton checker does not prove linear, each reviewed
 * by hand: why the matcher's work stays linear in the line anyway. Every alternative of the
 * engine is proven safe today, so the list is empty; an entry needs a reason a reviewer can
 * check (what each start position costs at most, and why), and `npm run bench:redos` must
 * show its time per character flat up to 1 MB lines.
 *
 * Large bounded repeats (`[^?#]{0,300}`) are not a reason to list a pattern: the automaton
 * checker expands them and proves such patterns linear (the constant is the bounds'
 * product, which the scaling test and the benchmark measure). recheck's default mode hands
 * them to a fuzzer instead, which reports "polynomial" growth below the bounds and changes
 * its verdict from run to run; the test does not use that mode for verdicts.
 *
 * An entry is matched by the exact text of the alternative: change the pattern and the entry
 * no longer applies, so the change is checked (and reviewed) again.
 */
export interface AllowedPattern {
  /** The engine file (for the reader; the match is on `part`). */
  file: string;
  /** The top-level alternative exactly as it appears in the pattern's source. */
  part: string;
  /** Why it is linear. */
  reason: string;
}

export const REDOS_ALLOWLIST: readonly AllowedPattern[] = [];
