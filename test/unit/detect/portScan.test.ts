import assert from 'node:assert/strict';
import { createPortScanDetector } from '../../../server/src/engine/detect/portScan';
import type { Finding } from '../../../server/src/engine/model';
import { at, config, Harness, LogBuilder, MS, ofRule } from './records';

const T0 = at('2024-03-05T10:00:00Z');
const SCANNER = '198.51.100.66';
const SERVER = '10.0.0.5';
const COMMON = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1723, 3306, 3389, 5900, 8080];

function run(log: LogBuilder, cfg = config()): Finding[] {
  return ofRule(new Harness([createPortScanDetector], cfg).feed(log.fed).finish(), 'port-scan');
}

/** `ports` probed one every `everyMs` from `start`. */
function scan(log: LogBuilder, ports: number[], everyMs: number, opts: { start?: number; source?: string; action?: 'block' | 'allow' } = {}): void {
  ports.forEach((p, i) =>
    log.firewall((opts.start ?? T0) + i * everyMs, opts.source ?? SCANNER, SERVER, p, { action: opts.action ?? 'block' }),
  );
}

function range(from: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

describe('port-scan detector', () => {
  it('fires on 48 distinct ports in a minute and names them', () => {
    const log = new LogBuilder();
    const ports = [...COMMON, ...range(8000, 28)];
    scan(log, ports, 1500);
    const [f, ...rest] = run(log);
    assert.equal(rest.length, 0);
    assert.equal(f.source, SCANNER);
    assert.deepEqual(f.attack, ['T1046']);
    assert.equal(f.line, 10, 'the 10th distinct port crosses the threshold');
    assert.equal(f.lines.length, 48);
    assert.equal(f.evidence.distinctPorts, 48);
    assert.equal(f.evidence.wellKnownPorts, 15);
    assert.match(f.message, /^198\.51\.100\.66 hit 48 distinct ports on 10\.0\.0\.5 in 1m11s \(21, 22, 23, 25, 53, 80, 110, 111, …\), 100% blocked; threshold 10 in 5m$/);
    assert.equal(f.severity, 'critical');
  });

  it('stays quiet on a firewall blocking the same port many times', () => {
    const log = new LogBuilder();
    for (let i = 0; i < 500; i++) log.firewall(T0 + i * 100, SCANNER, SERVER, 23);
    for (let i = 0; i < 300; i++) log.firewall(T0 + i * 100, '192.0.2.9', SERVER, i % 2 ? 445 : 3389);
    assert.deepEqual(run(log), []);
  });

  it('stays quiet on replies: a resolver answering to our ephemeral ports, ACK/RST packets', () => {
    const log = new LogBuilder();
    for (let i = 0; i < 40; i++) log.firewall(T0 + i * MS.s, '8.8.8.8', SERVER, 33000 + i * 17, { protocol: 'UDP', sourcePort: 53 });
    for (let i = 0; i < 40; i++) log.firewall(T0 + i * MS.s, '93.184.216.34', SERVER, 40000 + i, { sourcePort: 443 });
    for (let i = 0; i < 40; i++) log.firewall(T0 + i * MS.s, '192.0.2.10', SERVER, 50000 + i, { sourcePort: 8443, flags: 'ACK RST' });
    assert.deepEqual(run(log), []);
    // Probes from a fixed low source port to low ports are still probes (nmap -g 53).
    const evasive = new LogBuilder();
    COMMON.slice(0, 12).forEach((p, i) => evasive.firewall(T0 + i * MS.s, SCANNER, SERVER, p, { sourcePort: 53 }));
    assert.equal(run(evasive).length, 1);
  });

  it('does not fire when the ports are spread wider than the window', () => {
    const log = new LogBuilder();
    scan(log, COMMON.slice(0, 15), 40 * MS.s); // 8 ports per 5 minutes at most
    assert.deepEqual(run(log), []);
    assert.equal(run(log, config({ rules: { 'port-scan': { windowSeconds: 3600 } } })).length, 1);
  });

  it('grows confidence with ports past the threshold, speed, blocking and well-known ports', () => {
    const conf = (ports: number[], everyMs: number, action: 'block' | 'allow'): number => {
      const log = new LogBuilder();
      scan(log, ports, everyMs, { action });
      const [f] = run(log);
      return f.confidence;
    };
    const highAllowedSlow = conf(range(40000, 10), 25 * MS.s, 'allow');
    const wellKnownBlocked = conf(COMMON.slice(0, 10), 25 * MS.s, 'block');
    const bigFast = conf(range(1, 200), 50, 'block');
    assert.ok(highAllowedSlow < 0.4, `ten allowed high ports is low, got ${highAllowedSlow}`);
    assert.ok(wellKnownBlocked > highAllowedSlow);
    assert.ok(wellKnownBlocked >= 0.6);
    assert.ok(bigFast > wellKnownBlocked);
    assert.ok(bigFast > 0.9);
  });

  it('counts several destinations and records without a time', () => {
    const log = new LogBuilder();
    COMMON.slice(0, 12).forEach((p, i) => log.firewall(NaN, SCANNER, `10.0.0.${1 + (i % 3)}`, p));
    const [f] = run(log);
    assert.match(f.message, / hit 12 distinct ports on 3 hosts \(/);
    assert.equal(f.evidence.firstTime, null);
  });

  it('never reports allowlisted sources', () => {
    const log = new LogBuilder();
    scan(log, COMMON, MS.s);
    scan(log, COMMON, MS.s, { source: '192.0.2.77' });
    assert.deepEqual(run(log, config({ allowlist: ['198.51.100.0/24'] })).map((f) => f.source), ['192.0.2.77']);
  });

  it('gives the same answer when finished twice and follows appended lines', () => {
    const log = new LogBuilder();
    scan(log, COMMON.slice(0, 6), MS.s);
    const h = new Harness([createPortScanDetector]).feed(log.fed);
    assert.deepEqual(h.finish(), []);
    const from = log.lineCount;
    scan(log, COMMON.slice(6, 12), MS.s, { start: T0 + 10 * MS.s });
    h.feed(log.since(from));
    const a = h.finish();
    assert.deepEqual(h.finish(), a);
    assert.equal(a[0].evidence.distinctPorts, 12);
    const from2 = log.lineCount;
    scan(log, COMMON.slice(12), MS.s, { start: T0 + 30 * MS.s });
    h.feed(log.since(from2));
    const [b] = h.finish();
    assert.equal(b.evidence.distinctPorts, 20);
    assert.equal(b.fingerprint, a[0].fingerprint);
    assert.ok(b.confidence > a[0].confidence);
  });
});
