import assert from 'node:assert/strict';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { resolveConfig } from '../../../server/src/engine/config';
import { mulberry32 } from '../../../server/src/engine/detect/isolationForest';
import { forestScores, type ForestScores, type ForestThread, type OutlierJob } from '../../../server/src/engine/detect/outlierScores';
import type { FileReport } from '../../../server/src/engine/model';

/**
 * ml-outlier hands its forest to a second thread at the start of a finish and collects the
 * scores at its turn. Here the "thread" is a double in this thread that computes them with the
 * same function when asked for the answer; the real one is tested in test/unit/io.
 */
class ThreadInProcess implements ForestThread {
  jobs: OutlierJob[] = [];
  constructor(private readonly answer: 'compute' | 'fail' | 'refuse' = 'compute') {}
  begin(job: OutlierJob): boolean {
    if (this.answer === 'refuse') return false;
    // the real thread copies the raw features into memory of its own
    this.jobs.push({ ...job, raw: job.raw.slice() });
    return true;
  }
  end(): ForestScores | null {
    return this.answer === 'fail' ? null : forestScores(this.jobs[this.jobs.length - 1]);
  }
}

/** A combined log of `sources` sources: most browse a little, every 150th hammers 4xx paths at night. */
function accessLog(sources: number): string {
  const random = mulberry32(21);
  const lines: string[] = [];
  for (let s = 0; s < sources; s++) {
    const ip = `10.${(s >> 16) & 255}.${(s >> 8) & 255}.${s & 255}`;
    const odd = s % 150 === 0;
    const requests = odd ? 60 : 1 + Math.floor(random() * 6);
    for (let r = 0; r < requests; r++) {
      const hour = odd ? 3 : 9 + Math.floor(random() * 8);
      const minute = String(Math.floor(random() * 60)).padStart(2, '0');
      const status = odd ? 404 : random() < 0.95 ? 200 : 404;
      const path = odd ? `/probe/${r}` : `/page/${Math.floor(random() * 40)}`;
      lines.push(`${ip} - - [14/May/2024:${String(hour).padStart(2, '0')}:${minute}:00 +0000] "GET ${path} HTTP/1.1" ${status} ${500 + Math.floor(random() * 5000)} "-" "Mozilla/5.0"`);
    }
  }
  return lines.join('\n') + '\n';
}

describe('ml-outlier on a second thread', function () {
  this.timeout(60_000);
  const text = accessLog(3000);
  const options = { path: 'outliers.log', config: resolveConfig(undefined), referenceTime: Date.UTC(2024, 5, 1) };
  const outliersOf = (r: FileReport) => r.findings.filter((f) => f.rule === 'ml-outlier');
  const alone = analyzeText(text, options);

  it('hands the population over at the start of the finish, and the report is the same to the bit', () => {
    const thread = new ThreadInProcess();
    const both = analyzeText(text, { ...options, forestThread: thread });
    assert.equal(thread.jobs.length, 1);
    assert.equal(thread.jobs[0].rows, 3000);
    assert.deepEqual({ ...both, durationMs: 0 }, { ...alone, durationMs: 0 });
    assert.ok(outliersOf(alone).length >= 10, `${outliersOf(alone).length} outliers`);
  });

  it('computes the scores itself when the thread fails or is busy', () => {
    for (const answer of ['fail', 'refuse'] as const) {
      const both = analyzeText(text, { ...options, forestThread: new ThreadInProcess(answer) });
      assert.deepEqual({ ...both, durationMs: 0 }, { ...alone, durationMs: 0 }, answer);
    }
  });

  it('keeps small populations on this thread', () => {
    const thread = new ThreadInProcess();
    analyzeText(accessLog(500), { ...options, forestThread: thread });
    assert.equal(thread.jobs.length, 0);
  });
});
