import type { Database } from 'sql.js';

/**
 * The history schema, one migration per version. `PRAGMA user_version` holds the version a
 * database is at; `migrate` runs the missing steps, each in its own transaction, so a
 * database is always at one whole version. Never edit a released step: add the next one.
 *
 * Findings are stored once per version: `findings` holds a finding's contract fields, and
 * `analysis_findings` links each analysis to the versions it reported. A log analysed again
 * after a few appended lines reports mostly the same findings, byte for byte; an analysis
 * reuses the versions of the previous analysis of its log that it reports unchanged. Storing
 * them per analysis would multiply the database (and every export of it) by the number of
 * analyses kept. Because only the previous analysis is reused from, the analyses using a
 * version are consecutive analyses of one log — which is what lets retention find the
 * versions it frees without an index over all links (historyStore.ts).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: analyses, deduplicated findings, and the links between them.
  `
  CREATE TABLE analyses (
    id            INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids of deleted analyses are never reused
    file          TEXT    NOT NULL,
    time          INTEGER NOT NULL,                  -- epoch ms
    origin        TEXT    NOT NULL CHECK (origin IN ('editor', 'command', 'cli')),
    format        TEXT    NOT NULL,
    lines         INTEGER NOT NULL,
    parsed        INTEGER NOT NULL,
    skipped       INTEGER NOT NULL,
    critical      INTEGER NOT NULL,
    high          INTEGER NOT NULL,
    medium        INTEGER NOT NULL,
    low           INTEGER NOT NULL,
    duration_ms   REAL    NOT NULL,
    settings_hash TEXT    NOT NULL,
    tool_version  TEXT    NOT NULL,
    error         TEXT
  );
  -- Listing one file's analyses newest first, and retention per file.
  CREATE INDEX analyses_by_file ON analyses (file, id);

  CREATE TABLE findings (
    id           INTEGER PRIMARY KEY,
    fingerprint  TEXT    NOT NULL,
    rule         TEXT    NOT NULL,
    severity     TEXT    NOT NULL,
    confidence   REAL    NOT NULL,
    source       TEXT,
    user         TEXT,
    line         INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    message      TEXT    NOT NULL,
    attack       TEXT    NOT NULL,        -- JSON array of technique ids
    evidence     TEXT    NOT NULL,        -- JSON object
    lines        BLOB    NOT NULL         -- lineList.ts: delta-encoded varints
  );

  -- The findings of each analysis, in report order (position). The key serves reading an
  -- analysis, comparing two by fingerprint, and deleting one; rows of one analysis are
  -- stored together, so recording one writes a few pages at the end of the table.
  CREATE TABLE analysis_findings (
    analysis_id INTEGER NOT NULL REFERENCES analyses (id),
    fingerprint TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    finding_id  INTEGER NOT NULL, -- no REFERENCES: checking it would need an index on it (see above)
    PRIMARY KEY (analysis_id, fingerprint, position)
  ) WITHOUT ROWID;
  `,
  // 2: the rules that threw during an analysis (JSON [{rule, error}], NULL when all ran):
  // their findings are missing from it, so a comparison must not call them resolved or new.
  `ALTER TABLE analyses ADD COLUMN failed_rules TEXT`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database was written by a newer Log Warden: this one must not touch it. */
export class NewerSchemaError extends Error {
  constructor(readonly found: number, readonly supported: number) {
    super(`history database is at schema version ${found}; this version of Log Warden knows up to ${supported}`);
  }
}

export function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0].values[0][0]);
}

/** Brings a database to the newest schema version. Returns the version it was at. */
export function migrate(db: Database, migrations: readonly string[] = MIGRATIONS): number {
  const from = schemaVersion(db);
  if (from > migrations.length) throw new NewerSchemaError(from, migrations.length);
  for (let version = from; version < migrations.length; version++) {
    db.exec('BEGIN');
    try {
      db.exec(migrations[version]);
      // PRAGMA takes no bound parameters; the version is an integer we computed.
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
  return from;
}
