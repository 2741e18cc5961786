/**
 * Builders of LogRecord objects (and the line text a parser would have seen) for detector tests,
 * plus a runner that feeds detectors the way the analyzer does and finishes them in rule order.
 */
import type { LogRecord, Finding } from '../../../server/src/engine/model';
import type { Detector, DetectorFactory, DetectorContext } from '../../../server/src/engine/detect/types';
import { resolveConfig, type EngineConfig, type PartialConfig } from '../../../server/src/engine/config';
import { SourceProfiles } from '../../../server/src/engine/detect/sourceProfiles';
import { WorkingHoursClock } from '../../../server/src/engine/time/workingHours';
import { IpAllowlist } from '../../../server/src/engine/net/ipAllowlist';
import { MONTH_ABBREVIATIONS as MONTHS } from '../../../server/src/engine/time/monthNameDate';

/** A record with the text a parser was given for it. */
export interface Fed {
  record: LogRecord;
  text: string;
}

export const MS = { s: 1000, m: 60_000, h: 3_600_000 };

/** Epoch ms of an ISO time ("2024-03-09T02:14:00Z"). */
export function at(iso: string): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad time ${iso}`);
  return t;
}


function syslogStamp(time: number): string {
  if (!Number.isFinite(time)) return '';
  const d = new Date(time);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** Assigns line numbers in order, so tests read like a log. */
export class LogBuilder {
  readonly fed: Fed[] = [];
  private next = 0;

  constructor(private readonly host = 'web1') {}

  get lineCount(): number {
    return this.next;
  }

  /** A syslog line from `program[pid]` with the record fields given. */
  syslog(time: number, program: string, pid: number, message: string, fields: Partial<LogRecord>): LogRecord {
    const record: LogRecord = {
      line: this.next++,
      kind: 'auth',
      time,
      offsetMinutes: 0,
      host: this.host,
      program,
      message,
      ...fields,
    };
    const text = `${syslogStamp(time)} ${this.host} ${program}[${pid}]: ${message}`;
    this.fed.push({ record, text });
    return record;
  }

  /** sshd "Failed password for [invalid user] USER from IP port N ssh2". */
  failedPassword(time: number, pid: number, source: string, user: string, invalid = false, attempts?: number): LogRecord {
    const msg = `Failed password for ${invalid ? 'invalid user ' : ''}${user} from ${source} port ${40000 + (pid % 20000)} ssh2`;
    return this.syslog(time, 'sshd', pid, msg, {
      source,
      user,
      auth: invalid ? 'invalid-user' : 'failure',
      ...(attempts !== undefined ? { attempts } : {}),
    });
  }

  /** sshd "Invalid user USER from IP port N". */
  invalidUser(time: number, pid: number, source: string, user: string): LogRecord {
    return this.syslog(time, 'sshd', pid, `Invalid user ${user} from ${source} port ${40000 + (pid % 20000)}`, {
      source,
      user,
      auth: 'invalid-user',
    });
  }

  /** pam_unix(sshd:auth) authentication failure with rhost (an IP or a host name). */
  pamFailure(time: number, pid: number, rhost: string, user?: string): LogRecord {
    const msg = `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${rhost}${user ? `  user=${user}` : ''}`;
    return this.syslog(time, 'sshd', pid, msg, { source: rhost, ...(user ? { user } : {}), auth: 'failure' });
  }

  /** "PAM N more authentication failures" summary. */
  pamMore(time: number, pid: number, rhost: string, n: number, user?: string): LogRecord {
    const msg = `PAM ${n} more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=${rhost}${user ? `  user=${user}` : ''}`;
    return this.syslog(time, 'sshd', pid, msg, { source: rhost, ...(user ? { user } : {}), auth: 'failure', attempts: n });
  }

  accepted(time: number, pid: number, source: string, user: string): LogRecord {
    return this.syslog(time, 'sshd', pid, `Accepted password for ${user} from ${source} port ${40000 + (pid % 20000)} ssh2`, {
      source,
      user,
      auth: 'success',
    });
  }

  /** An access-log request. */
  http(time: number, source: string, method: string, path: string, status: number, user?: string): LogRecord {
    const record: LogRecord = {
      line: this.next++,
      kind: 'http',
      time,
      offsetMinutes: 0,
      source,
      method,
      path,
      status,
      bytes: 512,
      userAgent: 'Mozilla/5.0',
      ...(user !== undefined ? { user } : {}),
    };
    const text = `${source} - ${user ?? '-'} [${new Date(time).toISOString()}] "${method} ${path} HTTP/1.1" ${status} 512 "-" "Mozilla/5.0"`;
    this.fed.push({ record, text });
    return record;
  }

  /** A UFW kernel line. */
  firewall(
    time: number,
    source: string,
    destination: string,
    port: number,
    opts: { action?: 'block' | 'allow'; protocol?: string; sourcePort?: number; flags?: string } = {},
  ): LogRecord {
    const action = opts.action ?? 'block';
    const protocol = opts.protocol ?? 'TCP';
    const record: LogRecord = {
      line: this.next++,
      kind: 'firewall',
      time,
      offsetMinutes: 0,
      host: this.host,
      program: 'kernel',
      source,
      destination,
      destinationPort: port,
      protocol,
      action,
    };
    const flags = protocol === 'TCP' ? ` WINDOW=1024 RES=0x00 ${opts.flags ?? 'SYN'} URGP=0` : '';
    const text =
      `${syslogStamp(time)} ${this.host} kernel: [12345.678] [UFW ${action === 'block' ? 'BLOCK' : 'ALLOW'}] IN=eth0 OUT= ` +
      `MAC=00:00 SRC=${source} DST=${destination} LEN=44 TOS=0x00 PREC=0x00 TTL=49 ID=0 PROTO=${protocol} ` +
      `SPT=${opts.sourcePort ?? 51234} DPT=${port}${flags}`;
    this.fed.push({ record, text });
    return record;
  }

  /** Any other auth record (sudo, su, session lines). */
  auth(time: number, program: string, pid: number, message: string, fields: Partial<LogRecord>): LogRecord {
    return this.syslog(time, program, pid, message, fields);
  }

  /** The records fed since `from` (a line count), for appending in tests. */
  since(from: number): Fed[] {
    return this.fed.filter((f) => f.record.line >= from);
  }
}

export function config(partial: PartialConfig = {}): EngineConfig {
  const problems: string[] = [];
  const c = resolveConfig(partial, problems);
  if (problems.length) throw new Error(problems.join('; '));
  return c;
}

/** Detectors fed in line order and finished in the given order (each sees the findings before it). */
export class Harness {
  readonly detectors: Detector[];
  readonly profiles: SourceProfiles;
  private readonly allowlist: IpAllowlist;

  constructor(
    factories: DetectorFactory[],
    readonly cfg: EngineConfig = config(),
  ) {
    this.detectors = factories.map((f) => f(cfg));
    this.profiles = new SourceProfiles(new WorkingHoursClock(cfg.workingHours));
    this.allowlist = new IpAllowlist(cfg.allowlist);
  }

  feed(fed: readonly Fed[]): this {
    for (const { record, text } of fed) {
      this.profiles.observe(record);
      for (const d of this.detectors) d.observe(record, { text });
    }
    return this;
  }

  /** All findings, in detector order; `extraEarlier` plays findings of rules not in the harness. */
  finish(extraEarlier: Finding[] = []): Finding[] {
    const findings: Finding[] = [...extraEarlier];
    const ctx: DetectorContext = {
      config: this.cfg,
      file: 'test.log',
      profiles: this.profiles,
      isAllowed: (s) => this.allowlist.has(s),
      earlier: findings,
    };
    for (const d of this.detectors) findings.push(...d.finish(ctx));
    return findings.slice(extraEarlier.length);
  }
}

/** Findings of one rule. */
export function ofRule(findings: Finding[], rule: Finding['rule']): Finding[] {
  return findings.filter((f) => f.rule === rule);
}
