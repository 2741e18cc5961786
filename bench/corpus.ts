/**
 * The bench's input files, generated once into `.bench/` (git-ignored) and reused while the
 * generator's version and the requested size stay the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateAccessLog, type GeneratedLog } from './accessLog';
import { generateAuthLog } from './authLog';

/** Bump when a generator changes what it writes: older files are then made again. */
const GENERATOR_VERSION = 1;

export interface CorpusFile extends GeneratedLog {
  name: string;
  kind: 'combined' | 'syslog';
}

interface Spec {
  name: string;
  kind: 'combined' | 'syslog';
  lines: number;
  seed: number;
  make: (file: string, o: { lines: number; seed: number }) => GeneratedLog;
}

export const COMBINED_1M: Spec = { name: 'combined-1m.log', kind: 'combined', lines: 1_000_000, seed: 20240304, make: generateAccessLog };
/** Same seed, same attacks at the same times; fifteen days of traffic instead of three. */
export const COMBINED_5M: Spec = { name: 'combined-5m.log', kind: 'combined', lines: 5_000_000, seed: 20240304, make: generateAccessLog };
export const AUTH_1M: Spec = { name: 'auth-1m.log', kind: 'syslog', lines: 1_000_000, seed: 20240311, make: generateAuthLog };

export function ensureFile(dir: string, spec: Spec, say: (s: string) => void): CorpusFile {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, spec.name);
  const manifestFile = file.replace(/\.log$/, '.json');
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as CorpusFile & { version: number; seed: number };
    const size = fs.statSync(file).size;
    if (manifest.version === GENERATOR_VERSION && manifest.seed === spec.seed && manifest.lines === spec.lines && manifest.bytes === size) {
      return { ...manifest, path: file };
    }
  } catch {
    // not there yet (or unreadable): make it
  }
  say(`generating ${path.relative(process.cwd(), file)} (${spec.lines.toLocaleString('en')} lines)...`);
  const t0 = performance.now();
  const generated = spec.make(file, { lines: spec.lines, seed: spec.seed });
  const result: CorpusFile = { ...generated, name: spec.name, kind: spec.kind };
  fs.writeFileSync(manifestFile, JSON.stringify({ ...result, version: GENERATOR_VERSION, seed: spec.seed }, null, 2));
  say(`  ${(generated.bytes / 1e6).toFixed(0)} MB, ${generated.sources.toLocaleString('en')} sources, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return result;
}

/** The first `lines` lines of a file, as a new file (the editor figure's document). */
export function ensureHead(dir: string, from: CorpusFile, name: string, lines: number): string {
  const file = path.join(dir, name);
  const stamp = `${from.bytes}:${lines}`;
  const stampFile = file + '.stamp';
  if (fs.existsSync(file) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return file;
  const fd = fs.openSync(from.path, 'r');
  const out = fs.openSync(file, 'w');
  const buf = Buffer.allocUnsafe(1 << 20);
  let left = lines;
  try {
    while (left > 0) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let end = 0;
      while (left > 0) {
        const nl = buf.indexOf(10, end);
        if (nl < 0 || nl >= n) {
          end = n;
          break;
        }
        end = nl + 1;
        left--;
      }
      fs.writeSync(out, buf, 0, end);
    }
  } finally {
    fs.closeSync(fd);
    fs.closeSync(out);
  }
  fs.writeFileSync(stampFile, stamp);
  return file;
}
