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
        assert.equal(figures.rows.distinctPaths(id), want, `${profile.source} after ${line} lines`);
        assert.equal(profile.distinctPaths, want);
      }
    }
    assert.ok(expected.get('203.0.113.9')!.size > 4096, 'one source went past the cap');
    // a profile read first (without httpFigures) sees every pair too
    profiles.observe(request(line++, '198.51.100.1', '/never-seen-before'));
    const id = profiles.sources.id('198.51.100.1');
    assert.equal(profiles.profile(id).distinctPaths, Math.min(4096, expected.get('198.51.100.1')!.size + 1));
  });

  it('keeps every figure of every source as a record-by-record count would', () => {
    const clock = new WorkingHoursClock(DEFAULT_CONFIG.workingHours);
    const profiles = new SourceProfiles(clock);
    const random = seededRandom(23);
    interface Expected {
      events: number;
      requests: number;
      status4xx: number;
      status5xx: number;
      posts: number;
      offHours: number;
      bytesTotal: number;
      bytesMax: number;
      bytesMaxLine: number;
      firstTime: number;
      lastTime: number;
      minute: number;
      minuteCount: number;
      peakPerMinute: number;
      peakLine: number;
      paths: Set<string>;
      agents: Set<string>;
    }
    const expected = new Map<string, Expected>();
    const start = Date.UTC(2024, 2, 4, 5);
    // 3,000 sources (past the rows' first growths), times that go back now and then (a
    // source's first time must still be its least), untimed records, non-HTTP records, agents
    // that come back after another.
    for (let line = 0; line < 40_000; line++) {
      const source = `10.${Math.floor(random() * 12)}.${Math.floor(random() * 250)}.1`;
      const http = random() < 0.9;
      const timed = random() < 0.95;
      const time = timed ? start + line * 700 - (random() < 0.1 ? Math.floor(random() * 3_600_000) : 0) : NaN;
      const status = [200, 200, 301, 404, 403, 500, 503][Math.floor(random() * 7)];
      const bytes = random() < 0.2 ? 0 : Math.floor(random() ** 4 * 5_000_000);
      const method = random() < 0.15 ? 'POST' : 'GET';
      const path = `/p${Math.floor(random() * 40)}`;
      const agent = `agent-${Math.floor(random() * 3)}`;
      const record: LogRecord = http
        ? { line, kind: 'http', time, offsetMinutes: 0, source, method, path, status, bytes, userAgent: agent }
        : { line, kind: 'auth', time, offsetMinutes: 0, source, user: 'root' };
      profiles.observe(record);

      let e = expected.get(source);
      if (!e) {
        e = { events: 0, requests: 0, status4xx: 0, status5xx: 0, posts: 0, offHours: 0, bytesTotal: 0, bytesMax: 0, bytesMaxLine: line, firstTime: NaN, lastTime: NaN, minute: NaN, minuteCount: 0, peakPerMinute: 0, peakLine: line, paths: new Set(), agents: new Set() };
        expected.set(source, e);
      }
      e.events++;
      if (timed) {
        if (!(time >= e.firstTime)) e.firstTime = time;
        if (!(time <= e.lastTime)) e.lastTime = time;
        if (clock.isOffHours(time, 0)) e.offHours++;
      }
      if (!http) continue;
      e.requests++;
      if (Math.trunc(status / 100) === 4) e.status4xx++;
      if (Math.trunc(status / 100) === 5) e.status5xx++;
      if (method === 'POST') e.posts++;
      e.bytesTotal += bytes;
      if (bytes > e.bytesMax) {
        e.bytesMax = bytes;
        e.bytesMaxLine = line;
      }
      e.paths.add(path);
      e.agents.add(agent);
      if (timed) {
        const minute = Math.floor(time / 60_000);
        e.minuteCount = minute === e.minute ? e.minuteCount + 1 : 1;
        e.minute = minute;
        if (e.minuteCount > e.peakPerMinute) {
          e.peakPerMinute = e.minuteCount;
          e.peakLine = line;
        }
      }
    }

    const figures = profiles.httpFigures();
    assert.ok(figures.ids.length > 2500, `${figures.ids.length} HTTP sources`);
    for (const id of figures.ids) {
      const p = profiles.profile(id);
      const e = expected.get(p.source)!;
      const got = {
        events: p.events,
        requests: p.requests,
        status4xx: p.status4xx,
        status5xx: p.status5xx,
        posts: p.posts,
        offHours: p.offHours,
        bytesTotal: p.bytesTotal,
        bytesMax: p.bytesMax,
        bytesMaxLine: p.bytesMaxLine,
        firstTime: p.firstTime,
        lastTime: p.lastTime,
        peakPerMinute: p.peakPerMinute,
        peakLine: p.peakLine,
        distinctPaths: p.distinctPaths,
        distinctAgents: p.distinctAgents,
      };
      const want = { ...e, distinctPaths: e.paths.size, distinctAgents: e.agents.size };
      for (const key of Object.keys(got) as (keyof typeof got)[]) assert.equal(got[key], want[key], `${p.source} ${key}`);
      // the rows as the statistical rules read them
      const rows = figures.rows;
      assert.deepEqual(
        [rows.requests(id), rows.status4xx(id), rows.status5xx(id), rows.bytesTotal(id), rows.peakPerMinute(id), rows.firstTime(id), rows.lastTime(id)],
        [e.requests, e.status4xx, e.status5xx, e.bytesTotal, e.peakPerMinute, e.firstTime, e.lastTime],
      );
    }
  });
});
