import assert from 'node:assert/strict';
import { createHighVolumeDetector } from '../../../server/src/engine/detect/highVolume';
import type { Finding } from '../../../server/src/engine/model';
import { config, Harness, ofRule, type Fed } from './records';
import { HOUR, MIN, T0, Traffic } from './population';

const ATTACKER = '203.0.113.66';

function run(fed: Fed[], cfg = config()): Finding[] {
  return ofRule(new Harness([createHighVolumeDetector], cfg).feed(fed).finish(), 'high-volume');
}

/** `n` requests for `path` from `source`, evenly spread over `spanMs` starting at `start`. */
function burst(traffic: Traffic, source: string, n: number, start: number, spanMs: number, path: (i: number) => string = () => '/login'): void {
  for (let i = 0; i < n; i++) traffic.req(start + Math.floor((i * spanMs) / n), source, path(i), { method: 'POST', bytes: 900 });
}

function bySource(findings: Finding[], source: string): Finding | undefined {
  return findings.find((f) => f.source === source);
}

describe('high-volume detector', () => {
  it('reports an HTTP flood of one URL as T1499.002 with both signals and the threshold', () => {
    const traffic = new Traffic();
    traffic.visitors(60);
    burst(traffic, ATTACKER, 3412, T0 + 10 * HOUR, 6 * MIN);
    const fed = traffic.build();
    const findings = run(fed);
    const f = bySource(findings, ATTACKER);
    assert.ok(f, 'the flood is reported');
    assert.deepEqual(f.attack, ['T1499.002']);
    assert.match(f.message, /^3,412 requests from 203\.0\.113\.66 \(peak \d{3}\/min\) vs a median of \d+ \(z = [\d.]+; peak z = [\d.]+/);
    assert.match(f.message, /threshold z ≥ 3$/);
    assert.ok(f.confidence > 0.8, `critical: one URL hammered at ~570/min, got ${f.confidence}`);
    assert.equal(f.severity, 'critical');
    assert.ok((f.evidence.zPeak as number) >= 3 && (f.evidence.zCount as number) >= 3);
    // Evidence lines are the source's own lines; the first shown is where the peak minute peaked.
    const attackerLines = new Set(fed.filter((x) => x.record.source === ATTACKER).map((x) => x.record.line + 1));
    assert.ok(f.lines.every((l) => attackerLines.has(l)));
    assert.equal(f.lines.length, config().maxEvidenceLines);
    assert.ok(attackerLines.has(f.line));
    // The ordinary visitors stay quiet.
    assert.deepEqual(findings.filter((x) => x.source !== ATTACKER), []);
  });

  it('grows more confident with a larger, faster flood', () => {
    const confidenceFor = (n: number, spanMs: number): number => {
      const traffic = new Traffic();
      traffic.visitors(60);
      burst(traffic, ATTACKER, n, T0 + 10 * HOUR, spanMs);
      return bySource(run(traffic.build()), ATTACKER)?.confidence ?? 0;
    };
    const small = confidenceFor(150, 3 * MIN);
    const large = confidenceFor(3000, 5 * MIN);
    assert.ok(small > 0, 'a 150-request burst on one URL is reported');
    assert.ok(large > small, `${large} > ${small}`);
  });

  it('keeps a health check every 10 s for a day quiet: busy, but at an ordinary pace', () => {
    const traffic = new Traffic();
    traffic.visitors(60);
    const monitor = '192.0.2.10';
    for (let t = T0; t < T0 + 24 * HOUR; t += 10_000) traffic.req(t, monitor, '/health', { bytes: 20, userAgent: 'kube-probe/1.29' });
    const findings = run(traffic.build());
    assert.equal(bySource(findings, monitor), undefined, '6/min is what visitors do in a busy minute');
  });

  it('caps a steady poller at low even when its pace is far above the visitors', () => {
    const traffic = new Traffic();
    traffic.visitors(60);
    const poller = '192.0.2.11';
    // Once a second for three hours: 60/min every minute, the same URL.
    for (let t = T0; t < T0 + 3 * HOUR; t += 1000) traffic.req(t, poller, '/api/status', { bytes: 80, userAgent: 'poller/2.0' });
    const f = bySource(run(traffic.build()), poller);
    assert.ok(f, 'its pace is far above everyone else');
    assert.equal(f.severity, 'low');
    assert.equal(f.evidence.steady, true);
    assert.match(f.message, /an even pace for 2h59m \(busiest minute ≤ 2× its mean\): automation rather than a flood$/);
  });

  it('does not report a crawler fetching 2,000 distinct pages at a few per minute', () => {
    const traffic = new Traffic();
    traffic.visitors(60);
    const crawler = '66.249.66.1';
    for (let i = 0; i < 2000; i++) traffic.req(T0 + i * 40_000, crawler, `/docs/archive/${i}.html`, { userAgent: 'Googlebot/2.1' });
    assert.equal(bySource(run(traffic.build()), crawler), undefined);
  });

  it('keeps a browser loading a page with 120 distinct assets in one minute at low', () => {
    const traffic = new Traffic();
    traffic.visitors(60);
    const browser = '198.18.0.5';
    burst(traffic, browser, 120, T0 + 5 * HOUR, 50_000, (i) => `/gallery/img-${i}.jpg`);
    const f = bySource(run(traffic.build()), browser);
    assert.ok(f === undefined || f.severity === 'low', `got ${f?.severity} ${f?.confidence}`);
  });

  it('needs a population: no finding with fewer than five sources', () => {
    const traffic = new Traffic();
    traffic.visitors(3);
    burst(traffic, ATTACKER, 3000, T0 + HOUR, 5 * MIN);
    assert.deepEqual(run(traffic.build()), []);
  });

  it('never reports a source below minRequests, whatever its share of a tiny log', () => {
    const traffic = new Traffic();
    for (let v = 0; v < 6; v++) traffic.req(T0 + v * MIN, `198.51.0.${v + 1}`, '/');
    burst(traffic, ATTACKER, 6, T0 + 10 * MIN, 5_000);
    assert.deepEqual(run(traffic.build()), [], '6 of 12 requests is half the file, and still nothing');
  });

  it('respects the allowlist and a lower zThreshold setting', () => {
    const traffic = new Traffic();
    traffic.visitors(60);
    burst(traffic, ATTACKER, 3000, T0 + HOUR, 5 * MIN);
    const fed = traffic.build();
    assert.deepEqual(run(fed, config({ allowlist: ['203.0.113.0/24'] })), []);
    const strict = run(fed, config({ rules: { 'high-volume': { zThreshold: 50 } } }));
    assert.deepEqual(strict, []);
  });

  it('reports a packet flood in firewall lines as T1498', () => {
    const h = new Harness([createHighVolumeDetector]);
    const fed: Fed[] = [];
    let line = 0;
    const push = (time: number, source: string, port: number): void => {
      fed.push({
        record: { line: line++, kind: 'firewall', time, offsetMinutes: 0, source, destination: '10.0.0.1', destinationPort: port, protocol: 'TCP', action: 'block' },
        text: `[UFW BLOCK] SRC=${source} DST=10.0.0.1 PROTO=TCP DPT=${port}`,
      });
    };
    for (let s = 0; s < 30; s++) for (let k = 0; k < 3; k++) push(T0 + s * 10 * MIN + k * 30_000, `192.0.2.${s + 1}`, 22 + k);
    for (let i = 0; i < 5000; i++) push(T0 + 2 * HOUR + i * 10, ATTACKER, 443);
    fed.sort((a, b) => a.record.time - b.record.time).forEach((x, i) => (x.record.line = i));
    const [f, ...rest] = ofRule(h.feed(fed).finish(), 'high-volume');
    assert.equal(rest.length, 0);
    assert.equal(f.source, ATTACKER);
    assert.deepEqual(f.attack, ['T1498']);
    assert.match(f.message, /^5,000 packets from 203\.0\.113\.66 \(peak 6,000\/min\)|^5,000 packets from 203\.0\.113\.66 \(peak \d,?\d{3}\/min\)/);
    assert.ok(f.confidence >= 0.6);
  });

  it('returns the same findings when finished twice (finish does not change state)', () => {
    const traffic = new Traffic();
    traffic.visitors(40);
    burst(traffic, ATTACKER, 800, T0 + HOUR, 2 * MIN);
    const h = new Harness([createHighVolumeDetector]).feed(traffic.build());
    const first = h.finish();
    assert.ok(first.length > 0);
    assert.deepEqual(h.finish(), first);
  });
});
