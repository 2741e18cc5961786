import assert from 'node:assert/strict';
import { createMlOutlierDetector } from '../../../server/src/engine/detect/mlOutlier';
import type { Finding } from '../../../server/src/engine/model';
import { config, Harness, ofRule, type Fed } from './records';
import { HOUR, T0, Traffic } from './population';

const ODD = '203.0.113.99';

function run(fed: Fed[], cfg = config()): Finding[] {
  return ofRule(new Harness([createMlOutlierDetector], cfg).feed(fed).finish(), 'ml-outlier');
}

/** 300 ordinary visitors plus one source that probes 400 distinct paths, mostly answered 404. */
function probedSite(): Fed[] {
  const traffic = new Traffic();
  traffic.visitors(300);
  for (let i = 0; i < 500; i++) {
    const fails = i % 10 !== 0;
    traffic.req(T0 + 9 * HOUR + i * 1500, ODD, `/admin/${i % 400}.php`, {
      status: fails ? 404 : 200,
      bytes: fails ? 310 : 4000,
      method: i % 3 === 0 ? 'POST' : 'GET',
      userAgent: 'python-requests/2.31',
    });
  }
  return traffic.build();
}

describe('ml-outlier detector', () => {
  it('isolates a probing source and names the features that made it stand out', () => {
    const findings = run(probedSite());
    const f = findings.find((x) => x.source === ODD);
    assert.ok(f, 'the prober is reported');
    const score = f.evidence.score as number;
    assert.ok(score >= 0.6, `score ${score}`);
    assert.equal(f.confidence, Math.round(((score - 0.5) / 0.5) * 100) / 100, 'confidence = (s − 0.5) / 0.5');
    assert.match(
      f.message,
      /^203\.0\.113\.99 isolated after [\d.]+ splits on average \(score 0\.\d\d; threshold 0\.6 among 301 sources\): [^,]+ \([^)]*median[^)]*\), [^,]+ \([^)]*median[^)]*\), [^,]+ \([^)]*median[^)]*\)$/,
    );
    const top = f.evidence.topFeatures as string[];
    assert.equal(top.length, 3);
    assert.ok(
      top.some((name) => ['distinct paths', '4xx share', 'requests', 'POST share'].includes(name)),
      `top features ${top.join(', ')}`,
    );
    assert.match(f.message, /distinct paths 400 \(median \d+\)|4xx share 90% \(median 0%\)|requests 500 \(median \d+\)/);
    // The prober is the most isolated source of all.
    assert.equal(findings.reduce((a, b) => ((b.evidence.score as number) > (a.evidence.score as number) ? b : a)).source, ODD);
  });

  it('leaves nearly all ordinary visitors alone', () => {
    const findings = run(probedSite()).filter((x) => x.source !== ODD);
    assert.ok(findings.length <= 6, `${findings.length} of 300 visitors reported`);
    assert.ok(findings.every((x) => x.severity === 'low' || x.severity === 'medium'));
  });

  it('gives identical findings on every run (seeded) and when finished twice', () => {
    const fed = probedSite();
    const h = new Harness([createMlOutlierDetector]).feed(fed);
    const first = h.finish();
    assert.deepEqual(h.finish(), first);
    assert.deepEqual(run(fed), first);
  });

  it('needs minSources sources, and respects scoreThreshold and the allowlist', () => {
    const traffic = new Traffic();
    traffic.visitors(15);
    for (let i = 0; i < 500; i++) traffic.req(T0 + HOUR + i * 1000, ODD, `/x/${i}`, { status: 404, bytes: 300 });
    assert.deepEqual(run(traffic.build()), [], '16 sources < minSources 20');
    const fed = probedSite();
    assert.equal(run(fed, config({ allowlist: [ODD] })).find((x) => x.source === ODD), undefined);
    assert.deepEqual(run(fed, config({ rules: { 'ml-outlier': { scoreThreshold: 0.99 } } })), []);
  });
});
