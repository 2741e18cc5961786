import { h, svg } from '../dom';
import type { Severity, Timeline, TimeRange } from '../messages';
import { count } from '../model/format';
import { bucketOf, bucketRange, clockLabel, findingMarkers, offsetLabel, timelineBars } from '../model/timelineGeometry';

const HEIGHT = 72;
/** Room above the bars for the finding markers. */
const MARKER_BAND = 10;
const AXIS_BAND = 14;

/**
 * Records per minute as an inline SVG bar chart drawn here (no chart library, nothing
 * fetched), with a marker above every bucket in which findings start. Clicking a bucket
 * filters the table to it.
 */
export class TimelineChart {
  readonly element = h('section', 'timeline', undefined, { 'aria-label': 'Timeline' });
  private readonly caption = h('div', 'timeline-caption');
  private readonly chart = h('div', 'timeline-chart');
  private timeline: Timeline | null = null;
  private findings: readonly { fingerprint: string; severity: Severity }[] = [];
  private selected: TimeRange | null = null;
  private width = 0;

  constructor(private readonly onPick: (range: TimeRange) => void) {
    this.element.append(this.caption, this.chart);
    new ResizeObserver(() => {
      const width = Math.floor(this.chart.clientWidth);
      if (width !== this.width) {
        this.width = width;
        this.draw();
      }
    }).observe(this.chart);
  }

  render(timeline: Timeline | null, findings: readonly { fingerprint: string; severity: Severity }[], selected: TimeRange | null): void {
    this.timeline = timeline;
    this.findings = findings;
    this.selected = selected;
    this.width = Math.floor(this.chart.clientWidth);
    this.draw();
  }

  private draw(): void {
    const t = this.timeline;
    if (!t || t.counts.length === 0) {
      this.caption.textContent = t ? 'Timeline: no line of this log has a timestamp.' : 'Timeline: counting…';
      this.chart.replaceChildren();
      return;
    }
    const perBucket = t.bucketMinutes === 1 ? 'minute' : t.bucketMinutes % 1440 === 0 ? `${t.bucketMinutes / 1440} days` : `${t.bucketMinutes} minutes`;
    this.caption.textContent = `Records per ${perBucket} (${offsetLabel(t.offsetMinutes)})${t.untimed ? `; ${count(t.untimed)} without a time` : ''} — click a bar to show the findings of that time`;
    const width = Math.max(100, this.width);
    const barsHeight = HEIGHT - MARKER_BAND - AXIS_BAND;
    const root = svg('svg', 'timeline-svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': this.caption.textContent ?? '' });
    const bars = timelineBars(t, width, barsHeight);
    const step = width / t.counts.length;
    if (this.selected) {
      const from = bucketOf(this.selected.from, t);
      const to = bucketOf(this.selected.to - 1, t);
      if (from >= 0 && to >= from) root.append(svg('rect', 'selected-range', { x: from * step, y: 0, width: Math.max(2, (to - from + 1) * step), height: HEIGHT - AXIS_BAND }));
    }
    for (const bar of bars) {
      if (bar.count === 0) continue;
      const rect = svg('rect', 'tl-bar', { x: bar.x, y: MARKER_BAND + barsHeight - bar.height, width: Math.max(1, bar.width - (bar.width > 3 ? 1 : 0)), height: bar.height });
      const title = svg('title');
      title.textContent = `${clockLabel(bucketRange(bar.index, t).from, t.offsetMinutes, true)}: ${count(bar.count)} records`;
      rect.append(title);
      root.append(rect);
    }
    for (const [index, marker] of findingMarkers(this.findings, t)) {
      const cx = (index + 0.5) * step;
      const dot = svg('circle', `marker sev-${marker.severity}`, { cx, cy: MARKER_BAND / 2, r: 3.5 });
      const title = svg('title');
      title.textContent = `${clockLabel(bucketRange(index, t).from, t.offsetMinutes, true)}: ${count(marker.count)} finding${marker.count === 1 ? '' : 's'} start here (most severe: ${marker.severity})`;
      dot.append(title);
      root.append(dot);
    }
    const first = bucketRange(0, t).from;
    const last = bucketRange(t.counts.length - 1, t).to;
    const withDate = last - first > 86_400_000 || new Date(first).getUTCDate() !== new Date(last - 1).getUTCDate();
    const startLabel = svg('text', 'axis', { x: 0, y: HEIGHT - 3 });
    startLabel.textContent = clockLabel(first, t.offsetMinutes, withDate);
    const endLabel = svg('text', 'axis', { x: width, y: HEIGHT - 3, 'text-anchor': 'end' });
    endLabel.textContent = clockLabel(last, t.offsetMinutes, withDate);
    root.append(startLabel, endLabel);
    root.addEventListener('click', (event) => {
      const box = root.getBoundingClientRect();
      const index = Math.floor(((event.clientX - box.left) / box.width) * t.counts.length);
      if (index >= 0 && index < t.counts.length) this.onPick(bucketRange(index, t));
    });
    this.chart.replaceChildren(root);
  }
}
