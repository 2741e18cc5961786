import { DocumentAnalysis } from '../../server/src/engine/documentAnalysis';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { authLogLines } from '../support/syntheticLogs';
(async () => {
  const text = authLogLines(200_000, { seed: 11 }).join('\n') + '\n';
  let t0 = performance.now();
  const doc = new DocumentAnalysis(text, { path: 'x', config: DEFAULT_CONFIG });
  console.log('construct', (performance.now() - t0).toFixed(0));
  let last = performance.now(); const gaps: [number, string][] = []; let phase = '';
  const pause = () => new Promise<void>((r) => { const now = performance.now(); gaps.push([now - last, phase]); setImmediate(() => { last = performance.now(); r(); }); });
  const doc2 = new DocumentAnalysis(text, { path: 'x', config: DEFAULT_CONFIG, yieldToEventLoop: pause });
  last = performance.now(); t0 = last;
  const r = await doc2.analyze(undefined, (p) => (phase = p.phase));
  gaps.push([performance.now() - last, 'finish']);
  gaps.sort((a, b) => b[0] - a[0]);
  console.log('total', (performance.now() - t0).toFixed(0), 'chunks', gaps.length, 'worst gaps', gaps.slice(0, 8).map(([g, p]) => `${g.toFixed(0)}ms(${p})`).join(' '));
  void doc; void r;
})();
