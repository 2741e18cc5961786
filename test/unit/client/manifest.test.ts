/**
 * The extension manifest (package.json `contributes`) against the code it configures: every
 * setting the server reads is contributed with a description and the engine's default, and the
 * defaults, nested the way VS Code nests dotted keys, give the engine's DEFAULT_CONFIG.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CONFIG, resolveConfig } from '../../../server/src/engine/config';
import { FORMAT_IDS } from '../../../server/src/engine/formats';
import { EDITOR_DEFAULTS, SETTINGS_SECTION, type LogWardenSettings } from '../../../server/src/protocol';
import { effectiveSettings } from '../../../server/src/lsp/settings';

interface SettingSchema {
  type?: string | string[];
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  scope?: string;
  enum?: unknown[];
}

interface Manifest {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { title: string; properties: Record<string, SettingSchema> }[];
    languages?: unknown[];
  };
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as Manifest;
const settings: Record<string, SettingSchema> = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties));

/** The settings the server reads, with the default each must have (from the engine and the protocol). */
function expectedDefaults(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [rule, values] of Object.entries(DEFAULT_CONFIG.rules)) {
    const prefix = rule === 'ml-outlier' ? `${SETTINGS_SECTION}.mlOutlier` : `${SETTINGS_SECTION}.rules.${rule}`;
    for (const [key, value] of Object.entries(values)) out.set(`${prefix}.${key}`, value);
  }
  out.set(`${SETTINGS_SECTION}.allowlist`, DEFAULT_CONFIG.allowlist);
  out.set(`${SETTINGS_SECTION}.workingHours.start`, DEFAULT_CONFIG.workingHours.start);
  out.set(`${SETTINGS_SECTION}.workingHours.end`, DEFAULT_CONFIG.workingHours.end);
  out.set(`${SETTINGS_SECTION}.workingHours.days`, DEFAULT_CONFIG.workingHours.days);
  out.set(`${SETTINGS_SECTION}.timezone`, DEFAULT_CONFIG.workingHours.timezone);
  for (const [severity, name] of Object.entries(EDITOR_DEFAULTS.severity)) out.set(`${SETTINGS_SECTION}.severity.${severity}`, name);
  out.set(`${SETTINGS_SECTION}.maxDiagnosticsPerFinding`, EDITOR_DEFAULTS.maxDiagnosticsPerFinding);
  out.set(`${SETTINGS_SECTION}.maxDiagnosticsPerDocument`, EDITOR_DEFAULTS.maxDiagnosticsPerDocument);
  out.set(`${SETTINGS_SECTION}.historyRetention`, EDITOR_DEFAULTS.historyRetention);
  out.set(`${SETTINGS_SECTION}.logFormat`, 'auto');
  out.set(`${SETTINGS_SECTION}.referenceYear`, null);
  return out;
}

/** What `workspace/configuration` answers for the section when nothing is set: dotted keys nested. */
function nestedDefaults(): LogWardenSettings {
  const root: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(settings)) {
    const parts = key.split('.').slice(1);
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = structuredClone(schema.default);
  }
  return root as LogWardenSettings;
}

describe('extension manifest', () => {
  it('contributes every setting the server reads, with the engine default', () => {
    const expected = expectedDefaults();
    for (const [key, value] of expected) {
      assert.ok(settings[key], `setting ${key} is contributed`);
      assert.deepEqual(settings[key].default, value, `default of ${key}`);
    }
    const unknown = Object.keys(settings).filter((k) => !expected.has(k));
    assert.deepEqual(unknown, [], 'no contributed setting the server does not read');
  });

  it('describes, types and scopes every setting', () => {
    for (const [key, schema] of Object.entries(settings)) {
      const text = schema.markdownDescription ?? schema.description ?? '';
      assert.ok(text.length >= 20, `${key} has a description`);
      assert.ok(schema.type, `${key} has a type`);
      assert.equal(schema.scope, 'resource', `${key} can differ per folder`);
    }
    assert.deepEqual(settings[`${SETTINGS_SECTION}.logFormat`].enum, ['auto', ...FORMAT_IDS], 'logFormat offers every format');
  });

  it('gives, read back by the server, exactly the engine default configuration', () => {
    const result = effectiveSettings(nestedDefaults(), undefined, true);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.config, resolveConfig({}));
    assert.deepEqual(result.diagnostics, {
      severity: EDITOR_DEFAULTS.severity,
      maxPerFinding: EDITOR_DEFAULTS.maxDiagnosticsPerFinding,
      maxPerDocument: EDITOR_DEFAULTS.maxDiagnosticsPerDocument,
    });
  });

  it('changes the engine configuration through a dotted setting', () => {
    const values = nestedDefaults() as Record<string, Record<string, Record<string, unknown>>>;
    values.rules['brute-force'].threshold = 9;
    values.mlOutlier.enabled = false as unknown as Record<string, unknown>;
    const result = effectiveSettings(values as LogWardenSettings, undefined, true);
    assert.equal(result.config.rules['brute-force'].threshold, 9);
    assert.equal(result.config.rules['ml-outlier'].enabled, false);
  });

  it('restricts the pattern settings in untrusted workspaces', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.ok(trust.restrictedConfigurations?.includes(`${SETTINGS_SECTION}.rules.scanner.extraAgents`));
    for (const key of trust.restrictedConfigurations ?? []) assert.ok(settings[key], `restricted ${key} exists`);
  });

  it('activates lazily on logs and on its commands, whose menus name contributed commands', () => {
    const commands = manifest.contributes.commands.map((c) => c.command);
    assert.deepEqual(commands.sort(), ['logWarden.analyzeLog', 'logWarden.clearHistory', 'logWarden.restartServer', 'logWarden.showHistory', 'logWarden.showOutput']);
    assert.ok(manifest.activationEvents.includes('onLanguage:log'));
    for (const c of commands) assert.ok(manifest.activationEvents.includes(`onCommand:${c}`), `activates on ${c}`);
    assert.ok(!manifest.activationEvents.includes('*'), 'never activates eagerly');
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) assert.ok(commands.includes(item.command), `${menu} names ${item.command}`);
    }
    assert.match(manifest.contributes.menus['explorer/context'][0].when ?? '', /jsonl/, 'JSON-lines logs can be analysed from the explorer');
  });
});
