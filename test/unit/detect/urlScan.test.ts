import assert from 'node:assert/strict';
import { createUrlScanDetector, isProbePath } from '../../../server/src/engine/detect/urlScan';
import type { Finding } from '../../../server/src/engine/model';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { at, config, Harness, LogBuilder, MS, ofRule } from './records';

const T0 = at('2024-05-14T09:00:00Z');
const SCANNER = '203.0.113.77';

const PROBES = ['/.env', '/.git/config', '/wp-login.php', '/phpmyadmin/', '/backup.zip', '/admin/', '/config.php', '/server-status', '/.aws/credentials', '/xmlrpc.php'];

function run(log: LogBuilder, cfg = config()): Finding[] {
  return ofRule(new Harness([createUrlScanDetector], cfg).feed(log.fed).finish(), 'url-scan');
}

/** `paths` requested one every `everyMs` from `start`, each answered `status(i)`. */
function burst(log: LogBuilder, paths: string[], everyMs: number, status: (i: number) => number, opts: { start?: number; source?: string } = {}): void {
  paths.forEach((p, i) => log.http((opts.start ?? T0) + i * everyMs, opts.source ?? SCANNER, 'GET', p, status(i)));
}

function words(n: number, prefix = '/dir'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}/`);
}

describe('url-scan detector', () => {
  it("counts the request that pushes the source's own last request out of the window", () => {
    const cfg = config({ rules: { 'url-scan': { distinctPaths: 3, minErrorRatio: 0.5, windowSeconds: 60 } } });
    const log = new LogBuilder();
    log.http(T0, SCANNER, 'GET', '/a', 404);
    // 61 s later: /a leaves the window as /b arrives (nothing else moved the clock meanwhile)
    burst(log, ['/b', '/c', '/d'], 1000, () => 404, { start: T0 + 61_000 });
    const [f, ...rest] = run(log, cfg);
    assert.equal(rest.length, 0);
    assert.equal(f.evidence.distinctPaths, 3, '/b, /c and /d are in one window');
    assert.deepEqual(f.lines, [2, 3, 4]);
  });

  it('fires on 45 distinct paths in a minute, mostly 404, and says so', () => {
    const log = new LogBuilder();
    const paths = [...PROBES.slice(0, 3), ...words(42)];
    // 93% refused: every 14th path exists
    burst(log, paths, 1400, (i) => (i % 14 === 13 ? 200 : 404));
    const [f, ...rest] = run(log);
    assert.equal(rest.length, 0);
    assert.equal(f.source, SCANNER);
    assert.deepEqual(f.attack, ['T1595.003']);
    assert.equal(f.line, 20, 'the 20th distinct path crosses the threshold');
    assert.equal(f.lines.length, 45);
    assert.equal(f.evidence.distinctPaths, 45);
    assert.equal(f.evidence.probePaths, 3);
    assert.match(
      f.message,
      /^45 distinct paths from 203\.0\.113\.77 in 1m02s, 93% answered 4xx \(e\.g\. \/\.env, \/\.git\/config, \/wp-login\.php\); threshold 20 paths, 50% 4xx in 10m$/,
    );
    assert.equal(f.severity, 'critical');
  });

  it('stays quiet on a crawler fetching hundreds of pages that exist', () => {
    const log = new LogBuilder();
    burst(log, words(400, '/blog/post-'), 2000, (i) => (i % 50 === 0 ? 404 : 200), { source: '66.249.66.1' });
    assert.deepEqual(run(log), []);
  });

  it('stays quiet below the path threshold or the error share', () => {
    const log = new LogBuilder();
    burst(log, words(19), 1000, () => 404, { source: '198.51.100.1' });
    burst(log, words(60), 1000, (i) => (i % 2 ? 404 : 200 + (i % 3)), { source: '198.51.100.2' }); // 50% exactly counts
    burst(log, words(60), 1000, (i) => (i % 3 === 0 ? 404 : 200), { source: '198.51.100.3' }); // 33%
    const found = run(log).map((f) => f.source);
    assert.deepEqual(found, ['198.51.100.2']);
  });

  it('only counts distinct paths inside the window', () => {
    const log = new LogBuilder();
    // 40 distinct paths, one every 40 s: never 20 within 10 minutes
    burst(log, words(40), 40 * MS.s, () => 404);
    assert.deepEqual(run(log), []);
    // the same at one every 20 s: 30 within 10 minutes
    const fast = new LogBuilder();
    burst(fast, words(40), 20 * MS.s, () => 404);
    assert.equal(run(fast).length, 1);
  });

  it('ignores query strings: one path with many parameters is not a scan', () => {
    const log = new LogBuilder();
    burst(log, Array.from({ length: 100 }, (_, i) => `/search?q=${i}`), 500, () => 404);
    // LogBuilder puts the whole target in `path`; build the records the parser would make
    for (const { record } of log.fed) {
      const q = record.path!.indexOf('?');
      record.query = record.path!.slice(q + 1);
      record.path = record.path!.slice(0, q);
    }
    assert.deepEqual(run(log), []);
  });

  it('confidence grows with paths, error share, speed and probe paths', () => {
    const conf = (paths: string[], everyMs: number, status: (i: number) => number) => {
      const log = new LogBuilder();
      burst(log, paths, everyMs, status);
      return run(log)[0].confidence;
    };
    const base = conf(words(20), 25 * MS.s, (i) => (i % 2 ? 404 : 200));
    assert.ok(base >= 0.4 && base < 0.6, `at the thresholds: medium (${base})`);
    assert.ok(conf(words(60), 9 * MS.s, (i) => (i % 2 ? 404 : 200)) > base, 'more paths');
    assert.ok(conf(words(20), 25 * MS.s, () => 404) > base, 'more errors');
    assert.ok(conf(words(20), 500, (i) => (i % 2 ? 404 : 200)) > base, 'faster');
    assert.ok(conf([...PROBES.slice(0, 5), ...words(15)], 25 * MS.s, (i) => (i % 2 ? 404 : 200)) > base, 'probe paths');
  });

  it('reports a small probe of well-known sensitive paths with low confidence', () => {
    const log = new LogBuilder();
    // five requests probing admin and backup paths, all 404 (45.67.89.123 in the example log)
    burst(log, ['/admin/', '/phpmyadmin/', '/backup.zip', '/wp-admin/', '/.env'], 3 * MS.s, () => 404, { source: '45.67.89.123' });
    const [f, ...rest] = run(log);
    assert.equal(rest.length, 0);
    assert.equal(f.source, '45.67.89.123');
    assert.equal(f.evidence.smallProbe, true);
    assert.equal(f.evidence.probePaths, 5);
    assert.equal(f.severity, 'low');
    assert.deepEqual(f.lines, [1, 2, 3, 4, 5]);
    assert.match(f.message, /^5 well-known sensitive paths probed by 45\.67\.89\.123 in 12s, all refused \(4xx\)/);
  });

  it('does not report four probes, or probes the server answered', () => {
    const log = new LogBuilder();
    burst(log, ['/admin/', '/phpmyadmin/', '/backup.zip', '/.env'], MS.s, () => 404, { source: '198.51.100.4' });
    burst(log, ['/wp-admin/', '/wp-login.php', '/xmlrpc.php', '/admin/', '/.git/config'], MS.s, () => 200, { source: '198.51.100.5' });
    assert.deepEqual(run(log), []);
  });

  it('knows the usual probe paths and not ordinary ones', () => {
    for (const p of ['/.env', '/app/.env.production', '/.git/config', '/.svn/wc.db', '/wp-login.php', '/phpMyAdmin/index.php', '/backup.tar.gz', '/db.sql', '/config.php', '/server-status', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', '/cgi-bin/test.cgi', '/manager/html', '/actuator/env']) {
      assert.ok(isProbePath(p), p);
    }
    for (const p of ['/', '/index.html', '/blog/post-1', '/images/logo.png', '/environment.html', '/docs/configuration-guide', '/administration-of-justice', '/products/admin-chair']) {
      assert.ok(!isProbePath(p), p);
    }
  });

  it('matches probe paths in linear time (1 MB paths)', function () {
    this.timeout(20_000);
    for (const p of ['/'.repeat(1e6), '/backup'.repeat(1.4e5), '/.env.'.repeat(2e5), '/a'.repeat(5e5) + '.zip', '/admin'.repeat(1.6e5)]) {
      const t0 = performance.now();
      isProbePath(p);
      assert.ok(performance.now() - t0 < 500);
    }
  });

    it('approximates the window on a shuffled log instead of missing the scan', () => {
    const log = new LogBuilder();
    const paths = words(60);
    // the same 60 requests within two minutes, written out of order
    const order = paths.map((_, i) => (i * 37) % 60);
    order.forEach((k, i) => log.http(T0 + k * 2 * MS.s, SCANNER, 'GET', paths[i], 404));
    const [f] = run(log);
    assert.ok(f, 'found');
    assert.ok((f.evidence.distinctPaths as number) >= 40);
  });

  it('treats lines without a time as part of the current window', () => {
    const log = new LogBuilder();
    burst(log, words(25), MS.s, () => 404);
    for (const { record } of log.fed) record.time = NaN;
    assert.equal(run(log).length, 1);
  });

  it('a source whose window emptied comes back as it left: its untimed lines take its last time, a second scan adds to its finding', () => {
    const log = new LogBuilder();
    burst(log, words(25), 500, () => 404);
    // other clients move the window on by an hour: the scanner's requests all leave it
    for (let i = 0; i < 50; i++) log.http(T0 + MS.h + i * MS.s, `198.51.100.${i % 5}`, 'GET', '/', 200);
    const back = log.lineCount;
    burst(log, words(25, '/again'), 500, () => 404, { start: T0 + 2 * MS.h });
    // the last ten without a time: they belong with the scanner's own last request
    for (const { record } of log.fed.slice(back + 15)) record.time = NaN;
    const found = run(log);
    assert.equal(found.length, 1);
    const [f] = found;
    assert.equal(f.source, SCANNER);
    assert.equal(f.evidence.distinctPaths, 25);
    // (lines are 1-based in findings)
    const lines = new Set(f.lines);
    for (let i = 1; i <= 25; i++) assert.ok(lines.has(i) && lines.has(back + i), `lines ${i} and ${back + i}`);
    assert.ok(!lines.has(back), "another client's line");
  });

  it('respects the allowlist', () => {
    const log = new LogBuilder();
    burst(log, words(30), 500, () => 404, { source: '10.0.0.9' });
    burst(log, words(30), 500, () => 404, { source: SCANNER });
    assert.deepEqual(run(log, config({ allowlist: ['10.0.0.0/24'] })).map((f) => f.source), [SCANNER]);
  });

  it('finish does not change state; appended lines can raise the window', () => {
    const log = new LogBuilder();
    burst(log, words(25), 500, () => 404);
    const h = new Harness([createUrlScanDetector], config());
    h.feed(log.fed);
    const first = ofRule(h.finish(), 'url-scan');
    assert.deepEqual(ofRule(h.finish(), 'url-scan'), first);
    const more = new LogBuilder();
    for (let i = 0; i < 25; i++) more.http(T0 + 13 * MS.s + i * 500, SCANNER, 'GET', `/more${i}`, 404);
    h.feed(more.fed.map((f, i) => ({ record: { ...f.record, line: 25 + i }, text: f.text })));
    const [after] = ofRule(h.finish(), 'url-scan');
    assert.equal(after.evidence.distinctPaths, 50);
    assert.equal(after.fingerprint, first[0].fingerprint);
  });

  it('keeps per-source memory bounded by the window over a long log', () => {
    const log = new LogBuilder();
    // 20,000 distinct paths over ~5.5 hours from one source at 2xx: nothing to report
    for (let i = 0; i < 20_000; i++) log.http(T0 + i * MS.s, '198.51.100.8', 'GET', `/page/${i}`, 200);
    const h = new Harness([createUrlScanDetector], config());
    h.feed(log.fed);
    assert.deepEqual(ofRule(h.finish(), 'url-scan'), []);
  });

  it('end to end on a combined log', () => {
    const lines: string[] = [];
    const probe = ['/.env', '/.git/config', '/wp-login.php', '/phpmyadmin/', '/admin/', '/backup.sql', '/config.php', '/.htaccess'];
    for (let i = 0; i < 30; i++) {
      const p = i < probe.length ? probe[i] : `/old/${i}.html`;
      lines.push(`198.51.100.99 - - [14/May/2024:09:00:${String(i).padStart(2, '0')} +0000] "GET ${p} HTTP/1.1" 404 196 "-" "Mozilla/5.0"`);
      lines.push(`192.0.2.10 - - [14/May/2024:09:00:${String(i).padStart(2, '0')} +0000] "GET /articles/${i} HTTP/1.1" 200 4096 "-" "Mozilla/5.0"`);
    }
    const found = ofRule(analyzeText(lines.join('\n'), { path: 'access.log', config: config() }).findings, 'url-scan');
    assert.deepEqual(found.map((f) => f.source), ['198.51.100.99']);
    assert.equal(found[0].evidence.distinctPaths, 30);
    assert.equal(found[0].line, 39, 'the 20th distinct path of the scanner is line 39');
  });
});
