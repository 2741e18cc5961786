import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { HistoryFile } from '../../../server/src/history/historyFile';
import { HistoryStore } from '../../../server/src/history/historyStore';
import { MIGRATIONS, migrate, NewerSchemaError, SCHEMA_VERSION, schemaVersion } from '../../../server/src/history/schema';
import { loadSqlJs } from '../../../server/src/history/sqlJs';
import { sampleReport } from './fixtures';

describe('history: schema and migrations', () => {
  let sql: SqlJsStatic;
  before(async () => {
    sql = await loadSqlJs();
  });

  function names(db: InstanceType<SqlJsStatic['Database']>, type: string): string[] {
    const rows = db.exec('SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE ? ORDER BY name', [type, 'sqlite_%']);
    return rows.length ? rows[0].values.map((r) => String(r[0])) : [];
  }

  it('creates the tables and indexes of the newest version in an empty database', () => {
    const db = new sql.Database();
    assert.equal(migrate(db), 0);
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    assert.deepEqual(names(db, 'table'), ['analyses', 'analysis_findings', 'findings']);
    assert.deepEqual(names(db, 'index'), ['analyses_by_file']);
    // The listing and comparing queries use the indexes, not full scans.
    const plan = (q: string, params: (string | number)[]) => db.exec(`EXPLAIN QUERY PLAN ${q}`, params)[0].values.map((r) => String(r[3])).join(' | ');
    assert.match(plan('SELECT id FROM analyses WHERE file = ? ORDER BY id DESC LIMIT 10', ['a.log']), /USING (COVERING )?INDEX analyses_by_file/);
    assert.match(
      plan('SELECT 1 FROM analysis_findings o WHERE o.analysis_id = ? AND o.fingerprint = ?', [1, 'x']),
      /USING PRIMARY KEY \(analysis_id=\? AND fingerprint=\?\)/,
    );
    db.close();
  });

  it('runs nothing on a database already at the newest version', () => {
    const db = new sql.Database();
    migrate(db);
    db.run('INSERT INTO analyses (file, time, origin, format, lines, parsed, skipped, critical, high, medium, low, duration_ms, settings_hash, tool_version) VALUES (?, 1, ?, ?, 1, 1, 0, 0, 0, 0, 0, 1, ?, ?)', ['a.log', 'cli', 'generic', 'h', '0.1.0']);
    assert.equal(migrate(db), SCHEMA_VERSION);
    assert.equal(db.exec('SELECT count(*) FROM analyses')[0].values[0][0], 1);
    db.close();
  });

  it('migrates a database of an older version step by step, keeping its data', () => {
    const store = HistoryStore.open(sql);
    const id = store.record(sampleReport(), { origin: 'cli', settingsHash: 'h', retention: 10 });
    const bytes = store.export();
    store.close();
    // A later version adds a column: its step runs on the old database, the data stays.
    const next = [...MIGRATIONS, "ALTER TABLE analyses ADD COLUMN label TEXT NOT NULL DEFAULT ''"];
    const db = new sql.Database(bytes);
    assert.equal(migrate(db, next), SCHEMA_VERSION, 'it was at the current version');
    assert.equal(schemaVersion(db), SCHEMA_VERSION + 1);
    assert.deepEqual(db.exec('SELECT id, label FROM analyses')[0].values, [[id, '']]);
    db.close();
  });

  it('brings a version-1 database (before failed_rules) to the current version, keeping its analyses', () => {
    const db = new sql.Database();
    migrate(db, MIGRATIONS.slice(0, 1));
    db.run('INSERT INTO analyses (file, time, origin, format, lines, parsed, skipped, critical, high, medium, low, duration_ms, settings_hash, tool_version) VALUES (?, 1, ?, ?, 1, 1, 0, 0, 0, 0, 0, 1, ?, ?)', ['a.log', 'cli', 'generic', 'h', '0.1.0']);
    assert.equal(migrate(db), 1);
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    assert.deepEqual(db.exec('SELECT file, failed_rules FROM analyses')[0].values, [['a.log', null]]);
    db.close();
  });

  it('leaves a database at its version when a step fails', () => {
    const db = new sql.Database();
    migrate(db);
    const broken = [...MIGRATIONS, 'CREATE TABLE extra (x INTEGER); INSERT INTO no_such_table VALUES (1)'];
    assert.throws(() => migrate(db, broken), /no such table/);
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    assert.ok(!names(db, 'table').includes('extra'), 'the failed step left no table behind');
    db.close();
  });

  it('refuses a database written by a newer version, and its file is left untouched', async () => {
    const db = new sql.Database();
    migrate(db);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    const bytes = db.export();
    db.close();
    assert.throws(() => HistoryStore.open(sql, bytes), NewerSchemaError);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-schema-'));
    const file = path.join(dir, 'history.sqlite');
    fs.writeFileSync(file, bytes);
    const warnings: string[] = [];
    const history = await HistoryFile.open(file, { warn: (m) => warnings.push(m) });
    assert.equal(history.writable, false);
    assert.match(warnings.join('\n'), /newer version of Log Warden/);
    await assert.rejects(history.record(sampleReport(), { origin: 'cli', settingsHash: 'h', retention: 10 }, 0).saved, /not written/);
    await history.close();
    assert.deepEqual(fs.readFileSync(file), Buffer.from(bytes), 'the newer database is unchanged');
    assert.deepEqual(fs.readdirSync(dir), ['history.sqlite']);
  });
});
