import assert from 'node:assert/strict';
import { createErrorRateDetector } from '../../../server/src/engine/detect/errorRate';
import type { Finding } from '../../../server/src/engine/model';
import { config, Harness, ofRule, type Fed } from './records';
import { MIN, T0, Traffic } from './population';

const PROBER = '203.0.113.90';

function run(fed: Fed[], cfg = config()): Finding[] {
  return ofRule(new Harness([createErrorRateDetector], cfg).feed(fed).finish(), 'error-rate');
}

/** 60 visitors making 30 requests each, one of which fails: a population median of 3.3%. */
function population(traffic: Traffic): void {
  traffic.visitors(60, { minRequests: 30, maxRequests: 30, errorShare: 0.033 });
}

/** `n` requests, `failing` of them for distinct missing paths (404), the rest for `/`. */
function prober(traffic: Traffic, source: string, n: number, failing: number, distinct = true): void {
  for (let i = 0; i < n; i++) {
    const fails = i < failing;
    traffic.req(T0 + 6 * 3_600_000 + i * 2000, source, fails ? (distinct ? `/probe/${i}.php` : '/old/feed.xml') : '/', {
      status: fails ? 404 : 200,
      bytes: fails ? 300 : 9000,
    });
  }
}

describe('error-rate detector', () => {
  it('reports a source whose requests mostly fail across many paths, against the population median', () => {
    const traffic = new Traffic();
    population(traffic);
    prober(traffic, PROBER, 213, 179);
    const fed = traffic.build();
    const [f, ...rest] = run(fed);
    assert.equal(rest.length, 0, JSON.stringify(rest.map((x) => x.message)));
    assert.equal(f.source, PROBER);
    assert.deepEqual(f.attack, ['T1595']);
    assert.match(f.message, /^84% of 213 requests from 203\.0\.113\.90 answered 4xx\/5xx \(population median 3(\.\d)?%, z = [\d.]+; 64\+ distinct paths failed\); threshold ≥ 50% of ≥ 20 requests and z ≥ 3$/);
    assert.ok(f.confidence > 0.8, `a broad probe with plenty of evidence, got ${f.confidence}`);
    // Evidence is the failing lines, first one first.
    const failing = fed.filter((x) => x.record.source === PROBER && x.record.status === 404).map((x) => x.record.line + 1);
    assert.deepEqual(f.lines, failing);
    assert.equal(f.line, failing[0]);
  });

  it('keeps one path failing over and over (a broken client) at most medium', () => {
    const traffic = new Traffic();
    population(traffic);
    prober(traffic, '192.0.2.44', 60, 60, false);
    const [f] = run(traffic.build());
    assert.ok(f, '100% failures is still reported');
    assert.match(f.message, /all on one path/);
    assert.ok(f.severity === 'medium' || f.severity === 'low', `got ${f.severity} ${f.confidence}`);
  });

  it('grows more confident with more requests and more failing paths', () => {
    const confidenceFor = (n: number, failing: number, distinct: boolean): number => {
      const traffic = new Traffic();
      population(traffic);
      prober(traffic, PROBER, n, failing, distinct);
      return run(traffic.build())[0]?.confidence ?? 0;
    };
    const few = confidenceFor(24, 14, true);
    const many = confidenceFor(200, 170, true);
    const onePath = confidenceFor(200, 170, false);
    assert.ok(few > 0, 'reported');
    assert.ok(many > few, `${many} > ${few}`);
    assert.ok(many > onePath, `${many} > ${onePath}`);
  });

  it('needs minRequests and minRatio', () => {
    const traffic = new Traffic();
    population(traffic);
    prober(traffic, PROBER, 19, 19);
    prober(traffic, '203.0.113.91', 100, 45);
    assert.deepEqual(run(traffic.build()), [], '19 requests is too few; 45% is below the ratio');
  });

  it('stays quiet where errors are the norm (an API answering 404 for unknown ids)', () => {
    const traffic = new Traffic();
    traffic.visitors(60, { minRequests: 30, maxRequests: 30, errorShare: 0.6 });
    prober(traffic, PROBER, 100, 68);
    assert.deepEqual(run(traffic.build()), []);
  });

  it('needs a population of sources with a few requests each', () => {
    const traffic = new Traffic();
    traffic.visitors(3, { minRequests: 30, maxRequests: 30 });
    for (let v = 0; v < 30; v++) traffic.req(T0 + v * MIN, `198.18.9.${v + 1}`, '/'); // one request each: not a population
    prober(traffic, PROBER, 213, 179);
    assert.deepEqual(run(traffic.build()), []);
  });

  it('respects the allowlist and returns the same findings when finished twice', () => {
    const traffic = new Traffic();
    population(traffic);
    prober(traffic, PROBER, 100, 90);
    const fed = traffic.build();
    assert.deepEqual(run(fed, config({ allowlist: ['203.0.113.0/24'] })), []);
    const h = new Harness([createErrorRateDetector]).feed(fed);
    const first = h.finish();
    assert.equal(first.length, 1);
    assert.deepEqual(h.finish(), first);
  });
});
