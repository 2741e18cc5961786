import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileReport } from '../engine/model';
import { removeStaleTemps, writeFileAtomic, writeFileAtomicSync } from './atomicWrite';
import { CorruptHistoryError, HistoryStore } from './historyStore';
import { NewerSchemaError } from './schema';
import { loadSqlJs } from './sqlJs';
import type { RecordOptions } from './types';

/** The database file's name inside its folder. */
export const HISTORY_FILE_NAME = 'history.sqlite';

/**
 * Saves that may wait are spaced at least this many times the last export's duration apart:
 * `export()` copies the whole database and blocks the thread (0.55 s at 110 MB, measured), so
 * a big history spends at most ~1/10 of the time saving, however often the editor records.
 */
const SAVE_SPACING_FACTOR = 10;

export interface HistoryFileOptions {
  /** Told what the user must know: a damaged file moved aside, a save that failed. */
  warn: (message: string) => void;
}

/** An analysis committed in memory, and the save that makes it durable. */
export interface RecordedAnalysis {
  id: number;
  /** Resolves once a file containing this analysis has replaced the old one on disk (the acknowledgement); rejects when that save failed. */
  saved: Promise<void>;
}

/**
 * A history store kept in a file: loaded at open, exported and written atomically after
 * changes (debounced; the writes of changes that arrive during a save are grouped into the
 * next one), and on close. A file that cannot be read is renamed aside
 * (`history.sqlite.corrupt-<time>`) with a warning, and a new history starts.
 */
export class HistoryFile {
  /** Changes made in memory, and how many of them the file on disk holds. */
  private changes = 0;
  private savedChanges = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = Infinity;
  private saving: Promise<void> | undefined;
  private waiters: { changes: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  private closed = false;
  /** A failing save is reported once, not after every analysis, until a save succeeds again. */
  private saveFailureShown = false;
  /** Duration of the last export (ms). */
  private lastExportMs = 0;

  private constructor(
    readonly path: string,
    readonly store: HistoryStore,
    /** False when the file must not be overwritten (a newer Log Warden's schema): history then lives in memory only. */
    readonly writable: boolean,
    private readonly options: HistoryFileOptions,
  ) {}

  static async open(file: string, options: HistoryFileOptions): Promise<HistoryFile> {
    const sql = await loadSqlJs();
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    removeStaleTemps(file);
    let data: Uint8Array | undefined;
    try {
      data = await fs.promises.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!data) return new HistoryFile(file, HistoryStore.open(sql), true, options);
    try {
      return new HistoryFile(file, HistoryStore.open(sql, data), true, options);
    } catch (err) {
      if (err instanceof NewerSchemaError) {
        options.warn(`Log Warden: ${file} was written by a newer version of Log Warden (${err.message}); it is left as it is, and this session's history is not saved.`);
        return new HistoryFile(file, HistoryStore.open(sql), false, options);
      }
      if (!(err instanceof CorruptHistoryError)) throw err;
      const aside = await moveAside(file);
      if (aside) {
        options.warn(`Log Warden: the analysis history ${file} could not be read (${err.message}); it was moved to ${aside} and a new history was started.`);
        return new HistoryFile(file, HistoryStore.open(sql), true, options);
      }
      options.warn(`Log Warden: the analysis history ${file} could not be read (${err.message}) nor moved aside; it is left as it is, and this session's history is not saved.`);
      return new HistoryFile(file, HistoryStore.open(sql), false, options);
    }
  }

  /**
   * Records a report in memory now; the save follows after `saveDelayMs` (0: at once; other
   * delays grow with the database, see SAVE_SPACING_FACTOR).
   */
  record(report: FileReport, options: RecordOptions, saveDelayMs: number): RecordedAnalysis {
    const id = this.store.record(report, options);
    return { id, saved: this.changed(saveDelayMs) };
  }

  /** See HistoryStore.markCommand; saves at once when it changed the row. */
  async markCommand(id: number): Promise<boolean> {
    if (!this.store.markCommand(id)) return false;
    await this.changed(0);
    return true;
  }

  /** Clears one file's analyses or all, and saves at once; resolves with the count after the save. */
  async clear(file?: string): Promise<number> {
    const count = this.store.clear(file);
    if (count > 0) await this.changed(0);
    return count;
  }

  /** Saves now what is not saved yet. */
  async flush(): Promise<void> {
    if (this.writable && this.changes > this.savedChanges) await this.saved(this.changes, 0);
  }

  /** Saves what is pending and closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.clearTimer();
      this.store.close();
    }
  }

  /**
   * The last chance, for a process that is exiting without having been shut down: a blocking
   * save of what is pending. No-op when everything is saved.
   */
  flushSync(): void {
    if (this.closed || !this.writable || this.changes <= this.savedChanges) return;
    const changes = this.changes;
    writeFileAtomicSync(this.path, this.store.export());
    this.savedChanges = changes;
  }

  /** True when changes are waiting to be saved. */
  get dirty(): boolean {
    return this.changes > this.savedChanges;
  }

  // ---------------------------------------------------------------------------------------

  private changed(saveDelayMs: number): Promise<void> {
    if (!this.closed && this.writable) this.changes++;
    return this.saved(this.changes, saveDelayMs);
  }

  /** Resolves once the file holds the first `changes` changes; schedules the save. */
  private saved(changes: number, saveDelayMs: number): Promise<void> {
    let saved: Promise<void>;
    if (this.closed) saved = Promise.reject(new Error('history is closed'));
    else if (!this.writable) saved = Promise.reject(new Error(`${this.path} is not written in this session (see the warning at start)`));
    else if (changes <= this.savedChanges) saved = Promise.resolve();
    else {
      saved = new Promise<void>((resolve, reject) => this.waiters.push({ changes, resolve, reject }));
      this.scheduleSave(saveDelayMs > 0 ? Math.max(saveDelayMs, SAVE_SPACING_FACTOR * this.lastExportMs) : 0);
    }
    // Callers that do not wait for the save must not leave an unhandled rejection behind.
    saved.catch(() => undefined);
    return saved;
  }

  private scheduleSave(delayMs: number): void {
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    this.clearTimer();
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      this.saving ??= this.saveLoop().finally(() => {
        this.saving = undefined;
      });
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  /** Saves until the file holds every change (changes made during a write go into the next). */
  private async saveLoop(): Promise<void> {
    while (this.changes > this.savedChanges && !this.closed) {
      const changes = this.changes;
      try {
        const started = performance.now();
        const bytes = this.store.export();
        this.lastExportMs = performance.now() - started;
        await writeFileAtomic(this.path, bytes);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (!this.saveFailureShown) {
          this.saveFailureShown = true;
          this.options.warn(`Log Warden: could not save the analysis history to ${this.path} (${error.message}); it is kept in memory and saved again after the next analysis.`);
        }
        this.settle(changes, error);
        return;
      }
      this.saveFailureShown = false;
      this.savedChanges = changes;
      this.settle(changes);
    }
  }

  private settle(upTo: number, error?: Error): void {
    const done = this.waiters.filter((w) => w.changes <= upTo);
    this.waiters = this.waiters.filter((w) => w.changes > upTo);
    for (const w of done) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }
}

/** Renames a damaged history beside itself (`<file>.corrupt-<time>`); undefined when that fails. */
async function moveAside(file: string): Promise<string | undefined> {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await fs.promises.rename(file, aside);
    return aside;
  } catch {
    try {
      await fs.promises.copyFile(file, aside, fs.constants.COPYFILE_EXCL);
      await fs.promises.unlink(file);
      return aside;
    } catch {
      return undefined;
    }
  }
}
