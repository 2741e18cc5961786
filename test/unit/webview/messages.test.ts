import * as assert from 'node:assert/strict';
import { defaultPanelState, isHostMessage, isWebviewMessage, sanitizePanelState } from '../../../webview/src/messages';

describe('panel: message guards', () => {
  it('accepts the messages the page sends', () => {
    const good: unknown[] = [
      { type: 'ready', state: null },
      { type: 'ready', state: defaultPanelState('file:///a.log') },
      { type: 'reveal', line: 12, focus: false },
      { type: 'requestEvidence', fingerprint: '36d2718f948c0f7d' },
      { type: 'export', format: 'sarif' },
      { type: 'export', format: 'csv' },
      { type: 'suppress', action: 'rule-for-source', fingerprint: '36d2718f948c0f7d' },
      { type: 'openTechnique', technique: 'T1110.001' },
      { type: 'openTechnique', technique: 'T1190' },
      { type: 'refresh' },
    ];
    for (const m of good) assert.ok(isWebviewMessage(m), JSON.stringify(m));
  });

  it('rejects anything else from the page', () => {
    const bad: unknown[] = [
      null,
      'reveal',
      [],
      { type: 'eval', code: 'x' },
      { type: 'reveal', line: 0, focus: false },
      { type: 'reveal', line: 1.5, focus: false },
      { type: 'reveal', line: '3', focus: false },
      { type: 'reveal', line: 3 },
      { type: 'export', format: 'table' },
      { type: 'export', format: '../../etc/passwd' },
      { type: 'suppress', action: 'everything', fingerprint: 'abc' },
      { type: 'suppress', action: 'finding', fingerprint: '"><img>' },
      { type: 'suppress', action: 'finding', fingerprint: 'a'.repeat(129) },
      { type: 'requestEvidence', fingerprint: 42 },
      { type: 'openTechnique', technique: 'javascript:alert(1)' },
      { type: 'openTechnique', technique: 'T1190/../../evil' },
      { type: 'openTechnique', technique: 'https://evil.example/T1190' },
      { type: 'openTechnique', technique: 'T1190.1' },
      { type: 'ready', state: 'x' },
    ];
    for (const m of bad) assert.equal(isWebviewMessage(m), false, JSON.stringify(m));
  });

  it('checks the host\'s messages on the page side', () => {
    const report = { path: 'a.log', format: 'apache-combined', lines: 1, parsed: 1, skipped: 0, durationMs: 1, findings: [] };
    assert.ok(isHostMessage({ type: 'report', uri: 'file:///a.log', fileName: 'a.log', report }));
    assert.ok(isHostMessage({ type: 'busy', message: null }));
    assert.ok(isHostMessage({ type: 'evidence', fingerprint: 'ab', lines: [{ line: 1, text: '<b>' }], omitted: 0 }));
    assert.equal(isHostMessage({ type: 'report', uri: 'file:///a.log', fileName: 'a.log', report: { ...report, findings: [{ title: 'x' }] } }), false);
    assert.equal(isHostMessage({ type: 'evidence', fingerprint: 'ab', lines: [{ line: 0, text: 'x' }], omitted: 0 }), false);
    assert.equal(isHostMessage({ type: 'timeline', uri: 'x', timeline: { counts: 'x' } }), false);
    assert.equal(isHostMessage({ type: 'html', html: '<img>' }), false);
  });

  it('restores a saved state member by member, dropping what is malformed', () => {
    const saved = {
      version: 1,
      uri: 'file:///w/auth.log',
      view: 'findings',
      filters: { severities: ['high', 'bogus', 'critical'], rule: 'brute-force', text: 'root', time: { from: 10, to: 20 } },
      sort: { key: 'confidence', descending: true },
      selected: '36d2718f948c0f7d',
      scrollTop: 440,
    };
    assert.deepEqual(sanitizePanelState(saved), { ...saved, filters: { ...saved.filters, severities: ['critical', 'high'] } });
    const junk = sanitizePanelState({ uri: 5, view: 'history<script>', filters: { rule: 'rm -rf', time: { from: 20, to: 10 }, text: 7 }, sort: { key: 'evil' }, selected: '<x>', scrollTop: -1 });
    assert.deepEqual(junk, defaultPanelState());
    assert.deepEqual(sanitizePanelState(undefined), defaultPanelState());
  });
});
