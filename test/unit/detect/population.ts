/**
 * Synthetic HTTP populations for the statistical rules (high-volume, data-exfiltration,
 * error-rate, ml-outlier): ordinary visitors of a small site, plus whatever a test plants.
 * Requests are collected first and numbered in time order at `build()`, like a real log.
 * Draws come from a seeded PRNG, so every run sees the same traffic.
 */
import type { LogRecord } from '../../../server/src/engine/model';
import { mulberry32 } from '../../../server/src/engine/detect/isolationForest';
import type { Fed } from './records';

export const T0 = Date.parse('2024-03-05T00:00:00Z');
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const MB = 1024 * 1024;

export interface RequestOptions {
  status?: number;
  bytes?: number;
  method?: string;
  userAgent?: string;
  query?: string;
}

interface Pending {
  time: number;
  order: number;
  fields: Omit<LogRecord, 'line'>;
}

/** The site's ordinary pages and assets, with a fixed size each (like static files). */
export const SITE_PATHS: readonly { path: string; bytes: number }[] = Array.from({ length: 120 }, (_, i) => {
  const kind = i % 4;
  const path =
    kind === 0 ? `/docs/page-${i}.html` : kind === 1 ? `/static/img/pic-${i}.png` : kind === 2 ? `/static/js/app-${i}.js` : `/blog/post-${i}`;
  // 3 KB … 180 KB, spread by index.
  return { path, bytes: 3000 + ((i * 7919) % 177_000) };
});

export class Traffic {
  private readonly pending: Pending[] = [];
  private order = 0;
  readonly random: () => number;

  constructor(seed = 7) {
    this.random = mulberry32(seed);
  }

  req(time: number, source: string, path: string, opts: RequestOptions = {}): void {
    const fields: Omit<LogRecord, 'line'> = {
      kind: 'http',
      time,
      offsetMinutes: 0,
      source,
      method: opts.method ?? 'GET',
      path,
      status: opts.status ?? 200,
      bytes: opts.bytes ?? 5120,
      userAgent: opts.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0',
    };
    if (opts.query !== undefined) fields.query = opts.query;
    this.pending.push({ time, order: this.order++, fields });
  }

  /**
   * `count` ordinary visitors over `spanMs` from `start`: each makes `minRequests`..`maxRequests`
   * requests for site pages in a few short sessions (≤ 3 a minute), a share `errorShare` of
   * them answered 404. Addresses 198.51.x.y, numbered from `firstId`.
   */
  visitors(
    count: number,
    opts: { start?: number; spanMs?: number; minRequests?: number; maxRequests?: number; errorShare?: number; firstId?: number } = {},
  ): string[] {
    const start = opts.start ?? T0;
    const span = opts.spanMs ?? 24 * HOUR;
    const lo = opts.minRequests ?? 3;
    const hi = opts.maxRequests ?? 30;
    const errorShare = opts.errorShare ?? 0.03;
    const sources: string[] = [];
    for (let v = 0; v < count; v++) {
      const id = (opts.firstId ?? 0) + v + 1;
      const source = `198.51.${(id >> 8) & 255}.${id & 255}`;
      sources.push(source);
      const n = lo + Math.floor(this.random() * (hi - lo + 1));
      let t = start + Math.floor(this.random() * span * 0.9);
      for (let i = 0; i < n; i++) {
        // Mostly 20–60 s apart (reading), now and then a break of up to an hour.
        t += this.random() < 0.1 ? Math.floor(this.random() * HOUR) : 20_000 + Math.floor(this.random() * 40_000);
        const page = SITE_PATHS[Math.floor(this.random() * SITE_PATHS.length)];
        const failed = this.random() < errorShare;
        this.req(t, source, failed ? `/missing-${Math.floor(this.random() * 50)}` : page.path, {
          status: failed ? 404 : 200,
          bytes: failed ? 320 : page.bytes,
          userAgent: `Mozilla/5.0 (visitor ${id % 17})`,
        });
      }
    }
    return sources;
  }

  /** The requests as records numbered in time order (ties keep insertion order). */
  build(): Fed[] {
    const sorted = [...this.pending].sort((a, b) => a.time - b.time || a.order - b.order);
    return sorted.map((p, line) => {
      const record: LogRecord = { line, ...p.fields };
      const text =
        `${record.source} - - [${new Date(record.time).toISOString()}] "${record.method} ${record.path} HTTP/1.1" ` +
        `${record.status} ${record.bytes} "-" "${record.userAgent}"`;
      return { record, text };
    });
  }
}
