/**
 * brute-force (and its companion rules) on real logs from Loghub 2.0 (corpora/loghub-2.0):
 *   OpenSSH_2k — a lab server under a real brute-force storm (sshd lines, one PAM echo per
 *     attempt, "message repeated N times", "Disconnecting: Too many authentication failures");
 *   Linux_2k  — /var/log/messages of a Red Hat box with pre-0.99 PAM, where
 *     "sshd(pam_unix)[pid]: authentication failure; … rhost=…" is the only trace of an attempt.
 * The expected bursts are worked out here from the raw text with one plain pattern per file,
 * independently of the parser and the detector: every source with ≥ 5 attempts within 10
 * minutes must be reported, with that many failures, and no other source.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../server/src/engine/analyzer';
import { resolveConfig } from '../../server/src/engine/config';
import type { FileReport, Finding } from '../../server/src/engine/model';
import { MONTH_ABBREVIATIONS as MONTHS } from '../../server/src/engine/time/monthNameDate';

const LOGHUB = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpora', 'loghub-2.0');
const THRESHOLD = 5;
const WINDOW_S = 600;

/** Seconds since the start of the year of a "Dec 10 06:55:46" stamp (the year does not matter here). */
function secondsOf(line: string): number {
  const month = MONTHS.indexOf(line.slice(0, 3));
  const day = Number(line.slice(4, 6));
  const [h, m, s] = line.slice(7, 15).split(':').map(Number);
  return Date.UTC(2001, month, day, h, m, s) / 1000;
}

interface Expected {
  failures: number;
  peak: number;
}

/** Sources with ≥ THRESHOLD attempts in some window (t - WINDOW_S, t], from (time, source, attempts) triples. */
function bursts(attempts: [number, string, number][]): Map<string, Expected> {
  const bySource = new Map<string, [number, number][]>();
  for (const [t, source, n] of attempts) {
    let list = bySource.get(source);
    if (!list) bySource.set(source, (list = []));
    list.push([t, n]);
  }
  const out = new Map<string, Expected>();
  for (const [source, list] of bySource) {
    let peak = 0;
    for (const [t] of list) {
      let inWindow = 0;
      for (const [u, n] of list) if (u > t - WINDOW_S && u <= t) inWindow += n;
      peak = Math.max(peak, inWindow);
    }
    if (peak >= THRESHOLD) out.set(source, { failures: list.reduce((a, [, n]) => a + n, 0), peak });
  }
  return out;
}

function analyze(file: string, year: number): FileReport {
  const text = fs.readFileSync(file, 'utf8');
  return analyzeText(text, { path: path.basename(file), config: resolveConfig({ referenceYear: year }) });
}

function of(report: FileReport, rule: Finding['rule']): Finding[] {
  return report.findings.filter((f) => f.rule === rule);
}

describe('brute-force on Loghub corpora', function () {
  before(function () {
    if (!fs.existsSync(path.join(LOGHUB, 'OpenSSH', 'OpenSSH_2k.log'))) {
      console.log(`    skipped: Loghub corpus not found at ${LOGHUB} (the corpora live in ../shared/corpora next to the repository)`);
      this.skip();
    }
  });

  describe('OpenSSH_2k (sshd brute-force storm)', () => {
    const file = path.join(LOGHUB, 'OpenSSH', 'OpenSSH_2k.log');
    let report: FileReport;
    let expected: Map<string, Expected>;

    before(function () {
      if (!fs.existsSync(file)) this.skip();
      // The lab's log starts on 10 December; its year is not in the file.
      report = analyze(file, 2015);
      // One attempt = one "Failed <method> for [invalid user] <name> from <ip> port" line,
      // or N of them when syslog folded them into "message repeated N times: [ Failed … ]".
      const attempts: [number, string, number][] = [];
      const failed = /: (?:message repeated (\d+) times: \[ )?Failed \S+ for .* from ([0-9a-fA-F:.]+) port \d+/;
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const m = failed.exec(line);
        if (m) attempts.push([secondsOf(line), m[2], m[1] ? Number(m[1]) : 1]);
      }
      expected = bursts(attempts);
    });

    it('reports exactly the bursting sources, with their attempt counts', () => {
      const found = of(report, 'brute-force');
      assert.ok(expected.size >= 10, `the storm has many bursting sources, worked out ${expected.size}`);
      assert.deepEqual(found.map((f) => f.source).sort(), [...expected.keys()].sort());
      for (const f of found) {
        const e = expected.get(f.source!)!;
        assert.equal(f.evidence.failures, e.failures, `${f.source} failures`);
        assert.equal(f.evidence.peakInWindow, e.peak, `${f.source} peak`);
      }
    });

    it('ranks the storm source critical and the bare threshold crossings medium', () => {
      const found = of(report, 'brute-force');
      const biggest = [...expected].sort((a, b) => b[1].failures - a[1].failures)[0][0];
      const storm = found.find((f) => f.source === biggest)!;
      assert.equal(storm.severity, 'critical');
      for (const f of found) {
        if (f.evidence.peakInWindow === THRESHOLD && f.evidence.distinctUsers === 1) assert.equal(f.severity, 'medium', f.message);
      }
      // Sources that tried many account names are password spraying.
      for (const f of found) {
        assert.equal(f.attack.includes('T1110.003'), (f.evidence.distinctUsers as number) >= 3, f.message);
      }
    });

    it('stays quiet on the slow prober and on the one ordinary login', () => {
      const sources = new Set(of(report, 'brute-force').map((f) => f.source));
      assert.ok(!sources.has('52.80.34.196'), 'five tries about 48 minutes apart are no burst');
      assert.deepEqual(of(report, 'compromise-after-brute-force'), []);
    });
  });

  describe('Linux_2k (pre-0.99 PAM: the PAM line is the only trace)', () => {
    const file = path.join(LOGHUB, 'Linux', 'Linux_2k.log');
    let report: FileReport;
    let expected: Map<string, Expected>;

    before(function () {
      if (!fs.existsSync(file)) this.skip();
      report = analyze(file, 2005);
      const attempts: [number, string, number][] = [];
      const pam = /sshd\(pam_unix\)\[\d+\]: authentication failure;.* rhost=(\S+)/;
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const m = pam.exec(line);
        if (m) attempts.push([secondsOf(line), m[1], 1]);
      }
      expected = bursts(attempts);
    });

    it('reports exactly the bursting sources, by IP or by the host name PAM gives', () => {
      const found = of(report, 'brute-force');
      assert.ok(expected.size >= 20, `worked out ${expected.size}`);
      assert.deepEqual(found.map((f) => f.source).sort(), [...expected.keys()].sort());
      for (const f of found) assert.equal(f.evidence.failures, expected.get(f.source!)!.failures, `${f.source} failures`);
    });
  });
});
