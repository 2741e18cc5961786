/**
 * What the engine's output must look like whatever the input: checks shared by the hostile
 * tests. Each returns the problems found (empty = within the contract), so a property can
 * report all of them with the input that caused them.
 */
import type { AnalysisReport, FileReport, LogRecord } from '../../server/src/engine/model';
import { TOOL_NAME, TOOL_VERSION } from '../../server/src/engine/version';
import { loadContractValidator } from '../unit/report/schemas';

const KINDS = new Set(['http', 'auth', 'firewall', 'event', 'meta']);
const AUTH_EVENTS = new Set(['failure', 'invalid-user', 'success', 'session-open', 'session-close', 'privilege', 'disconnect']);
const STRING_FIELDS = ['source', 'destination', 'protocol', 'user', 'method', 'path', 'query', 'userAgent', 'referrer', 'program', 'host', 'level', 'message'] as const;
/** UTC offsets written in logs stay within ±24 h (real ones within −12 h … +14 h). */
const MAX_OFFSET_MINUTES = 24 * 60;

/** A parsed record, as the parser of line `line` (0-based) returned it. */
export function recordProblems(record: LogRecord | null, line: number): string[] {
  if (record === null) return [];
  const problems: string[] = [];
  if (typeof record !== 'object') return [`record is a ${typeof record}`];
  if (record.line !== line) problems.push(`line ${record.line}, expected ${line}`);
  if (!KINDS.has(record.kind)) problems.push(`kind ${String(record.kind)}`);
  if (typeof record.time !== 'number' || (!Number.isNaN(record.time) && !Number.isFinite(record.time))) problems.push(`time ${record.time}`);
  // A Date must be able to hold it (±8.64e15 ms), or formatting it throws later.
  if (Number.isFinite(record.time) && Math.abs(record.time) > 8.64e15) problems.push(`time ${record.time} beyond what a Date holds`);
  if (!Number.isFinite(record.offsetMinutes) || Math.abs(record.offsetMinutes) > MAX_OFFSET_MINUTES) problems.push(`offsetMinutes ${record.offsetMinutes}`);
  for (const key of STRING_FIELDS) {
    const v = record[key];
    if (v !== undefined && typeof v !== 'string') problems.push(`${key} is a ${typeof v}`);
  }
  if (record.status !== undefined && !(Number.isInteger(record.status) && record.status >= 0)) problems.push(`status ${record.status}`);
  if (record.bytes !== undefined && !(Number.isFinite(record.bytes) && record.bytes >= 0)) problems.push(`bytes ${record.bytes}`);
  if (record.destinationPort !== undefined && !(Number.isInteger(record.destinationPort) && record.destinationPort >= 0 && record.destinationPort <= 65535)) {
    problems.push(`destinationPort ${record.destinationPort}`);
  }
  if (record.attempts !== undefined && !(Number.isInteger(record.attempts) && record.attempts >= 1)) problems.push(`attempts ${record.attempts}`);
  if (record.auth !== undefined && !AUTH_EVENTS.has(record.auth)) problems.push(`auth ${String(record.auth)}`);
  if (record.action !== undefined && record.action !== 'block' && record.action !== 'allow') problems.push(`action ${String(record.action)}`);
  if (Object.getPrototypeOf(record) !== Object.prototype) problems.push('record does not have Object.prototype (prototype pollution?)');
  return problems;
}

/**
 * A file report for a text of `lineCount` lines: the JSON schema of the finding contract,
 * and what the schema cannot say (line numbers in range and ascending, `line` among `lines`).
 */
export function reportProblems(report: FileReport, lineCount: number): string[] {
  const problems: string[] = [];
  const validate = loadContractValidator();
  const whole: AnalysisReport = { tool: { name: TOOL_NAME, version: TOOL_VERSION }, files: [report] };
  // Through JSON, as the CLI writes it: NaN and undefined must not be what makes it valid.
  const roundTripped = JSON.parse(JSON.stringify(whole)) as unknown;
  if (!validate(roundTripped)) problems.push(`schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  if (report.lines !== lineCount) problems.push(`lines ${report.lines}, expected ${lineCount}`);
  if (report.parsed + report.skipped > report.lines) problems.push(`parsed ${report.parsed} + skipped ${report.skipped} > lines ${report.lines}`);
  for (const f of report.findings) {
    const where = `${f.rule} ${f.fingerprint}`;
    if (!(f.confidence >= 0 && f.confidence <= 1)) problems.push(`${where}: confidence ${f.confidence}`);
    if (!(f.line >= 1 && f.line <= lineCount)) problems.push(`${where}: line ${f.line} outside 1..${lineCount}`);
    for (let i = 0; i < f.lines.length; i++) {
      if (!(f.lines[i] >= 1 && f.lines[i] <= lineCount)) problems.push(`${where}: evidence line ${f.lines[i]} outside 1..${lineCount}`);
      if (i > 0 && !(f.lines[i] > f.lines[i - 1])) problems.push(`${where}: evidence lines not ascending at ${i}`);
    }
    if (!f.lines.includes(f.line)) problems.push(`${where}: line ${f.line} not among its evidence lines`);
  }
  return problems;
}

/** Lines as the analyzer counts them: LF, CRLF and lone CR end a line; a final line end adds none. */
export function countLines(text: string): number {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let n = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      n++;
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  return start < text.length ? n + 1 : n;
}
