import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TEAM_CONFIG_FILE } from '../protocol';

/** What `.logwarden.json` holds for one folder. */
export interface TeamConfig {
  /** URI of the file (whether it exists or not). */
  fileUri: string;
  /** Its text; undefined when there is no file. */
  text: string | undefined;
  /** The parsed value; undefined when missing or invalid. */
  value: unknown;
  /** Why the file was not used (invalid JSON, unreadable), for the user. */
  problem?: string;
}

/** file: URI → path, or undefined for other schemes (untitled documents). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}

/**
 * The workspace folders and their `.logwarden.json` files, read once and kept until the file
 * changes (a watched-file event, or a code action's reload command).
 */
export class TeamConfigFiles {
  private folders: string[] = [];
  private readonly cache = new Map<string, TeamConfig>();
  /** Text a code action gave a file, until the file on disk has it. */
  private readonly expected = new Map<string, string>();

  setFolders(folderUris: readonly string[]): void {
    this.folders = folderUris.map((u) => u.replace(/\/+$/, ''));
  }

  get folderUris(): readonly string[] {
    return this.folders;
  }

  /**
   * The folder whose `.logwarden.json` applies to a document: the innermost workspace folder
   * holding it, else the document's own directory (a log opened outside any workspace),
   * else the first workspace folder (untitled documents).
   */
  folderFor(documentUri: string): string | undefined {
    let best: string | undefined;
    for (const folder of this.folders) {
      if (documentUri.startsWith(folder + '/') && (!best || folder.length > best.length)) best = folder;
    }
    if (best) return best;
    if (documentUri.startsWith('file:')) return documentUri.slice(0, documentUri.lastIndexOf('/'));
    return this.folders[0];
  }

  fileUriFor(documentUri: string): string | undefined {
    const folder = this.folderFor(documentUri);
    return folder === undefined ? undefined : `${folder}/${TEAM_CONFIG_FILE}`;
  }

  /** The path a document is reported under: relative to its folder when inside one (fingerprints then match across machines). */
  displayPath(documentUri: string): string {
    const file = uriToPath(documentUri);
    if (file === undefined) return documentUri;
    const folder = this.folders.find((f) => documentUri.startsWith(f + '/'));
    const folderPath = folder !== undefined ? uriToPath(folder) : undefined;
    return folderPath !== undefined ? path.relative(folderPath, file).split(path.sep).join('/') : file;
  }

  /** The team file for a document (read on first use). */
  forDocument(documentUri: string): TeamConfig | undefined {
    const fileUri = this.fileUriFor(documentUri);
    return fileUri === undefined ? undefined : this.read(fileUri);
  }

  read(fileUri: string): TeamConfig {
    const cached = this.cache.get(fileUri);
    if (cached) return cached;
    const config = this.load(fileUri);
    this.cache.set(fileUri, config);
    return config;
  }

  /**
   * Forgets a file. With `expectedText` (a code action's result) that text stands in until
   * the disk has it; without (the file changed on disk) the disk is the truth again.
   */
  invalidate(fileUri: string, expectedText?: string): void {
    this.cache.delete(fileUri);
    if (expectedText !== undefined) this.expected.set(fileUri, expectedText);
    else this.expected.delete(fileUri);
  }

  invalidateAll(): void {
    this.cache.clear();
  }

  private load(fileUri: string): TeamConfig {
    const file = uriToPath(fileUri);
    let text: string | undefined;
    let problem: string | undefined;
    if (file !== undefined) {
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') problem = `${file}: cannot read (${(err as Error).message})`;
      }
    }
    const expected = this.expected.get(fileUri);
    if (expected !== undefined) {
      if (text === expected) this.expected.delete(fileUri);
      else text = expected;
    }
    if (text === undefined) return { fileUri, text, value: undefined, problem };
    try {
      return { fileUri, text, value: text.trim() ? JSON.parse(text) : {} };
    } catch (err) {
      return { fileUri, text, value: undefined, problem: `${file ?? fileUri}: not valid JSON, ignored (${(err as Error).message})` };
    }
  }
}
