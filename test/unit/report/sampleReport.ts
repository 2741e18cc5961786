import type { AnalysisReport, FileReport, Finding } from '../../../server/src/engine/model';
import { makeFinding, type FindingDraft } from '../../../server/src/engine/score';
import { TOOL_NAME, TOOL_VERSION } from '../../../server/src/engine/version';

/**
 * A realistic report for the writer tests: several files and rules, and the hostile text an
 * attacker can put in a log (quotes, commas, newlines, spreadsheet formulas, ANSI escapes,
 * bidi overrides, HTML, non-ASCII). Findings go through `makeFinding`, like a detector's.
 */

export const HOSTILE = {
  formula: "=cmd|' /C calc'!A0",
  ansi: '\x1b[2J\x1b[H\x1b[31mnikto\x1b[0m\x1b]0;owned\x07 \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\',
  bidi: 'invoice\u202Egpj.exe\u202C and \u2066isolated\u2069',
  html: '<script>alert("x")</script>',
  unicode: 'Ausreißer 🚨 数据 — ünïcödé',
  quoted: 'GET "/search?q=a,b" said "hi"',
  multiline: 'first line\nsecond line\r\nthird\rline',
  c1: '\x9b2J\x9d0;title\x9c\x00\x08\x7f',
};

function finding(draft: FindingDraft, file: string, maxEvidenceLines = 1000): Finding {
  return makeFinding(draft, file, maxEvidenceLines);
}

function range(from: number, count: number, step = 1): number[] {
  return Array.from({ length: count }, (_, i) => from + i * step);
}

export function sampleReport(): AnalysisReport {
  const apache = 'example_logs/apache sample,#1.log';
  const auth = 'logs\\win dir\\auth.log';
  const kern = '/var/log/kern.log';
  const broken = 'C:\\logs\\big.log';

  const apacheFile: FileReport = {
    path: apache,
    format: 'apache-combined',
    lines: 2400,
    parsed: 2395,
    skipped: 5,
    durationMs: 12.4,
    findings: [
      finding(
        {
          rule: 'web-attack',
          title: `SQL injection in /search?q=1' OR '1'='1 ${HOSTILE.html}`,
          confidence: 0.93,
          source: '10.0.0.66',
          primaryLine: 40,
          evidenceLines: [40, 41],
          message: `Payload ${HOSTILE.quoted}; ${HOSTILE.multiline}`,
          evidence: { subtype: 'sqli', payload: HOSTILE.formula, decodeRounds: 2, decoded: true },
        },
        apache,
      ),
      finding(
        {
          rule: 'scanner',
          title: `Attack tool user agent: ${HOSTILE.ansi}`,
          confidence: 0.7,
          source: '203.0.113.9',
          primaryLine: 99,
          evidenceLines: [99, 100, 101, 102],
          message: `User agent ${HOSTILE.bidi} ${HOSTILE.c1}`,
          evidence: { tool: 'nikto', userAgent: HOSTILE.ansi },
        },
        apache,
      ),
      // More evidence lines than the cap keeps, and more than SARIF's related-location cap.
      finding(
        {
          rule: 'url-scan',
          title: '150 distinct paths probed',
          confidence: 0.55,
          source: '198.51.100.23',
          primaryLine: 300,
          evidenceLines: range(200, 150),
          message: '150 distinct paths, 96% answered 4xx, in 4m12s; threshold 20 paths in 10m',
          evidence: { distinctPaths: 150, errorRatio: 0.96, paths: ['/.env', '/wp-login.php', '/a,b', '=1+1'] },
        },
        apache,
        120,
      ),
      finding(
        {
          rule: 'high-volume',
          title: 'Request rate far above the population',
          confidence: 0.35,
          source: '192.0.2.200',
          primaryLine: 1000,
          evidenceLines: [1000],
          message: '+4200 requests above the median; robust z 7.9',
          evidence: { requests: 4300, z: 7.9, peakPerMinute: 610 },
        },
        apache,
      ),
    ],
  };

  const authFile: FileReport = {
    path: auth,
    format: 'syslog',
    lines: 800,
    parsed: 800,
    skipped: 0,
    durationMs: 3.25,
    findings: [
      finding(
        {
          rule: 'brute-force',
          title: 'SSH brute force against -root',
          confidence: 0.78,
          attack: ['T1110.001'],
          source: '2001:db8::bad:cafe',
          user: '-root',
          primaryLine: 14,
          evidenceLines: range(5, 10),
          message: '10 failed logins from 2001:db8::bad:cafe in 1m05s; threshold 5 in 10m',
          evidence: { failures: 10, windowSeconds: 65, users: ['-root', '@admin'] },
        },
        auth,
      ),
      finding(
        {
          rule: 'compromise-after-brute-force',
          title: 'Login after brute force',
          confidence: 0.86,
          source: '2001:db8::bad:cafe',
          user: '@admin',
          primaryLine: 20,
          evidenceLines: [14, 20],
          message: '\tAccepted password for @admin 35s after 10 failures\rOK',
          evidence: { secondsAfterBurst: 35, failures: 10 },
        },
        auth,
      ),
      finding(
        {
          rule: 'off-hours',
          title: 'Login at 03:12 on a Sunday',
          confidence: 0.45,
          user: 'operator',
          primaryLine: 700,
          evidenceLines: [700, 701],
          message: 'Successful login outside Mon–Fri 08:00–18:00 (UTC)',
          evidence: { localTime: '03:12', weekday: 'Sunday' },
        },
        auth,
      ),
    ],
  };

  const kernFile: FileReport = {
    path: kern,
    format: 'syslog',
    lines: 120,
    parsed: 118,
    skipped: 2,
    durationMs: 0.8,
    findings: [
      finding(
        {
          rule: 'port-scan',
          title: '42 ports probed',
          confidence: 0.62,
          source: '198.51.100.77',
          primaryLine: 60,
          evidenceLines: range(20, 42),
          message: '42 distinct destination ports in 18s; threshold 10 in 5m',
          evidence: { ports: 42, sample: [22, 23, 80, 443, 3389], windowSeconds: 18 },
        },
        kern,
      ),
      finding(
        {
          rule: 'ml-outlier',
          title: `${HOSTILE.unicode}`,
          confidence: 0.12,
          source: '198.51.100.77',
          primaryLine: 61,
          evidenceLines: [61],
          message: '@SUM(1+1) isolated early: top features distinct ports, 4xx share',
          evidence: { score: 0.71, features: ['ports', 'errorShare'], nothing: null },
        },
        kern,
      ),
    ],
  };

  const brokenFile: FileReport = {
    path: broken,
    format: 'generic',
    lines: 10,
    parsed: 4,
    skipped: 6,
    durationMs: 0.2,
    findings: [],
    error: `read failed at byte 4096: EIO ${HOSTILE.ansi}`,
  };

  return { tool: { name: TOOL_NAME, version: TOOL_VERSION }, files: [apacheFile, authFile, kernFile, brokenFile] };
}

export function allFindings(report: AnalysisReport): { file: FileReport; finding: Finding }[] {
  return report.files.flatMap((file) => file.findings.map((finding) => ({ file, finding })));
}

/** Characters no terminal-bound text may hold: C0 except LF, DEL, C1, bidi controls. */
export const TERMINAL_UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
