/**
 * Real syslog files from Loghub 2.0 (corpora/loghub-2.0): OpenSSH (a brute-force storm on a
 * lab server) and Linux (/var/log/messages of a Red Hat box, pre-0.99 PAM). Every line must
 * parse; the header fields must agree with Loghub's hand-corrected structured CSV; and the
 * authentication reading must agree with the CSV's message templates (EventId): the templates
 * that are failures give auth failures with the client address, every other template gives none.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFormat } from '../../server/src/engine/formats';
import type { ParseContext } from '../../server/src/engine/formats/types';
import type { LogRecord } from '../../server/src/engine/model';
import { MONTH_ABBREVIATIONS as MONTHS } from '../../server/src/engine/time/monthNameDate';

const LOGHUB = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpora', 'loghub-2.0');
/** Any year will do: the checks read month, day and clock back. */
const CONTEXT: ParseContext = { referenceYear: 2016, referenceTime: Date.UTC(2016, 11, 31) };

/** RFC 4180 CSV (quoted fields may hold commas and doubled quotes). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k] ?? ''])));
}

interface Dataset {
  lines: string[];
  csv: Record<string, string>[];
  records: (LogRecord | null)[];
  format: string;
}

function load(name: string): Dataset {
  const lines = fs.readFileSync(path.join(LOGHUB, name, `${name}_2k.log`), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const csv = parseCsv(fs.readFileSync(path.join(LOGHUB, name, `${name}_2k.log_structured_corrected.csv`), 'utf8'));
  const { format } = detectFormat(lines.slice(0, 64), CONTEXT);
  const parser = format.createParser(CONTEXT);
  const records = lines.map((l, i) => parser.parse(l, i));
  return { lines, csv, records, format: format.id };
}

const isFailure = (r: LogRecord | null): boolean => r !== null && (r.auth === 'failure' || r.auth === 'invalid-user');
const IPV4 = /\b(\d{1,3}(?:\.\d{1,3}){3})\b/;

/** Month/day/clock of a record, as the CSV writes them. */
function clockOf(r: LogRecord): string {
  const d = new Date(r.time);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${hh}:${mm}:${ss}`;
}

function checkHeaders(data: Dataset, hostColumn: string, programColumn: string | null, dateColumns: [string, string]): string[] {
  const wrong: string[] = [];
  data.csv.forEach((row, i) => {
    const r = data.records[i];
    if (!r) return;
    const want = {
      host: row[hostColumn],
      program: programColumn ? row[programColumn] : 'sshd',
      message: row.Content.trim(),
      clock: `${row[dateColumns[0]]} ${Number(row[dateColumns[1]])} ${row.Time}`,
    };
    const got = { host: r.host, program: r.program, message: (r.message ?? '').trim(), clock: clockOf(r) };
    if (got.host !== want.host || got.program !== want.program || got.message !== want.message || got.clock !== want.clock) {
      wrong.push(`line ${i + 1}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
    }
  });
  return wrong;
}

describe('loghub corpus: OpenSSH and Linux syslog', function () {
  let openssh: Dataset;
  let linux: Dataset;

  before(function () {
    if (!fs.existsSync(path.join(LOGHUB, 'OpenSSH', 'OpenSSH_2k.log'))) {
      console.log(`    skipped: Loghub corpus not found at ${LOGHUB} (the corpora live in ../shared/corpora next to the repository)`);
      this.skip();
    }
    openssh = load('OpenSSH');
    linux = load('Linux');
    for (const [name, d] of [['OpenSSH', openssh], ['Linux', linux]] as const) {
      const parsed = d.records.filter((r) => r !== null).length;
      const kinds: Record<string, number> = {};
      for (const r of d.records) if (r) kinds[r.kind + (r.auth ? ':' + r.auth : '')] = (kinds[r.kind + (r.auth ? ':' + r.auth : '')] ?? 0) + 1;
      console.log(`    ${name}: format ${d.format}, parsed ${parsed}/${d.lines.length} (${((100 * parsed) / d.lines.length).toFixed(1)}%) ${JSON.stringify(kinds)}`);
    }
  });

  it('detects both files as RFC 3164 syslog and parses every line', function () {
    for (const d of [openssh, linux]) {
      assert.equal(d.format, 'syslog');
      assert.equal(d.csv.length, d.lines.length);
      const unparsed = d.lines.filter((_, i) => d.records[i] === null);
      assert.deepEqual(unparsed.slice(0, 5), []);
    }
  });

  it("agrees with Loghub's structured CSV on host, program, message and time", function () {
    const sshWrong = checkHeaders(openssh, 'Component', null, ['Date', 'Day']);
    const linuxWrong = checkHeaders(linux, 'Level', 'Component', ['Month', 'Date']);
    assert.deepEqual([...sshWrong, ...linuxWrong].slice(0, 5), []);
  });

  it('OpenSSH: failure templates give failures from the logged address, other templates none', function () {
    // E4 Disconnecting: Too many authentication failures (address from the pid's earlier lines)
    // E6 Received disconnect …: 3: … Auth fail     E8 Failed none for invalid user
    // E9/E10 Failed password [for invalid user]   E13 Invalid user … from
    // E14 message repeated N times: [ Failed password … ]
    const failureTemplates = new Set(['E4', 'E6', 'E8', 'E9', 'E10', 'E13', 'E14']);
    const wrong: string[] = [];
    let failures = 0;
    openssh.csv.forEach((row, i) => {
      const r = openssh.records[i];
      const expected = failureTemplates.has(row.EventId);
      if (isFailure(r) !== expected) wrong.push(`${row.EventId} line ${i + 1}: ${openssh.lines[i]}`);
      if (!expected || !r) return;
      failures++;
      const ip = IPV4.exec(row.Content)?.[1];
      if (ip !== undefined && r.source !== ip) wrong.push(`${row.EventId} line ${i + 1}: source ${r.source}, want ${ip}`);
      if (ip === undefined && r.source === undefined) wrong.push(`${row.EventId} line ${i + 1}: no source`);
      if (row.EventId === 'E14') {
        const n = Number(/message repeated (\d+) times/.exec(row.Content)![1]);
        if (r.attempts !== n) wrong.push(`E14 line ${i + 1}: attempts ${r.attempts}, want ${n}`);
      }
    });
    assert.deepEqual(wrong.slice(0, 8), []);
    assert.ok(failures > 500, `only ${failures} failures`);
    const success = openssh.csv.findIndex((row) => row.EventId === 'E1');
    assert.equal(openssh.records[success]?.auth, 'success');
  });

  it('Linux: pre-0.99 PAM authentication failures count, with rhost as the source; nothing else does', function () {
    // E15-E19: "authentication failure; logname= … rhost=…" from sshd(pam_unix), gdm(pam_unix)…
    const failureTemplates = new Set(['E15', 'E16', 'E17', 'E18', 'E19']);
    const wrong: string[] = [];
    linux.csv.forEach((row, i) => {
      const r = linux.records[i];
      const expected = failureTemplates.has(row.EventId);
      if (isFailure(r) !== expected) wrong.push(`${row.EventId} line ${i + 1}: ${linux.lines[i]}`);
      if (!expected || !r) return;
      const rhost = /rhost=(\S*)/.exec(row.Content)![1];
      if ((r.source ?? '') !== rhost) wrong.push(`${row.EventId} line ${i + 1}: source ${r.source}, want ${rhost}`);
      const user = /user=(\S+)\s*$/.exec(row.Content)?.[1];
      if (user !== undefined && r.user !== user) wrong.push(`${row.EventId} line ${i + 1}: user ${r.user}, want ${user}`);
    });
    assert.deepEqual(wrong.slice(0, 8), []);
  });

  it('Linux: PAM sessions of logins and su are session events with the user', function () {
    let sessions = 0;
    linux.csv.forEach((row, i) => {
      if (!['E101', 'E102', 'E103'].includes(row.EventId)) return;
      const r = linux.records[i]!;
      const user = /for user (\S+)/.exec(row.Content)![1];
      assert.equal(r.auth, row.EventId === 'E101' ? 'session-close' : 'session-open', linux.lines[i]);
      assert.equal(r.user, user);
      sessions++;
    });
    assert.ok(sessions > 200);
  });
});
