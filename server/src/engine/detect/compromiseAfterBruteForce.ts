/**
 * compromise-after-brute-force: a successful login from a source after its brute-force burst
 * started (T1078, valid accounts).
 *
 * Successes are auth 'success' records (sshd "Accepted ...", dropbear, su/login) and HTTP logins
 * that worked: a POST to a login form answered with a redirect (302/303: form logins redirect
 * on success and re-show the form with 200 on failure), a POST to an API login answered 2xx, or
 * a 2xx/3xx answer carrying an authenticated user (HTTP basic auth accepted after 401s).
 * Failures are counted exactly as the brute-force rule counts them (same `FailedLoginCounter`),
 * so "after 27 failures" agrees with the brute-force finding.
 *
 * It reports, per source with a brute-force finding (read from `ctx.earlier`), the first success
 * at or after the burst's first failure and no later than `withinSeconds` after the source's
 * last failure. Records without times fall back to line order.
 *
 * Confidence = 0.85 + 0.15 · (0.6 · bruteForceConfidence + 0.4 · closeness),
 *   closeness = 1 - saturate(seconds from the previous failure to the success, 900)
 *   (0.5 when the log has no times): right after a failure → 1, an hour later → 0.02.
 * The floor is 0.85 (critical) because a success right after a threshold-crossing run of
 * failures is what a guessed password looks like, and the innocent story (an owner who finally
 * typed it right) needs that owner to fail ≥ threshold times within the window first — a case
 * the brute-force rule already keeps at its lowest score. The remaining 0.15 grows with how
 * strong the burst was and how soon after a failure the success came.
 */
import type { EngineConfig } from '../config';
import type { Finding, LogRecord } from '../model';
import type { Detector, DetectorContext, DetectorFactory, LineText } from './types';
import { formatDuration, makeFinding, saturate } from '../score';
import { copyString } from './stringIds';
import { FailedLoginCounter, httpLoginOutcome, isoTime, readBruteForceBurst } from './bruteForce';
import { MONTH_ABBREVIATIONS } from '../time/monthNameDate';

/** Successes remembered per source (the newest; one per run of failures). */
const SUCCESSES_CAP = 256;

interface Success {
  time: number;
  line: number;
  offsetMinutes: number;
  user: string | undefined;
  /** How the success reads: "Accepted login", "POST /wp-login.php → 302". */
  how: string;
  failuresBefore: number;
  /** Time and 0-based line of the last failure before the success. */
  previousFailure: number;
  previousFailureLine: number;
}

interface SourceLogins {
  failures: number;
  lastFailure: number;
  lastFailureLine: number;
  /** `failures` when the last success was kept: a success is kept once per run of failures. */
  failuresAtLastSuccess: number;
  successes: Success[];
}

export const createCompromiseDetector: DetectorFactory = (config: EngineConfig): Detector => {
  const settings = config.rules['compromise-after-brute-force'];
  const bySource = new Map<string, SourceLogins>();
  const counter = new FailedLoginCounter((a) => {
    if (a.attempts <= 0) return;
    let s = bySource.get(a.source);
    if (!s) {
      s = { failures: 0, lastFailure: NaN, lastFailureLine: -1, failuresAtLastSuccess: 0, successes: [] };
      bySource.set(copyString(a.source), s);
    }
    s.failures += a.attempts;
    if (!(a.time <= s.lastFailure)) s.lastFailure = a.time;
    s.lastFailureLine = a.line;
  });

  function noteSuccess(r: LogRecord, how: string): void {
    const source = r.source;
    if (source === undefined) return;
    const s = bySource.get(source);
    if (!s || s.failures === s.failuresAtLastSuccess) return; // no failure since the last success kept
    s.failuresAtLastSuccess = s.failures;
    if (s.successes.length >= SUCCESSES_CAP) s.successes.shift();
    const user = r.user === undefined || r.user === '' || r.user === '-' ? undefined : copyString(r.user);
    s.successes.push({
      time: r.time,
      line: r.line,
      offsetMinutes: r.offsetMinutes,
      user,
      how,
      failuresBefore: s.failures,
      previousFailure: s.lastFailure,
      previousFailureLine: s.lastFailureLine,
    });
  }

  return {
    rule: 'compromise-after-brute-force',
    observe(r: LogRecord, line: LineText): void {
      if (r.kind === 'auth') {
        counter.observe(r, line);
        if (r.auth === 'success') noteSuccess(r, 'Accepted login');
        return;
      }
      if (r.kind !== 'http' || r.status === undefined) return;
      const status = r.status;
      if (status !== 401 && status !== 403 && (status < 200 || status >= 400)) return;
      if (status !== 401 && status !== 403 && r.method !== 'POST' && r.user === undefined) return;
      const outcome = httpLoginOutcome(r);
      if (outcome === 'failure') counter.observe(r, line);
      else if (outcome === 'success' && bySource.has(r.source ?? '')) {
        noteSuccess(r, `Successful login (${r.method ?? 'request'} ${clip(r.path ?? '/')} → ${status})`);
      }
    },
    finish(ctx: DetectorContext): Finding[] {
      const withinMs = settings.withinSeconds * 1000;
      const findings: Finding[] = [];
      for (const earlier of ctx.earlier) {
        const burst = readBruteForceBurst(earlier);
        if (!burst || ctx.isAllowed(burst.source)) continue;
        const s = bySource.get(burst.source);
        if (!s) continue;
        const qualifying = s.successes.filter((x) => {
          if (x.failuresBefore <= 0) return false;
          if (Number.isFinite(x.time) && Number.isFinite(burst.burstStart) && Number.isFinite(burst.lastFailure)) {
            return x.time >= burst.burstStart && x.time <= burst.lastFailure + withinMs;
          }
          return x.line > burst.burstStartLine;
        });
        if (qualifying.length === 0) continue;
        const first = qualifying[0];
        const gapSeconds = Number.isFinite(first.time) && Number.isFinite(first.previousFailure)
          ? Math.max(0, (first.time - first.previousFailure) / 1000)
          : NaN;
        const closeness = Number.isFinite(gapSeconds) ? 1 - saturate(gapSeconds, 900) : 0.5;
        const confidence = 0.85 + 0.15 * (0.6 * burst.confidence + 0.4 * closeness);

        const who = first.user !== undefined ? ` for ${first.user}` : '';
        // Times on the log's own clock; with the date when the burst began on another day.
        const sameDay = dayOf(first.time, first.offsetMinutes) === dayOf(burst.burstStart, first.offsetMinutes);
        const at = Number.isFinite(first.time)
          ? ` at ${sameDay ? clockTime(first.time, first.offsetMinutes, true) : clockDate(first.time, first.offsetMinutes, true)}`
          : '';
        const since = Number.isFinite(burst.burstStart)
          ? ` (brute-force since ${sameDay ? clockTime(burst.burstStart, first.offsetMinutes, false) : clockDate(burst.burstStart, first.offsetMinutes, false)})`
          : ` (brute-force from line ${burst.burstStartLine + 1})`;
        const gapText = Number.isFinite(gapSeconds) ? `, ${formatDuration(gapSeconds)} after the last one` : '';
        const message =
          `${first.how}${who} from ${burst.source}${at} after ${first.failuresBefore} failure${first.failuresBefore === 1 ? '' : 's'}${since}${gapText}` +
          (qualifying.length > 1 ? `; ${qualifying.length - 1} more successful login${qualifying.length === 2 ? '' : 's'} after further failures` : '');
        const users = Array.from(new Set(qualifying.map((x) => x.user).filter((u): u is string => u !== undefined)));
        const lines = [first.line, ...qualifying.slice(1).map((x) => x.line)];
        if (first.previousFailureLine >= 0) lines.push(first.previousFailureLine);
        if (burst.burstStartLine >= 0) lines.push(burst.burstStartLine);

        findings.push(
          makeFinding(
            {
              rule: 'compromise-after-brute-force',
              title: `Login after brute force${first.user !== undefined ? ` (${first.user})` : ''} from ${burst.source}`,
              confidence,
              source: burst.source,
              user: first.user,
              primaryLine: first.line,
              evidenceLines: lines,
              message,
              evidence: {
                user: first.user ?? null,
                successLine: first.line + 1,
                successTime: isoTime(first.time),
                how: first.how,
                failuresBefore: first.failuresBefore,
                previousFailureLine: first.previousFailureLine + 1,
                secondsAfterFailure: Number.isFinite(gapSeconds) ? Math.round(gapSeconds) : null,
                burstStart: isoTime(burst.burstStart),
                burstFailures: burst.failures,
                bruteForceConfidence: burst.confidence,
                bruteForceFingerprint: earlier.fingerprint,
                successes: qualifying.length,
                users,
              },
            },
            ctx.file,
            config.maxEvidenceLines,
          ),
        );
      }
      return findings;
    },
  };
};

/** "10:42:07" (or "10:38") on the log's own clock. */
function clockTime(time: number, offsetMinutes: number, seconds: boolean): string {
  const d = new Date(time + offsetMinutes * 60_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  return seconds ? `${hm}:${two(d.getUTCSeconds())}` : hm;
}

/** "Dec 10 10:42" on the log's own clock. */
function clockDate(time: number, offsetMinutes: number, seconds: boolean): string {
  const d = new Date(time + offsetMinutes * 60_000);
  return `${MONTH_ABBREVIATIONS[d.getUTCMonth()]} ${d.getUTCDate()} ${clockTime(time, offsetMinutes, seconds)}`;
}

function dayOf(time: number, offsetMinutes: number): number {
  return Math.floor((time + offsetMinutes * 60_000) / 86_400_000);
}

function clip(path: string): string {
  return path.length > 64 ? path.slice(0, 64) + '…' : path;
}
