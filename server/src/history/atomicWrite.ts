import * as fs from 'node:fs';
import * as path from 'node:path';

/** Temporary files are `<file>.tmp-<pid>-<n>`, in the target's own folder (rename is atomic only within a file system). */
export const TEMP_MARKER = '.tmp-';

let tempCounter = 0;

function tempNameFor(file: string): string {
  return `${file}${TEMP_MARKER}${process.pid}-${++tempCounter}`;
}

/**
 * Replaces `file` with `data` so that a crash at any moment leaves either the old file or the
 * new one, whole: write a temporary file beside it, fsync it, rename it over the target, fsync
 * the folder (so the rename itself is on disk).
 */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const temp = tempNameFor(file);
  try {
    const handle = await fs.promises.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncFolder(path.dirname(file));
}

/** The same, blocking: for the last save of a process that is exiting (no event loop left). */
export function writeFileAtomicSync(file: string, data: Uint8Array): void {
  const temp = tempNameFor(file);
  try {
    const fd = fs.openSync(temp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    try {
      fs.unlinkSync(temp);
    } catch {
      // never created
    }
    throw err;
  }
  try {
    const fd = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Folders cannot be opened or fsynced on some platforms (Windows); the rename stands.
  }
}

async function syncFolder(folder: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(folder, 'r');
    await handle.sync();
  } catch {
    // Folders cannot be opened or fsynced on some platforms (Windows); the rename stands.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Deletes temporary files that a killed process left beside `file` (not those of a process still running). */
export function removeStaleTemps(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = path.basename(file) + TEMP_MARKER;
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid !== process.pid && isRunning(pid)) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      // gone already, or not ours to delete
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
