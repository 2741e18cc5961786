import assert from 'node:assert/strict';
import { createDataExfiltrationDetector } from '../../../server/src/engine/detect/dataExfiltration';
import type { Finding } from '../../../server/src/engine/model';
import { config, Harness, ofRule, type Fed } from './records';
import { HOUR, MB, MIN, T0, Traffic } from './population';

const THIEF = '203.0.113.80';

function run(fed: Fed[], cfg = config()): Finding[] {
  return ofRule(new Harness([createDataExfiltrationDetector], cfg).feed(fed).finish(), 'data-exfiltration');
}

/** Ordinary visitors plus 40 users of a small JSON API (/api/users answers ≈ 2 KB). */
function site(traffic: Traffic): void {
  traffic.visitors(80);
  for (let u = 0; u < 40; u++) {
    for (let k = 0; k < 4; k++) {
      traffic.req(T0 + u * 20 * MIN + k * MIN, `198.18.1.${u + 1}`, '/api/users', { query: `id=${u * 10 + k}`, bytes: 1800 + ((u * 37 + k * 101) % 600) });
    }
  }
}

describe('data-exfiltration detector', () => {
  it('reports a source paging through an export far beyond everyone else (total, T1030)', () => {
    const traffic = new Traffic();
    site(traffic);
    for (let i = 0; i < 300; i++) traffic.req(T0 + 12 * HOUR + i * 5000, THIEF, '/api/export', { query: `page=${i}`, bytes: 2 * MB });
    const findings = run(traffic.build());
    const [f, ...rest] = findings;
    assert.equal(rest.length, 0, JSON.stringify(rest.map((x) => x.message)));
    assert.equal(f.source, THIEF);
    assert.deepEqual(f.attack, ['T1030']);
    assert.equal(f.evidence.kind, 'total');
    assert.match(f.message, /^600\.0 MB sent to 203\.0\.113\.80 in 300 responses vs a median of [\d.]+ KB per source \(z = [\d.]+\); threshold z ≥ 3 and ≥ 10\.0 MB$/);
    assert.ok(f.severity === 'high' || f.severity === 'critical', `600 MB far above the rest, got ${f.confidence}`);
  });

  it('reports one response far above its path’s usual size (single response, T1048)', () => {
    const traffic = new Traffic();
    site(traffic);
    traffic.req(T0 + 15 * HOUR, THIEF, '/api/users', { query: "id=1'+OR+'1'='1", bytes: 60 * MB });
    const fed = traffic.build();
    const findings = run(fed);
    assert.equal(findings.length, 1, 'one finding: the total would only repeat the same response');
    const [f] = findings;
    assert.deepEqual(f.attack, ['T1048']);
    assert.equal(f.evidence.kind, 'response');
    assert.equal(f.evidence.path, '/api/users');
    const line = fed.find((x) => x.record.bytes === 60 * MB)!.record.line + 1;
    assert.equal(f.line, line);
    assert.deepEqual(f.lines, [line]);
    assert.match(f.message, /^60\.0 MB response to 203\.0\.113\.80 for \/api\/users, usual size for that path [\d.]+ KB \(z = [\d.]+ over 161 responses\); threshold z ≥ 3 and ≥ 10\.0 MB$/);
    assert.ok(f.confidence >= 0.6, `got ${f.confidence}`);
  });

  it('stays quiet about a known big file: an ISO many visitors download (some twice)', () => {
    const traffic = new Traffic();
    const visitors = traffic.visitors(80);
    visitors.slice(0, 12).forEach((source, i) => {
      traffic.req(T0 + i * HOUR, source, '/downloads/distro-24.04.iso', { bytes: 700 * MB });
      if (i % 4 === 0) traffic.req(T0 + i * HOUR + 30 * MIN, source, '/downloads/distro-24.04.iso', { bytes: 700 * MB });
    });
    assert.deepEqual(run(traffic.build()), []);
  });

  it('explains a download folder of big files by its siblings, even a file fetched once', () => {
    const traffic = new Traffic();
    const visitors = traffic.visitors(80);
    visitors.slice(0, 10).forEach((source, i) => traffic.req(T0 + i * HOUR, source, `/files/tool-1.${i}.jar`, { bytes: (40 + i * 3) * MB }));
    assert.deepEqual(run(traffic.build()), []);
  });

  it('grows more confident with more data far above the population', () => {
    const confidenceFor = (pages: number): number => {
      const traffic = new Traffic();
      site(traffic);
      for (let i = 0; i < pages; i++) traffic.req(T0 + 12 * HOUR + i * 5000, THIEF, '/api/export', { query: `page=${i}`, bytes: 2 * MB });
      return run(traffic.build())[0]?.confidence ?? 0;
    };
    const small = confidenceFor(20);
    const large = confidenceFor(1000);
    assert.ok(small > 0 && small < 0.4, `40 MB is reported, low: ${small}`);
    assert.ok(large > small + 0.3, `${large} vs ${small}`);
  });

  it('respects minBytes and the allowlist', () => {
    const traffic = new Traffic();
    // Only API users this time: a few KB each, so 8 MB is far above all of them.
    for (let u = 0; u < 40; u++) {
      for (let k = 0; k < 2 + (u % 5); k++) traffic.req(T0 + u * 20 * MIN + k * MIN, `198.18.1.${u + 1}`, '/api/users', { bytes: 2000 + u * 10 });
    }
    for (let i = 0; i < 4; i++) traffic.req(T0 + 12 * HOUR + i * 5000, THIEF, '/api/export', { query: `page=${i}`, bytes: 2 * MB });
    const fed = traffic.build();
    assert.deepEqual(run(fed), [], '8 MB is far above the median but below 10 MB');
    assert.equal(run(fed, config({ rules: { 'data-exfiltration': { minBytes: 4 * MB } } })).length, 1);
    assert.deepEqual(run(fed, config({ allowlist: [THIEF], rules: { 'data-exfiltration': { minBytes: 4 * MB } } })), []);
  });

  it('does not let one source set the norm for its own repeated dumps', () => {
    const traffic = new Traffic();
    site(traffic);
    // Ten 30 MB dumps of the same path by the same source: no norm (one source), so the
    // total reports them.
    for (let i = 0; i < 10; i++) traffic.req(T0 + 12 * HOUR + i * MIN, THIEF, '/admin/backup', { bytes: 30 * MB });
    const [f, ...rest] = run(traffic.build());
    assert.equal(rest.length, 0);
    assert.equal(f.evidence.kind, 'total');
    assert.equal(f.evidence.knownBigFileBytes, 0);
  });

  it('returns the same findings when finished twice', () => {
    const traffic = new Traffic();
    site(traffic);
    traffic.req(T0 + 15 * HOUR, THIEF, '/api/users', { bytes: 60 * MB });
    for (let i = 0; i < 100; i++) traffic.req(T0 + 16 * HOUR + i * 5000, '203.0.113.81', '/api/export', { bytes: 2 * MB });
    const h = new Harness([createDataExfiltrationDetector]).feed(traffic.build());
    const first = h.finish();
    assert.equal(first.length, 2);
    assert.deepEqual(h.finish(), first);
  });
});
