import type { Severity, Timeline, TimeRange } from '../messages';
import { SEVERITY_ORDER } from '../messages';

const MINUTE_MS = 60_000;

export interface Bar {
  index: number;
  x: number;
  width: number;
  height: number;
  count: number;
}

/**
 * One bar per bucket across `width` pixels, heights proportional to the busiest bucket. A
 * bucket with records is at least one pixel tall, so a lone request stays visible next to a
 * flood.
 */
export function timelineBars(timeline: Timeline, width: number, height: number): Bar[] {
  const n = timeline.counts.length;
  if (n === 0 || width <= 0 || height <= 0) return [];
  let max = 0;
  for (const c of timeline.counts) if (c > max) max = c;
  const step = width / n;
  return timeline.counts.map((count, index) => ({
    index,
    x: index * step,
    width: step,
    height: count === 0 || max === 0 ? 0 : Math.max(1, (count / max) * height),
    count,
  }));
}

/** The bucket a time falls in, or -1 outside the timeline. */
export function bucketOf(time: number, timeline: Timeline): number {
  const index = Math.floor((time - timeline.start) / (timeline.bucketMinutes * MINUTE_MS));
  return index >= 0 && index < timeline.counts.length ? index : -1;
}

/** The time range [from, to) of a bucket. */
export function bucketRange(index: number, timeline: Timeline): TimeRange {
  const width = timeline.bucketMinutes * MINUTE_MS;
  return { from: timeline.start + index * width, to: timeline.start + (index + 1) * width };
}

/** Per bucket holding findings: how many start there and the most severe of them. */
export function findingMarkers(
  findings: readonly { fingerprint: string; severity: Severity }[],
  timeline: Timeline,
): Map<number, { severity: Severity; count: number }> {
  const markers = new Map<number, { severity: Severity; count: number }>();
  for (const f of findings) {
    const time = timeline.findingTimes[f.fingerprint];
    if (time === undefined) continue;
    const index = bucketOf(time, timeline);
    if (index < 0) continue;
    const marker = markers.get(index);
    if (!marker) markers.set(index, { severity: f.severity, count: 1 });
    else {
      marker.count++;
      if (SEVERITY_ORDER.indexOf(f.severity) < SEVERITY_ORDER.indexOf(marker.severity)) marker.severity = f.severity;
    }
  }
  return markers;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A time as the log itself writes it (its own UTC offset): "10:05", or "12 Mar 10:05" when
 * `withDate`; "12 Mar 2024" for whole days.
 */
export function clockLabel(ms: number, offsetMinutes: number, withDate: boolean, wholeDays = false): string {
  const d = new Date(ms + offsetMinutes * MINUTE_MS);
  const date = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  if (wholeDays) return `${date} ${d.getUTCFullYear()}`;
  const clock = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return withDate ? `${date} ${clock}` : clock;
}

/** "UTC+01:00" for an offset in minutes. */
export function offsetLabel(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '−' : '+';
  const m = Math.abs(offsetMinutes);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** A label for a range picked on the timeline: "10:05–10:06 (UTC+00:00)". */
export function rangeLabel(range: TimeRange, offsetMinutes: number): string {
  const span = range.to - range.from;
  const days = span >= 1440 * MINUTE_MS && span % (1440 * MINUTE_MS) === 0;
  const sameDay = Math.floor((range.from + offsetMinutes * MINUTE_MS) / 86_400_000) === Math.floor((range.to - 1 + offsetMinutes * MINUTE_MS) / 86_400_000);
  return `${clockLabel(range.from, offsetMinutes, true, days)}–${clockLabel(range.to, offsetMinutes, !sameDay && !days, days)} (${offsetLabel(offsetMinutes)})`;
}
