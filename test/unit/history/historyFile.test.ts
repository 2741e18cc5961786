import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../server/src/history/atomicWrite';
import { HISTORY_FILE_NAME, HistoryFile } from '../../../server/src/history/historyFile';
import { HistoryStore } from '../../../server/src/history/historyStore';
import { loadSqlJs } from '../../../server/src/history/sqlJs';
import type { RecordOptions } from '../../../server/src/history/types';
import { sampleReport } from './fixtures';

const OPTIONS: RecordOptions = { origin: 'command', settingsHash: 'h', retention: 100 };

function tempFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'logwarden-history-'));
}

/** The ids stored in a history file on disk, read by a store of its own. */
async function idsOnDisk(file: string): Promise<number[]> {
  const store = HistoryStore.open(await loadSqlJs(), fs.readFileSync(file));
  try {
    return store.list({ limit: 10_000 }).analyses.map((a) => a.id).reverse();
  } finally {
    store.close();
  }
}

describe('history: file', () => {
  it('starts a new history where there is none, and finds it again after a restart', async () => {
    const file = path.join(tempFolder(), 'nested', HISTORY_FILE_NAME);
    const warnings: string[] = [];
    const first = await HistoryFile.open(file, { warn: (m) => warnings.push(m) });
    assert.equal(first.store.list().total, 0);
    assert.ok(!fs.existsSync(file), 'nothing written before there is something to keep');
    const report = sampleReport();
    const { id, saved } = first.record(report, OPTIONS, 0);
    await saved;
    await first.close();
    const second = await HistoryFile.open(file, { warn: (m) => warnings.push(m) });
    assert.deepStrictEqual(second.store.get(id)!.report, report);
    assert.deepEqual(warnings, []);
    await second.close();
  });

  it('acknowledges an analysis only once the file on disk holds it', async () => {
    const file = path.join(tempFolder(), HISTORY_FILE_NAME);
    const history = await HistoryFile.open(file, { warn: () => undefined });
    const checks: Promise<void>[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      // Some saved at once, some after a delay: each is on disk when its promise resolves.
      const { id, saved } = history.record(sampleReport(), OPTIONS, i % 3 === 0 ? 0 : 50);
      ids.push(id);
      checks.push(saved.then(async () => assert.ok((await idsOnDisk(file)).includes(id), `analysis ${id} is on disk when acknowledged`)));
    }
    assert.equal(history.dirty, true);
    await Promise.all(checks);
    assert.equal(history.dirty, false);
    assert.deepEqual(await idsOnDisk(file), ids);
    await history.close();
  });

  it('saves pending analyses on close, and synchronously for a process that exits', async () => {
    const file = path.join(tempFolder(), HISTORY_FILE_NAME);
    const history = await HistoryFile.open(file, { warn: () => undefined });
    const a = history.record(sampleReport(), OPTIONS, 60_000).id;
    history.flushSync();
    assert.deepEqual(await idsOnDisk(file), [a]);
    const b = history.record(sampleReport(), OPTIONS, 60_000).id;
    await history.close();
    assert.deepEqual(await idsOnDisk(file), [a, b]);
  });

  for (const [name, damage] of [
    ['random bytes', (valid: Buffer) => Buffer.from(valid.map((_, i) => (i * 131 + 7) & 0xff))],
    ['a truncated copy', (valid: Buffer) => valid.subarray(0, Math.floor(valid.length / 2))],
    ['a copy cut inside a page', (valid: Buffer) => valid.subarray(0, valid.length - 100)],
    ['an empty file', () => Buffer.alloc(0)],
    ['damaged pages', (valid: Buffer) => {
      const copy = Buffer.from(valid);
      // Overwrite every page after the first with garbage, header intact.
      for (let i = 4096; i < copy.length; i++) copy[i] = (i * 37) & 0xff;
      return copy;
    }],
  ] as const) {
    it(`moves ${name} aside with a warning and starts a new history that works`, async () => {
      const dir = tempFolder();
      const file = path.join(dir, HISTORY_FILE_NAME);
      const seed = await HistoryFile.open(file, { warn: () => undefined });
      for (let i = 0; i < 30; i++) seed.record(sampleReport(`logs/${i}.log`), OPTIONS, 0);
      await seed.close();
      const bad = damage(fs.readFileSync(file));
      fs.writeFileSync(file, bad);

      const warnings: string[] = [];
      const history = await HistoryFile.open(file, { warn: (m) => warnings.push(m) });
      const aside = fs.readdirSync(dir).filter((n) => n.startsWith(`${HISTORY_FILE_NAME}.corrupt-`));
      assert.equal(aside.length, 1, `moved aside: ${fs.readdirSync(dir).join(', ')}`);
      assert.deepEqual(fs.readFileSync(path.join(dir, aside[0])), bad, 'the damaged file is kept as it was');
      assert.equal(warnings.length, 1);
      assert.ok(warnings[0].includes(path.join(dir, aside[0])), warnings[0]);
      assert.match(warnings[0], /could not be read .* new history was started/);
      assert.equal(history.store.list().total, 0);
      const { id, saved } = history.record(sampleReport(), OPTIONS, 0);
      await saved;
      await history.close();
      assert.deepEqual(await idsOnDisk(file), [id]);
    });
  }

  it("neither writes into nor moves another program's SQLite database", async () => {
    const dir = tempFolder();
    const file = path.join(dir, 'app.db');
    const sql = await loadSqlJs();
    const other = new sql.Database();
    other.exec("CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('kept')");
    const bytes = Buffer.from(other.export());
    other.close();
    fs.writeFileSync(file, bytes);
    await assert.rejects(HistoryFile.open(file, { warn: () => undefined }), /not a Log Warden history: it holds other tables \(customers\)/);
    assert.deepEqual(fs.readdirSync(dir), ['app.db']);
    assert.deepEqual(fs.readFileSync(file), bytes);
  });

  it('removes temporary files a killed save left behind', async () => {
    const dir = tempFolder();
    const file = path.join(dir, HISTORY_FILE_NAME);
    // A pid that is not running (pid numbers stop well below 2^22 on Linux).
    fs.writeFileSync(`${file}.tmp-4194999-1`, 'half a database');
    fs.writeFileSync(path.join(dir, 'unrelated.tmp-1-1'), 'not ours');
    const history = await HistoryFile.open(file, { warn: () => undefined });
    await history.close();
    assert.deepEqual(fs.readdirSync(dir).sort(), ['unrelated.tmp-1-1']);
  });

  it('writes atomically: the target is whole before and after, and no temporary file stays', async () => {
    const dir = tempFolder();
    const file = path.join(dir, 'x.bin');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(file, new Uint8Array(100_000).fill(9));
    assert.equal(fs.readFileSync(file).length, 100_000);
    assert.deepEqual(fs.readdirSync(dir), ['x.bin']);
    await assert.rejects(writeFileAtomic(path.join(dir, 'missing', 'y.bin'), new Uint8Array([1])), /ENOENT/);
    assert.deepEqual(fs.readdirSync(dir), ['x.bin']);
  });

  it('reports a save that fails once, keeps the analyses in memory, and saves them when it can again', async () => {
    const dir = tempFolder();
    const file = path.join(dir, 'sub', HISTORY_FILE_NAME);
    const warnings: string[] = [];
    const history = await HistoryFile.open(file, { warn: (m) => warnings.push(m) });
    // The folder disappears under it (a storage folder deleted while running).
    fs.rmSync(path.join(dir, 'sub'), { recursive: true });
    const a = history.record(sampleReport(), OPTIONS, 0);
    await assert.rejects(a.saved, /ENOENT/);
    const b = history.record(sampleReport(), OPTIONS, 0);
    await assert.rejects(b.saved, /ENOENT/);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /could not save the analysis history/);
    fs.mkdirSync(path.join(dir, 'sub'));
    const c = history.record(sampleReport(), OPTIONS, 0);
    await c.saved;
    assert.deepEqual(await idsOnDisk(file), [a.id, b.id, c.id]);
    await history.close();
  });
});
