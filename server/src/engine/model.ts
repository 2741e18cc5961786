/**
 * The engine's data model: parsed log records in, findings out.
 *
 * Everything here is plain data so that it can cross process boundaries (CLI output,
 * LSP messages, the results panel, the history store) unchanged.
 */

/** Identifiers of the formats the engine can parse. */
export type FormatId =
  | 'apache-combined'
  | 'apache-common'
  | 'apache-error'
  | 'nginx-error'
  | 'syslog'
  | 'syslog-5424'
  | 'json'
  | 'w3c'
  | 'generic';

/** What an authentication-related line says happened. */
export type AuthEvent =
  | 'failure' // wrong password / failed authentication
  | 'invalid-user' // the account does not exist
  | 'success' // accepted login
  | 'session-open'
  | 'session-close'
  | 'privilege' // sudo / su command run
  | 'disconnect'; // pre-auth disconnects, max-auth-tries reached, ...

/** A coarse class of record, so detectors can ignore what is not theirs. */
export type RecordKind =
  | 'http' // an access-log request
  | 'auth' // an authentication event (sshd, pam, su, sudo, dropbear, HTTP auth errors)
  | 'firewall' // a packet-filter line (UFW, iptables, netfilter)
  | 'event' // any other line with a timestamp and message
  | 'meta'; // a header or comment line (W3C #Fields, ...): parsed, not an event

/**
 * One parsed log line. Only `line` and `kind` are always present; `time` is NaN when the
 * line has no usable timestamp.
 */
export interface LogRecord {
  /** 0-based line number in the file. */
  line: number;
  kind: RecordKind;
  /** Epoch milliseconds (UTC instant). NaN when unknown. */
  time: number;
  /** The log's own UTC offset in minutes for this line (0 when the log gives none). */
  offsetMinutes: number;
  /** Client / remote address (IPv4 or IPv6 text, or a host name when that is all there is). */
  source?: string;
  /** Destination address (firewall lines). */
  destination?: string;
  /** Destination port (firewall lines). */
  destinationPort?: number;
  /** Transport protocol (firewall lines): TCP, UDP, ICMP... */
  protocol?: string;
  /** Firewall verdict. */
  action?: 'block' | 'allow';
  user?: string;
  method?: string;
  /** Request path without the query string (not decoded). */
  path?: string;
  /** Query string without the leading '?' (not decoded). */
  query?: string;
  status?: number;
  bytes?: number;
  userAgent?: string;
  referrer?: string;
  auth?: AuthEvent;
  /** For auth lines that stand for several attempts ("message repeated 3 times", PAM "N more failures"). */
  attempts?: number;
  /** The program that wrote the line (sshd, sudo, kernel, nginx...). */
  program?: string;
  host?: string;
  level?: string;
  message?: string;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** Severities from most to least severe. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export type RuleId =
  | 'brute-force'
  | 'compromise-after-brute-force'
  | 'url-scan'
  | 'port-scan'
  | 'scanner'
  | 'web-attack'
  | 'high-volume'
  | 'data-exfiltration'
  | 'error-rate'
  | 'off-hours'
  | 'ml-outlier';

export type EvidenceValue = string | number | boolean | null | string[] | number[];

/** A finding exactly as the JSON contract of DESIGN.md gives it. Line numbers are 1-based. */
export interface Finding {
  /** Stable hash of rule + source (+ user) + file: unchanged when unrelated lines are added. */
  fingerprint: string;
  rule: RuleId;
  title: string;
  severity: Severity;
  /** In [0, 1]; each detector documents its formula. */
  confidence: number;
  /** ATT&CK technique ids, most specific first. */
  attack: string[];
  source?: string;
  user?: string;
  /** 1-based line shown first (the line that crossed the threshold, or the payload line). */
  line: number;
  /** Every evidence line, 1-based, ascending (capped by `maxEvidenceLines`). */
  lines: number[];
  message: string;
  evidence: Record<string, EvidenceValue>;
}

export interface FileReport {
  path: string;
  format: FormatId;
  /** Lines read (including empty and skipped ones). */
  lines: number;
  /** Lines turned into records (meta lines included). */
  parsed: number;
  /** Non-empty lines no parser understood. */
  skipped: number;
  durationMs: number;
  findings: Finding[];
  /** Present when reading failed part-way: what went wrong, for the user. */
  error?: string;
  /**
   * Present when a rule threw: each rule once, with its first error. Its findings are missing
   * from this report (the other rules ran), so a comparison must not call them resolved.
   */
  failedRules?: FailedRule[];
}

/** A rule that threw during an analysis (see FileReport.failedRules). */
export interface FailedRule {
  rule: RuleId;
  error: string;
}

export interface AnalysisReport {
  tool: { name: 'log-warden'; version: string };
  files: FileReport[];
}
