import assert from 'node:assert/strict';
import { createScannerDetector, findScannerMarker, identifyTool } from '../../../server/src/engine/detect/scanner';
import type { Finding, LogRecord } from '../../../server/src/engine/model';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { at, config, Harness, ofRule, type Fed } from './records';

const T0 = at('2024-05-14T09:00:00Z');

function request(source: string, target: string, ua: string, line: number, referrer = '-', status = 404): Fed {
  const q = target.indexOf('?');
  const record: LogRecord = {
    line,
    kind: 'http',
    time: T0 + line * 1000,
    offsetMinutes: 0,
    source,
    method: 'GET',
    path: q < 0 ? target : target.slice(0, q),
    status,
    bytes: 100,
    userAgent: ua,
    ...(q >= 0 ? { query: target.slice(q + 1) } : {}),
    ...(referrer !== '-' ? { referrer } : {}),
  };
  const text = `${source} - - [14/May/2024:09:00:00 +0000] "GET ${target} HTTP/1.1" ${status} 100 "${referrer}" "${ua}"`;
  return { record, text };
}

function run(fed: Fed[], cfg = config()): Finding[] {
  return ofRule(new Harness([createScannerDetector], cfg).feed(fed).finish(), 'scanner');
}

describe('scanner detector', () => {
  describe('recognises attack-tool agents', () => {
    const agents: [string, string][] = [
      ['sqlmap', 'sqlmap/1.7.2#stable (https://sqlmap.org)'],
      ['nikto', 'Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)'],
      ['nmap', 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)'],
      ['masscan', 'masscan/1.3 (https://github.com/robertdavidgraham/masscan)'],
      ['masscan-ng', 'masscan-ng/1.3'],
      ['zgrab', 'Mozilla/5.0 zgrab/0.x'],
      ['gobuster', 'gobuster/3.6'],
      ['dirbuster', 'DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)'],
      ['dirb', 'Mozilla/4.0 (compatible; dirb)'],
      ['wfuzz', 'Wfuzz/3.1.0'],
      ['ffuf', 'Fuzz Faster U Fool v2.1.0-dev'],
      ['feroxbuster', 'feroxbuster/2.10.1'],
      ['wpscan', 'WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)'],
      ['nuclei', 'Nuclei - Open-source project (github.com/projectdiscovery/nuclei)'],
      ['acunetix', 'Mozilla/5.0 (compatible; Acunetix Web Vulnerability Scanner)'],
      ['netsparker', 'Mozilla/5.0 (compatible; Netsparker)'],
      ['w3af', 'w3af.org'],
      ['w3af', 'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; w3af.sf.net)'],
      ['openvas', 'Mozilla/5.0 [en] (X11, U; OpenVAS-VT 9.0.3)'],
      ['nessus', 'Mozilla/4.0 (compatible; Nessus)'],
      ['burp collaborator', 'Mozilla/5.0 abc.burpcollaborator.net'],
      ['hydra', 'Mozilla/4.0 (Hydra)'],
      ['medusa', 'Medusa v2.2'],
      ['skipfish', 'Mozilla/5.0 SF/2.10b'],
      ['arachni', 'Arachni/v1.5.1'],
      ['whatweb', 'WhatWeb/0.5.5'],
      ['jaeles', 'Jaeles Scanner'],
      ['zmeu', 'ZmEu'],
      ['morfeus', 'Morfeus Fucking Scanner'],
      ['censys', 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)'],
      ['expanse', 'Expanse, a Palo Alto Networks company, searches across the global IPv4 space multiple times per day'],
    ];
    for (const [name, ua] of agents) {
      it(`${name}: ${ua}`, () => {
        assert.equal(identifyTool(ua)?.name, name);
      });
    }
  });

  describe('leaves ordinary clients alone', () => {
    const ordinary = [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      'curl/8.5.0',
      'Wget/1.21.4',
      'python-requests/2.31.0',
      'Python-urllib/3.11',
      'Go-http-client/1.1',
      'libwww-perl/6.72',
      'okhttp/4.12.0',
      'Java/17.0.2',
      'axios/1.6.8',
      'PostmanRuntime/7.37.3',
      'Googlebot/2.1 (+http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0 UnmappedDrive',
      'Sitemap-Generator/1.0',
      'Hydrangea-Feed-Reader/2.0',
      'ExpanseReader/1.2 (rss)',
      '-',
    ];
    for (const ua of ordinary) {
      it(ua, () => assert.equal(identifyTool(ua), null));
    }
    it('reports nothing for a log of ordinary clients', () => {
      assert.deepEqual(
        run(ordinary.map((ua, i) => request('198.51.100.1', '/index.html', ua, i, '-', 200))),
        [],
      );
    });
  });

  describe('scanner markers in URLs', () => {
    const marked: [string, string][] = [
      ['acunetix', '/acunetix-wvs-test-for-some-inexistent-file'],
      ['acunetix', '/index.php?x=;print(md5(acunetix_wvs_security_test));'],
      ['netsparker', '/DVWA/Netsparker5813f70393f249298de468dad74c98a4/'],
      ['netsparker', "/DVWA/vulnerabilities/sqli/?'\"--></style></scRipt><scRipt>netsparker(0x0001A4)</scRipt>"],
      ['burp collaborator', '/fetch?url=http://x1y2.oastify.com/'],
      ['interactsh', '/fetch?url=http://c0abc.oast.fun'],
    ];
    for (const [name, target] of marked) {
      it(`${name}: ${target}`, () => assert.equal(findScannerMarker(target)?.name, name));
    }
    it('does not mistake ordinary paths for markers', () => {
      for (const p of ['/blog/sparkle-and-spare-parts', '/product/acune-tix', '/contact', '/w3/af/index.html', '/interactive/shop']) {
        assert.equal(findScannerMarker(p), null, p);
      }
    });
  });

  it('runs in linear time on hostile agents and URLs (1 MB each)', function () {
    this.timeout(20_000);
    for (const s of ['a'.repeat(1e6), 'acunetix'.slice(0, 7).repeat(1.4e5), 'nmap '.repeat(2e5), 'expanse, a palo alto '.repeat(5e4), '.oast.'.repeat(1.6e5)]) {
      const t0 = performance.now();
      identifyTool(s, ['zz-not-there']);
      findScannerMarker(s);
      assert.ok(performance.now() - t0 < 500);
    }
  });

  describe('findings', () => {
    it('one finding per source with tools, requests and T1595.002', () => {
      const fed = [
        request('203.0.113.5', '/', 'Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)', 0),
        request('198.51.100.1', '/', 'Mozilla/5.0 Firefox/125.0', 1, '-', 200),
        request('203.0.113.5', '/admin/', 'Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000002)', 2),
        request('203.0.113.5', '/x?id=1', 'sqlmap/1.7.2#stable (https://sqlmap.org)', 3),
      ];
      const findings = run(fed);
      assert.equal(findings.length, 1);
      const [f] = findings;
      assert.equal(f.source, '203.0.113.5');
      assert.deepEqual(f.attack, ['T1595.002']);
      assert.deepEqual(f.lines, [1, 3, 4]);
      assert.deepEqual(f.evidence.tools, ['nikto', 'sqlmap']);
      assert.deepEqual(f.evidence.toolRequests, [2, 1]);
      assert.equal(f.evidence.requests, 3);
      assert.equal(f.title, 'Attack tools (nikto, sqlmap) from 203.0.113.5');
      const [s, e] = f.evidence.span as number[];
      assert.equal(fed[0].text.slice(s, e), 'Nikto');
    });

    it('a marked referrer repeated by several sources counts for each, among plain ones', () => {
      const marked = 'http://c0abc.oast.fun/';
      const plain = 'https://www.example-shop.com/';
      const browser = 'Mozilla/5.0 Firefox/125.0';
      const fed = Array.from({ length: 12 }, (_, i) => request(`198.51.100.${i % 3}`, `/p${i}`, browser, i, i % 4 === 0 ? marked : plain, 200));
      const findings = run(fed);
      assert.deepEqual(findings.map((f) => [f.source, f.evidence.requests, f.evidence.firstSeenIn]), [
        ['198.51.100.0', 1, 'referrer'],
        ['198.51.100.1', 1, 'referrer'],
        ['198.51.100.2', 1, 'referrer'],
      ]);
      assert.deepEqual(findings[1].lines, [5]);
    });

    it('rates exploitation above vulnerability scanners above internet survey scanners', () => {
      const conf = (ua: string) => run([request('203.0.113.5', '/', ua, 0)])[0].confidence;
      const sqlmap = conf('sqlmap/1.7.2#stable (https://sqlmap.org)');
      const nikto = conf('Mozilla/5.00 (Nikto/2.1.6)');
      const zgrab = conf('Mozilla/5.0 zgrab/0.x');
      assert.ok(sqlmap > nikto && nikto > zgrab, `${sqlmap} > ${nikto} > ${zgrab}`);
      assert.ok(zgrab < 0.4, 'a survey scanner alone is low');
    });

    it('confidence grows with volume, and a survey scanner stays below high', () => {
      const many = (ua: string, n: number) =>
        run(Array.from({ length: n }, (_, i) => request('203.0.113.5', `/p${i}`, ua, i)))[0].confidence;
      assert.ok(many('sqlmap/1.7', 50) > many('sqlmap/1.7', 1));
      assert.ok(many('sqlmap/1.7', 50) > 0.8, 'a sustained sqlmap run is critical');
      assert.ok(many('masscan/1.3', 500) < 0.6);
    });

    it('flags URL markers even behind a browser agent', () => {
      const [f] = run([
        request('192.168.4.25', '/acunetix-wvs-test-for-some-inexistent-file', 'Mozilla/5.0 (Windows NT 6.1; WOW64) Chrome/41.0', 0),
      ]);
      assert.deepEqual(f.evidence.tools, ['acunetix']);
      assert.equal(f.evidence.firstSeenIn, 'url');
    });

    it('reports extraAgents from the configuration', () => {
      const cfg = config({ rules: { scanner: { extraAgents: ['python-requests', 'BadBot'] } } });
      const findings = run(
        [request('203.0.113.5', '/', 'python-requests/2.31.0', 0), request('203.0.113.6', '/', 'Mozilla/5.0 (compatible; badbot/3)', 1)],
        cfg,
      );
      assert.deepEqual(findings.map((f) => f.evidence.tools), [['python-requests'], ['badbot']]);
      assert.ok(findings.every((f) => f.evidence.toolClasses && (f.evidence.toolClasses as string[])[0] === 'user-listed'));
    });

    it('respects the allowlist', () => {
      const fed = [request('10.9.8.7', '/', 'Mozilla/5.00 (Nikto/2.1.6)', 0), request('203.0.113.5', '/', 'Mozilla/5.00 (Nikto/2.1.6)', 1)];
      assert.deepEqual(run(fed, config({ allowlist: ['10.9.8.0/24'] })).map((f) => f.source), ['203.0.113.5']);
    });

    it('finish does not change state', () => {
      const h = new Harness([createScannerDetector], config());
      h.feed([request('203.0.113.5', '/', 'sqlmap/1.7', 0)]);
      const a = h.finish();
      assert.deepEqual(h.finish(), a);
      h.feed([request('203.0.113.5', '/b', 'sqlmap/1.7', 1)]);
      assert.equal(ofRule(h.finish(), 'scanner')[0].evidence.requests, 2);
    });

    it('end to end on a combined log', () => {
      const text = [
        '203.0.113.9 - - [14/May/2024:09:00:01 +0000] "GET /.env HTTP/1.1" 404 196 "-" "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"',
        '198.51.100.23 - - [14/May/2024:09:00:02 +0000] "GET / HTTP/1.1" 200 5120 "-" "curl/8.5.0"',
        '203.0.113.9 - - [14/May/2024:09:00:03 +0000] "GET /robots.txt HTTP/1.1" 404 196 "-" "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"',
      ].join('\n');
      const found = ofRule(analyzeText(text, { path: 'access.log', config: config() }).findings, 'scanner');
      assert.deepEqual(found.map((f) => [f.source, f.lines]), [['203.0.113.9', [1, 3]]]);
      assert.deepEqual(found[0].evidence.tools, ['nmap']);
    });
  });
});
