import { strict as assert } from 'node:assert';
import { SourceProfiles } from '../../../server/src/engine/detect/sourceProfiles';
import { WorkingHoursClock } from '../../../server/src/engine/time/workingHours';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import type { LogRecord } from '../../../server/src/engine/model';
import { seededRandom } from '../../../bench/random';

function request(line: number, source: string, path: string): LogRecord {
  return { line, kind: 'http', time: Date.UTC(2024, 2, 4) + line * 1000, offsetMinutes: 0, source, method: 'GET', path, status: 200, bytes: 100, userAgent: 'curl/8' };
}

describe('per-source profiles (SourceProfiles)', () => {
  it('counts distinct paths per source exactly up to the cap, whenever the counts are read', () => {
    const profiles = new SourceProfiles(new WorkingHoursClock(DEFAULT_CONFIG.workingHours));
    const random = seededRandom(11);
    const expected = new Map<string, Set<string>>();
    const sources = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '203.0.113.9'];
    let line = 0;
    // Counts read between lines at irregular points (a pending pair must never be missed),
    // one source past the cap of 4096 distinct paths, and repeats.
    for (let round = 0; round < 40; round++) {
      const n = 1 + Math.floor(random() * 700);
      for (let i = 0; i < n; i++) {
        const scanner = random() < 0.5;
        const source = scanner ? '203.0.113.9' : sources[Math.floor(random() * 3)];
        const path = `/p${Math.floor(random() * (scanner ? 20_000 : 300))}`;
        profiles.observe(request(line++, source, path));
        if (!expected.has(source)) expected.set(source, new Set());
        expected.get(source)!.add(path);
      }
      const figures = profiles.httpFigures();
      for (const id of figures.ids) {
        const profile = profiles.profile(id);
        const want = Math.min(4096, expected.get(profile.source)!.size);
        assert.equal(figures.distinctPaths[id], want, `${profile.source} after ${line} lines`);
        assert.equal(profile.distinctPaths, want);
      }
    }
    assert.ok(expected.get('203.0.113.9')!.size > 4096, 'one source went past the cap');
    // a profile read first (without httpFigures) sees every pair too
    profiles.observe(request(line++, '198.51.100.1', '/never-seen-before'));
    const id = profiles.sources.id('198.51.100.1');
    assert.equal(profiles.profile(id).distinctPaths, Math.min(4096, expected.get('198.51.100.1')!.size + 1));
  });
});
