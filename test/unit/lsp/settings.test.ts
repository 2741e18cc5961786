import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { effectiveSettings, mergePartialConfigs } from '../../../server/src/lsp/settings';

describe('language server settings', () => {
  it('maps the editor settings onto the engine configuration', () => {
    const { config, diagnostics, problems } = effectiveSettings(
      {
        rules: { 'brute-force': { threshold: 9, enabled: false } },
        mlOutlier: { trees: 50 },
        allowlist: ['10.0.0.0/8'],
        workingHours: { start: 7, days: [1, 2, 3] },
        timezone: 'Europe/Berlin',
        severity: { medium: 'information' },
        maxDiagnosticsPerFinding: 5,
        logFormat: 'syslog',
        referenceYear: 2023,
      },
      undefined,
      true,
    );
    assert.deepEqual(problems, []);
    assert.equal(config.rules['brute-force'].threshold, 9);
    assert.equal(config.rules['brute-force'].enabled, false);
    assert.equal(config.rules['ml-outlier'].trees, 50);
    assert.deepEqual(config.allowlist, ['10.0.0.0/8']);
    assert.deepEqual(config.workingHours, { start: 7, end: 18, days: [1, 2, 3], timezone: 'Europe/Berlin' });
    assert.equal(config.format, 'syslog');
    assert.equal(config.referenceYear, 2023);
    assert.equal(diagnostics.severity.medium, 'information');
    assert.equal(diagnostics.severity.critical, 'error');
    assert.equal(diagnostics.maxPerFinding, 5);
  });

  it('merges .logwarden.json over the editor settings: its values win, lists are joined', () => {
    const { config } = effectiveSettings(
      { rules: { 'brute-force': { threshold: 9, windowSeconds: 60 } }, allowlist: ['10.0.0.1'] },
      { rules: { 'brute-force': { threshold: 4 } }, allowlist: ['10.0.0.2'], suppressions: [{ rule: 'scanner' }] },
      true,
    );
    assert.equal(config.rules['brute-force'].threshold, 4);
    assert.equal(config.rules['brute-force'].windowSeconds, 60);
    assert.deepEqual(config.allowlist, ['10.0.0.1', '10.0.0.2']);
    assert.deepEqual(config.suppressions, [{ rule: 'scanner' }]);
    assert.deepEqual(mergePartialConfigs({ maxEvidenceLines: 3 }, { maxEvidenceLines: 7 }), { maxEvidenceLines: 7 });
  });

  it('drops user-defined patterns in an untrusted workspace, from settings and from the file', () => {
    const trusted = effectiveSettings({ rules: { scanner: { extraAgents: ['evil'] } } }, { rules: { scanner: { extraAgents: ['worse'] } } }, true);
    assert.deepEqual(trusted.config.rules.scanner.extraAgents, ['worse']);
    const untrusted = effectiveSettings({ rules: { scanner: { extraAgents: ['evil'] } } }, { rules: { scanner: { extraAgents: ['worse'], enabled: true } } }, false);
    assert.deepEqual(untrusted.config.rules.scanner.extraAgents, []);
  });

  it('reports mistakes and keeps the defaults instead', () => {
    const { config, diagnostics, problems } = effectiveSettings(
      { rules: { 'brute-force': { threshold: 'many' as never } }, severity: { high: 'loud' as never }, maxDiagnosticsPerDocument: -1, logFormat: 'xml' as never },
      'not an object',
      true,
    );
    assert.equal(config.rules['brute-force'].threshold, DEFAULT_CONFIG.rules['brute-force'].threshold);
    assert.equal(config.format, undefined);
    assert.equal(diagnostics.severity.high, 'error');
    assert.equal(diagnostics.maxPerDocument, 1000);
    assert.equal(problems.length, 5, problems.join('\n'));
  });
});
