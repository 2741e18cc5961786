/**
 * Runs the `recheck` ReDoS checker (makenowjust-labs/recheck) over patterns, offline.
 *
 * Backend: the native agent from the `recheck-linux-x64` npm package when it is installed
 * (an ordinary optional dependency, nothing is downloaded at run time), else the pure
 * JavaScript (Scala.js) build. Fuzzing is seeded, so a verdict is repeatable.
 *
 * Each pattern is checked one top-level alternative at a time with recheck's automaton
 * checker: an exact analysis of the pattern's NFA (its ambiguity), which says 'safe' only
 * when a backtracking matcher runs in linear time — bounded repeats such as `{0,200}`
 * included, which it expands. Its own default ('auto') would hand patterns with large
 * bounded repeats to a time-limited fuzzer instead, whose verdict changes from run to run
 * (it counts steps on strings shorter than the bounds and calls the growth "polynomial").
 * Only when the automaton does not prove an alternative safe is the fuzzer asked, for an
 * attack string to show.
 *
 * Verdicts are cached per recheck version and alternative in node_modules/.cache (not in the
 * repository): a changed pattern is always checked again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, topLevelAlternatives } from './regexInventory';

/** Time limit of one automaton check (ms): the largest alternative takes ~10 s here. */
const CHECK_TIMEOUT_MS = 120_000;
/** Time limit of the fuzzer that looks for an attack string on an alternative not proven safe. */
const ATTACK_TIMEOUT_MS = 10_000;
/** Two checks at a time: these machines have two cores. */
const CONCURRENCY = 2;
const SEED = 20240312;

export type Status = 'safe' | 'vulnerable' | 'unknown';

export interface PartVerdict {
  /** The alternative checked. */
  part: string;
  status: Status;
  checker?: string;
  complexity?: string;
  /** recheck's attack, when it found one: prefix + pump × n + suffix. */
  attack?: { pumps: { prefix: string; pump: string }[]; suffix: string };
}

interface RecheckDiagnostics {
  status: Status;
  checker?: string;
  complexity?: { summary?: string };
  attack?: { pumps?: { prefix: string; pump: string }[]; suffix?: string };
}

type CheckFn = (source: string, flags: string, params?: Record<string, unknown>) => Promise<RecheckDiagnostics>;

function recheckPackage(): { check: CheckFn; version: string; backend: string } {
  let backend = 'pure';
  try {
    require.resolve(`recheck-${process.platform === 'darwin' ? 'macos' : process.platform}-${process.arch}/package.json`);
    backend = 'native';
  } catch {
    backend = 'pure';
  }
  process.env.RECHECK_BACKEND = process.env.RECHECK_BACKEND ?? backend;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const recheck = require('recheck') as { check: CheckFn };
  const version = (JSON.parse(fs.readFileSync(require.resolve('recheck/package.json'), 'utf8')) as { version: string }).version;
  return { check: recheck.check, version, backend: process.env.RECHECK_BACKEND };
}

const CACHE_FILE = path.join(REPO, 'node_modules', '.cache', 'log-warden', 'recheck-verdicts.json');

function readCache(): Record<string, PartVerdict> {
  try {
    return JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8')) as Record<string, PartVerdict>;
  } catch {
    return {};
  }
}

function writeCache(cache: Record<string, PartVerdict>): void {
  try {
    fs.mkdirSync(path.dirname(CACHE_FILE), { recursive: true });
    const tmp = `${CACHE_FILE}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(cache));
    fs.renameSync(tmp, CACHE_FILE);
  } catch {
    // a read-only tree: no cache, every run checks everything
  }
}

function toVerdict(part: string, d: RecheckDiagnostics): PartVerdict {
  const verdict: PartVerdict = { part, status: d.status, checker: d.checker, complexity: d.complexity?.summary };
  if (d.attack?.pumps) verdict.attack = { pumps: d.attack.pumps.map((p) => ({ prefix: p.prefix, pump: p.pump })), suffix: d.attack.suffix ?? '' };
  return verdict;
}

/** Builds recheck's attack string with each pump repeated `times`. */
export function attackString(attack: NonNullable<PartVerdict['attack']>, times: number): string {
  let s = '';
  for (const p of attack.pumps) s += p.prefix + p.pump.repeat(times);
  return s + attack.suffix;
}

/** Checks every top-level alternative of each pattern; resolves to the verdicts per pattern, in order. */
export async function checkPatterns(
  patterns: readonly { source: string; flags: string }[],
  onProgress?: (done: number, total: number) => void,
): Promise<{ verdicts: PartVerdict[][]; backend: string; version: string; checked: number; fromCache: number }> {
  const { check, version, backend } = recheckPackage();
  const cache = readCache();
  const jobs: { pattern: number; part: string; flags: string }[] = [];
  patterns.forEach((p, i) => {
    for (const part of topLevelAlternatives(p.source)) jobs.push({ pattern: i, part, flags: p.flags });
  });
  const verdicts: PartVerdict[][] = patterns.map(() => []);
  const results: PartVerdict[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  let checked = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const k = next++;
      const job = jobs[k];
      const key = `${version}|automaton|${job.flags}|${job.part}`;
      let verdict = cache[key];
      if (!verdict) {
        checked++;
        verdict = toVerdict(job.part, await check(job.part, job.flags, { checker: 'automaton', timeout: CHECK_TIMEOUT_MS }));
        if (verdict.status !== 'safe') {
          // Not proven: an attack string (from the seeded fuzzer) makes the report concrete.
          const fuzzed = await check(job.part, job.flags, { checker: 'fuzz', timeout: ATTACK_TIMEOUT_MS, randomSeed: SEED });
          if (fuzzed.attack) verdict = { ...verdict, attack: toVerdict(job.part, fuzzed).attack };
        }
        // An 'unknown' (timed out) verdict is not kept: the next run tries again.
        if (verdict.status !== 'unknown') cache[key] = verdict;
      }
      results[k] = verdict;
      onProgress?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  jobs.forEach((job, k) => verdicts[job.pattern].push(results[k]));
  writeCache(cache);
  return { verdicts, backend, version, checked, fromCache: jobs.length - checked };
}
