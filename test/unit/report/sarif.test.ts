import assert from 'node:assert/strict';
import type { Severity } from '../../../server/src/engine/model';
import { renderReport } from '../../../server/src/engine/report';
import {
  artifactUri,
  FINGERPRINT_KEY,
  MAX_RELATED_LOCATIONS,
  SECURITY_SEVERITY,
  toSarif,
} from '../../../server/src/engine/report/sarif';
import { attackUrl, ruleDocsUrl, RULE_IDS, RULES } from '../../../server/src/engine/rules';
import { severityRank } from '../../../server/src/engine/score';
import { TOOL_VERSION } from '../../../server/src/engine/version';
import { allFindings, HOSTILE, sampleReport, TERMINAL_UNSAFE } from './sampleReport';
import { loadSarifValidator } from './schemas';

/* eslint-disable @typescript-eslint/no-explicit-any -- SARIF is read back as plain JSON */

const LEVELS: Record<Severity, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

describe('report/sarif', () => {
  const report = sampleReport();
  const text = toSarif(report);
  const log = JSON.parse(text);
  const run = log.runs[0];
  const findings = allFindings(report);

  it('validates against the official SARIF 2.1.0 schema', () => {
    const validate = loadSarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });

  it('names the schema, the version and the tool', () => {
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    assert.equal(run.tool.driver.name, 'Log Warden');
    assert.equal(run.tool.driver.version, TOOL_VERSION);
    assert.match(run.tool.driver.informationUri, /^https:\/\//);
    assert.deepEqual(run.invocations.map((i: any) => i.executionSuccessful), [true]);
  });

  it('lists every rule of the catalog with descriptions, help, ATT&CK tags and a help link', () => {
    const rules = run.tool.driver.rules;
    assert.deepEqual(rules.map((r: any) => r.id), RULE_IDS);
    for (const rule of rules) {
      const info = RULES[rule.id as keyof typeof RULES];
      assert.equal(rule.shortDescription.text, info.summary);
      assert.ok(rule.fullDescription.text.startsWith(info.summary));
      assert.ok(rule.help.text.length > info.summary.length);
      assert.ok(rule.name && !/\s/.test(rule.name), `rule name is an identifier: ${rule.name}`);
      assert.equal(rule.helpUri, info.attack.length > 0 ? attackUrl(info.attack[0]) : ruleDocsUrl(info.id));
      assert.ok(rule.properties.tags.includes('security'));
      for (const t of info.attack) assert.ok(rule.properties.tags.includes(t), `${rule.id} tagged ${t}`);
    }
    assert.equal(rules.find((r: any) => r.id === 'ml-outlier').helpUri, ruleDocsUrl('ml-outlier'));
  });

  it('gives each rule the security-severity of its worst finding, and none to rules without findings', () => {
    for (const rule of run.tool.driver.rules) {
      const mine = findings.filter(({ finding }) => finding.rule === rule.id).map(({ finding }) => finding.severity);
      if (mine.length === 0) {
        assert.equal(rule.properties['security-severity'], undefined, rule.id);
      } else {
        const worst = mine.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
        assert.equal(rule.properties['security-severity'], SECURITY_SEVERITY[worst], rule.id);
      }
    }
  });

  it('writes one result per finding with rule, level, location, fingerprint and properties', () => {
    assert.equal(run.results.length, findings.length);
    run.results.forEach((result: any, i: number) => {
      const { file, finding } = findings[i];
      assert.equal(result.ruleId, finding.rule);
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, finding.rule);
      assert.equal(result.level, LEVELS[finding.severity]);
      const physical = result.locations[0].physicalLocation;
      assert.equal(physical.region.startLine, finding.line);
      assert.equal(physical.artifactLocation.uri, artifactUri(file.path));
      assert.equal(run.artifacts[physical.artifactLocation.index].location.uri, physical.artifactLocation.uri);
      assert.deepEqual(result.partialFingerprints, { [FINGERPRINT_KEY]: finding.fingerprint });
      assert.equal(result.properties.confidence, finding.confidence);
      assert.equal(result.properties.severity, finding.severity);
      assert.equal(result.properties.source, finding.source);
      assert.equal(result.properties.user, finding.user);
      assert.deepEqual(result.properties.attack, finding.attack);
      assert.deepEqual(result.properties.evidence, finding.evidence);
      const severity = result.properties['security-severity'];
      assert.equal(severity, SECURITY_SEVERITY[finding.severity]);
      assert.ok(Number.isFinite(Number(severity)) && Number(severity) > 0 && Number(severity) <= 10);
    });
  });

  it('maps severities to the code-scanning buckets of the same name', () => {
    // GitHub: > 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
    const bucket = (score: number) => (score > 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low');
    for (const s of ['critical', 'high', 'medium', 'low'] as Severity[]) assert.equal(bucket(Number(SECURITY_SEVERITY[s])), s);
  });

  it('lists the other evidence lines as related locations with ids, capped', () => {
    run.results.forEach((result: any, i: number) => {
      const { finding } = findings[i];
      const others = finding.lines.filter((l) => l !== finding.line);
      const related = result.relatedLocations ?? [];
      assert.deepEqual(
        related.map((r: any) => r.physicalLocation.region.startLine),
        others.slice(0, MAX_RELATED_LOCATIONS),
      );
      const ids = related.map((r: any) => r.id);
      assert.equal(new Set(ids).size, ids.length, 'ids are unique');
      for (const r of related) {
        assert.equal(r.physicalLocation.artifactLocation.uri, result.locations[0].physicalLocation.artifactLocation.uri);
      }
      const omitted = others.length - related.length;
      assert.equal(result.properties.relatedLocationsOmitted, omitted > 0 ? omitted : undefined);
    });
    // The sample holds one finding past the cap: the cap is really exercised.
    assert.ok(run.results.some((r: any) => r.relatedLocations?.length === MAX_RELATED_LOCATIONS));
  });

  it('lists each analysed file once as an artifact, and reports a read error as a notification', () => {
    assert.deepEqual(
      run.artifacts.map((a: any) => a.location.uri),
      report.files.map((f) => artifactUri(f.path)),
    );
    assert.equal(run.artifacts[0].properties.format, report.files[0].format);
    const notes = run.invocations[0].toolExecutionNotifications;
    assert.equal(notes.length, 1);
    assert.equal(notes[0].level, 'error');
    assert.equal(notes[0].locations[0].physicalLocation.artifactLocation.uri, artifactUri(report.files[3].path));
    assert.ok(!TERMINAL_UNSAFE.test(notes[0].message.text));
  });

  it('keeps message text free of control and bidi characters, raw values in properties', () => {
    for (const result of run.results) assert.ok(!TERMINAL_UNSAFE.test(result.message.text), result.message.text);
    const scanner = run.results.find((r: any) => r.ruleId === 'scanner');
    assert.ok(scanner.message.text.includes('nikto'));
    assert.equal(scanner.properties.evidence.userAgent, HOSTILE.ansi);
    assert.ok(!TERMINAL_UNSAFE.test(text), 'the SARIF text itself escapes them');
  });

  it('is what renderReport writes for "sarif"', () => {
    assert.equal(renderReport(report, 'sarif'), text);
  });

  it('is rejected by the schema when broken (the validator is not vacuous)', () => {
    const validate = loadSarifValidator();
    const broken = JSON.parse(text);
    broken.runs[0].results[0].level = 'fatal';
    assert.equal(validate(broken), false);
    const noVersion = JSON.parse(text);
    delete noVersion.version;
    assert.equal(validate(noVersion), false);
  });
});

describe('report/sarif artifactUri', () => {
  const cases: [string, string][] = [
    ['example_logs/apache_sample.log', 'example_logs/apache_sample.log'],
    ['example_logs/apache sample,#1.log', 'example_logs/apache%20sample%2C%231.log'],
    ['logs\\win dir\\auth.log', 'logs/win%20dir/auth.log'],
    ['a:b.log', 'a%3Ab.log'],
    ['100%?.log', '100%25%3F.log'],
    ['données/日志.log', 'donn%C3%A9es/%E6%97%A5%E5%BF%97.log'],
    ['-', '-'],
    ['/var/log/kern.log', 'file:///var/log/kern.log'],
    ['C:\\logs\\big file.log', 'file:///C:/logs/big%20file.log'],
    ['\\\\server\\share\\x.log', 'file://server/share/x.log'],
  ];
  for (const [path, uri] of cases) {
    it(`${JSON.stringify(path)} → ${uri}`, () => assert.equal(artifactUri(path), uri));
  }

  it('resolves back to the same path segments', () => {
    for (const [path] of cases) {
      const uri = artifactUri(path);
      const url = new URL(uri, 'file:///base/');
      const expected = path.replace(/\\/g, '/');
      const decoded = decodeURIComponent(url.pathname);
      assert.ok(decoded.endsWith(expected.replace(/^\/\/[^/]+/, '').replace(/^\//, '')), `${uri} → ${decoded}`);
    }
  });

  it('survives a lone surrogate in a file name', () => {
    assert.equal(artifactUri('bad\uD800name.log'), 'bad%EF%BF%BDname.log');
  });
});
